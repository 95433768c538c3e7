"""Pure rules of the documents app: which document a programme ends with, how numbers are
printed, and what a handover record must carry. No ORM, no I/O."""

import re
from collections.abc import Iterable
from datetime import date

from nmo.documents.types import DocumentKind
from nmo.regulations.types import (
    FailedDocument,
    HandoverMode,
    ProgrammeKind,
    QualificationDocument,
)

NUMBER_WIDTH = 6
"""Numbers are printed zero-padded to this width (№ 000015)."""

DEFAULT_REGISTRATION_PREFIX: dict[DocumentKind, str] = {
    DocumentKind.QUALIFICATION_CERTIFICATE: "ПК",
    DocumentKind.RETRAINING_DIPLOMA: "ПП",
    DocumentKind.TRAINING_RECORD: "СО",
}

_QUALIFICATION_DOCUMENT_OF: dict[ProgrammeKind, DocumentKind] = {
    ProgrammeKind.QUALIFICATION_UPGRADE: DocumentKind.QUALIFICATION_CERTIFICATE,
    ProgrammeKind.PROFESSIONAL_RETRAINING: DocumentKind.RETRAINING_DIPLOMA,
}

# ШПИ of Russian Post: 14 digits inside Russia, or the UPU S10 form (RA123456789RU).
_TRACKING = re.compile(r"^(?:\d{14}|[A-Z]{2}\d{9}[A-Z]{2})$")

MIN_REASON_LENGTH = 10
"""A revocation reason is read by anybody who scans the document: a few words at least."""


def qualification_document_for(programme_kind: str) -> DocumentKind:
    """Return the qualification document a programme of this kind ends with: an
    удостоверение for a qualification upgrade, a диплом for a retraining (npc-2.8,
    rgmu-2.8). Raise ValueError for an unknown kind."""
    return _QUALIFICATION_DOCUMENT_OF[ProgrammeKind(programme_kind)]


def kind_errors(
    *,
    kind: str,
    programme_kind: str,
    qualification_documents: Iterable[QualificationDocument],
    failed_document: FailedDocument,
) -> list[str]:
    """Return why a document of `kind` may not be issued for a programme of
    `programme_kind` under a regulation naming `qualification_documents` and
    `failed_document` (empty when it may). Messages are Russian and name the clause."""
    try:
        wanted = DocumentKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in DocumentKind)
        return [f"Неизвестный вид документа «{kind}». Допустимо: {known}."]
    if wanted == DocumentKind.TRAINING_RECORD:
        if failed_document != FailedDocument.TRAINING_RECORD:
            return ["Положение организации не предусматривает выдачу справки об обучении."]
        return []
    expected = qualification_document_for(programme_kind)
    programme_label = ProgrammeKind(programme_kind).label
    if wanted != expected:
        return [
            f"По программе вида «{programme_label}» выдаётся {expected.label}, а не {wanted.label}."
        ]
    if QualificationDocument(wanted.value) not in tuple(qualification_documents):
        return [
            f"Положение организации не предусматривает документ «{wanted.label}» "
            "(оно предусматривает только удостоверение о повышении квалификации)."
        ]
    return []


def padded_number(number: int) -> str:
    """Return the number as printed and reported: zero-padded, "000015"."""
    return f"{number:0{NUMBER_WIDTH}d}"


def display_number(series: str, number: int) -> str:
    """Return series and number as printed: "серия 7724 № 000015", or "№ 000015" without a
    series."""
    printed = f"№ {padded_number(number)}"
    return f"серия {series} {printed}" if series else printed


def default_series(*, prefix: str, organisation_code: str, year: int) -> str:
    """Return the series printed on a qualification document of a register whose series
    nobody configured (ADR 0110): the register's prefix, the organisation's code (the last
    four digits of its ИНН, else its number in the system) and the year of issue —
    "ПП-6164-2026". Unique per organisation, kind and year, at most 20 characters."""
    code = "".join(ch for ch in organisation_code if ch.isdigit())[-4:].rjust(4, "0")
    return "-".join(part for part in (prefix, code, str(year)) if part)[:20]


def registration_number(prefix: str, number: int) -> str:
    """Return the registration number of the `number`-th entry of a register: "ПК-15"."""
    return f"{prefix}-{number}" if prefix else str(number)


def fold(text: str) -> str:
    """Return text as searched: spaces collapsed, case folded, ё as е."""
    return " ".join((text or "").split()).casefold().replace("ё", "е")


def normalise_tracking_number(value: str) -> str:
    """Return a postal tracking number without spaces or dashes, in upper case."""
    return re.sub(r"[\s-]", "", value or "").upper()


def period_errors(
    *,
    period_from: date,
    period_to: date,
    issued_on: date,
    cohort_starts_on: date,
    studied: bool,
) -> dict[str, list[str]]:
    """Return the problems of a training period, by field (empty when fine).

    The period must be ordered and start no earlier than the cohort. A period actually
    studied (training record) must also have ended by the day of issue."""
    errors: dict[str, list[str]] = {}
    if period_to < period_from:
        errors.setdefault("period_to", []).append(
            "Дата окончания обучения не может быть раньше даты начала."
        )
    if period_from < cohort_starts_on:
        errors.setdefault("period_from", []).append(
            f"Обучение в группе началось {cohort_starts_on:%d.%m.%Y}: период не может "
            "начинаться раньше."
        )
    if studied and period_to > issued_on:
        errors.setdefault("period_to", []).append(
            "Справка подтверждает уже завершённый период обучения: дата окончания не может "
            "быть позже даты выдачи."
        )
    if issued_on < period_from:
        errors.setdefault("issued_on", []).append(
            "Дата выдачи не может быть раньше начала обучения."
        )
    return errors


def handover_errors(
    *,
    mode: str,
    handed_on: date,
    issued_on: date,
    today: date,
    allowed_modes: Iterable[HandoverMode],
    recipient_name: str,
    power_of_attorney_number: str,
    power_of_attorney_date: date | None,
    tracking_number: str,
) -> dict[str, list[str]]:
    """Return what is wrong with a handover record, by field (empty when it is complete).

    In person: nothing more. Proxy: the recipient's name and the number and date of the
    certified power of attorney, dated no later than the handover. Registered mail: the
    postal tracking number of the letter with acknowledgement of receipt (npc-2.14,
    rgmu-2.14). The date lies between the issue date and today."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    try:
        chosen = HandoverMode(mode)
    except ValueError:
        add("mode", "Выберите способ выдачи: лично, по доверенности или заказным письмом.")
        return errors
    if chosen not in tuple(allowed_modes):
        add("mode", f"Положение организации не предусматривает выдачу «{chosen.label}».")
    if handed_on < issued_on:
        add("handed_on", "Документ не может быть выдан раньше даты его оформления.")
    if handed_on > today:
        add("handed_on", "Дата выдачи не может быть в будущем.")
    if chosen == HandoverMode.PROXY:
        if not recipient_name.strip():
            add("recipient_name", "Укажите фамилию, имя и отчество доверенного лица.")
        if not power_of_attorney_number.strip():
            add(
                "power_of_attorney_number",
                "Укажите номер заверенной доверенности.",
            )
        if power_of_attorney_date is None:
            add("power_of_attorney_date", "Укажите дату доверенности.")
        elif power_of_attorney_date > handed_on:
            add(
                "power_of_attorney_date",
                "Доверенность не может быть выдана позже дня получения документа.",
            )
    if chosen == HandoverMode.REGISTERED_MAIL:
        tracking = normalise_tracking_number(tracking_number)
        if not tracking:
            add(
                "tracking_number",
                "Укажите почтовый идентификатор заказного письма с уведомлением о вручении.",
            )
        elif not _TRACKING.match(tracking):
            add(
                "tracking_number",
                "Почтовый идентификатор — 14 цифр или формат RA123456789RU.",
            )
    return errors


def revocation_errors(reason: str) -> dict[str, list[str]]:
    """Return what is wrong with a revocation reason (empty when it is fine)."""
    text = (reason or "").strip()
    if not text:
        return {
            "reason": ["Укажите причину аннулирования: её увидит любой, кто проверит документ."]
        }
    if len(text) < MIN_REASON_LENGTH:
        return {"reason": [f"Опишите причину подробнее: не менее {MIN_REASON_LENGTH} символов."]}
    return {}
