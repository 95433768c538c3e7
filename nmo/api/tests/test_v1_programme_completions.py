"""API v1: the ДПП hours an educational organisation's system reports (api.md: Programme
completions)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nmo.accounts.services import add_user
from nmo.cycles.models import CreditEntry
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db

PATH = "/api/v1/programme-completions"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))):
        yield


@pytest.fixture
def staff(db, password):
    return add_user(
        email="uchebny@npc.example.ru",
        password=password,
        role="organisation_staff",
        organisation_name="ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»",
    )


@pytest.fixture
def cardiology(db):
    return factories.specialty(factories.CARDIOLOGY)


BODY = {
    "snils": "112-233-445 95",
    "programme_title": "Кардиология: актуальные вопросы",
    "specialty": "31.08.36",
    "hours": 36,
    "remote_hours": 20,
    "completed_on": "2026-05-29",
    "document_number": "772400012345",
}


def _post(api_client, body, headers):
    return api_client.post(PATH, body, content_type="application/json", **headers)


@pytest.mark.clause("faq-cycle-hours", "faq-portal-cycles")
def test_first_report_is_201_repeat_is_200_and_the_cycle_shows_the_hours(
    api_client, token_for, staff, specialist, cardiology
):
    """The first report answers 201 {id, cycle_id}; a repeat of the same document number
    200 with the same body and no second entry; the specialist's cycle then shows the
    hours in earned.programme (faq-cycle-hours, faq-portal-cycles)."""
    cycle = api_client.post(
        "/api/v1/cycles",
        {"specialty": "31.08.36", "starts_on": "2025-03-01"},
        content_type="application/json",
        **token_for(specialist),
    ).json()
    headers = token_for(staff)
    first = _post(api_client, BODY, headers)
    assert first.status_code == 201, first.content
    assert first.json() == {"id": first.json()["id"], "cycle_id": cycle["id"]}
    again = _post(api_client, {**BODY, "hours": 40}, headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert CreditEntry.objects.filter(specialist=specialist, kind="programme").count() == 1
    shown = api_client.get(f"/api/v1/cycles/{cycle['id']}", **token_for(specialist)).json()
    assert shown["earned"]["programme"] == 36


def test_without_a_cycle_the_cycle_id_is_null(api_client, token_for, staff, specialist, cardiology):
    """The hours are recorded even before the specialist has a cycle for the specialty."""
    response = _post(api_client, BODY, token_for(staff))
    assert response.status_code == 201
    assert response.json()["cycle_id"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": 0}, "hours"),
        ({"remote_hours": 40}, "remote_hours"),
        ({"specialty": "99.99.99"}, "specialty"),
        ({"snils": "112-233-445 96"}, "snils"),
    ],
)
def test_bad_reports_are_422_in_russian(
    api_client, token_for, staff, specialist, cardiology, change, field
):
    """hours < 1, remote_hours > hours, an unknown specialty, a SNILS with a bad checksum:
    422 with the field's Russian message, and nothing recorded."""
    response = _post(api_client, {**BODY, **change}, token_for(staff))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert field in errors
    assert re.search("[а-я]", " ".join(errors[field]))
    assert not CreditEntry.objects.filter(kind="programme").exists()


def test_it_checks_access(api_client, token_for, staff, specialist, cardiology):
    """No token 401; a specialist 403; an unknown SNILS 404 `specialist_not_found`."""
    assert _post(api_client, BODY, {}).status_code == 401
    assert _post(api_client, BODY, token_for(specialist)).status_code == 403
    response = _post(api_client, {**BODY, "snils": "191-641-000 47"}, token_for(staff))
    assert response.status_code == 404
    assert response.json()["code"] == "specialist_not_found"


@pytest.mark.clause("faq-cycle-hours")
def test_a_repeat_with_the_number_written_differently_is_the_same_document(
    api_client, token_for, staff, specialist, cardiology
):
    """A system that sends the number once as printed and once run together is answered
    200 with the first entry: numbers are matched by their key, not their spelling
    (ADR 0118)."""
    headers = token_for(staff)
    first = _post(api_client, {**BODY, "document_number": "серия 7724 № 00012345"}, headers)
    assert first.status_code == 201, first.content
    again = _post(api_client, {**BODY, "document_number": "7724-00012345"}, headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    entry = CreditEntry.objects.get(specialist=specialist, kind="programme")
    assert entry.programme_title == BODY["programme_title"]
    assert entry.document_key == "772400012345"
