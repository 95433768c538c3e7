"""State changes and prints of an organisation's document settings (issue 12, ADR 0112):
the details its qualification documents print, where each value goes on its pre-printed
blanks, printing an issued document onto a blank and a blank's calibration page.

Public through `nmo.documents.services` (kept beside the layouts they use, like
`frdo.export_frdo`)."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import Organisation, User
from nmo.core.services import record_audit
from nmo.documents.exceptions import DocumentRevoked, LayoutInvalid, OrganisationDetailsInvalid
from nmo.documents.layouts import read_layout
from nmo.documents.models import BlankLayout, OrganisationDetails, QualificationDocument
from nmo.documents.printing import blank_kinds_of, render_blank_pdf, render_calibration_pdf
from nmo.documents.selectors import details_of, layout_of
from nmo.documents.types import BlankKind

DETAIL_FIELDS: dict[str, tuple[str, int, bool]] = {
    # field: (what it is, in a message; longest; required)
    "full_name": ("Полное наименование", 500, True),
    "short_name": ("Сокращённое наименование", 200, False),
    "details": ("Адрес и реквизиты", 2000, False),
    "city": ("Город", 100, True),
    "head_post": ("Должность руководителя", 200, True),
    "head_name": ("Руководитель", 200, True),
    "secretary_post": ("Должность секретаря", 200, True),
    "secretary_name": ("Секретарь", 200, True),
}


def _clean(field: str, value: str) -> str:
    if field == "details":
        return "\n".join(" ".join(line.split()) for line in value.strip().splitlines())
    return " ".join(value.split())


@transaction.atomic
def configure_details(
    *, actor: User, organisation: Organisation, values: Mapping[str, str]
) -> OrganisationDetails:
    """Set what the organisation's qualification documents print about it: full and short
    name, address and details, city, the head and the secretary who sign, with their posts.
    Missing or too long values: OrganisationDetailsInvalid (Russian messages by field).
    Staff of the organisation only (403 without the role, 404 for another organisation).
    Documents already issued keep what they printed. Audited as
    "organisation_details.configure" with the values before and after."""
    require_staff_of(actor, organisation)
    cleaned = {f: _clean(f, str(values.get(f) or "")) for f in DETAIL_FIELDS}
    errors: dict[str, list[str]] = {}
    for field, (label, longest, required) in DETAIL_FIELDS.items():
        if required and not cleaned[field]:
            errors.setdefault(field, []).append(f"{label}: заполните поле.")
        elif len(cleaned[field]) > longest:
            errors.setdefault(field, []).append(f"{label}: не более {longest} символов.")
    if errors:
        raise OrganisationDetailsInvalid(errors=errors)
    details = OrganisationDetails.objects.select_for_update().filter(organisation=organisation)
    row = details.first() or details_of(organisation)
    before = {f: getattr(row, f) for f in DETAIL_FIELDS} if row.pk else {}
    for field, value in cleaned.items():
        setattr(row, field, value)
    row.save()
    changed = {
        f: [before.get(f, ""), cleaned[f]] for f in DETAIL_FIELDS if before.get(f, "") != cleaned[f]
    }
    if changed:
        record_audit(
            actor=actor,
            action="organisation_details.configure",
            target=organisation,
            changes=changed,
        )
    return row


@transaction.atomic
def configure_blank_layout(
    *,
    actor: User,
    organisation: Organisation,
    blank: str,
    page_width: Any,
    page_height: Any,
    row_step: Any = None,
    positions: Mapping[str, Mapping[str, Any]],
) -> BlankLayout:
    """Set where each value goes on one of the organisation's blanks: the sheet's size and,
    per field, x and y in millimetres from the sheet's top-left corner, an optional width
    and the font size (`layouts.read_layout`); the supplement's table also its row step.
    Bad values: LayoutInvalid with Russian messages by field. Staff of the organisation
    only. Audited as "blank_layout.configure" with the layout before and after."""
    require_staff_of(actor, organisation)
    try:
        kind = BlankKind(blank)
    except ValueError:
        raise LayoutInvalid(errors={"blank": ["Выберите бланк."]}) from None
    (width, height, step, parsed), errors = read_layout(
        kind,
        page_width=page_width,
        page_height=page_height,
        row_step=row_step,
        positions=positions,
    )
    if errors:
        raise LayoutInvalid(errors=errors)
    layout = (
        BlankLayout.objects.select_for_update()
        .filter(organisation=organisation, blank=kind.value)
        .first()
    ) or layout_of(organisation, kind)
    before = _layout_state(layout) if layout.pk else {}
    layout.page_width_mm = width
    layout.page_height_mm = height
    layout.row_step_mm = step
    layout.positions = {code: p.as_json() for code, p in parsed.items()}
    layout.save()
    after = _layout_state(layout)
    record_audit(
        actor=actor,
        action="blank_layout.configure",
        target=layout,
        changes={"before": before, "after": after},
    )
    return layout


def _layout_state(layout: BlankLayout) -> dict[str, Any]:
    return {
        "page": f"{layout.page_width_mm} × {layout.page_height_mm}",
        "row_step": None if layout.row_step_mm is None else str(layout.row_step_mm),
        "positions": layout.positions,
    }


@transaction.atomic
def print_on_blank(*, actor: User, document: QualificationDocument, blank: str) -> bytes:
    """Return the PDF of the document's values at the organisation's positions on `blank`
    (the удостоверение's, the diploma's or its supplement's): no headings, labels or frame.
    Rendered from what the document keeps from the day of issue, never today's settings,
    except the positions. A revoked document is not printed (DocumentRevoked); a blank that
    does not belong to the document's kind: LayoutInvalid. Staff of the organisation only.
    Audited as "document.print_blank" (a blank is a form of strict accountability)."""
    require_staff_of(actor, document.organisation)
    kinds = blank_kinds_of(document)
    try:
        kind = BlankKind(blank)
    except ValueError:
        kind = None
    if kind is None or kind not in kinds:
        raise LayoutInvalid(errors={"blank": ["Этот документ на таком бланке не печатается."]})
    if document.is_revoked:
        raise DocumentRevoked("Документ аннулирован: на бланке он не печатается.")
    layouts = {k: layout_of(document.organisation, k) for k in kinds}
    pdf = render_blank_pdf(document, layouts, kind)
    record_audit(
        actor=actor,
        action="document.print_blank",
        target=document,
        changes={"blank": kind.value},
    )
    return pdf


def calibration_pdf(*, actor: User, organisation: Organisation, blank: str) -> bytes:
    """Return the calibration page of one of the organisation's blanks: a 10 mm grid with
    numbered marks and a sample of every field at its position. Staff only."""
    require_staff_of(actor, organisation)
    try:
        kind = BlankKind(blank)
    except ValueError:
        raise LayoutInvalid(errors={"blank": ["Выберите бланк."]}) from None
    return render_calibration_pdf(layout_of(organisation, kind))
