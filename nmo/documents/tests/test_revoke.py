"""Revoking (аннулирование) an issued document with a reason: the number stays taken, the
verification page says so, and a new document may then be issued in its place (ADR 0106;
npc-2.8, rgmu-2.8)."""

import pytest
from django.urls import reverse

from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.documents.exceptions import DocumentAlreadyRevoked, RevocationInvalid
from nmo.documents.models import DocumentRegister, QualificationDocument
from nmo.documents.services import revoke_document
from nmo.documents.tests.factories import PASSWORD, issue, make_enrolment

pytestmark = pytest.mark.django_db

REASON = "Ошибка в отчестве слушателя"


@pytest.fixture
def document(org):
    return issue(org, make_enrolment(org))


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_revocation_keeps_the_number_and_records_the_reason(org, document):
    """The document becomes revoked with the time, the actor and the reason; the register
    does not give its number again; the PDF as issued is kept."""
    pdf = bytes(document.pdf)
    revoked = revoke_document(actor=org.staff, document=document, reason=f"  {REASON} ")
    document.refresh_from_db()
    assert document.status == "revoked"
    assert document.revoked_at is not None
    assert document.revoked_by == org.staff
    assert document.revocation_reason == REASON
    assert revoked.is_revoked
    assert bytes(document.pdf) == pdf
    assert DocumentRegister.objects.get(pk=document.register_id).next_number == 2
    entry = AuditEntry.objects.get(action="document.revoke")
    assert entry.changes["reason"] == REASON
    assert entry.actor == org.staff


def test_a_reason_is_required(org, document):
    """A blank or too short reason is refused with a Russian message."""
    for reason in ("", "   ", "ошибка"):
        with pytest.raises(RevocationInvalid) as refused:
            revoke_document(actor=org.staff, document=document, reason=reason)
        assert refused.value.errors["reason"]
    document.refresh_from_db()
    assert document.status == "issued"


def test_a_document_is_revoked_once(org, document):
    """A second revocation is refused (409) and changes nothing."""
    revoke_document(actor=org.staff, document=document, reason=REASON)
    with pytest.raises(DocumentAlreadyRevoked):
        revoke_document(actor=org.staff, document=document, reason="Другая причина отзыва")
    document.refresh_from_db()
    assert document.revocation_reason == REASON
    assert AuditEntry.objects.filter(action="document.revoke").count() == 1


def test_the_page_revokes_and_shows_it(org, document, client):
    """The document's page carries the revoke form; a short reason comes back with its
    message (422); afterwards the page shows the date and reason and no more forms."""
    client.login(email=org.staff.email, password=PASSWORD)
    url = reverse("documents:revoke", args=[document.pk])
    response = client.post(url, {"reason": "ошибка", "ground": "exchanged"})
    assert response.status_code == 422
    assert "не менее 10 символов" in response.content.decode()

    response = client.post(url, {"reason": REASON, "ground": "exchanged"})
    assert response.status_code == 302
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Аннулирован" in page
    assert REASON in page
    assert "Аннулировать документ" not in page
    assert "Записать выдачу" not in page

    again = client.post(url, {"reason": REASON, "ground": "exchanged"}, follow=True)
    assert "Документ уже аннулирован" in again.content.decode()


def test_it_checks_access(org, document, outsider, specialist, client):
    """Only the staff of the issuing organisation revoke: other staff get NotFound, the
    holder and other people PermissionDenied, a visitor NotAuthenticated; the page
    answers 404 to other staff and sends visitors to the login form."""
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        revoke_document(actor=outsider, document=document, reason=REASON)
    for actor in (specialist, document.enrolment.learner):
        with pytest.raises(PermissionDenied):
            revoke_document(actor=actor, document=document, reason=REASON)
    with pytest.raises(NotAuthenticated):
        revoke_document(actor=AnonymousUser(), document=document, reason=REASON)

    url = reverse("documents:revoke", args=[document.pk])
    assert client.post(url, {"reason": REASON}).status_code == 302  # to the login form
    client.force_login(outsider)
    assert client.post(url, {"reason": REASON}).status_code == 404
    assert QualificationDocument.objects.get(pk=document.pk).status == "issued"
