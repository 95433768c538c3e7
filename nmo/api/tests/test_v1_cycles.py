"""API v1: cycles (api.md: Cycles)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nmo.cycles.models import Cycle
from nmo.cycles.services import post_credit
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db

DETAIL_KEYS = {"id", "specialty", "starts_on", "ends_on", "rule", "earned", "total_earned"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))):
        yield


@pytest.fixture
def cardiology(db):
    return factories.specialty(factories.CARDIOLOGY)


def _post(api_client, body, headers):
    return api_client.post("/api/v1/cycles", body, content_type="application/json", **headers)


@pytest.mark.clause("faq-portal-cycles", "faq-voluntary")
def test_a_specialist_enters_a_cycle(api_client, token_for, specialist, cardiology):
    """POST /cycles → 201 with the cycle's id, dates and the default rule's parts."""
    response = _post(
        api_client, {"specialty": "31.08.36", "starts_on": "2025-03-01"}, token_for(specialist)
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["specialty"] == "31.08.36"
    assert (body["starts_on"], body["ends_on"]) == ("2025-03-01", "2030-02-28")
    assert Cycle.objects.get(pk=body["id"]).specialist == specialist


@pytest.mark.clause("faq-cycle-hours", "faq-portal-cycles")
def test_a_cycle_shows_rule_and_earned_hours_exactly(api_client, token_for, specialist, cardiology):
    """GET /cycles/{id} → exactly {id, specialty, starts_on, ends_on, rule {total, parts},
    earned, total_earned}, parts programme, events, modules (faq-cycle-hours)."""
    headers = token_for(specialist)
    cycle_id = _post(
        api_client, {"specialty": "31.08.36", "starts_on": "2025-03-01"}, headers
    ).json()["id"]
    post_credit(
        specialist=specialist,
        activity=factories.event(credits=20),
        source="code",
        occurred_on=date(2025, 10, 1),
    )
    response = api_client.get(f"/api/v1/cycles/{cycle_id}", **headers)
    assert response.status_code == 200
    assert response.json() == {
        "id": cycle_id,
        "specialty": "31.08.36",
        "starts_on": "2025-03-01",
        "ends_on": "2030-02-28",
        "rule": {"total": 144, "parts": {"programme": 108, "events": 16, "modules": 20}},
        "earned": {"programme": 0, "events": 20, "modules": 0},
        "total_earned": 16,
    }
    listed = api_client.get("/api/v1/cycles", **headers)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [cycle_id]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"specialty": "00.00.00", "starts_on": "2025-03-01"}, 422, "cycle_invalid"),
        ({"specialty": "31.08.36", "starts_on": "2020-03-01"}, 422, "cycle_invalid"),
        ({"specialty": "31.08.36", "starts_on": "01.03.2025"}, 422, "validation_error"),
        ({"specialty": "31.08.36"}, 422, "validation_error"),
    ],
)
def test_bad_cycles_are_refused(api_client, token_for, specialist, cardiology, body, status, code):
    response = _post(api_client, body, token_for(specialist))
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["errors"]


def test_an_overlapping_cycle_is_409(api_client, token_for, specialist, cardiology):
    headers = token_for(specialist)
    _post(api_client, {"specialty": "31.08.36", "starts_on": "2025-03-01"}, headers)
    response = _post(api_client, {"specialty": "31.08.36", "starts_on": "2026-01-01"}, headers)
    assert response.status_code == 409
    assert response.json()["code"] == "cycle_overlaps"


def test_it_checks_access(api_client, token_for, specialist, provider, cardiology):
    """No token: 401; a provider: 403; someone else's cycle: 404."""
    from nmo.accounts.services import add_user

    body = {"specialty": "31.08.36", "starts_on": "2025-03-01"}
    assert _post(api_client, body, {}).status_code == 401
    assert api_client.get("/api/v1/cycles").status_code == 401
    provider_headers = token_for(provider)
    refused = _post(api_client, body, provider_headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert api_client.get("/api/v1/cycles", **provider_headers).status_code == 403
    cycle_id = _post(api_client, body, token_for(specialist)).json()["id"]
    other = add_user(
        email="petrov@example.ru", password="pw-1234567890", role="specialist", last_name="Петров"
    )
    response = api_client.get(f"/api/v1/cycles/{cycle_id}", **token_for(other, "pw-1234567890"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_client.get("/api/v1/cycles/999999", **token_for(specialist)).status_code == 404
