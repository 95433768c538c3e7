"""Tamper evidence of issued documents (ADR 0024): a document's PDF is checked against its
SHA-256 before it is served, and its verification page and API show the data sealed when
it was issued — or, when its row was changed in the database afterwards, say so and show
none of it. Each change is recorded in the audit log and listed for administrators."""

import json

import pytest
from django.urls import reverse

from nmo.core.models import AuditEntry
from nmo.core.tests.tamper import raw
from nmo.documents.tests.factories import issue, make_enrolment

pytestmark = pytest.mark.django_db

CHANGED = "Запись изменена после выдачи документа"


@pytest.fixture
def document(npc):
    return issue(npc, make_enrolment(npc))


def verify_page(client, document):
    return client.get(reverse("documents:verify", args=[document.verification_token]))


def verify_api(client, document):
    return client.get(f"/api/v1/documents/verify/{document.verification_token}")


def test_an_intact_document_shows_what_was_sealed(client, document):
    page = verify_page(client, document)
    assert page.status_code == 200
    assert document.holder_name in page.content.decode()
    assert verify_api(client, document).json()["hours"] == document.hours
    assert document.snapshot["holder_name"] == document.holder_name
    assert len(document.seal) == 64
    assert not AuditEntry.objects.filter(action__startswith="integrity.").exists()


def test_altered_pdf_bytes_are_refused_logged_and_listed(client, npc, document, admin_user):
    raw(
        "UPDATE documents_qualificationdocument SET pdf = %s WHERE id = %s",
        [b"%PDF-1.7 forged", document.pk],
    )
    client.force_login(npc.staff)
    page = client.get(reverse("documents:document_pdf", args=[document.pk]))
    assert page.status_code == 409
    assert "изменены после выдачи" in page.content.decode()
    assert b"forged" not in page.content

    logged = AuditEntry.objects.get(action="integrity.file_changed")
    assert logged.object_id == str(document.pk)
    assert logged.changes["stored_sha256"] == document.pdf_sha256

    client.force_login(admin_user)
    listed = client.get("/audit/integrity/").content.decode()
    assert "Файл документа изменён после подписания" in listed
    assert document.registration_number in listed or document.holder_name in listed


def test_altered_pdf_is_refused_by_the_api_too(api_client, token_for, npc, document):
    raw(
        "UPDATE documents_qualificationdocument SET pdf = %s, pdf_sha256 = %s WHERE id = %s",
        [b"%PDF-1.7 forged", "0" * 64, document.pk],
    )
    response = api_client.get(f"/api/v1/documents/{document.pk}/pdf", **token_for(npc.staff))
    assert response.status_code == 409
    assert response.json()["code"] == "document_tampered"
    # Logged once, however often it is asked for.
    api_client.get(f"/api/v1/documents/{document.pk}/pdf", **token_for(npc.staff))
    assert AuditEntry.objects.filter(action="integrity.file_changed").count() == 1


def test_a_changed_holder_and_hours_are_not_shown(client, document):
    raw(
        "UPDATE documents_qualificationdocument SET holder_name = %s, hours = %s WHERE id = %s",
        ["Подставной Пётр Петрович", 1000, document.pk],
    )
    page = verify_page(client, document)
    html = page.content.decode()
    assert page.status_code == 409
    assert CHANGED in html
    assert "обратитесь в организацию" in html.lower()
    assert "Подставной" not in html
    assert "1000" not in html

    api = verify_api(client, document)
    assert api.status_code == 409
    assert api.json()["code"] == "document_tampered"
    assert "Подставной" not in api.content.decode()

    logged = AuditEntry.objects.get(action="integrity.record_changed")
    assert set(logged.changes["changed_fields"]) == {"holder_name", "hours"}


def test_a_rewritten_snapshot_breaks_the_seal(client, document):
    """Whoever rewrites the row and its snapshot alike still lacks the server's key."""
    snapshot = dict(document.snapshot, holder_name="Подставной Пётр Петрович")
    raw(
        "UPDATE documents_qualificationdocument SET holder_name = %s, snapshot = %s WHERE id = %s",
        [snapshot["holder_name"], json.dumps(snapshot), document.pk],
    )
    page = verify_page(client, document)
    assert page.status_code == 409
    assert "Подставной" not in page.content.decode()
    logged = AuditEntry.objects.get(action="integrity.record_changed")
    assert logged.changes["changed_fields"] == ["seal"]
