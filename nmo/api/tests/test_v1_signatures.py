"""API v1: what awaits a signer and signing all of an attestation at once (ADR 0115):
`GET /api/v1/signatures/pending`, `POST /api/v1/attestations/{id}/sign-all`."""

import pytest

from nmo.attestation.models import AttestationDocument
from nmo.attestation.selectors import required_signers
from nmo.attestation.tests.factories import decided, organisation_under

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.mark.clause("rgmu-2.13")
def test_a_signer_lists_what_awaits_and_signs_all_the_last_freezes(api_client, token_for):
    """РостГМУ: 3 protocols and the report await each of the four signers (rgmu-2.13);
    each signs all with its own token; the last signature freezes every record."""
    setup = decided("rgmu")
    path = f"/api/v1/attestations/{setup.attestation.pk}/sign-all"
    signers = [s.seat.person for s in required_signers(setup.attestation)]
    for index, signer in enumerate(signers):
        headers = token_for(signer)
        [group] = api_client.get("/api/v1/signatures/pending", **headers).json()
        assert group["attestation_id"] == setup.attestation.pk
        assert group["held_on"] == "2026-10-16"
        assert len(group["records"]) == 4
        signed = [s for s in group["records"][0]["signers"] if s["signed_at"]]
        assert len(signed) == index
        ids = [r["id"] for r in group["records"]]
        response = api_client.post(path, {"record_ids": ids}, content_type=JSON, **headers)
        assert response.status_code == 200, response.content
        body = response.json()
        assert sorted(r["id"] for r in body["signed"]) == sorted(ids)
        last = index == len(signers) - 1
        assert sorted(body["frozen_ids"]) == (sorted(ids) if last else [])
        assert api_client.get("/api/v1/signatures/pending", **headers).json() == []
        again = api_client.post(path, {"record_ids": ids}, content_type=JSON, **headers)
        assert again.status_code == 409
        assert again.json()["code"] == "nothing_to_sign"
    assert set(
        AttestationDocument.objects.filter(attestation=setup.attestation).values_list(
            "status", flat=True
        )
    ) == {"frozen"}


def test_sign_all_refusals(api_client, token_for):
    setup = decided("npc")
    path = f"/api/v1/attestations/{setup.attestation.pk}/sign-all"
    [group] = api_client.get("/api/v1/signatures/pending", **token_for(setup.chair)).json()
    ids = [r["id"] for r in group["records"]]
    staff = token_for(setup.org.staff)
    assert api_client.get("/api/v1/signatures/pending", **staff).json() == []
    refused = api_client.post(path, {"record_ids": ids}, content_type=JSON, **staff)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    outsider = organisation_under("rgmu", name="ГБОУ ВО Другой", email="o@other.example.ru")
    hidden = api_client.post(
        path, {"record_ids": ids}, content_type=JSON, **token_for(outsider.staff)
    )
    assert hidden.status_code == 404
    chair = token_for(setup.chair)
    changed = api_client.post(path, {"record_ids": [*ids, 999]}, content_type=JSON, **chair)
    assert changed.status_code == 409
    assert changed.json()["code"] == "pending_changed"
    empty = api_client.post(path, {"record_ids": []}, content_type=JSON, **chair)
    assert empty.status_code == 422
    assert "record_ids" in empty.json()["errors"]
    assert api_client.post(path, {"record_ids": ids}, content_type=JSON).status_code == 401
    assert api_client.get("/api/v1/signatures/pending").status_code == 401


def test_the_schema_declares_the_answers(api_client):
    schema = api_client.get("/api/v1/openapi.json").json()
    sign_all = schema["paths"]["/api/v1/attestations/{attestation_id}/sign-all"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "413", "422"} <= set(sign_all["responses"])
    pending = schema["paths"]["/api/v1/signatures/pending"]["get"]
    assert {"200", "401", "403", "422"} <= set(pending["responses"])
