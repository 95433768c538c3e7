"""API v1: what the study department does on the programme and cohort pages, through the
API (ADR 0019): programmes and stages, cohorts, learners' progress, debts, admission and
its override. The services check the regulation; the API answers their refusals."""

import io

import pytest

from nmo.attestation.tests.factories import (
    build,
    make_cohort,
    make_programme,
    organisation_under,
    specialty,
)
from nmo.programmes.xlsx import bank_template
from nmo.regulations.types import GradeScale, StageKind

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def npc(db):
    return organisation_under("npc")


@pytest.fixture
def rgmu(db):
    return organisation_under("rgmu")


@pytest.fixture
def outsider(db):
    return organisation_under(
        "rgmu", name="ГБОУ ВО Другой университет", email="staff@other.example.ru"
    ).staff


def programme_body(org, **overrides):
    body = {
        "organisation_id": org.organisation.pk,
        "unit_id": org.department.pk,
        "kind": "qualification_upgrade",
        "title": "Неотложная помощь детям",
        "hours": 36,
        "attestation_form": "credit_test",
        "attestation_hours": 2,
        "specialties": ["31.08.19"],
    }
    body.update(overrides)
    return body


@pytest.mark.clause("npc-2.5", "rgmu-2.5")
def test_the_regulation_decides_which_programmes_may_be_created(api_client, token_for, npc, rgmu):
    """A retraining programme with an exam is refused under НПЦ ДЗМ (only qualification
    upgrade, npc-2.5) with a Russian reason, and created under РостГМУ (rgmu-2.5)."""
    specialty()
    retraining = {
        "kind": "professional_retraining",
        "attestation_form": "exam",
        "hours": 504,
        "attestation_hours": 6,
    }
    refused = api_client.post(
        "/api/v1/programmes",
        programme_body(npc, **retraining),
        content_type=JSON,
        **token_for(npc.staff),
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "programme_breaches_regulation"
    assert "п. 2.5 Положения НПЦ ДЗМ" in str(refused.json())
    created = api_client.post(
        "/api/v1/programmes",
        programme_body(rgmu, **retraining),
        content_type=JSON,
        **token_for(rgmu.staff),
    )
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "professional_retraining"
    assert set(created.json()["criteria"]) == {
        "excellent",
        "good",
        "satisfactory",
        "unsatisfactory",
    }


def test_bad_input_is_422_in_russian_and_an_unknown_specialty_too(api_client, token_for, npc):
    """A kind the API does not know and a specialty not in the nomenclature are 422 with
    the field named and a Russian message; nothing is created."""
    specialty()
    headers = token_for(npc.staff)
    response = api_client.post(
        "/api/v1/programmes", programme_body(npc, kind="mba"), content_type=JSON, **headers
    )
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]
    response = api_client.post(
        "/api/v1/programmes",
        programme_body(npc, specialties=["99.99.99"]),
        content_type=JSON,
        **headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"]["specialties"][0].startswith("Нет действующей")
    assert api_client.get("/api/v1/programmes", **headers).json() == []


def test_stages_are_changed_and_removed(api_client, token_for, npc):
    """A stage is updated with the checks of adding one (a зачёт is graded on the
    two-point scale, npc-3.3) and removed; the rest are renumbered."""
    programme = make_programme(npc)
    stages = list(programme.stages.order_by("order"))
    headers = token_for(npc.staff)
    path = f"/api/v1/programmes/{programme.pk}/stages/{stages[0].pk}"
    body = {"kind": "testing", "scale": "four_point", "duration_minutes": 90, "mode": "written"}
    refused = api_client.put(path, body, content_type=JSON, **headers)
    assert refused.status_code == 422
    body["scale"] = "two_point"
    changed = api_client.put(path, body, content_type=JSON, **headers)
    assert changed.status_code == 200, changed.content
    assert changed.json()["duration_minutes"] == 90
    assert api_client.delete(path, **headers).status_code == 204
    left = api_client.get(f"/api/v1/programmes/{programme.pk}", **headers).json()["stages"]
    assert [(s["order"], s["kind"]) for s in left] == [(1, "interview")]


def test_the_assessment_bank_is_uploaded_as_xlsx(api_client, token_for, npc):
    """The page's example file uploaded as multipart is loaded (npc-2.7); a file that is
    not XLSX is 422."""
    programme = make_programme(
        npc,
        stages=[
            (StageKind.TESTING, GradeScale.TWO_POINT),
            (StageKind.CASE_TASKS, GradeScale.TWO_POINT),
        ],
    )
    headers = token_for(npc.staff)
    path = f"/api/v1/programmes/{programme.pk}/bank"
    upload = io.BytesIO(bank_template())
    upload.name = "fos.xlsx"
    response = api_client.post(path, {"file": upload}, **headers)
    assert response.status_code == 201, response.content
    assert response.json()["created"] > 0
    wrong = io.BytesIO(b"not a spreadsheet")
    wrong.name = "fos.txt"
    response = api_client.post(path, {"file": wrong}, **headers)
    assert response.status_code == 422
    assert response.json()["errors"]["file"]


@pytest.mark.clause("rgmu-2.3")
def test_a_debt_keeps_a_learner_from_admission_until_cleared(api_client, token_for, rgmu):
    """Under РостГМУ an open debt makes the learner not admitted with the reason; a short
    justification of an override is 422; clearing the debt admits the learner when
    admission is decided again; clearing twice is 409 (rgmu-2.3)."""
    setup = build("rgmu", org=rgmu, schedule=False)
    cohort, enrolment = setup.cohort, setup.enrolments[0]
    headers = token_for(rgmu.staff)
    base = f"/api/v1/cohorts/{cohort.pk}"
    debt = api_client.post(
        f"{base}/learners/{enrolment.pk}/debts",
        {"description": "Не сдан зачёт по модулю 2"},
        content_type=JSON,
        **headers,
    )
    assert debt.status_code == 201
    decided = api_client.post(f"{base}/admission", **headers).json()
    mine = next(a for a in decided["items"] if a["enrolment_id"] == enrolment.pk)
    assert mine["admitted"] is False
    assert any("задолженн" in reason for reason in mine["reasons"])
    short = api_client.post(
        f"{base}/admission/{mine['admission_id']}/override",
        {"admitted": True, "justification": "так надо"},
        content_type=JSON,
        **headers,
    )
    assert short.status_code == 422
    cleared = api_client.post(
        f"{base}/learners/{enrolment.pk}/debts/{debt.json()['id']}/clear",
        {"cleared_on": "2026-10-14"},
        content_type=JSON,
        **headers,
    )
    assert cleared.json()["cleared_on"] == "2026-10-14"
    again = api_client.post(
        f"{base}/learners/{enrolment.pk}/debts/{debt.json()['id']}/clear",
        {"cleared_on": "2026-10-14"},
        content_type=JSON,
        **headers,
    )
    assert again.status_code == 409
    decided = api_client.post(f"{base}/admission", **headers).json()
    assert all(a["admitted"] for a in decided["items"])


def test_a_cohort_is_created_changed_and_listed(api_client, token_for, npc):
    """POST /cohorts opens a cohort with its notices planned; PUT changes its dates;
    GET /cohorts?programme= lists it."""
    programme = make_programme(npc)
    headers = token_for(npc.staff)
    body = {
        "programme_id": programme.pk,
        "starts_on": "2026-10-05",
        "ends_on": "2026-10-16",
        "attestation_date": "2026-10-16",
        "place": "organisation",
    }
    created = api_client.post("/api/v1/cohorts", body, content_type=JSON, **headers)
    assert created.status_code == 201, created.content
    assert created.json()["notices"]
    cohort_id = created.json()["id"]
    changed = api_client.put(
        f"/api/v1/cohorts/{cohort_id}",
        {**body, "address": "ул. Авиаторов, 38"},
        content_type=JSON,
        **headers,
    )
    assert changed.json()["address"] == "ул. Авиаторов, 38"
    listed = api_client.get(f"/api/v1/cohorts?programme={programme.pk}", **headers).json()
    assert [c["id"] for c in listed] == [cohort_id]


def test_it_checks_access(api_client, token_for, npc, outsider, specialist, password):
    """Another organisation's programme, cohort, learner and organisation are 404; a
    caller without the staff role 403; no token 401."""
    programme = make_programme(npc)
    cohort = make_cohort(npc, programme)
    stage = programme.stages.first()
    other = token_for(outsider)
    assert api_client.get(f"/api/v1/programmes/{programme.pk}", **other).status_code == 404
    response = api_client.delete(f"/api/v1/programmes/{programme.pk}/stages/{stage.pk}", **other)
    assert response.status_code == 404
    response = api_client.post(f"/api/v1/cohorts/{cohort.pk}/admission", **other)
    assert response.status_code == 404
    response = api_client.post(
        "/api/v1/programmes", programme_body(npc), content_type=JSON, **other
    )
    assert response.status_code == 404
    response = api_client.get("/api/v1/units", **token_for(specialist, password))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert api_client.post("/api/v1/cohorts", {}, content_type=JSON).status_code == 401
