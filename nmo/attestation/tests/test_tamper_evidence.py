"""A frozen statement's PDF and content are checked against its SHA-256 and seal before
it is served (ADR 0024): altered in the database, it is refused with a Russian message,
recorded in the audit log and listed for administrators."""

import json

import pytest
from django.urls import reverse

from nmo.attestation import services
from nmo.attestation.exceptions import RecordTampered
from nmo.attestation.tests.factories import decided
from nmo.attestation.tests.test_documents import docs, sign_all
from nmo.core.models import AuditEntry
from nmo.core.tests.tamper import raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(npc):
    setup = decided("npc", org=npc)
    [statement] = docs(setup, "attestation_statement")
    return setup, sign_all(statement)


def test_a_frozen_statement_is_served_as_frozen(frozen):
    _, statement = frozen
    assert len(statement.seal) == 64
    assert services.render_record_pdf(statement) == bytes(statement.pdf)


def test_altered_pdf_bytes_are_refused(frozen, client, admin_user):
    setup, statement = frozen
    raw(
        "UPDATE attestation_attestationdocument SET pdf = %s WHERE id = %s",
        [b"%PDF-1.7 forged", statement.pk],
    )
    client.force_login(setup.chair)
    url = reverse("attestation:document_pdf", args=[setup.attestation.pk, statement.pk])
    response = client.get(url)
    assert response.status_code == 409
    assert "изменены после подписания" in response.content.decode()
    logged = AuditEntry.objects.get(action="integrity.file_changed")
    assert logged.object_id == str(statement.pk)
    client.force_login(admin_user)
    assert (
        "Файл документа изменён после подписания"
        in client.get("/audit/integrity/").content.decode()
    )


def test_altered_content_breaks_the_seal(frozen):
    _, statement = frozen
    content = dict(statement.content, number=999)
    raw(
        "UPDATE attestation_attestationdocument SET content = %s WHERE id = %s",
        [json.dumps(content), statement.pk],
    )
    statement.refresh_from_db()
    with pytest.raises(RecordTampered):
        services.render_record_pdf(statement)
    assert AuditEntry.objects.filter(action="integrity.record_changed").count() == 1
