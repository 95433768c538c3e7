"""API v1: issued documents (удостоверения, дипломы, справки).

For the organisation's own systems and the FRDO export: the organisation's documents by
year and kind, and one document, for organisation_staff of the issuing organisation (a
caller without the role 403; another organisation's documents 404). The verification of a
document by the token of its QR code is public and shows only what the verification page
shows."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import P, QueryEx, Router, Schema

from nmo.accounts.access import access_staff_organisation
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut
from nmo.core.exceptions import NotFound
from nmo.documents import selectors
from nmo.documents.access import access_document
from nmo.documents.models import DocumentHandover, QualificationDocument
from nmo.documents.selectors import verification_url

router = Router(tags=["Документы об обучении"])

PAGE_SIZE_MAX = 1000

KindParam = Literal["", "qualification_certificate", "retraining_diploma", "training_record"]
StatusParam = Literal["", "issued", "revoked"]


class OrganisationRef(Schema):
    id: int
    name: str


class LearnerRef(Schema):
    id: int
    snils: str | None


class HandoverOut(Schema):
    mode: str
    handed_on: dt.date
    recipient_name: str
    power_of_attorney_number: str
    power_of_attorney_date: dt.date | None
    tracking_number: str


class DocumentOut(Schema):
    id: int
    organisation: OrganisationRef
    kind: str
    series: str
    number: int
    registration_number: str
    enrolment_id: int
    learner: LearnerRef
    holder_name: str
    programme_title: str
    programme_kind: str
    hours: int
    specialty: str
    period_from: dt.date
    period_to: dt.date
    studied_from: dt.date | None
    studied_to: dt.date | None
    issued_on: dt.date
    status: str
    revoked_at: dt.datetime | None
    revocation_reason: str
    replaces_id: int | None
    pdf_sha256: str
    verification_url: str
    handover: HandoverOut | None


class DocumentListOut(Schema):
    items: list[DocumentOut]
    total: int


class VerificationOut(Schema):
    kind: str
    kind_label: str
    series: str
    number: int
    registration_number: str
    holder_name: str
    programme_title: str
    hours: int
    issued_on: dt.date
    organisation: str
    status: str
    status_label: str
    revoked_at: dt.datetime | None
    revocation_reason: str


def _handover(document: QualificationDocument) -> DocumentHandover | None:
    try:
        return document.handover
    except DocumentHandover.DoesNotExist:
        return None


def _document(document: QualificationDocument) -> dict[str, Any]:
    learner = document.enrolment.learner
    return {
        "id": document.pk,
        "organisation": {"id": document.organisation_id, "name": document.organisation.name},
        "kind": document.kind,
        "series": document.series,
        "number": document.number,
        "registration_number": document.registration_number,
        "enrolment_id": document.enrolment_id,
        "learner": {"id": learner.pk, "snils": learner.snils},
        "holder_name": document.holder_name,
        "programme_title": document.programme_title,
        "programme_kind": document.programme_kind,
        "hours": document.hours,
        "specialty": document.specialty,
        "period_from": document.period_from,
        "period_to": document.period_to,
        "studied_from": document.studied_from,
        "studied_to": document.studied_to,
        "issued_on": document.issued_on,
        "status": document.status,
        "revoked_at": document.revoked_at,
        "revocation_reason": document.revocation_reason,
        "replaces_id": document.replaces_id,
        "pdf_sha256": document.pdf_sha256,
        "verification_url": verification_url(document.verification_token),
        "handover": _handover(document),
    }


@router.get(
    "/organisations/{organisation_id}/documents",
    response={200: DocumentListOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Документы, выданные организацией",
)
def list_organisation_documents(
    request: AuthenticatedRequest,
    organisation_id: int,
    year: QueryEx[int | None, P(ge=2000, le=2100, description="Год выдачи")] = None,
    kind: QueryEx[
        KindParam,
        P(
            description="qualification_certificate — удостоверение о ПК, retraining_diploma — "
            "диплом о ПП, training_record — справка об обучении; пусто — все"
        ),
    ] = "",
    status: QueryEx[
        StatusParam, P(description="issued — действителен, revoked — аннулирован; пусто — все")
    ] = "",
    page: QueryEx[int, P(ge=1, le=1_000_000, description="Номер страницы, с 1")] = 1,
    page_size: QueryEx[int, P(ge=1, le=PAGE_SIZE_MAX, description="Документов на странице")] = 100,
) -> dict[str, Any]:
    """The organisation's documents in register order (kind, then number), issued and
    revoked alike with their status, handover and the SNILS of the learner (for the FRDO
    export), as `{"items": [...], "total"}`. A page beyond the last has no items."""
    organisation = access_staff_organisation(request.auth, organisation_id)
    documents = selectors.documents_of_organisation(
        organisation, year=year, kind=kind, status=status
    )
    total = documents.count()
    start = (page - 1) * page_size
    rows = documents.select_related("enrolment__learner", "handover")[start : start + page_size]
    return {"items": [_document(d) for d in rows], "total": total}


@router.get(
    "/documents/verify/{token}",
    response={200: VerificationOut, 404: ErrorOut},
    auth=None,
    summary="Проверка документа по QR-коду",
)
def verify_document(request: HttpRequest, token: str) -> dict[str, Any]:
    """What the public verification page shows: kind, series and number, the holder's
    full name, programme, hours, issue date, organisation and status (revoked: when and
    why). Nothing else personal. An unknown token is 404."""
    document = selectors.get_document_by_token(token)
    if document is None:
        raise NotFound()
    return {
        "kind": document.kind,
        "kind_label": document.get_kind_display(),
        "series": document.series,
        "number": document.number,
        "registration_number": document.registration_number,
        "holder_name": document.holder_name,
        "programme_title": document.programme_title,
        "hours": document.hours,
        "issued_on": document.issued_on,
        "organisation": document.organisation_name,
        "status": document.status,
        "status_label": document.get_status_display(),
        "revoked_at": document.revoked_at,
        "revocation_reason": document.revocation_reason,
    }


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Документ об обучении",
)
def get_document(request: AuthenticatedRequest, document_id: int) -> dict[str, Any]:
    """One document of the caller's organisation, as in the list."""
    document = access_document(request.auth, document_id)
    return _document(document)
