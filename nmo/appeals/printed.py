"""What the appeal's files say about themselves (ADR 0029, issue 12 point 5): the PDF's
metadata and the verification line at the foot of each page of the protocol (its number
in the year's book, who signed in the system and when, where to check), the metadata of
the application, the notice letter and the year's book, and the Russian download names
(«Протокол апелляционной комиссии № 1 — Егоров Е.Ж. — 31.10.2025.pdf»). The form's body
carries none of it. The protocol and the book are kept in the archive: PDF/A-3b."""

from typing import Any

from django.urls import reverse

from nmo.appeals.models import Appeal, AppealProtocol
from nmo.core.links import absolute_url
from nmo.printing.files import document_file_name
from nmo.printing.pdf import PdfMeta

PROTOCOL_TITLE = "Протокол заседания апелляционной комиссии"
PROTOCOL_SHORT = "Протокол апелляционной комиссии"
BOOK_TITLE = "Книга протоколов апелляционной комиссии"
APPLICATION_TITLE = "Заявление о подаче апелляции"
APPLICATION_SHORT = "Заявление об апелляции"
NOTICE_TITLE = "Уведомление о решении апелляционной комиссии"
KEYWORDS = ("НМО", "апелляция", "апелляционная комиссия")


def archive_number(number: object, year: object) -> str:
    """The protocol's number in the organisation's book of the year: «1/2025»."""
    return f"{number}/{year}"


def _signed_marks(content: dict[str, Any]) -> list[str]:
    return [
        f"{s.get('name', '')} ({s.get('role', '')}), {s['signed_at']}"
        for s in content.get("signers", [])
        if s.get("signed_at")
    ]


def _verification_url(appeal_id: int | None) -> str:
    if not appeal_id:
        return ""
    return absolute_url(reverse("appeals:appeal_detail", kwargs={"pk": appeal_id}))


def protocol_footer(protocol: AppealProtocol, content: dict[str, Any], *, draft: bool) -> str:
    """The verification line at the foot of each page: a draft says it is one; a frozen
    protocol its number in the year's book, the signing marks and where to check."""
    number = archive_number(content.get("number", protocol.number), protocol.year)
    if draft:
        footer = f"ПРОЕКТ · протокол № {number} не подписан всеми участниками заседания"
    else:
        marks = _signed_marks(content)
        last = max((s.get("signed_at", "") for s in content.get("signers", [])), default="")
        footer = (
            f"Архивный № {number} · подписано в системе НМО всеми участниками заседания "
            f"({len(marks)}), последняя подпись {last}"
        )
    url = _verification_url(protocol.appeal_id)
    if url:
        footer += f" · проверка: {url}"
    return footer


def protocol_meta(protocol: AppealProtocol, content: dict[str, Any], *, draft: bool) -> PdfMeta:
    """The PDF metadata and footer line of the protocol rendered from `content`; a frozen
    protocol is written as PDF/A-3b (archival, npc-5.20) with its archive number and the
    signing marks in the document information dictionary."""
    number = archive_number(content.get("number", protocol.number), protocol.year)
    custom = {
        "DocumentKind": "appeal_protocol",
        "ProtocolNumber": str(content.get("number", protocol.number)),
        "Year": str(protocol.year),
    }
    keywords = [*KEYWORDS, PROTOCOL_TITLE]
    if not draft:
        marks = _signed_marks(content)
        last = max((s.get("signed_at", "") for s in content.get("signers", [])), default="")
        custom.update({"ArchiveNumber": number, "SignedBy": "; ".join(marks), "SignedAt": last})
        keywords.append(f"архивный № {number}")
    url = _verification_url(protocol.appeal_id)
    if url:
        custom["VerificationURL"] = url
    title = f"{PROTOCOL_TITLE} № {content.get('number', protocol.number)} от {content['held_on']}"
    return PdfMeta(
        title=("Проект: " if draft else "") + title,
        subject=f"{content.get('organisation', '')}: {content.get('appellant', '')}".strip(": "),
        keywords=tuple(keywords),
        custom=custom,
        footer=protocol_footer(protocol, content, draft=draft),
        archival=not draft,
        author=str(content.get("organisation", "")),
    )


def book_meta(organisation: str, year: int, protocols: list[AppealProtocol]) -> PdfMeta:
    """The year's book of protocols (npc-5.20): kept in the archive, PDF/A-3b. Each page
    carries its own protocol's verification line (`protocol_footer`), not the book's."""
    numbers = ", ".join(str(p.number) for p in protocols)
    return PdfMeta(
        title=f"{BOOK_TITLE} за {year} год",
        subject=f"{organisation}: протоколы № {numbers}".strip(": "),
        keywords=(*KEYWORDS, BOOK_TITLE, f"{year} год"),
        custom={
            "DocumentKind": "appeal_protocol_book",
            "Year": str(year),
            "Protocols": numbers,
            "ArchiveNumbers": "; ".join(archive_number(p.number, p.year) for p in protocols),
        },
        archival=True,
        author=organisation,
    )


def application_meta(appeal: Appeal, content: dict[str, Any]) -> PdfMeta:
    return PdfMeta(
        title=f"{APPLICATION_TITLE} от {content['filed_on']}",
        subject=f"{content['from']}: {content['subject']}",
        keywords=(*KEYWORDS, APPLICATION_TITLE),
        custom={"DocumentKind": "appeal_application", "FiledOn": content["filed_on"]},
        author=content["from"],
    )


def notice_meta(appeal: Appeal, organisation: str, protocol: AppealProtocol | None) -> PdfMeta:
    custom = {"DocumentKind": "appeal_notice"}
    if protocol is not None:
        custom["ArchiveNumber"] = archive_number(protocol.number, protocol.year)
    return PdfMeta(
        title=NOTICE_TITLE,
        subject=f"{organisation}: {appeal.learner.full_name}".strip(": "),
        keywords=(*KEYWORDS, NOTICE_TITLE),
        custom=custom,
        author=organisation,
    )


def protocol_file_name(protocol: AppealProtocol, appeal: Appeal, extension: str) -> str:
    """«Протокол апелляционной комиссии № 1 — Егоров Е.Ж. — 31.10.2025.pdf»; «Проект»
    before the name of one not yet signed by everyone."""
    return document_file_name(
        "" if protocol.is_frozen else "Проект",
        f"{PROTOCOL_SHORT} № {protocol.number}",
        appeal.learner.short_name,
        f"{protocol.held_on:%d.%m.%Y}",
        extension=extension,
    )


def application_file_name(appeal: Appeal) -> str:
    """«Заявление об апелляции — Егоров Е.Ж. — 03.11.2025.pdf»."""
    return document_file_name(
        APPLICATION_SHORT, appeal.learner.short_name, f"{appeal.filed_on:%d.%m.%Y}", extension="pdf"
    )


def notice_file_name(appeal: Appeal) -> str:
    """«Уведомление о решении апелляционной комиссии — Егоров Е.Ж. — 31.10.2025.pdf»."""
    held = f"{appeal.hearing_on:%d.%m.%Y}" if appeal.hearing_on else ""
    return document_file_name(NOTICE_TITLE, appeal.learner.short_name, held, extension="pdf")


def book_file_name(year: int) -> str:
    """«Книга протоколов апелляционной комиссии — 2026.pdf»."""
    return document_file_name(BOOK_TITLE, str(year), extension="pdf")
