"""The provider's documents for an event: CME certificates (Свидетельство НМО) as PDF, one
per code, and the list of codes as XLSX (faq-certificate, faq-cert-from-provider)."""

import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from nmo.catalog.models import Activity
from nmo.codes.models import ConfirmationCode
from nmo.codes.selectors import list_codes
from nmo.core.cells import as_text
from nmo.core.keyset import keyset_rows
from nmo.core.links import absolute_url
from nmo.core.russian import agree, by_sex, person_from_full_name
from nmo.printing.files import document_file_name
from nmo.printing.pdf import render_pdf_pages, render_print
from nmo.printing.qr import qr_png_data_uri

CERTIFICATE_TEMPLATE = "codes/print/certificate.html"
STYLESHEET = Path(__file__).resolve().parent / "templates" / "codes" / "print" / "certificate.css"
# The link ends in the code's random symbols, so every mask pattern scores alike: fix one
# rather than score eight (printing.qr.qr_png_data_uri).
QR_MASK = 4
#: Certificates per downloaded file: WeasyPrint lays out a page in tens of milliseconds, so
#: a large event is downloaded in parts rather than in one request that runs for minutes.
CERTIFICATES_PER_FILE = 1000
#: Certificates a download renders while the person waits; a larger file is prepared by a
#: background job with a progress bar (ADR 0017). Three render in well under a second.
INSTANT_CERTIFICATES = 3


def verification_url(code_value: str) -> str:
    """The public page the certificate's QR code opens."""
    return absolute_url(reverse("codes:verify", args=[code_value]))


def _specialty_names(activity: Activity) -> list[str]:
    return list(activity.specialties.order_by("name").values_list("name", flat=True))


def certificate_context(
    code: ConfirmationCode, *, specialties: list[str] | None = None
) -> dict[str, Any]:
    """What a certificate shows: the participant's name when the roster has it (otherwise
    a line to fill in by hand), the event, its dates, credits and provider, the code and a
    QR code of the verification page."""
    activity = code.activity
    participant = code.participant
    url = verification_url(code.value)
    full_name = participant.full_name if participant is not None else ""
    credits = activity.credits or 0
    return {
        "code": code.value,
        "full_name": full_name,
        # «приняла участие» for a named participant (the sex told by the patronymic or the
        # name); a blank certificate, filled in by hand, says «является участником».
        "took_part": (
            by_sex(person_from_full_name(full_name), "принял участие", "приняла участие")
            if full_name
            else "является участником"
        ),
        # «12 зачётных единиц (академических часов)», agreeing with the number.
        "credits_words": (
            f"{agree('зачётная единица', credits)} ({agree('академический час', credits)})"
        ),
        "activity": activity,
        "provider": activity.provider,
        "specialties": specialties if specialties is not None else _specialty_names(activity),
        "credits": activity.credits,
        "verification_url": url,
        "qr": qr_png_data_uri(url, mask=QR_MASK),
        "issued_on": timezone.localdate(code.issued_at),
    }


def certificate_file_name(code: ConfirmationCode) -> str:
    """«Свидетельство НМО — <код>.pdf» (ADR 0029): the code names it uniquely in a ZIP."""
    return document_file_name("Свидетельство НМО", code.value, extension="pdf")


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """One certificate page to PDF, the stylesheet parsed once per process."""
    return render_print(template_name, context, stylesheet=STYLESHEET)


def render_certificate(code: ConfirmationCode) -> bytes:
    """One participant's certificate as a one-page A4 PDF."""
    return render_pdf(CERTIFICATE_TEMPLATE, certificate_context(code))


def _contexts(codes: Sequence[ConfirmationCode]) -> list[dict[str, Any]]:
    names: dict[int, list[str]] = {}
    contexts = []
    for code in codes:
        if code.activity_id not in names:
            names[code.activity_id] = _specialty_names(code.activity)
        contexts.append(certificate_context(code, specialties=names[code.activity_id]))
    return contexts


def render_certificates(
    codes: Sequence[ConfirmationCode], *, progress: Callable[[int], None] | None = None
) -> bytes:
    """Several certificates in one PDF, one page each, in the order given; `progress(n)`
    after the n-th."""
    return render_pdf_pages(
        CERTIFICATE_TEMPLATE, _contexts(codes), stylesheet=STYLESHEET, progress=progress
    )


def certificates_zip(
    codes: Sequence[ConfirmationCode], *, progress: Callable[[int], None] | None = None
) -> bytes:
    """A ZIP of one PDF per certificate, named by code; `progress(n)` after the n-th."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, (code, context) in enumerate(zip(codes, _contexts(codes), strict=True), 1):
            archive.writestr(certificate_file_name(code), render_pdf(CERTIFICATE_TEMPLATE, context))
            if progress is not None:
                progress(number)
    return buffer.getvalue()


def certificates_file_name(activity: Activity, part: int, *, archive: bool) -> str:
    """«Свидетельства НМО — <мероприятие> — часть 1.zip» (ADR 0029)."""
    return document_file_name(
        "Свидетельства НМО",
        activity.title[:80],
        f"часть {part}",
        extension="zip" if archive else "pdf",
    )


def certificate_parts(total: int) -> list[tuple[int, int, int]]:
    """(part, first, last) numbers of the files a download of `total` certificates is cut
    into, counting from 1."""
    return [
        (index + 1, start + 1, min(start + CERTIFICATES_PER_FILE, total))
        for index, start in enumerate(range(0, total, CERTIFICATES_PER_FILE))
    ]


def count_of_part(activity: Activity, part: int) -> int:
    """How many certificates one part of the download holds: one COUNT query."""
    start = (max(part, 1) - 1) * CERTIFICATES_PER_FILE
    return max(0, min(list_codes(activity).count() - start, CERTIFICATES_PER_FILE))


def codes_of_part(activity: Activity, part: int) -> list[ConfirmationCode]:
    """The codes of one part of the download, with what their certificates show."""
    start = (max(part, 1) - 1) * CERTIFICATES_PER_FILE
    return list(
        list_codes(activity).select_related("activity__provider")[
            start : start + CERTIFICATES_PER_FILE
        ]
    )


def codes_workbook(activity: Activity) -> bytes:
    """The event's codes as an XLSX list: code, participant, e-mail, whether activated."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Коды")
    sheet.append(["№", "Код (ИКП)", "ФИО", "E-mail", "Активирован", "Ссылка для проверки"])
    for number, code in enumerate(keyset_rows(list_codes(activity), order=("id",), size=2000), 1):
        participant = code.participant
        sheet.append(
            [
                number,
                code.value,
                as_text(participant.full_name) if participant else "",
                as_text(participant.email) if participant else "",
                timezone.localtime(code.activated_at).strftime("%d.%m.%Y")
                if code.activated_at
                else "нет",
                verification_url(code.value),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
