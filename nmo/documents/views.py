"""Pages of issued documents: the register of the organisation's staff, a document's page
with its handover and revocation, the PDF, the learner's own documents, and the public
verification page the QR code leads to. Each view parses, checks access, calls one
service or selector and renders."""

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nmo.accounts.access import (
    SignedInRequest,
    access_staff_organisation,
    require_login,
    require_staff,
    signed_in,
)
from nmo.accounts.models import Organisation
from nmo.core.exceptions import Conflict, NotFound, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.core.russian import inflect_phrase
from nmo.documents import frdo, selectors, services
from nmo.documents.access import access_document, access_document_file
from nmo.documents.exceptions import FrdoIncomplete
from nmo.documents.forms import (
    BlankLayoutForm,
    GroundForm,
    HandoverForm,
    OrganisationDetailsForm,
    PrintForm,
    RegisterFilterForm,
    RegisterSettingsForm,
    RevokeForm,
)
from nmo.documents.models import DocumentHandover, QualificationDocument
from nmo.documents.printing import blank_kinds_of
from nmo.documents.types import FRDO_TEMPLATE_VERSION, BlankKind, PrintMode
from nmo.printing.files import document_file_name, set_file_name
from nmo.programmes.rules import COUNTRY_NAMES
from nmo.programmes.selectors import enrolments_of_learner

PAGE_SIZE = 25
FRDO_ERRORS_SHOWN = 20  # the rest is on the check page
#: The check page lists at most this many incomplete documents (and says how many there
#: are): a year of the country's size with a detail missing everywhere would otherwise
#: be a page of 100,000 rows. They are put right and the year checked again.
FRDO_GAPS_SHOWN = 500
ID_MAX_DIGITS = 18  # beyond a 64-bit key: no such organisation
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _register_page(
    request: SignedInRequest,
    *,
    filters_data: Any,
    frdo_errors: Sequence[str] = (),
    frdo_initial: dict[str, str] | None = None,
    frdo_check_year: int | None = None,
    status: int | None = None,
) -> HttpResponse:
    staff_of = selectors.staff_organisations(request.user)
    organisations = list(staff_of)
    form = RegisterFilterForm(filters_data, organisations=staff_of, many=len(organisations) > 1)
    filters: dict[str, Any] = {}
    chosen: list[Any] = organisations
    if form.is_valid():
        data = form.cleaned_data
        if data.get("organisation"):
            chosen = [data["organisation"]]
        filters = {
            "kind": data["kind"],
            "status": data["status"],
            "year": data["year"],
            "text": data["q"],
        }
    documents = selectors.list_documents(organisations=chosen, **filters)
    page = selectors.page_of_register(documents, number=request.GET.get("page"), per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    # The FRDO form starts from the year and organisation the register shows.
    frdo_form = {
        "year": str(filters.get("year") or timezone.localdate().year),
        "organisation": str(chosen[0].pk) if len(chosen) == 1 else "",
    }
    frdo_form.update(frdo_initial or {})
    return render(
        request,
        "documents/register.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "many_organisations": len(organisations) > 1,
            "organisations": organisations,
            "frdo": frdo_form,
            "frdo_errors": list(frdo_errors),
            "frdo_check_year": frdo_check_year,
        },
        status=status or (422 if form.is_bound and form.errors else 200),
    )


@require_http_methods(["GET", "HEAD"])
@signed_in
def register(request: SignedInRequest) -> HttpResponse:
    """The register of issued documents of the staff's organisations: filters by kind,
    status and year, search by holder, 25 per page (one query for the rows), and the form
    of the FRDO export."""
    require_staff(request.user)
    return _register_page(request, filters_data=request.GET or None)


def _export_organisation(request: SignedInRequest, raw: str) -> Organisation:
    """The organisation the export is for: the one asked for (404 unless the user is its
    staff), or the user's only one; ValidationFailed when the user has several and chose
    none."""
    if raw:
        if not raw.isascii() or not raw.isdigit() or len(raw) > ID_MAX_DIGITS:
            raise NotFound()
        return access_staff_organisation(request.user, int(raw))
    organisations = list(selectors.staff_organisations(request.user))
    if len(organisations) == 1:
        return organisations[0]
    raise ValidationFailed(
        "Выберите организацию.",
        errors={"organisation": ["Выберите организацию, документы которой выгрузить."]},
    )


@require_http_methods(["GET", "HEAD"])
@signed_in
def frdo_check(request: SignedInRequest) -> HttpResponse:
    """The check before the FRDO export (`?year=2026`, `&organisation=<id>`): per
    document of the year, the template's columns still empty, with links to where each is
    filled in (the learner's enrolment page, the cohort's form). Staff only; a missing or
    malformed year re-shows the register with the reason (422)."""
    require_staff(request.user)
    raw_organisation = (request.GET.get("organisation") or "").strip()
    raw_year = request.GET.get("year")
    reasons: list[str] = []
    organisation: Organisation | None = None
    year = 0
    try:
        organisation = _export_organisation(request, raw_organisation)
    except ValidationFailed as exc:
        reasons += [m for field in exc.errors.values() for m in field]
    try:
        year = frdo.parse_year(raw_year)
    except ValidationFailed as exc:
        reasons += [m for field in exc.errors.values() for m in field]
    if organisation is None or reasons:
        return _register_page(
            request,
            filters_data=None,
            frdo_errors=reasons,
            frdo_initial={"year": (raw_year or "")[:20], "organisation": raw_organisation},
            status=422,
        )
    check = frdo.check_frdo(
        actor=request.user, organisation=organisation, year=year, shown=FRDO_GAPS_SHOWN
    )
    return render(
        request,
        "documents/frdo_check.html",
        {
            "check": check,
            "organisation": organisation,
            "template_version": FRDO_TEMPLATE_VERSION,
            "export_query": f"year={year}&organisation={organisation.pk}",
        },
    )


# Not HEAD: every export is audited, and HEAD would build and record one.
@require_http_methods(["GET", "POST"])
@signed_in
def frdo_export(request: SignedInRequest) -> HttpResponse | FileResponse:
    """The organisation's register for a year as XLSX in the columns of the FRDO template
    (`?year=2026`, and `&organisation=<id>` for staff of several): issued and revoked
    documents in register order. Staff of the organisation only (403 without the role,
    404 for another organisation); a missing or malformed year re-shows the register with
    the reason (422), a year with gaps the refusal (422). Audited: the file carries names
    and SNILS.

    A year of FRDO_EXPORT_JOB_THRESHOLD documents or more takes minutes to write: the GET
    shows how many and a button, whose POST starts a background job and opens its page
    (ADR 0025, 0607) — a year with gaps is refused before, and no job is started."""
    require_staff(request.user)
    raw_organisation = (request.GET.get("organisation") or "").strip()
    raw_year = request.GET.get("year")
    reasons: list[str] = []
    organisation: Organisation | None = None
    year = 0
    try:
        organisation = _export_organisation(request, raw_organisation)
    except ValidationFailed as exc:
        reasons += [m for field in exc.errors.values() for m in field]
    try:
        year = frdo.parse_year(raw_year)
    except ValidationFailed as exc:
        reasons += [m for field in exc.errors.values() for m in field]
    if organisation is None or reasons:
        return _register_page(
            request,
            filters_data=None,
            frdo_errors=reasons,
            frdo_initial={"year": (raw_year or "")[:20], "organisation": raw_organisation},
            status=422,
        )
    try:
        size = frdo.frdo_export_size(organisation, year)
        if frdo.frdo_export_needs_job(size):
            if request.method != "POST":
                frdo.refuse_incomplete(actor=request.user, organisation=organisation, year=year)
                return render(
                    request,
                    "documents/frdo_export_prepare.html",
                    {
                        "organisation": organisation,
                        "year": year,
                        "size": size,
                        "query": f"year={year}&organisation={organisation.pk}",
                    },
                )
            job = frdo.start_frdo_export(
                actor=request.user, organisation=organisation, year=year, size=size
            )
            return redirect("web:job", job.pk)
        content = frdo.export_frdo(actor=request.user, organisation=organisation, year=year)
    except FrdoIncomplete as exc:
        return _register_page(
            request,
            filters_data=None,
            frdo_errors=[exc.message, *exc.errors.get("frdo", [])[:FRDO_ERRORS_SHOWN]],
            frdo_initial={"year": str(year), "organisation": raw_organisation},
            frdo_check_year=year,
            status=422,
        )
    # The file was finished on disk (a zip is complete only at its end); it is sent in
    # blocks and closed (and gone) when sent.
    response = FileResponse(content, content_type=XLSX)
    set_file_name(response, frdo.frdo_file_name(organisation, year))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _detail(
    request: HttpRequest,
    document: QualificationDocument,
    *,
    handover_form: HandoverForm | None = None,
    revoke_form: RevokeForm | None = None,
    print_form: PrintForm | None = None,
    ground_form: GroundForm | None = None,
    status: int = 200,
) -> HttpResponse:
    handover = DocumentHandover.objects.filter(document=document).first()
    blanks = blank_kinds_of(document)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "handover": handover,
            "handover_form": handover_form or HandoverForm(),
            "revoke_form": revoke_form or RevokeForm(),
            "print_form": print_form,
            "blanks": blanks,
            "ground_form": ground_form or GroundForm(prefix="ground"),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """A document with its handover record and the forms to record the handover and to
    revoke it; the staff of the issuing organisation only."""
    document = access_document(request.user, document_id)
    return _detail(request, document)


@require_POST
@signed_in
def record_handover(request: SignedInRequest, document_id: int) -> HttpResponse:
    """Record how the document reached its holder (npc-2.14, rgmu-2.14)."""
    document = access_document(request.user, document_id)
    form = HandoverForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_handover(
                actor=request.user,
                document=document,
                mode=data["mode"],
                handed_on=data["handed_on"],
                recipient_name=data["recipient_name"],
                power_of_attorney_number=data["power_of_attorney_number"],
                power_of_attorney_date=data["power_of_attorney_date"],
                tracking_number=data["tracking_number"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect(document.get_absolute_url())
        else:
            messages.success(request, "Выдача документа записана.")
            return redirect(document.get_absolute_url() + "#handover")
    return _detail(request, document, handover_form=form, status=422)


@require_POST
@signed_in
def revoke(request: SignedInRequest, document_id: int) -> HttpResponse:
    """Revoke the document with a reason, shown on its verification page."""
    document = access_document(request.user, document_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_document(
                actor=request.user,
                document=document,
                reason=form.cleaned_data["reason"],
                ground=form.cleaned_data["ground"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect(document.get_absolute_url())
        else:
            messages.success(request, "Документ аннулирован.")
            return redirect(document.get_absolute_url())
    return _detail(request, document, revoke_form=form, status=422)


@require_POST
@signed_in
def revocation_ground(request: SignedInRequest, document_id: int) -> HttpResponse:
    """Record the ground of a document revoked before grounds were asked (ADR 0114)."""
    document = access_document(request.user, document_id)
    form = GroundForm(request.POST, prefix="ground")
    if form.is_valid():
        try:
            services.set_revocation_ground(
                actor=request.user, document=document, ground=form.cleaned_data["ground"]
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect(document.get_absolute_url())
        else:
            messages.success(request, "Основание аннулирования записано.")
            return redirect(document.get_absolute_url())
    return _detail(request, document, ground_form=form, status=422)


@require_http_methods(["GET", "HEAD"])
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse:
    """The document's PDF as issued; for its holder and the staff of its organisation
    (anyone else gets 404)."""
    document = access_document_file(request.user, document_id)
    # A file that no longer matches its hash is refused (DocumentTampered, 409 page).
    response = HttpResponse(services.checked_pdf(document), content_type="application/pdf")
    set_file_name(response, selectors.document_file_name_of(document))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD"])
@signed_in
def my_documents(request: SignedInRequest) -> HttpResponse:
    """The documents issued to the signed-in person, with their PDFs."""
    require_login(request.user)
    documents = selectors.documents_of_holder(request.user)
    enrolments = enrolments_of_learner(request.user)
    return render(
        request,
        "documents/my_documents.html",
        {"documents": documents, "enrolments": enrolments, "country_names": COUNTRY_NAMES},
    )


@require_http_methods(["GET", "HEAD"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The public page a document's QR code leads to: holder's name, programme, hours,
    issue date, series and number, organisation — as sealed when it was issued — and
    status (revoked: date and reason). Nothing else personal. An unknown token is a 404
    page; a record changed after issue shows no data, only that (409, ADR 0024)."""
    document = selectors.get_document_by_token(token)
    if document is None:
        raise NotFound()
    frozen = services.frozen_view(document)
    response = render(
        request,
        "documents/verify.html",
        {"document": document, "frozen": frozen.data, "intact": frozen.intact},
        status=200 if frozen.intact else 409,
    )
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def register_settings(request: SignedInRequest) -> HttpResponse:
    """The series and registration-number prefix of each register of the staff's
    organisations. The next number is shown, never edited."""
    require_staff(request.user)
    organisations = selectors.staff_organisations(request.user)
    form = RegisterSettingsForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            organisation = access_staff_organisation(request.user, data["organisation"].pk)
            try:
                services.configure_register(
                    actor=request.user,
                    organisation=organisation,
                    kind=data["kind"],
                    series=data["series"],
                    registration_prefix=data["registration_prefix"] or None,
                )
            except ValidationFailed as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, "Настройки реестра сохранены.")
                return redirect("documents:register_settings")
        status = 422
    registers = [
        register
        for organisation in organisations
        for register in selectors.registers_of(organisation)
    ]
    return render(
        request,
        "documents/register_settings.html",
        {"form": form, "registers": registers},
        status=status,
    )


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    set_file_name(response, name, inline=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _blank_kind(raw: str) -> BlankKind:
    try:
        return BlankKind(raw)
    except ValueError:
        raise NotFound() from None


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def organisation_details(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    """What the organisation's qualification documents print about it — full and short
    name, address and details, city, the head and the secretary with their posts — and
    its blanks with their layouts and calibration pages. Staff of the organisation only
    (403 without the role, 404 for another organisation)."""
    organisation = access_staff_organisation(request.user, organisation_id)
    details = selectors.details_of(organisation)
    initial = {name: getattr(details, name) for name in OrganisationDetailsForm.base_fields}
    form = OrganisationDetailsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.configure_details(
                    actor=request.user, organisation=organisation, values=form.cleaned_data
                )
            except ValidationFailed as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, "Реквизиты организации для документов сохранены.")
                return redirect("documents:organisation_details", organisation_id=organisation.pk)
        status = 422
    return render(
        request,
        "documents/organisation_details.html",
        {
            "organisation": organisation,
            "form": form,
            "configured": details.pk is not None,
            "blanks": list(BlankKind),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def blank_layout(request: SignedInRequest, organisation_id: int, blank: str) -> HttpResponse:
    """Where each value goes on one of the organisation's pre-printed blanks, in
    millimetres from the sheet's top-left corner (ADR 0112), with the link to its
    calibration page. Staff of the organisation only."""
    organisation = access_staff_organisation(request.user, organisation_id)
    kind = _blank_kind(blank)
    layout = selectors.layout_of(organisation, kind)
    initial: dict[str, Any] = {
        "page_width": layout.page_width_mm,
        "page_height": layout.page_height_mm,
        "row_step": layout.row_step_mm,
    }
    for code, position in selectors.positions_of(layout).items():
        for part, value in position.as_json().items():
            initial[f"{code}__{part}"] = value or ""
    form = BlankLayoutForm(request.POST or None, initial=initial, blank=kind)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.configure_blank_layout(
                    actor=request.user,
                    organisation=organisation,
                    blank=kind.value,
                    page_width=form.cleaned_data["page_width"],
                    page_height=form.cleaned_data["page_height"],
                    row_step=form.cleaned_data.get("row_step"),
                    positions=form.positions(),
                )
            except ValidationFailed as exc:
                show_refusal(form, exc, form.field_of())
            else:
                messages.success(request, "Расположение полей на бланке сохранено.")
                return redirect(
                    "documents:blank_layout", organisation_id=organisation.pk, blank=kind.value
                )
        status = 422
    return render(
        request,
        "documents/blank_layout.html",
        {
            "organisation": organisation,
            "form": form,
            "blank": kind,
            "configured": layout.pk is not None,
        },
        status=status,
    )


@require_GET
@signed_in
def blank_calibration(request: SignedInRequest, organisation_id: int, blank: str) -> HttpResponse:
    """The calibration page of one of the organisation's blanks as a PDF: a 10 mm grid
    and a sample of every field at its position, to print on plain paper and lay over a
    blank. Staff of the organisation only."""
    organisation = access_staff_organisation(request.user, organisation_id)
    kind = _blank_kind(blank)
    content = services.calibration_pdf(
        actor=request.user, organisation=organisation, blank=kind.value
    )
    name = document_file_name("Калибровочная страница", kind.label, organisation, extension="pdf")
    return _pdf_response(content, name)


@require_GET
@signed_in
def document_print(request: SignedInRequest, document_id: int) -> HttpResponse:
    """Print a qualification document the way staff choose (`?mode=`): `full` — the whole
    form on plain A4, the file issued; `blank` — only its values on the organisation's
    blank (`&blank=certificate|diploma|supplement`), at the positions set for it. Staff
    of the issuing organisation only; a bad choice re-shows the document page (422)."""
    document = access_document(request.user, document_id)
    form = PrintForm(request.GET)
    if not form.is_valid():
        return _detail(request, document, print_form=form, status=422)
    if form.cleaned_data["mode"] == PrintMode.FULL:
        return _pdf_response(
            services.checked_pdf(document), selectors.document_file_name_of(document)
        )
    blank = form.cleaned_data["blank"] or (blank_kinds_of(document) or [""])[0]
    try:
        content = services.print_on_blank(actor=request.user, document=document, blank=blank)
    except ValidationFailed as exc:
        show_refusal(form, exc)
        return _detail(request, document, print_form=form, status=422)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(document.get_absolute_url())
    stem = selectors.document_file_name_of(document).removesuffix(".pdf")
    name = document_file_name(
        stem, f"печать на {inflect_phrase(BlankKind(blank).label, 'loct')}", extension="pdf"
    )
    return _pdf_response(content, name)
