"""Reads of registers and issued documents."""

from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet
from django.urls import reverse

from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.selectors import organisations_for
from nmo.core.links import absolute_url
from nmo.documents.layouts import BLANKS, Position, default_positions
from nmo.documents.models import (
    BlankLayout,
    DocumentRegister,
    OrganisationDetails,
    QualificationDocument,
)
from nmo.documents.rules import fold
from nmo.documents.types import AttestationFacts, BlankKind, DocumentKind, DocumentStatus
from nmo.printing.files import document_file_name
from nmo.programmes.models import Enrolment
from nmo.programmes.selectors import intermediate_grades, list_disciplines

# The list pages and the API never load the PDF bytes.
_LIST_FIELDS = ("organisation", "register")


def _documents() -> QuerySet[QualificationDocument]:
    return QualificationDocument.objects.select_related(*_LIST_FIELDS).defer("pdf")


def verification_url(token: str) -> str:
    """Return the absolute link of a document's public verification page (its QR code)."""
    return absolute_url(reverse("documents:verify", kwargs={"token": token}))


def staff_organisations(actor: User) -> QuerySet[Organisation]:
    """Return the organisations the actor is organisation staff of, by name."""
    return organisations_for(actor, Role.ORGANISATION_STAFF).order_by("name")


def list_documents(
    *,
    organisations: QuerySet[Organisation] | list[Organisation],
    kind: str = "",
    status: str = "",
    year: int | None = None,
    text: str = "",
) -> QuerySet[QualificationDocument]:
    """Return the documents issued by `organisations`, newest first, filtered by kind,
    status, year of issue and holder's name (or series and number) — one query per page,
    without the PDF bytes."""
    documents = _documents().filter(organisation__in=organisations)
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    if year:
        documents = documents.filter(issued_on__year=year)
    text = text.strip()
    if text:
        match = Q(holder_search__contains=fold(text)) | Q(registration_number__iexact=text)
        if text.isdigit():
            match |= Q(number=int(text))
        documents = documents.filter(match)
    return documents.order_by("-issued_on", "-created_at", "-id")


def page_of_register(
    documents: QuerySet[QualificationDocument], *, number: str | int | None, per_page: int
) -> Page[QualificationDocument]:
    """A page of `list_documents`' rows (Django's `get_page`: a number out of range gives
    the last page). Its ids are picked in a subquery and only those rows are read: for one
    organisation's register without a name search the register's order index
    (`document_register_order_idx`) answers the subquery alone, so a deep page skips
    index entries, not documents (the last of 200,000: 0.8 s before, ADR 0614). One query
    for the count and one for the rows, whatever the page."""
    ids = Paginator(documents.values_list("pk", flat=True), per_page).get_page(number)
    # The page's slice of ids is still a query: the subquery of the rows' query.
    rows = documents.filter(pk__in=cast(QuerySet[QualificationDocument, int], ids.object_list))
    # The same page (number, count, page range), holding the documents.
    paginator = cast("Paginator[QualificationDocument]", ids.paginator)
    return Page(list(rows), ids.number, paginator)


def documents_of_organisation(
    organisation: Organisation, *, year: int | None = None, kind: str = "", status: str = ""
) -> QuerySet[QualificationDocument]:
    """Return the documents an organisation issued, in register order (kind, number), for
    its own systems and the FRDO export: issued and revoked alike, each with its status."""
    documents = _documents().filter(organisation=organisation)
    if year:
        documents = documents.filter(issued_on__year=year)
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    return documents.order_by("kind", "number")


def documents_of_holder(user: User) -> QuerySet[QualificationDocument]:
    """Return the documents issued to the person (as learner of any enrolment), newest
    first, without the PDF bytes."""
    return _documents().filter(enrolment__learner=user).order_by("-issued_on", "-id")


def documents_of_enrolment(enrolment_id: int) -> QuerySet[QualificationDocument]:
    """Return the documents issued for one enrolment, newest first (the attestation app
    shows them next to the decision)."""
    return _documents().filter(enrolment_id=enrolment_id).order_by("-issued_on", "-id")


def issued_documents_for_enrolment(enrolment_id: int | OuterRef) -> QuerySet[QualificationDocument]:
    """Return the enrolment's issued (not revoked) documents; the id may be an OuterRef."""
    return QualificationDocument.objects.filter(
        enrolment_id=enrolment_id, status=DocumentStatus.ISSUED
    )


def get_document_by_token(token: str) -> QualificationDocument | None:
    """Return the document a verification token (its QR code) belongs to, or None."""
    if not token or len(token) > 64:
        return None
    return (
        QualificationDocument.objects.select_related("organisation")
        .defer("pdf")
        .filter(verification_token=token)
        .first()
    )


def registers_of(organisation: Organisation) -> list[DocumentRegister]:
    """Return the organisation's registers that exist, by kind."""
    return list(DocumentRegister.objects.filter(organisation=organisation).order_by("kind"))


def issued_years(organisations: QuerySet[Organisation] | list[Organisation]) -> list[int]:
    """Return the years in which the organisations issued documents, newest first."""
    dates = QualificationDocument.objects.filter(organisation__in=organisations).dates(
        "issued_on", "year", order="DESC"
    )
    return [d.year for d in dates]


SHORT_TITLES: dict[str, str] = {
    DocumentKind.QUALIFICATION_CERTIFICATE.value: "Удостоверение о ПК",
    DocumentKind.RETRAINING_DIPLOMA.value: "Диплом о ПП",
    DocumentKind.TRAINING_RECORD.value: "Справка об обучении",
}
"""The first words of a document's file name, by kind (ПК — повышение квалификации,
ПП — профессиональная переподготовка)."""


def _holder_short(document: QualificationDocument) -> str:
    parts = document.holder_name.split()
    if not parts:
        return ""
    return (parts[0] + " " + "".join(f"{p[0]}." for p in parts[1:3])).strip()


def document_file_name_of(document: QualificationDocument) -> str:
    """«Удостоверение о ПК № 000015 — Егоров Е.Ж. — 03.12.2026.pdf» (ADR 0029)."""
    title = SHORT_TITLES.get(document.kind, DocumentKind(document.kind).label.capitalize())
    return document_file_name(
        f"{title} {document.display_number}",
        _holder_short(document),
        f"{document.issued_on:%d.%m.%Y}" if document.issued_on else "",
        extension="pdf",
    )


def details_of(organisation: Organisation) -> OrganisationDetails:
    """Return the organisation's details for its documents; unsaved, filled from the
    organisation's record (full and short name, address), when none are configured yet."""
    details = OrganisationDetails.objects.filter(organisation=organisation).first()
    if details is None:
        details = OrganisationDetails(
            organisation=organisation,
            full_name=organisation.name,
            short_name=organisation.short_name,
            details=organisation.address,
        )
    return details


def organisation_particulars(organisation: Organisation) -> dict[str, str]:
    """Return what a document prints about its organisation, from its details."""
    details = details_of(organisation)
    return {
        "full_name": details.full_name,
        "short_name": details.short_name,
        "details": details.details,
        "city": details.city,
        "head_post": details.head_post,
        "head_name": details.head_name,
        "secretary_post": details.secretary_post,
        "secretary_name": details.secretary_name,
    }


def _grade_word(passed: bool | None) -> str:
    if passed is None:
        return ""
    return "зачтено" if passed else "не зачтено"


def document_particulars(
    *, enrolment: Enrolment, kind: str, facts: AttestationFacts | None = None
) -> dict[str, Any]:
    """Return what a document prints beyond its own columns, as it is on the day of issue:
    the organisation's details and signatories; for a retraining diploma the qualification
    awarded, the field of professional activity, the commission's protocol (`facts`) and
    the supplement's rows — the programme's disciplines (modules) with hours and the
    learner's intermediate result under the same title, then the final attestation with
    its hours and grade (rgmu-2.8)."""
    programme = enrolment.cohort.programme
    facts = facts or AttestationFacts()
    particulars: dict[str, Any] = {
        "organisation": organisation_particulars(programme.organisation),
    }
    if kind != DocumentKind.RETRAINING_DIPLOMA:
        return particulars
    grades = intermediate_grades(enrolment)
    particulars.update(
        {
            "qualification_title": programme.qualification_title,
            "practice_field": programme.practice_field,
            "protocol_number": facts.protocol_number,
            "protocol_date": facts.protocol_date.isoformat() if facts.protocol_date else "",
            "final_grade": facts.final_grade,
            "attestation_hours": programme.attestation_hours,
            "disciplines": [
                {
                    "title": row.title,
                    "hours": row.hours,
                    "grade": _grade_word(grades.get(fold(row.title))),
                }
                for row in list_disciplines(programme)
            ],
        }
    )
    return particulars


def layout_of(organisation: Organisation, blank: BlankKind) -> BlankLayout:
    """Return the organisation's layout of a blank; unsaved, with the defaults (ADR 0112),
    when it has not set one."""
    layout = BlankLayout.objects.filter(organisation=organisation, blank=blank.value).first()
    if layout is not None:
        return layout
    spec = BLANKS[blank]
    return BlankLayout(
        organisation=organisation,
        blank=blank.value,
        page_width_mm=spec.width_mm,
        page_height_mm=spec.height_mm,
        row_step_mm=spec.row_step_mm,
        positions={code: p.as_json() for code, p in default_positions(blank).items()},
    )


def positions_of(layout: BlankLayout) -> dict[str, Position]:
    """Return the layout's positions as numbers; a field the layout lacks (added to the
    blank after the layout was saved) takes its default."""
    from decimal import Decimal

    result = default_positions(BlankKind(layout.blank))
    for code, raw in (layout.positions or {}).items():
        if code in result:
            result[code] = Position(
                Decimal(str(raw["x"])),
                Decimal(str(raw["y"])),
                None if raw.get("width") in (None, "") else Decimal(str(raw["width"])),
                Decimal(str(raw["size"])),
            )
    return result
