"""Who may see and act on issued documents.

The staff (organisation_staff) of the issuing organisation manage its registers and
documents. The holder may see and download their own documents. Anybody else gets
NotFound, the same as for a document that does not exist; a signed-in person without the
staff role gets PermissionDenied where only staff may act; a visitor who is not signed in,
NotAuthenticated.
"""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_role
from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.selectors import has_role
from nmo.core.exceptions import NotFound
from nmo.documents.models import QualificationDocument


def is_staff_of(actor: User | AnonymousUser, organisation: Organisation) -> bool:
    """Return whether the actor is organisation staff of `organisation`."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return has_role(actor, Role.ORGANISATION_STAFF, organisation)


def _document(document_id: int) -> QualificationDocument | None:
    return (
        QualificationDocument.objects.select_related(
            "organisation", "enrolment__learner", "register", "replaces", "issued_by"
        )
        .defer("pdf")
        .filter(pk=document_id)
        .first()
    )


def access_document(actor: User | AnonymousUser, document_id: int) -> QualificationDocument:
    """Return a document for the staff of its organisation (its page, handover, revoke);
    NotFound for everybody else."""
    require_role(actor, Role.ORGANISATION_STAFF)
    document = _document(document_id)
    if document is None or not has_role(actor, Role.ORGANISATION_STAFF, document.organisation):
        raise NotFound()
    return document


def can_download(actor: User | AnonymousUser, document: QualificationDocument) -> bool:
    """Return whether the actor may download the document's PDF: its holder or the staff
    of its organisation."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return document.enrolment.learner_id == actor.pk or is_staff_of(actor, document.organisation)


def access_document_file(actor: User | AnonymousUser, document_id: int) -> QualificationDocument:
    """Return a document (with its PDF) for its holder or the staff of its organisation;
    NotFound for everybody else."""
    require_login(actor)
    document = (
        QualificationDocument.objects.select_related("organisation", "enrolment")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not can_download(actor, document):
        raise NotFound()
    return document
