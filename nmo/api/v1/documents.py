"""API v1: issued documents (удостоверения, дипломы, справки).

For the organisation's own systems and the FRDO export: the organisation's documents by
year and kind, one document, its PDF, its handover and revocation, the registers' series
and the FRDO file — what the register pages do (ADR 0019) — for organisation_staff of the
issuing organisation (a caller without the role 403; another organisation's documents
404); the holder may also download their own PDF. The verification of a document by the
token of its QR code is public and shows only what the verification page shows."""

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, P, QueryEx, Router, Schema, Status

from nmo.accounts.access import access_staff_organisation
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import (
    ErrorOut,
    IsoDate,
    JobOut,
    binary_response,
    file_response,
    job_out,
    streamed_file_response,
)
from nmo.core.exceptions import NotFound
from nmo.documents import selectors, services
from nmo.documents.access import access_document, access_document_file
from nmo.documents.exceptions import DocumentTampered
from nmo.documents.models import DocumentHandover, DocumentRegister, QualificationDocument
from nmo.documents.selectors import verification_url
from nmo.documents.types import FRDO_TEMPLATE_VERSION as TEMPLATE_VERSION
from nmo.documents.types import DocumentKind, HandoverMode

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
    handed_on: IsoDate
    recipient_name: str
    power_of_attorney_number: str
    power_of_attorney_date: IsoDate | None
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
    period_from: IsoDate
    period_to: IsoDate
    studied_from: IsoDate | None
    studied_to: IsoDate | None
    issued_on: IsoDate
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
    issued_on: IsoDate
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
    response={200: VerificationOut, 404: ErrorOut, 409: ErrorOut},
    auth=None,
    summary="Проверка документа по QR-коду",
)
def verify_document(request: HttpRequest, token: str) -> dict[str, Any]:
    """What the public verification page shows: kind, series and number, the holder's
    full name, programme, hours, issue date and organisation as sealed when the document
    was issued, and its status now (revoked: when and why). Nothing else personal. An
    unknown token is 404; a record changed after issue is 409 `document_tampered`, with
    none of its data (ADR 0024)."""
    document = selectors.get_document_by_token(token)
    if document is None:
        raise NotFound()
    frozen = services.frozen_view(document)
    if not frozen.intact:
        raise DocumentTampered(
            "Запись изменена после выдачи документа: сведения о нём не совпадают с "
            "заверенными при выдаче. Обратитесь в организацию, выдавшую документ."
        )
    data = frozen.data
    return {
        "kind": data["kind"],
        "kind_label": data["kind_label"],
        "series": data["series"],
        "number": data["number"],
        "registration_number": data["registration_number"],
        "holder_name": data["holder_name"],
        "programme_title": data["programme_title"],
        "hours": data["hours"],
        "issued_on": data["issued_on"],
        "organisation": data["organisation_name"],
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


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
CHANGE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut, 422: ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/documents/{document_id}/pdf",
    response={200: None, **ERRORS, 409: ErrorOut},
    auth=bearer,
    summary="PDF документа об обучении",
    openapi_extra=binary_response(
        "PDF документа, как он выдан (с QR-кодом проверки)", "application/pdf"
    ),
)
def document_pdf(request: AuthenticatedRequest, document_id: int) -> HttpResponse:
    """The document's PDF as issued, for the staff of its organisation and its holder;
    anyone else 404; a file changed after issue 409."""
    document = access_document_file(request.auth, document_id)
    # A file that no longer matches its hash: 409 document_tampered (ADR 0024).
    return file_response(
        services.checked_pdf(document),
        "application/pdf",
        selectors.document_file_name_of(document),
    )


class HandoverIn(Schema):
    mode: HandoverMode = Field(
        ...,
        description="in_person — лично, proxy — по доверенности, "
        "registered_mail — заказным письмом",
    )
    handed_on: IsoDate = Field(..., description="Дата выдачи (отправки)")
    recipient_name: str = Field("", max_length=460, description="Кому выдан (по доверенности)")
    power_of_attorney_number: str = Field("", max_length=100)
    power_of_attorney_date: IsoDate | None = None
    tracking_number: str = Field("", max_length=30, description="Почтовый идентификатор")


class RevokeIn(Schema):
    reason: str = Field(..., max_length=1000, description="Причина, не менее 10 символов")
    ground: str = Field(
        "",
        max_length=20,
        description="Основание для ФИС ФРДО: lost — утрата, exchanged — обмен, "
        "destroyed — уничтожение (испорчен или выдан ошибочно)",
    )


@router.post(
    "/documents/{document_id}/handover",
    response={200: DocumentOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Записать выдачу документа",
)
def record_handover(
    request: AuthenticatedRequest, document_id: int, payload: HandoverIn
) -> dict[str, Any]:
    """Record how the document reached its holder: in person, to a proxy with the power
    of attorney, or by registered mail with its tracking number (npc-2.14, rgmu-2.14).
    Missing details: 422; a handover recorded already or a revoked document: 409."""
    document = access_document(request.auth, document_id)
    services.record_handover(
        actor=request.auth,
        document=document,
        mode=payload.mode,
        handed_on=payload.handed_on,
        recipient_name=payload.recipient_name,
        power_of_attorney_number=payload.power_of_attorney_number,
        power_of_attorney_date=payload.power_of_attorney_date,
        tracking_number=payload.tracking_number,
    )
    return _document(access_document(request.auth, document_id))


@router.post(
    "/documents/{document_id}/revoke",
    response={200: DocumentOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Аннулировать документ",
)
def revoke_document(
    request: AuthenticatedRequest, document_id: int, payload: RevokeIn
) -> dict[str, Any]:
    """Revoke the document with a reason, which its verification page then shows with
    the date; its number is never reused (ADR 0106). A short reason: 422; a document
    revoked already: 409 `document_already_revoked`."""
    document = access_document(request.auth, document_id)
    services.revoke_document(
        actor=request.auth, document=document, reason=payload.reason, ground=payload.ground
    )
    return _document(access_document(request.auth, document_id))


class GroundIn(Schema):
    ground: str = Field(
        ..., max_length=20, description="lost — утрата, exchanged — обмен, destroyed — уничтожение"
    )


@router.post(
    "/documents/{document_id}/revocation-ground",
    response={200: DocumentOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Указать основание аннулирования (для ФИС ФРДО)",
)
def set_revocation_ground(
    request: AuthenticatedRequest, document_id: int, payload: GroundIn
) -> dict[str, Any]:
    """Record, once, the ground of a document revoked before grounds were asked (ADR
    0114). An unknown ground: 422; a document not revoked or with a ground: 409."""
    document = access_document(request.auth, document_id)
    services.set_revocation_ground(actor=request.auth, document=document, ground=payload.ground)
    return _document(access_document(request.auth, document_id))


class RegisterOut(Schema):
    kind: str
    kind_label: str
    series: str
    registration_prefix: str
    next_number: int = Field(..., description="Следующий номер (не изменяется вручную)")


class RegisterIn(Schema):
    series: str = Field("", max_length=20, description="Серия бланков")
    registration_prefix: str | None = Field(
        None, max_length=10, description="Префикс регистрационного номера; null — не менять"
    )


def _register(register: DocumentRegister) -> dict[str, Any]:
    return {
        "kind": register.kind,
        "kind_label": register.get_kind_display(),
        "series": register.series,
        "registration_prefix": register.registration_prefix,
        "next_number": register.next_number,
    }


@router.get(
    "/organisations/{organisation_id}/registers",
    response={200: list[RegisterOut], **ERRORS},
    auth=bearer,
    summary="Реестры документов организации: серии и нумерация",
)
def list_registers(request: AuthenticatedRequest, organisation_id: int) -> list[dict[str, Any]]:
    """The series, registration prefix and next number of each register of the
    organisation (ADR 0106)."""
    organisation = access_staff_organisation(request.auth, organisation_id)
    return [_register(r) for r in selectors.registers_of(organisation)]


@router.put(
    "/organisations/{organisation_id}/registers/{kind}",
    response={200: RegisterOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Задать серию и префикс реестра",
)
def configure_register(
    request: AuthenticatedRequest, organisation_id: int, kind: DocumentKind, payload: RegisterIn
) -> dict[str, Any]:
    """Set the series printed on the organisation's documents of a kind and, optionally,
    the prefix of registration numbers; the next number is never edited (ADR 0106)."""
    organisation = access_staff_organisation(request.auth, organisation_id)
    register = services.configure_register(
        actor=request.auth,
        organisation=organisation,
        kind=kind,
        series=payload.series,
        registration_prefix=payload.registration_prefix,
    )
    return _register(register)


class FrdoGapOut(Schema):
    document_id: int
    registration_number: str
    holder_name: str
    enrolment_id: int
    cohort_id: int
    missing: list[str] = Field(..., description="Столбцы шаблона, которые пусты")


class FrdoCheckOut(Schema):
    year: int
    template: str = Field(..., description="Версия шаблона ФИС ФРДО, которой следуют столбцы")
    documents: int = Field(..., description="Документов в выгрузке")
    complete: bool
    gaps: list[FrdoGapOut]


@router.get(
    "/organisations/{organisation_id}/frdo/check",
    response={200: FrdoCheckOut, **ERRORS, 422: ErrorOut},
    auth=bearer,
    summary="Проверка сведений перед выгрузкой в ФИС ФРДО",
)
def frdo_check(
    request: AuthenticatedRequest,
    organisation_id: int,
    year: QueryEx[int, P(ge=2000, le=2100, description="Год выдачи")],
) -> dict[str, Any]:
    """Per document of the year, the FRDO template's columns that are still empty (the
    same list the export refuses with, 422 `frdo_incomplete`)."""
    organisation = access_staff_organisation(request.auth, organisation_id)
    check = services.check_frdo(actor=request.auth, organisation=organisation, year=year)
    return {
        "year": check.year,
        "template": TEMPLATE_VERSION,
        "documents": check.documents,
        "complete": check.complete,
        "gaps": [
            {
                "document_id": gap.document_id,
                "registration_number": gap.registration_number,
                "holder_name": gap.holder_name,
                "enrolment_id": gap.enrolment_id,
                "cohort_id": gap.cohort_id,
                "missing": list(gap.missing),
            }
            for gap in check.gaps
        ],
    }


def _frdo_responses() -> dict[str, Any]:
    extra = binary_response("Файл XLSX в столбцах шаблона ФИС ФРДО (год меньше порога)", XLSX)
    extra["responses"][202] = {
        "description": (
            "Год с числом документов не меньше порога FRDO_EXPORT_JOB_THRESHOLD: файл "
            "готовится фоновым заданием. Опрашивайте `url` (GET /jobs/{id}, `done` строк "
            "из `total`), пока `status` не станет «done», затем скачайте `file_url`."
        )
    }
    return extra


@router.get(
    "/organisations/{organisation_id}/frdo",
    response={200: None, 202: JobOut, **ERRORS, 422: ErrorOut},
    auth=bearer,
    summary="Выгрузка в ФИС ФРДО (XLSX) за год; большой год — фоновым заданием (202)",
    openapi_extra=_frdo_responses(),
)
def frdo_export(
    request: AuthenticatedRequest,
    organisation_id: int,
    year: QueryEx[int, P(ge=2000, le=2100, description="Год выдачи")],
) -> FileResponse | Status:
    """The organisation's qualification documents issued in a year, in register order,
    as XLSX in the columns of the FRDO template for ДПО (ADR 0114). While data are
    missing: 422 `frdo_incomplete`, one message per learner naming the columns (see
    `/frdo/check`). Audited: the file carries personal data.

    A year of many documents (the server's `FRDO_EXPORT_JOB_THRESHOLD`, 500 by default)
    takes minutes to write, so it is not the answer: 202 with a background job (ADR 0025,
    0607) — poll its `url` (GET /jobs/{id}: `done` rows of `total`) until `status` is
    "done", then download `file_url` (GET /jobs/{id}/file, the same XLSX; only the caller
    who started it may). Called again while that job is queued or running, the route answers
    the same job, so a retry starts no second export.
    A year with gaps answers 422 `frdo_incomplete` before any job is started."""
    organisation = access_staff_organisation(request.auth, organisation_id)
    size = services.frdo_export_size(organisation, year)
    if services.frdo_export_needs_job(size):
        job = services.start_frdo_export(
            actor=request.auth, organisation=organisation, year=year, size=size
        )
        return Status(202, job_out(job))
    content = services.export_frdo(actor=request.auth, organisation=organisation, year=year)
    return streamed_file_response(content, XLSX, services.frdo_file_name(organisation, year))
