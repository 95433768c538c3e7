"""API v1: work that can exceed a few seconds answers 202 with a job (ADR 0025): the
issue of an attestation's documents for more than a few learners; the job is polled at
/jobs/{id}, only by its owner; a refusal by the rules still comes at once."""

import pytest

from nmo.attestation.services import issuance
from nmo.attestation.tests.factories import build, decided, organisation_under
from nmo.core.models import BackgroundJob
from nmo.documents.models import QualificationDocument

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def npc(db):
    return organisation_under("npc")


def test_issuing_many_documents_answers_202_with_a_job_to_poll(
    api_client, token_for, npc, password, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(issuance, "INSTANT_DOCUMENTS", 1)
    setup = decided("npc", org=npc)
    staff = token_for(npc.staff)
    path = f"/api/v1/attestations/{setup.attestation.pk}/documents"
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(path, {}, content_type=JSON, **staff)
    assert response.status_code == 202, response.content
    body = response.json()
    job = BackgroundJob.objects.get(kind="attestation.documents")
    assert body["id"] == job.pk
    assert body["url"] == f"/api/v1/jobs/{job.pk}"
    polled = api_client.get(body["url"], **staff)
    assert polled.status_code == 200
    state = polled.json()
    assert state["status"] == "done", state
    issued = QualificationDocument.objects.filter(enrolment__cohort=setup.cohort).count()
    assert issued > 0
    assert state["message"].startswith(f"Выдано документов об обучении: {issued}.")
    assert state["file_url"] is None
    assert api_client.get(f"{body['url']}/file", **staff).status_code == 404
    member = token_for(setup.members[0], password)
    assert api_client.get(body["url"], **member).status_code == 404
    assert api_client.get(body["url"]).status_code == 401


def test_before_the_decision_the_refusal_comes_at_once(api_client, token_for, npc, monkeypatch):
    monkeypatch.setattr(issuance, "INSTANT_DOCUMENTS", 0)
    setup = build("npc", org=npc)
    path = f"/api/v1/attestations/{setup.attestation.pk}/documents"
    response = api_client.post(path, {}, content_type=JSON, **token_for(npc.staff))
    assert response.status_code == 409
    assert response.json()["code"] == "attestation_not_decided"
    assert not BackgroundJob.objects.exists()
