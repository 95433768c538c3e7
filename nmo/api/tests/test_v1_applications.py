"""API v1: applications for cohorts (ADR 0117) — the specialist applies, lists and
withdraws; the organisation's staff list, accept (enrolling the same account), decline
with a reason and record the contract; refusals in Russian with the right status."""

import pytest
from django.utils import timezone

from nmo.accounts.models import User
from nmo.programmes.models import Enrolment, ProgrammeApplication
from nmo.programmes.tests.conftest import organisation_under
from nmo.programmes.tests.test_applications import another_specialist, offered

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def npc(db):
    return organisation_under("npc_dzm", name="ГБУЗ НПЦ", email="uo@npc.example.ru")


@pytest.fixture
def rgmu(db):
    return organisation_under("rostgmu", name="РостГМУ", email="fpk@rostgmu.example.ru")


@pytest.mark.clause("faq-join-steps")
def test_apply_accept_and_contract_through_the_api(api_client, token_for, npc, specialist):
    """faq-join-steps, steps 1–2 through the API: apply, the staff accept with the
    contract, the specialist's own account is the cohort's learner."""
    cohort = offered(npc, seats=2)
    me, staff = token_for(specialist), token_for(npc.staff)
    people = User.objects.count()
    bad = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/applications",
        {"payment_basis": "employer_contract"},
        content_type=JSON,
        **me,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["employer_name"] == ["Укажите наименование работодателя."]
    assert not ProgrammeApplication.objects.exists()
    filed = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/applications",
        {"payment_basis": "employer_contract", "employer_name": "ДГП № 7"},
        content_type=JSON,
        **me,
    )
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert (body["status"], body["status_label"]) == ("filed", "подана")
    again = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/applications",
        {"payment_basis": "specialist_contract"},
        content_type=JSON,
        **me,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "application_exists"

    listed = api_client.get(f"/api/v1/cohorts/{cohort.pk}/applications?status=filed", **staff)
    assert [a["id"] for a in listed.json()] == [body["id"]]
    today = timezone.localdate().isoformat()
    accepted = api_client.post(
        f"/api/v1/applications/{body['id']}/accept",
        {"contract_number": "Д-1", "contract_date": today},
        content_type=JSON,
        **staff,
    )
    assert accepted.status_code == 200, accepted.content
    result = accepted.json()
    assert (result["status"], result["contract_payer"]) == ("accepted", "ДГП № 7")
    assert Enrolment.objects.get(pk=result["enrolment_id"]).learner_id == specialist.pk
    assert User.objects.count() == people
    contract = api_client.post(
        f"/api/v1/applications/{body['id']}/contract",
        {"contract_number": "Д-1/2", "contract_date": today, "contract_payer": "ДГП № 7 ДЗМ"},
        content_type=JSON,
        **staff,
    )
    assert contract.json()["contract_number"] == "Д-1/2"
    mine = api_client.get("/api/v1/applications", **me).json()
    assert [(a["status"], a["contract_number"]) for a in mine] == [("accepted", "Д-1/2")]
    late = api_client.post(f"/api/v1/applications/{body['id']}/withdraw", **me)
    assert late.status_code == 409
    assert late.json()["code"] == "application_not_open"


def test_the_api_checks_who_acts(api_client, token_for, npc, rgmu, specialist):
    cohort = offered(npc, seats=1)
    me = token_for(specialist)
    filed = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/applications",
        {"payment_basis": "specialist_contract"},
        content_type=JSON,
        **me,
    ).json()
    # The last seat is held: another specialist gets a Russian 409.
    other = another_specialist()
    full = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/applications",
        {"payment_basis": "specialist_contract"},
        content_type=JSON,
        **token_for(other),
    )
    assert full.status_code == 409
    assert full.json()["code"] == "no_seats_left"
    assert "Свободных мест в группе не осталось" in full.json()["detail"]
    outsider = token_for(rgmu.staff)
    assert (
        api_client.get(f"/api/v1/cohorts/{cohort.pk}/applications", **outsider).status_code == 404
    )
    refused = api_client.post(
        f"/api/v1/applications/{filed['id']}/decline",
        {"reason": "Чужая организация."},
        content_type=JSON,
        **outsider,
    )
    assert refused.status_code == 404
    assert (
        api_client.post(
            f"/api/v1/applications/{filed['id']}/accept", {}, content_type=JSON, **me
        ).status_code
        == 403
    )
    assert api_client.get(f"/api/v1/cohorts/{cohort.pk}/applications", **me).status_code == 403
    assert (
        api_client.post(
            f"/api/v1/cohorts/{cohort.pk}/applications",
            {"payment_basis": "specialist_contract"},
            content_type=JSON,
            **token_for(npc.staff),
        ).status_code
        == 403
    )
    assert (
        api_client.post(
            f"/api/v1/applications/{filed['id']}/withdraw", **token_for(other)
        ).status_code
        == 404
    )
    assert api_client.get("/api/v1/applications").status_code == 401
    no_reason = api_client.post(
        f"/api/v1/applications/{filed['id']}/decline",
        {"reason": "  "},
        content_type=JSON,
        **token_for(npc.staff),
    )
    assert no_reason.status_code == 422
    assert "Укажите причину отказа" in no_reason.json()["errors"]["reason"][0]
    assert ProgrammeApplication.objects.get(pk=filed["id"]).status == "filed"
