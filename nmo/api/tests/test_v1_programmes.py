import pytest

from nmo.programmes import services
from nmo.programmes.models import Enrolment, ProgrammeStage
from nmo.programmes.tests.conftest import NPC, RGMU, organisation_under
from nmo.programmes.tests.factories import enrol, make_cohort, make_programme, snils_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def npc(db):
    return organisation_under("npc_dzm", name=NPC, email="uo@npc.example.ru")


@pytest.fixture
def rgmu(db):
    return organisation_under("rostgmu", name=RGMU, email="fpk@rostgmu.example.ru")


@pytest.fixture
def outsider(db):
    return organisation_under(
        "rostgmu", name="Другой университет", email="x@other.example.ru"
    ).staff


def post(client, path, body, **headers):
    return client.post(path, body, content_type="application/json", **headers)


def learner(**overrides):
    values = {
        "last_name": "Орлова",
        "first_name": "Ольга",
        "middle_name": "",
        "snils": snils_number(),
        "email": "orlova@example.ru",
        "contract_number": "ПК-1/2026",
        "contract_date": "2026-04-20",
    }
    values.update(overrides)
    return values


def test_staff_list_their_programmes_with_stages(api_client, token_for, npc, rgmu):
    """GET /programmes returns the caller's organisation's programmes only."""
    make_programme(npc, stages=2)
    make_programme(rgmu, title="Чужая программа")
    response = api_client.get("/api/v1/programmes", **token_for(npc.staff))
    assert response.status_code == 200
    [programme] = response.json()
    assert programme["title"] == "Неотложная помощь детям"
    assert programme["attestation_form"] == "credit_test"
    assert [s["kind"] for s in programme["stages"]] == ["testing", "interview"]
    assert programme["stages"][0]["pass_threshold_percent"] == 70
    # Each stage carries its id, as the schema says (the path of PUT/DELETE .../stages/{id}).
    assert [s["id"] for s in programme["stages"]] == sorted(
        stage.pk for stage in ProgrammeStage.objects.filter(programme_id=programme["id"])
    )


@pytest.mark.clause("npc-2.2")
def test_a_cohort_shows_its_learners_and_notices(api_client, token_for, npc):
    """GET /cohorts/{id} returns the learners and the notices with their state."""
    cohort = make_cohort(npc)
    enrol(npc, cohort, email="one@example.ru")
    response = api_client.get(f"/api/v1/cohorts/{cohort.pk}", **token_for(npc.staff))
    assert response.status_code == 200
    body = response.json()
    assert body["programme"]["id"] == cohort.programme_id
    assert [e["learner"]["email"] for e in body["learners"]] == ["one@example.ru"]
    assert body["notices"][0]["kind"] == "first_day"
    assert body["notices"][0]["due_on"] == "2026-05-04"
    assert body["notices"][0]["status"] == "planned"


def test_learners_are_imported_once(api_client, token_for, npc, specialist):
    """POST /cohorts/{id}/learners enrols a list: 201 with the counts; the same list again
    creates and enrols nobody new."""
    cohort = make_cohort(npc)
    headers = token_for(npc.staff)
    body = [learner(), learner(snils="112-233-445 95", email="", last_name="Иванова")]
    first = post(api_client, f"/api/v1/cohorts/{cohort.pk}/learners", body, **headers)
    assert first.status_code == 201
    assert first.json() == {"created": 1, "existing": 1, "enrolled": 2, "already_enrolled": 0}
    again = post(api_client, f"/api/v1/cohorts/{cohort.pk}/learners", body, **headers)
    assert again.json() == {"created": 0, "existing": 2, "enrolled": 0, "already_enrolled": 2}
    assert Enrolment.objects.filter(cohort=cohort).count() == 2


def test_a_bad_learner_refuses_the_whole_list_by_index(api_client, token_for, npc):
    """All or nothing: 422 `learners_invalid` with the problems by index and field."""
    cohort = make_cohort(npc)
    body = [learner(), learner(snils="123-456-789 00", email="x@example.ru"), learner(email="")]
    response = post(
        api_client, f"/api/v1/cohorts/{cohort.pk}/learners", body, **token_for(npc.staff)
    )
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "learners_invalid"
    assert set(payload["errors"]) == {"1.snils", "2.email"}
    assert not Enrolment.objects.exists()


def test_malformed_input_is_a_422_by_index(api_client, token_for, npc):
    """A missing or too long field is refused by the schema, by index and field."""
    cohort = make_cohort(npc)
    body = [learner(), {"first_name": "Без фамилии"}, learner(phone="1" * 31)]
    response = post(
        api_client, f"/api/v1/cohorts/{cohort.pk}/learners", body, **token_for(npc.staff)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert {"1.last_name", "2.phone"} <= set(response.json()["errors"])
    empty = post(api_client, f"/api/v1/cohorts/{cohort.pk}/learners", [], **token_for(npc.staff))
    assert empty.status_code == 422


@pytest.mark.clause("rgmu-2.3", "rgmu-1.4")
def test_admission_lists_decisions_with_reasons(api_client, token_for, rgmu):
    """GET /cohorts/{id}/admission returns each decision with its reasons and the learners
    without a decision."""
    cohort = make_cohort(rgmu)
    decided = enrol(rgmu, cohort)
    services.decide_admission(actor=rgmu.staff, cohort=cohort)
    later = enrol(rgmu, cohort)
    response = api_client.get(f"/api/v1/cohorts/{cohort.pk}/admission", **token_for(rgmu.staff))
    assert response.status_code == 200
    body = response.json()
    [item] = body["items"]
    assert item["enrolment_id"] == decided.pk
    assert item["admitted"] is False
    assert "Программа (ДПП) не освоена (п. 2.3 Положения РостГМУ)." in item["reasons"]
    assert body["undecided"] == [
        {"enrolment_id": later.pk, "learner_name": later.learner.full_name}
    ]


def test_it_checks_access(api_client, token_for, npc, outsider, specialist):
    """401 without a token, 403 for a caller who is not organisation staff, 404 for another
    organisation's cohort."""
    cohort = make_cohort(npc)
    assert api_client.get("/api/v1/programmes").json()["code"] == "not_authenticated"
    forbidden = api_client.get("/api/v1/programmes", **token_for(specialist))
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "permission_denied")
    headers = token_for(outsider)
    for path in (f"/api/v1/cohorts/{cohort.pk}", f"/api/v1/cohorts/{cohort.pk}/admission"):
        response = api_client.get(path, **headers)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = post(api_client, f"/api/v1/cohorts/{cohort.pk}/learners", [learner()], **headers)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not Enrolment.objects.exists()


def test_the_frdo_details_go_through_the_api(api_client, token_for, npc):
    """API parity (ADR 0114): the learner import takes citizenship, the diploma and the
    funding source; PATCH changes them (fields left out keep their values); the cohort
    shows them with its form of study; a bad value is 422 by index and field."""
    cohort = make_cohort(npc, study_form="extramural")
    headers = token_for(npc.staff)
    path = f"/api/v1/cohorts/{cohort.pk}/learners"
    bad = post(api_client, path, [learner(education_level="магистр")], **headers)
    assert bad.status_code == 422
    assert "0.education_level" in bad.json()["errors"]
    body = [
        learner(
            citizenship="112",
            education_level="higher",
            diploma_series="107704",
            diploma_number="0123456",
            funding_source="contract",
        )
    ]
    assert post(api_client, path, body, **headers).status_code == 201
    enrolment = Enrolment.objects.get(cohort=cohort)
    assert (enrolment.citizenship, enrolment.funding_source) == ("112", "contract")
    changed = api_client.patch(
        f"{path}/{enrolment.pk}",
        {"funding_source": "local_budget", "diploma_last_name": "Петрова"},
        content_type="application/json",
        **headers,
    )
    assert changed.status_code == 200, changed.content
    out = changed.json()
    assert (out["funding_source"], out["diploma_last_name"]) == ("local_budget", "Петрова")
    assert (out["citizenship"], out["diploma_number"]) == ("112", "0123456")
    shown = api_client.get(f"/api/v1/cohorts/{cohort.pk}", **headers).json()
    assert shown["study_form"] == "extramural"
    assert shown["learners"][0]["education_level"] == "higher"
