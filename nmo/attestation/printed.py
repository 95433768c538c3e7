"""What the files of an attestation's records say about themselves (ADR 0029): the PDF's
metadata and the verification line at the foot of each page (archive number, version,
who signed in the system and when, where to check), and the Russian download names
(«Протокол ИА № 12 — Егоров Е.Ж. — 03.12.2026.pdf»). The form's body carries none of it."""

from typing import Any

from nmo.attestation.models import AttestationDocument
from nmo.attestation.types import RecordKind
from nmo.core.links import absolute_url
from nmo.printing.files import document_file_name
from nmo.printing.pdf import PdfMeta

SHORT_TITLES: dict[str, str] = {
    RecordKind.ATTESTATION_STATEMENT.value: "Ведомость ИА",
    RecordKind.RETRAINING_PROTOCOL.value: "Протокол ИА",
    RecordKind.COMMISSION_REPORT.value: "Отчёт комиссии ИА",
    RecordKind.MEETING_PROTOCOL.value: "Протокол заседания ИАК",
}
"""The first words of a record's file name, by kind (ИА — итоговая аттестация). A kind
missing here is named by its label."""


def _short_title(kind: str) -> str:
    if kind in SHORT_TITLES:
        return SHORT_TITLES[kind]
    try:
        return RecordKind(kind).label.capitalize()
    except ValueError:
        return "Документ ИА"


def _signed_marks(content: dict[str, Any]) -> list[str]:
    return [
        f"{s.get('name', '')} ({s.get('line', '')}), {s['signed_at']}"
        for s in content.get("signers", [])
        if s.get("signed_at")
    ]


def record_meta(record: AttestationDocument, content: dict[str, Any], *, draft: bool) -> PdfMeta:
    """The PDF metadata and footer line of a record rendered from `content`: a draft says it
    is a draft; a frozen record its archive number, version and signing marks. Frozen
    records are written as PDF/A-3b (archival)."""
    kind_label = str(content.get("title") or RecordKind(record.kind).label)
    number = content.get("number")
    version = content.get("version") or record.version
    title = kind_label.capitalize() + (f" № {number}" if number and not draft else "")
    marks = _signed_marks(content)
    url = absolute_url(record.get_absolute_url()) if record.pk else ""
    subject = f"{content.get('organisation', '')}: {content.get('programme', '')}".strip(": ")
    custom = {"DocumentKind": record.kind, "Version": str(version)}
    if draft:
        footer = (
            f"ПРОЕКТ · архивный № присваивается при подписании · версия {version}"
            " · не подписан всеми членами комиссии"
        )
    else:
        last = max((s.get("signed_at", "") for s in content.get("signers", [])), default="")
        footer = (
            f"Архивный № {number} · версия {version} · подписано в системе НМО "
            f"всеми подписантами ({len(marks)}), последняя подпись {last}"
        )
        custom.update(
            {
                "ArchiveNumber": str(number),
                "SignedBy": "; ".join(marks),
                "SignedAt": last,
            }
        )
    if url:
        footer += f" · проверка: {url}"
        custom["VerificationURL"] = url
    keywords = ["НМО", "итоговая аттестация", kind_label, f"версия {version}"]
    if number and not draft:
        keywords.append(f"архивный № {number}")
    return PdfMeta(
        title=title,
        subject=subject,
        keywords=tuple(keywords),
        custom=custom,
        footer=footer,
        archival=not draft,
        author=str(content.get("organisation", "")),
    )


def record_file_name(record: AttestationDocument, extension: str) -> str:
    """«Протокол ИА № 12 — Егоров Е.Ж. — 03.12.2026.pdf», «Ведомость ИА — <группа> —
    <дата>.pdf»; «Проект» before a draft's name, the version after a corrected one's."""
    attestation = record.attestation
    title = _short_title(record.kind)
    if record.is_frozen and record.number:
        title += f" № {record.number}"
    if record.learner_result is not None:
        who = record.learner_result.enrolment.learner.short_name
    else:
        cohort = attestation.cohort
        who = cohort.title or cohort.programme.title
    return document_file_name(
        "" if record.is_frozen else "Проект",
        title,
        who,
        f"{attestation.held_on:%d.%m.%Y}",
        f"версия {record.version}" if record.version > 1 else "",
        extension=extension,
    )
