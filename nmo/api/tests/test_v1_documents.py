"""API v1: issued documents for the organisation's systems (FRDO export preparation), one
document, and the public verification by the QR code's token (npc-2.8, rgmu-2.8,
npc-2.11, rgmu-2.11)."""

from datetime import date

import pytest

from nmo.documents.services import issue_training_record, record_handover, revoke_document
from nmo.documents.tests.factories import (
    ISSUED_ON,
    NPC,
    RGMU,
    enrol,
    issue,
    make_cohort,
    make_enrolment,
    make_learner,
    organisation_under,
)
from nmo.regulations.types import PresetCode, ProgrammeKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def rgmu(db):
    return organisation_under(PresetCode.ROSTGMU, name=RGMU, email="fpk@rostgmu.example.ru")


@pytest.fixture
def npc(db):
    return organisation_under(PresetCode.NPC_DZM, name=NPC, email="uo@npc.example.ru")


def url_of(organisation, **query) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/v1/organisations/{organisation.pk}/documents" + (f"?{params}" if params else "")


@pytest.mark.clause("rgmu-2.8", "rgmu-2.11")
def test_the_organisation_lists_its_documents_by_year_and_kind(rgmu, api_client, token_for):
    """The staff's system lists the organisation's documents in register order with their
    status, handover and the learner's SNILS; `year` and `kind` narrow the list."""
    cohort = make_cohort(rgmu)
    first = issue(rgmu, enrol(cohort, make_learner(snils="11223344595")))
    record_handover(
        actor=rgmu.staff,
        document=first,
        mode="registered_mail",
        handed_on=date(2026, 3, 16),
        tracking_number="12345678901234",
    )
    second = issue(rgmu, enrol(cohort))
    revoke_document(actor=rgmu.staff, document=second, reason="Ошибка в фамилии слушателя")
    issue_training_record(actor=rgmu.staff, enrolment=enrol(cohort), issued_on=ISSUED_ON)
    issue(rgmu, make_enrolment(rgmu, kind=ProgrammeKind.PROFESSIONAL_RETRAINING))
    auth = token_for(rgmu.staff)

    response = api_client.get(url_of(rgmu.organisation), **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 4
    kinds = [(d["kind"], d["number"]) for d in body["items"]]
    assert kinds == [
        ("qualification_certificate", 1),
        ("qualification_certificate", 2),
        ("retraining_diploma", 1),
        ("training_record", 1),
    ]
    item = body["items"][0]
    assert item["holder_name"] == "Петров Пётр Петрович"
    assert item["learner"]["snils"] == "11223344595"
    assert item["registration_number"] == "ПК-1"
    assert item["issued_on"] == "2026-03-13"
    assert item["status"] == "issued"
    assert item["handover"]["mode"] == "registered_mail"
    assert item["handover"]["tracking_number"] == "12345678901234"
    assert item["verification_url"].endswith(f"/documents/verify/{first.verification_token}/")
    assert "pdf" not in item
    assert body["items"][1]["status"] == "revoked"
    assert body["items"][1]["revocation_reason"] == "Ошибка в фамилии слушателя"

    narrowed = api_client.get(url_of(rgmu.organisation, year=2026, kind="training_record"), **auth)
    assert [d["kind"] for d in narrowed.json()["items"]] == ["training_record"]
    assert api_client.get(url_of(rgmu.organisation, year=2025), **auth).json()["total"] == 0
    paged = api_client.get(url_of(rgmu.organisation, page=2, page_size=3), **auth).json()
    assert (paged["total"], len(paged["items"])) == (4, 1)


def test_bad_filters_are_422(rgmu, api_client, token_for):
    """An unknown kind or a year out of range is refused with the field named."""
    auth = token_for(rgmu.staff)
    response = api_client.get(url_of(rgmu.organisation, kind="medal"), **auth)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "kind" in response.json()["errors"]
    assert api_client.get(url_of(rgmu.organisation, year=1900), **auth).status_code == 422


@pytest.mark.clause("npc-2.8")
def test_one_document(npc, api_client, token_for):
    """One document of the caller's organisation, as in the list."""
    document = issue(npc, make_enrolment(npc))
    response = api_client.get(f"/api/v1/documents/{document.pk}", **token_for(npc.staff))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == document.pk
    assert body["kind"] == "qualification_certificate"
    assert body["organisation"] == {"id": npc.organisation.pk, "name": NPC}
    assert body["handover"] is None
    assert body["pdf_sha256"] == document.pdf_sha256


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_verification_is_public_and_shows_only_the_facts(npc, api_client):
    """Anybody with the QR code's token reads the facts of the verification page and the
    status; nothing else personal; an unknown token is 404."""
    document = issue(
        npc, make_enrolment(npc, last_name="Орлова", first_name="Дарья", middle_name="Олеговна")
    )
    url = f"/api/v1/documents/verify/{document.verification_token}"
    body = api_client.get(url).json()
    assert body == {
        "kind": "qualification_certificate",
        "kind_label": "удостоверение о повышении квалификации",
        # No series configured: the default of the organisation and year (ADR 0110).
        "series": f"ПК-{document.organisation_id:04d}-2026",
        "number": 1,
        "registration_number": "ПК-1",
        "holder_name": "Орлова Дарья Олеговна",
        "programme_title": "Неотложная помощь детям",
        "hours": 36,
        "issued_on": "2026-03-13",
        "organisation": NPC,
        "status": "issued",
        "status_label": "действителен",
        "revoked_at": None,
        "revocation_reason": "",
    }
    revoke_document(actor=npc.staff, document=document, reason="Выдан дубликат взамен утраченного")
    revoked = api_client.get(url).json()
    assert revoked["status"] == "revoked"
    assert revoked["revocation_reason"] == "Выдан дубликат взамен утраченного"
    assert revoked["revoked_at"]
    missing = api_client.get("/api/v1/documents/verify/" + "x" * 43)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_it_checks_access(npc, rgmu, api_client, token_for, specialist):
    """Without a token 401; a caller without the staff role 403; the staff of another
    organisation 404 for its list and its documents."""
    document = issue(npc, make_enrolment(npc))
    one = f"/api/v1/documents/{document.pk}"
    assert api_client.get(url_of(npc.organisation)).status_code == 401
    assert api_client.get(one).status_code == 401

    as_specialist = token_for(specialist)
    response = api_client.get(url_of(npc.organisation), **as_specialist)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert api_client.get(one, **as_specialist).status_code == 403

    as_other = token_for(rgmu.staff)
    response = api_client.get(url_of(npc.organisation), **as_other)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = api_client.get(one, **as_other)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert api_client.get("/api/v1/documents/999999", **token_for(npc.staff)).status_code == 404
    assert api_client.get("/api/v1/organisations/999999/documents", **as_other).status_code == 404
