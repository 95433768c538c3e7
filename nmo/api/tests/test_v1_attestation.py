import pytest

from nmo.attestation.tests.factories import (
    all_present,
    build,
    decided,
    grade_all,
    organisation_under,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def npc(db):
    return organisation_under("npc")


@pytest.fixture
def outsider(db):
    return organisation_under(
        "rgmu", name="ГБОУ ВО Другой университет", email="staff@other.example.ru"
    ).staff


@pytest.mark.clause("npc-2.12")
def test_staff_list_the_attestations_of_a_cohort(api_client, token_for, npc):
    """GET /attestations?cohort= lists the cohort's attestations with their state."""
    setup = build("npc", org=npc)
    response = api_client.get(
        f"/api/v1/attestations?cohort={setup.cohort.pk}", **token_for(npc.staff)
    )
    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == setup.attestation.pk
    assert item["held_on"] == "2026-10-16"
    assert item["status"] == "planned"
    assert item["learner_count"] == 3
    assert item["commission"]["specialty"] == "Педиатрия"
    everything = api_client.get("/api/v1/attestations", **token_for(npc.staff)).json()
    assert [a["id"] for a in everything] == [setup.attestation.pk]


@pytest.mark.clause("npc-3.2", "rgmu-3.3", "rgmu-3.6")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_results_give_stage_grades_final_grade_and_outcome(api_client, token_for, key):
    """GET /attestations/{id}/results returns each learner's stage grades (with the
    testing percentage), the final grade, the votes and the decision."""
    setup = decided(key)
    response = api_client.get(
        f"/api/v1/attestations/{setup.attestation.pk}/results", **token_for(setup.org.staff)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "decided"
    first = body["learners"][0]
    assert first["full_name"] == "Антонова Алла Борисовна"
    testing = first["stage_results"][0]
    assert testing["kind"] == "testing"
    assert testing["percent"] == 85.0
    if key == "rgmu":
        assert testing["grade_label"] == "хорошо"
        assert (first["final_grade"], first["final_mean"]) == ("good", 4.0)
        assert first["votes"]["votes_for"] == 3
    else:
        assert testing["grade_label"] == "зачтено"
        assert first["final_grade_label"] == "зачтено"
        assert first["votes"]["votes_for"] == 4
    assert first["outcome"] == "passed"
    assert first["outcome_label"] == "итоговая аттестация пройдена"


def test_results_before_the_decision_have_no_outcome(api_client, token_for, npc):
    """Until the commission decides, the outcome is null."""
    setup = build("npc", org=npc)
    all_present(setup)
    grade_all(setup)
    body = api_client.get(
        f"/api/v1/attestations/{setup.attestation.pk}/results", **token_for(npc.staff)
    ).json()
    assert {learner["outcome"] for learner in body["learners"]} == {None}
    assert body["learners"][0]["final_grade"] == "passed"


def test_the_schema_documents_the_endpoints_in_russian(api_client):
    """Both endpoints are in the OpenAPI schema with Russian summaries."""
    schema = api_client.get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/attestations"]["get"]["summary"].startswith(
        "Итоговые аттестации"
    )
    results = schema["paths"]["/api/v1/attestations/{attestation_id}/results"]["get"]
    assert results["summary"].startswith("Результаты итоговой аттестации")


def test_it_checks_access(api_client, token_for, npc, outsider, specialist, password):
    """Another organisation's attestation or cohort is 404; a caller without the staff
    role 403; no token 401; a commission member is not staff in the API."""
    setup = decided("npc", org=npc)
    results = f"/api/v1/attestations/{setup.attestation.pk}/results"
    response = api_client.get(results, **token_for(outsider))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = api_client.get(
        f"/api/v1/attestations?cohort={setup.cohort.pk}", **token_for(outsider)
    )
    assert response.status_code == 404
    assert api_client.get("/api/v1/attestations", **token_for(outsider)).json() == []
    response = api_client.get(results, **token_for(specialist))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert api_client.get(results).status_code == 401
    assert api_client.get(results, **token_for(setup.chair, password)).status_code == 403
