"""The FRDO export: the organisation's register for a year as an XLSX file in the columns of
the ФИС ФРДО template for ДПП, to upload to the federal register of issued documents.

`row_of` turns an issued or revoked document into one row and `write_xlsx` writes the rows
under the Russian headers; neither touches the database. `export_frdo` is the staff's
action: access check, one query for the rows, the file, and an audit entry (the file
carries personal data: names and SNILS). The columns the system does not hold (date of
birth, sex, previous education…) are present and left empty (ADR 0109).
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import Organisation, User
from nmo.core.exceptions import ValidationFailed
from nmo.core.services import record_audit
from nmo.documents import selectors
from nmo.documents.models import QualificationDocument
from nmo.documents.rules import padded_number
from nmo.documents.types import DocumentKind, DocumentStatus

YEAR_MIN = 2000
YEAR_MAX = 2100

DOCUMENT_NAMES: dict[DocumentKind, str] = {
    DocumentKind.QUALIFICATION_CERTIFICATE: "Удостоверение о повышении квалификации",
    DocumentKind.RETRAINING_DIPLOMA: "Диплом о профессиональной переподготовке",
    DocumentKind.TRAINING_RECORD: "Справка об обучении или о периоде обучения",
}
"""Название документа, as the regulations name them (npc-2.8, npc-2.11, rgmu-2.8, rgmu-2.11)."""

DOCUMENT_TYPES: dict[DocumentKind, str] = {
    DocumentKind.QUALIFICATION_CERTIFICATE: "Документ о квалификации",
    DocumentKind.RETRAINING_DIPLOMA: "Документ о квалификации",
    DocumentKind.TRAINING_RECORD: "Документ об обучении",
}
"""Вид документа: a document on qualification or a document on training (273-ФЗ, ст. 60)."""

STATUS_ORIGINAL = "Оригинал"
STATUS_REVOKED = "Аннулирован"


@dataclass(frozen=True)
class FrdoRow:
    """What the system holds of one document for the FRDO template."""

    document_name: str
    document_type: str
    status: str
    series: str
    number: str
    issued_on: date
    registration_number: str
    programme_title: str
    hours: int
    year_started: int
    year_finished: int
    last_name: str
    first_name: str
    middle_name: str
    snils: str


COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Название документа", "document_name"),
    ("Вид документа", "document_type"),
    ("Статус документа", "status"),
    ("Подтверждение утраты", None),
    ("Подтверждение обмена", None),
    ("Подтверждение уничтожения", None),
    ("Серия документа", "series"),
    ("Номер документа", "number"),
    ("Дата выдачи документа", "issued_on"),
    ("Регистрационный номер", "registration_number"),
    ("Наименование дополнительной профессиональной программы", "programme_title"),
    ("Наименование области профессиональной деятельности", None),
    ("Наименование квалификации, профессии, специальности", None),
    ("Срок обучения (часов)", "hours"),
    ("Год поступления на обучение", "year_started"),
    ("Год окончания обучения", "year_finished"),
    ("Уровень образования ВО/СПО", None),
    ("Фамилия, указанная в дипломе о ВО или СПО", None),
    ("Серия документа о ВО/СПО", None),
    ("Номер документа о ВО/СПО", None),
    ("Фамилия получателя", "last_name"),
    ("Имя получателя", "first_name"),
    ("Отчество получателя", "middle_name"),
    ("Дата рождения получателя", None),
    ("Пол получателя", None),
    ("СНИЛС", "snils"),
    ("Форма обучения", None),
    ("Источник финансирования обучения", None),
    ("Форма получения образования на момент прекращения образовательных отношений", None),
    ("Гражданство получателя (код страны по ОКСМ)", None),
)
"""The template's columns in order, each with the `FrdoRow` field that fills it, or None
for a column the system does not hold (left empty)."""

HEADERS: tuple[str, ...] = tuple(header for header, _ in COLUMNS)
NOT_HELD: tuple[str, ...] = tuple(header for header, field in COLUMNS if field is None)

DATE_FORMAT = "DD.MM.YYYY"
SHEET_TITLE = "ДПП"


def _name_parts(document: QualificationDocument) -> tuple[str, str, str]:
    """The holder's surname, name and patronymic as printed on the document: the learner's
    own fields while they still spell the printed name, else the printed name split at
    spaces (everything after the name is the patronymic, as in «… оглы»)."""
    learner: User = document.enrolment.learner
    if learner.full_name == document.holder_name:
        return learner.last_name, learner.first_name, learner.middle_name
    parts = document.holder_name.split()
    if len(parts) < 2:
        return (parts[0] if parts else ""), "", ""
    return parts[0], parts[1], " ".join(parts[2:])


def row_of(document: QualificationDocument) -> FrdoRow:
    """Return the FRDO row of an issued or revoked document (its enrolment's learner loaded
    with it). A справка counts the years of the period actually studied."""
    kind = DocumentKind(document.kind)
    is_record = kind == DocumentKind.TRAINING_RECORD
    started = (document.studied_from if is_record else None) or document.period_from
    finished = (document.studied_to if is_record else None) or document.period_to
    last_name, first_name, middle_name = _name_parts(document)
    return FrdoRow(
        document_name=DOCUMENT_NAMES[kind],
        document_type=DOCUMENT_TYPES[kind],
        status=STATUS_REVOKED if document.status == DocumentStatus.REVOKED else STATUS_ORIGINAL,
        series=document.series,
        number=padded_number(document.number),
        issued_on=document.issued_on,
        registration_number=document.registration_number,
        programme_title=document.programme_title,
        hours=document.hours,
        year_started=started.year,
        year_finished=finished.year,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        snils=document.enrolment.learner.snils_display,
    )


def cells_of(row: FrdoRow) -> tuple[object, ...]:
    """Return the row's values in the order of `HEADERS`, None where the system holds
    nothing."""
    return tuple(getattr(row, field) if field else None for _, field in COLUMNS)


def write_xlsx(rows: Iterable[FrdoRow]) -> bytes:
    """Write the rows under the template's headers as an XLSX workbook of one sheet. Text
    is stored as text — a name starting with "=" never becomes a formula — and dates as
    dates shown ДД.ММ.ГГГГ."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    bold = Font(bold=True)

    def cell(value: object, *, font: Font | None = None) -> Cell:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"
        if isinstance(value, date):
            written.number_format = DATE_FORMAT
        if font is not None:
            written.font = font
        return written

    sheet.append([cell(header, font=bold) for header in HEADERS])
    for row in rows:
        sheet.append([cell(value) for value in cells_of(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_year(raw: str | None) -> int:
    """Return the year of issue asked for, or refuse (ValidationFailed, 422) a missing or
    malformed one with a message for a person."""
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed(
            "Укажите год выдачи документов.",
            errors={"year": ["Укажите год выдачи документов, например 2026."]},
        )
    if (
        len(text) != 4
        or not text.isascii()
        or not text.isdigit()
        or not YEAR_MIN <= int(text) <= YEAR_MAX
    ):
        raise ValidationFailed(
            "Год выдачи указан неверно.",
            errors={
                "year": [
                    f"Год выдачи — четыре цифры, от {YEAR_MIN} до {YEAR_MAX} "
                    f"(например, 2026), а не «{text[:20]}»."
                ]
            },
        )
    return int(text)


def file_name(organisation: Organisation, year: int) -> str:
    """Return the name of the downloaded file: frdo-<organisation id>-<year>.xlsx."""
    return f"frdo-{organisation.pk}-{year}.xlsx"


@transaction.atomic
def export_frdo(*, actor: User, organisation: Organisation, year: int) -> bytes:
    """Return the FRDO file of the documents the organisation issued in `year`: issued and
    revoked alike («Оригинал» / «Аннулирован»), in register order (kind, then number).

    Only the staff of the organisation (PermissionDenied without the role, NotFound for
    another organisation's staff). The rows come from one query; the export is audited as
    "documents.frdo_export" since the file carries names and SNILS."""
    require_staff_of(actor, organisation)
    documents = selectors.documents_of_organisation(organisation, year=year).select_related(
        "enrolment__learner"
    )
    rows: Sequence[FrdoRow] = [row_of(document) for document in documents]
    content = write_xlsx(rows)
    record_audit(
        actor=actor,
        action="documents.frdo_export",
        target=organisation,
        changes={"year": year, "documents": len(rows)},
    )
    return content
