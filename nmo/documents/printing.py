"""The printed form of an issued document: the template of each kind and its context.

`render_document_pdf` takes a document that may not be saved yet (the issuing service
renders the PDF before it inserts the row, inside the same transaction), so it reads only
the document's own fields and the row it replaces.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from nmo.core.russian import agree, by_sex, full_name_in, person_from_full_name
from nmo.documents.layouts import BLANKS, TABLE_FIELDS, Position
from nmo.documents.models import BlankLayout, QualificationDocument
from nmo.documents.selectors import organisation_particulars, positions_of, verification_url
from nmo.documents.types import BlankKind, DocumentKind
from nmo.printing.pdf import PdfMeta, render_pdf_pages, render_print
from nmo.printing.qr import qr_png_data_uri

STYLESHEET = Path(__file__).resolve().parent / "templates" / "documents" / "print" / "documents.css"

TEMPLATES: dict[DocumentKind, str] = {
    DocumentKind.QUALIFICATION_CERTIFICATE: "documents/print/qualification_document.html",
    DocumentKind.RETRAINING_DIPLOMA: "documents/print/qualification_document.html",
    DocumentKind.TRAINING_RECORD: "documents/print/training_record.html",
}

# The link ends in 256 random bits, so every mask pattern scores alike: fix one rather
# than score eight (printing.qr.qr_png_data_uri).
QR_MASK = 4

PROGRAMME_KIND_PHRASE = {
    "qualification_upgrade": "повышения квалификации",
    "professional_retraining": "профессиональной переподготовки",
}


def _holder(document: QualificationDocument) -> dict[str, str]:
    """The holder's name as printed on the document, with the sex stored for the learner
    (the name on the document is the snapshot; the sex decides its declension)."""
    sex = ""
    if document.enrolment_id:
        sex = document.enrolment.learner.sex
    return person_from_full_name(document.holder_name, sex)


def particulars_of(document: QualificationDocument) -> dict[str, Any]:
    """Return the document's particulars as issued (`QualificationDocument.particulars`);
    for a document issued before they were kept, the organisation's details of today."""
    particulars = dict(document.particulars or {})
    if not particulars.get("organisation"):
        organisation = organisation_particulars(document.organisation)
        organisation["full_name"] = document.organisation_name
        particulars["organisation"] = organisation
    return particulars


def _supplement_rows(particulars: dict[str, Any]) -> list[dict[str, Any]]:
    """The supplement's table: the disciplines (modules), then the final attestation."""
    rows = [dict(row) for row in particulars.get("disciplines") or []]
    if particulars.get("attestation_hours") or particulars.get("final_grade"):
        rows.append(
            {
                "title": "Итоговая аттестация",
                "hours": particulars.get("attestation_hours") or "",
                "grade": particulars.get("final_grade", ""),
            }
        )
    return rows


def _protocol(particulars: dict[str, Any]) -> str:
    """«№ 7 от 13.03.2026», «от 13.03.2026» or ""."""
    number = particulars.get("protocol_number") or ""
    raw = particulars.get("protocol_date") or ""
    day = date.fromisoformat(raw).strftime("%d.%m.%Y") if raw else ""
    parts = [f"№ {number}" if number else "", f"от {day}" if day else ""]
    return " ".join(p for p in parts if p)


def document_context(document: QualificationDocument) -> dict[str, Any]:
    """Return what the print template of the document needs: the holder's name in the
    dative («выдан Егорову Евгению Жоресовичу») and the verbs by the holder's sex, the
    organisation's details and signatories, the city and year; for a diploma the
    qualification wording, the protocol reference and the supplement's rows."""
    url = verification_url(document.verification_token)
    kind = DocumentKind(document.kind)
    holder = _holder(document)
    particulars = particulars_of(document)
    organisation = particulars["organisation"]
    return {
        "organisation": organisation,
        "year": document.issued_on.year,
        "holder_nomn": document.holder_name,
        "qualification_title": particulars.get("qualification_title", ""),
        "practice_field": particulars.get("practice_field", ""),
        "protocol": _protocol(particulars),
        "supplement": _supplement_rows(particulars),
        "supplement_hours": sum(
            int(row["hours"]) for row in _supplement_rows(particulars) if row.get("hours")
        ),
        "holder_datv": full_name_in("datv", holder),
        "he_she": by_sex(holder, "он", "она"),
        "passed": by_sex(holder, "прошёл", "прошла"),
        "studied": by_sex(holder, "обучался", "обучалась"),
        # «Объём программы: 72 академических часа»; «в объёме 72 академических часов».
        "hours_words": agree("академический час", document.hours),
        "hours_words_gent": agree("академический час", document.hours, "gent"),
        "document": document,
        "kind": kind.value,
        "is_certificate": kind == DocumentKind.QUALIFICATION_CERTIFICATE,
        "is_diploma": kind == DocumentKind.RETRAINING_DIPLOMA,
        "programme_kind_phrase": PROGRAMME_KIND_PHRASE.get(document.programme_kind, ""),
        "display_number": document.display_number,
        "replaces": document.replaces,
        "verification_url": url,
        "qr": qr_png_data_uri(url, mask=QR_MASK),
    }


def document_meta(document: QualificationDocument) -> PdfMeta:
    """The PDF's metadata (ADR 0029): kind, number, holder, issuer, where to check. The
    document is kept in the archive: PDF/A-3b. Its form carries the verification link
    itself (the QR code), so no footer line is added."""
    kind = DocumentKind(document.kind)
    url = verification_url(document.verification_token)
    return PdfMeta(
        title=f"{kind.label.capitalize()} {document.display_number}",
        subject=f"{document.holder_name}: «{document.programme_title}»",
        keywords=(
            "НМО",
            kind.label,
            document.display_number,
            f"регистрационный номер {document.registration_number}",
        ),
        custom={
            "DocumentKind": document.kind,
            "RegistrationNumber": str(document.registration_number),
            "IssuedOn": f"{document.issued_on:%d.%m.%Y}" if document.issued_on else "",
            "VerificationURL": url,
        },
        archival=True,
        author=document.organisation_name,
    )


def render_document_pdf(document: QualificationDocument) -> bytes:
    """Render the document's PDF: A4 landscape for an удостоверение or a диплом, A4
    portrait for a справка; each with a QR code leading to the verification page. Kept in
    the archive, so written as PDF/A-3b with its metadata (ADR 0029)."""
    return render_print(
        TEMPLATES[DocumentKind(document.kind)],
        document_context(document),
        stylesheet=STYLESHEET,
        meta=document_meta(document),
    )


# --- Printing onto the organisation's pre-printed blanks (ADR 0112) ---------------------

BLANK_TEMPLATE = "documents/print/blank.html"
BLANK_STYLESHEET = STYLESHEET.parent / "blank.css"


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def blank_values(document: QualificationDocument, blank: BlankKind) -> dict[str, str]:
    """Return the value of every field of the blank for the document, as printed."""
    particulars = particulars_of(document)
    organisation = particulars["organisation"]
    holder = _holder(document)
    return {
        "organisation": organisation.get("full_name") or document.organisation_name,
        "series_number": " ".join(p for p in (document.series, f"{document.number:06d}") if p),
        "registration_number": document.registration_number,
        "city": organisation.get("city", ""),
        "issued_on": _date(document.issued_on),
        "year": str(document.issued_on.year),
        "holder": full_name_in("datv", holder),
        "holder_nominative": document.holder_name,
        "period_from": _date(document.period_from),
        "period_to": _date(document.period_to),
        "programme": document.programme_title,
        "hours": str(document.hours),
        "qualification": particulars.get("qualification_title", ""),
        "practice_field": particulars.get("practice_field", ""),
        "protocol": _protocol(particulars),
        "head": organisation.get("head_name", ""),
        "secretary": organisation.get("secretary_name", ""),
    }


def _box(code: str, position: Position, text: str, *, dy: Decimal = Decimal(0)) -> dict[str, Any]:
    return {
        "code": code,
        "text": text,
        "x": position.x,
        "y": position.y + dy,
        "width": position.width,
        "size": position.size,
    }


def _boxes(
    layout: BlankLayout, values: dict[str, str], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    positions = positions_of(layout)
    spec = BLANKS[BlankKind(layout.blank)]
    boxes = []
    for field in spec.fields:
        if field.code in TABLE_FIELDS:
            continue
        text = values.get(field.code, "")
        if text:
            boxes.append(_box(field.code, positions[field.code], text))
    step = Decimal(str(layout.row_step_mm or spec.row_step_mm or 0))
    for index, row in enumerate(rows):
        for code, key in zip(TABLE_FIELDS, ("title", "hours", "grade"), strict=True):
            text = str(row.get(key, "") or "")
            if text:
                boxes.append(_box(code, positions[code], text, dy=step * index))
    return boxes


def _page(layout: BlankLayout, boxes: list[dict[str, Any]], *, grid: bool) -> dict[str, Any]:
    width = Decimal(str(layout.page_width_mm))
    height = Decimal(str(layout.page_height_mm))
    return {
        "title": BlankKind(layout.blank).label,
        "width": width,
        "height": height,
        "boxes": boxes,
        "grid": grid,
        "ticks_x": list(range(0, int(width) + 1, 10)) if grid else [],
        "ticks_y": list(range(0, int(height) + 1, 10)) if grid else [],
    }


def blank_kinds_of(document: QualificationDocument) -> list[BlankKind]:
    """The blanks a document is printed on: the удостоверение's; the diploma's and its
    supplement's."""
    if document.kind == DocumentKind.RETRAINING_DIPLOMA:
        return [BlankKind.DIPLOMA, BlankKind.SUPPLEMENT]
    if document.kind == DocumentKind.QUALIFICATION_CERTIFICATE:
        return [BlankKind.CERTIFICATE]
    return []


def render_blank_pdf(
    document: QualificationDocument, layouts: dict[BlankKind, BlankLayout], blank: BlankKind
) -> bytes:
    """Render only the values of the document at the organisation's positions on the sheet
    of `blank` (no headings, labels or frame: the blank has them). Each page's size is the
    blank's; the supplement's rows step down by the layout's row step."""
    layout = layouts[blank]
    rows = _supplement_rows(particulars_of(document)) if blank == BlankKind.SUPPLEMENT else []
    page = _page(layout, _boxes(layout, blank_values(document, blank), rows), grid=False)
    return render_print(BLANK_TEMPLATE, {"pages": [page]}, stylesheet=BLANK_STYLESHEET)


def render_calibration_pdf(layout: BlankLayout) -> bytes:
    """Render the calibration page of a blank: a millimetre grid (a line every 10 mm,
    numbered) with every field's sample at its position, so that a sheet printed on plain
    paper laid over a blank shows where the values will land."""
    spec = BLANKS[BlankKind(layout.blank)]
    values = {f.code: f.sample for f in spec.fields}
    rows = (
        [{"title": "Кардиология", "hours": "144", "grade": "зачтено"}] * 3
        if BlankKind(layout.blank) == BlankKind.SUPPLEMENT
        else []
    )
    page = _page(layout, _boxes(layout, values, rows), grid=True)
    return render_pdf_pages(
        BLANK_TEMPLATE, [{"pages": [page], "calibration": True}], stylesheet=BLANK_STYLESHEET
    )
