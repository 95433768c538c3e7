"""The FRDO export: the organisation's qualification documents of a year as an XLSX file
in the columns of the ФИС ФРДО template for ДПО (удостоверения о повышении квалификации,
дипломы о профессиональной переподготовке), ready to upload (ADR 0114).

The columns follow the ДПО template of ФИС ФРДО (frdocs.obrnadzor.gov.ru) in the edition
with 40 columns, «Вид документа» … «Номер документа для изменения» — see `COLUMNS` and
the app's README for the version and the sources. `row_of` turns a document into one row
and `write_xlsx` writes the rows under the template's headers; neither touches the
database. `check_frdo` lists, per document, the columns the system cannot fill yet;
`export_frdo` refuses (FrdoIncomplete, 422) while anything is missing, naming the learner
and the column, and otherwise returns the file (a temporary file, to stream) and audits
the export (names, SNILS, dates of birth: personal data).

How the register maps onto the template: a document issued in place of another
(`replaces`) is a «Дубликат» carrying the original's name, series, number, registration
number, date and holder in the «(оригинала)» columns; every other document is an
«Оригинал». A revoked document keeps its status and says why it stopped being valid in
the confirmation columns — «Подтверждение утраты», «Подтверждение обмена»,
«Подтверждение уничтожения» — from its `revocation_ground`; the template has no
«Аннулирован». Справки об обучении are not in the ДПО template and are not exported.
"""

import contextlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, TextChoices
from django.db.models.fields.json import KT
from django.urls import reverse

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import Organisation, User
from nmo.core.exceptions import ValidationFailed
from nmo.core.jobs import start_job, unfinished_job
from nmo.core.keyset import keyset_rows
from nmo.core.models import BackgroundJob
from nmo.core.russian import count as counted
from nmo.core.russian import nominative_of_genitive
from nmo.core.services import record_audit
from nmo.documents import selectors
from nmo.documents.exceptions import FrdoIncomplete
from nmo.documents.models import QualificationDocument
from nmo.documents.rules import padded_number
from nmo.documents.types import (
    QUALIFICATION_KINDS,
    DocumentKind,
    DocumentStatus,
    RevocationGround,
)
from nmo.printing.files import document_file_name
from nmo.programmes.types import OKSM_RUSSIA, EducationLevel, FundingSource, StudyForm

YEAR_MIN = 2000
YEAR_MAX = 2100


DOCUMENT_NAMES: dict[DocumentKind, str] = {
    DocumentKind.QUALIFICATION_CERTIFICATE: "Удостоверение о повышении квалификации",
    DocumentKind.RETRAINING_DIPLOMA: "Диплом о профессиональной переподготовке",
}
"""«Вид документа»: the template's reference values (npc-2.8, rgmu-2.8)."""

PROGRAMME_TYPES: dict[DocumentKind, str] = {
    DocumentKind.QUALIFICATION_CERTIFICATE: "Повышение квалификации",
    DocumentKind.RETRAINING_DIPLOMA: "Профессиональная переподготовка",
}
"""«Дополнительная профессиональная программа (повышение квалификации/ профессиональная
переподготовка)»."""

STATUS_ORIGINAL = "Оригинал"
STATUS_DUPLICATE = "Дубликат"
YES = "Да"
NO = "Нет"
SEX_VALUES = {"male": "Муж", "female": "Жен"}
EDUCATION_FORM_IN_ORGANISATION = "в образовательной организации"
"""«Форма получения образования на момент прекращения образовательных отношений»: a ДПП
is mastered in the organisation."""

CONFIRMATIONS: dict[str, str] = {
    RevocationGround.LOST: "lost",
    RevocationGround.EXCHANGED: "exchanged",
    RevocationGround.DESTROYED: "destroyed",
}


@dataclass(frozen=True)
class FrdoRow:
    """One row of the template, as written (None: an empty cell)."""

    document_name: str
    status: str
    lost: str
    exchanged: str
    destroyed: str
    series: str | None
    number: str
    issued_on: date
    registration_number: str
    programme_type: str
    programme_title: str
    professional_area: str | None
    specialty_group: str | None
    qualification: str | None
    education_level: str | None
    diploma_last_name: str | None
    diploma_series: str | None
    diploma_number: str | None
    year_started: int
    year_finished: int
    hours: int
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: date | None
    sex: str | None
    snils: str | None
    study_form: str | None
    funding_source: str | None
    education_form: str
    citizenship: str
    original_name: str | None = None
    original_series: str | None = None
    original_number: str | None = None
    original_registration_number: str | None = None
    original_issued_on: date | None = None
    original_last_name: str | None = None
    original_first_name: str | None = None
    original_middle_name: str | None = None
    change_number: str | None = None


COLUMNS: tuple[tuple[str, str], ...] = (
    ("Вид документа", "document_name"),
    ("Статус документа", "status"),
    ("Подтверждение утраты", "lost"),
    ("Подтверждение обмена", "exchanged"),
    ("Подтверждение уничтожения", "destroyed"),
    ("Серия документа", "series"),
    ("Номер документа", "number"),
    ("Дата выдачи документа", "issued_on"),
    ("Регистрационный номер", "registration_number"),
    (
        "Дополнительная профессиональная программа (повышение квалификации/ "
        "профессиональная переподготовка)",
        "programme_type",
    ),
    ("Наименование дополнительной профессиональной программы", "programme_title"),
    ("Наименование области профессиональной деятельности", "professional_area"),
    ("Укрупненные группы специальностей", "specialty_group"),
    ("Наименование квалификации, профессии, специальности", "qualification"),
    ("Уровень образования ВО/СПО", "education_level"),
    ("Фамилия указанная в дипломе о ВО или СПО", "diploma_last_name"),
    ("Серия документа о ВО/СПО", "diploma_series"),
    ("Номер документа о ВО/СПО", "diploma_number"),
    ("Год начала обучения (для документа о квалификации)", "year_started"),
    ("Год окончания обучения (для документа о квалификации)", "year_finished"),
    ("Срок обучения, часов (для документа о квалификации)", "hours"),
    ("Фамилия получателя", "last_name"),
    ("Имя получателя", "first_name"),
    ("Отчество получателя", "middle_name"),
    ("Дата рождения получателя", "birth_date"),
    ("Пол получателя", "sex"),
    ("СНИЛС", "snils"),
    ("Форма обучения", "study_form"),
    ("Источник финансирования обучения", "funding_source"),
    (
        "Форма получения образования на момент прекращения образовательных отношений",
        "education_form",
    ),
    ("Гражданство получателя (код страны по ОКСМ)", "citizenship"),
    ("Наименование документа об образовании (оригинала)", "original_name"),
    ("Серия (оригинала)", "original_series"),
    ("Номер (оригинала)", "original_number"),
    ("Регистрационный N (оригинала)", "original_registration_number"),
    ("Дата выдачи (оригинала)", "original_issued_on"),
    ("Фамилия получателя (оригинала)", "original_last_name"),
    ("Имя получателя (оригинала)", "original_first_name"),
    ("Отчество получателя (оригинала)", "original_middle_name"),
    ("Номер документа для изменения", "change_number"),
)
"""The template's 40 columns in order, each with the `FrdoRow` field that fills it."""

HEADERS: tuple[str, ...] = tuple(header for header, _ in COLUMNS)
HEADER_OF: dict[str, str] = {field: header for header, field in COLUMNS}
REVOCATION_GROUND_COLUMN = "Основание аннулирования (утрата, обмен или уничтожение)"

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"
SHEET_TITLE = "Шаблон"


def _name_parts(name: str, learner: User) -> tuple[str, str, str]:
    """The surname, name and patronymic of a printed name: the learner's own fields while
    they still spell it, else the name split at spaces (everything after the name is the
    patronymic, as in «… оглы»)."""
    if learner.full_name == name:
        return learner.last_name, learner.first_name, learner.middle_name
    parts = name.split()
    if len(parts) < 2:
        return (parts[0] if parts else ""), "", ""
    return parts[0], parts[1], " ".join(parts[2:])


def _or_none(value: str) -> str | None:
    return value or None


def _label(choices: type[TextChoices], value: str) -> str | None:
    """The choice's label, or None (the column is missing) for an empty value and for one
    outside the choices, which only a write around the services can store: the check
    names the column instead of failing on the row."""
    return choices(value).label if value in choices.values else None


#: The particulars a row reads, annotated by `_documents` so the JSON stays unread.
PARTICULARS = ("qualification_title", "practice_field")


def _particular(document: QualificationDocument, key: str) -> str:
    """One of the document's particulars as issued: annotated on the export's rows
    (`frdo_<key>`), else read from the document."""
    annotated = f"frdo_{key}"
    if hasattr(document, annotated):
        value = getattr(document, annotated)
    else:
        value = (document.particulars or {}).get(key)
    return " ".join(str(value or "").split())


def row_of(document: QualificationDocument) -> FrdoRow:
    """Return the FRDO row of a qualification document (its enrolment's learner and
    cohort, and the document it replaces, loaded with it)."""
    kind = DocumentKind(document.kind)
    enrolment = document.enrolment
    learner: User = enrolment.learner
    last_name, first_name, middle_name = _name_parts(document.holder_name, learner)
    confirmation = CONFIRMATIONS.get(document.revocation_ground) if document.is_revoked else None
    level = enrolment.education_level
    original = document.replaces
    original_fields: dict[str, object] = {}
    if original is not None:
        o_last, o_first, o_middle = _name_parts(original.holder_name, learner)
        original_fields = {
            "original_name": DOCUMENT_NAMES.get(DocumentKind(original.kind)),
            "original_series": _or_none(original.series),
            "original_number": padded_number(original.number),
            "original_registration_number": original.registration_number,
            "original_issued_on": original.issued_on,
            "original_last_name": o_last,
            "original_first_name": o_first,
            "original_middle_name": _or_none(o_middle),
        }
    return FrdoRow(
        document_name=DOCUMENT_NAMES[kind],
        status=STATUS_DUPLICATE if original is not None else STATUS_ORIGINAL,
        lost=YES if confirmation == "lost" else NO,
        exchanged=YES if confirmation == "exchanged" else NO,
        destroyed=YES if confirmation == "destroyed" else NO,
        series=_or_none(document.series),
        number=padded_number(document.number),
        issued_on=document.issued_on,
        registration_number=document.registration_number,
        programme_type=PROGRAMME_TYPES[kind],
        programme_title=document.programme_title,
        # A retraining diploma's sphere and qualification, as it printed them (ADR 0114).
        professional_area=(
            _or_none(nominative_of_genitive(_particular(document, "practice_field")))
            if kind == DocumentKind.RETRAINING_DIPLOMA
            else None
        ),
        specialty_group=None,
        qualification=(
            _or_none(_particular(document, "qualification_title") or document.specialty)
            if kind == DocumentKind.RETRAINING_DIPLOMA
            else None
        ),
        education_level=_label(EducationLevel, level),
        # The surname in the diploma is the learner's own unless stated otherwise.
        diploma_last_name=(enrolment.diploma_last_name or last_name) if level else None,
        diploma_series=_or_none(enrolment.diploma_series),
        diploma_number=_or_none(enrolment.diploma_number),
        year_started=document.period_from.year,
        year_finished=document.period_to.year,
        hours=document.hours,
        last_name=last_name,
        first_name=first_name,
        middle_name=_or_none(middle_name),
        birth_date=learner.birth_date,
        sex=SEX_VALUES.get(learner.sex),
        snils=_or_none(learner.snils_display),
        study_form=_label(StudyForm, enrolment.cohort.study_form),
        funding_source=_label(FundingSource, enrolment.funding_source),
        education_form=EDUCATION_FORM_IN_ORGANISATION,
        citizenship=enrolment.citizenship or OKSM_RUSSIA,
        **original_fields,  # type: ignore[arg-type]
    )


REQUIRED_FIELDS: tuple[str, ...] = (
    "education_level",
    "diploma_number",
    "birth_date",
    "sex",
    "study_form",
    "funding_source",
)
"""The columns the template requires that depend on what was collected (the others come
from the register itself and are always filled)."""


@dataclass(frozen=True)
class FrdoGap:
    """What one document's row lacks: the template's column names, in column order."""

    document_id: int
    registration_number: str
    holder_name: str
    enrolment_id: int
    cohort_id: int
    missing: tuple[str, ...]

    def message(self) -> str:
        return (
            f"{self.holder_name} (рег. № {self.registration_number}): не указано — "
            + ", ".join(f"«{column}»" for column in self.missing)
            + "."
        )


def missing_of(document: QualificationDocument, row: FrdoRow) -> tuple[str, ...]:
    """The template's columns the row leaves empty although the template requires them:
    the person's and the learner's details, the SNILS of a Russian citizen, and the
    ground of a revoked document."""
    missing = [HEADER_OF[field] for field in REQUIRED_FIELDS if getattr(row, field) is None]
    if row.snils is None and row.citizenship == OKSM_RUSSIA:
        missing.append(HEADER_OF["snils"])
    if document.is_revoked and not document.revocation_ground:
        missing.append(REVOCATION_GROUND_COLUMN)
    order = {header: index for index, header in enumerate(HEADERS)}
    return tuple(sorted(missing, key=lambda header: order.get(header, len(order))))


#: Documents read per query: a year of a big organisation (100,000 rows at the national
#: scale, ADR 0601) is read in keyset chunks (ADR 0607), never held whole.
CHUNK = 2000

#: Register order, made unique: kind, then number (one register per kind of an
#: organisation, a number once per register), then id should two ever tie.
REGISTER_ORDER = ("kind", "number", "id")


def _year(organisation: Organisation, year: int) -> QuerySet[QualificationDocument]:
    """The documents of the organisation's year that go to the file."""
    return selectors.documents_of_organisation(organisation, year=year).filter(
        kind__in=[kind.value for kind in QUALIFICATION_KINDS]
    )


def _with_rows(documents: QuerySet[QualificationDocument]) -> QuerySet[QualificationDocument]:
    """The documents with what their rows need, in one query."""
    return (
        documents.select_related("enrolment__learner", "enrolment__cohort", "replaces")
        # What the row needs: not the PDF, not the snapshots and particulars (kilobytes
        # of JSON each, times CHUNK in memory) of the document or the one it replaces.
        .defer(
            "snapshot",
            "particulars",
            "replaces__pdf",
            "replaces__snapshot",
            "replaces__particulars",
        )
        .annotate(**{f"frdo_{key}": KT(f"particulars__{key}") for key in PARTICULARS})
    )


def _documents(organisation: Organisation, year: int) -> Iterator[QualificationDocument]:
    """The year's documents with what their rows need, in keyset chunks."""
    return keyset_rows(_with_rows(_year(organisation, year)), order=REGISTER_ORDER, size=CHUNK)


def _documents_of(
    organisation: Organisation, year: int, ids: list[int]
) -> Iterator[QualificationDocument]:
    """The year's documents of these ids, in register order, CHUNK at a time (one query
    each)."""
    documents = _with_rows(_year(organisation, year)).order_by(*REGISTER_ORDER)
    for start in range(0, len(ids), CHUNK):
        yield from documents.filter(pk__in=ids[start : start + CHUNK])


@dataclass(frozen=True)
class FrdoCheck:
    """The pre-export check of an organisation's year: how many documents go to the file,
    how many of them are incomplete and what each lacks (all of them, or the first
    `shown` in register order when the caller asked for at most that many)."""

    year: int
    documents: int
    gaps: tuple[FrdoGap, ...]
    incomplete: int

    @property
    def complete(self) -> bool:
        return self.incomplete == 0

    @property
    def all_shown(self) -> bool:
        return len(self.gaps) == self.incomplete


#: Rows written between two reports of a job's progress (a few seconds of openpyxl).
PROGRESS_EVERY = 500

Written = Callable[[int], None]
"""What is told the number of rows written so far (a job's progress)."""


class _Rows:
    """The rows of the documents as they are read, noting each one's gaps on the way, so
    that a year is checked and written in one pass with only the gaps kept; `written` is
    told every PROGRESS_EVERY rows how many the writer has taken."""

    def __init__(
        self, documents: Iterable[QualificationDocument], written: Written | None = None
    ) -> None:
        self.documents = documents
        self.written = written
        self.count = 0
        self.gaps: list[FrdoGap] = []

    def __iter__(self) -> Iterator[FrdoRow]:
        for document in self.documents:
            row = row_of(document)
            self.count += 1
            missing = missing_of(document, row)
            if missing:
                self.gaps.append(
                    FrdoGap(
                        document_id=document.pk,
                        registration_number=document.registration_number,
                        holder_name=document.holder_name,
                        enrolment_id=document.enrolment_id,
                        cohort_id=document.enrolment.cohort_id,
                        missing=missing,
                    )
                )
            yield row
            if self.written is not None and self.count % PROGRESS_EVERY == 0:
                self.written(self.count)  # the writer has asked for the next row


def _incomplete(gaps: list[FrdoGap] | tuple[FrdoGap, ...], documents: int) -> FrdoIncomplete:
    """The refusal of a year with gaps: how many rows lack what, one message a document."""
    return FrdoIncomplete(
        "Файл для ФИС ФРДО не сформирован: не хватает сведений. "
        f"Строк с пробелами: {len(gaps)} из {documents}.",
        errors={"frdo": [gap.message() for gap in gaps]},
    )


def check_frdo(
    *, actor: User, organisation: Organisation, year: int, shown: int | None = None
) -> FrdoCheck:
    """List, per document of the year, what the FRDO file would lack: all the incomplete
    documents, or the first `shown` (at least 1) of them with their number counted. Staff
    of the organisation only (PermissionDenied / NotFound otherwise). Reads, never writes.

    Only the incomplete documents' rows are read (GAP_FILTER, the SQL twin of
    `missing_of`), the year's others are counted: a complete year of the country's
    biggest organisation (116,666 documents at the national scale) is a count and one
    query, not every row built in Python (ADR 0619)."""
    if shown is not None and shown < 1:
        raise ValueError("shown must be at least 1")
    require_staff_of(actor, organisation)
    year_documents = _year(organisation, year)
    documents = year_documents.count()
    # The incomplete ones' ids in register order by a narrow query, then their rows by id:
    # filtered on the wide rows, PostgreSQL hashed the whole year's documents for every
    # chunk (ADR 0619). The ids are few beside the gaps kept for them.
    gap_ids = year_documents.filter(GAP_FILTER).order_by(*REGISTER_ORDER)
    ids = list(gap_ids.values_list("pk", flat=True)[: None if shown is None else shown + 1])
    cut = shown is not None and len(ids) > shown
    rows = _Rows(_documents_of(organisation, year, ids[:shown]))
    for _ in rows:
        pass
    # Cut short, the rest are counted by GAP_FILTER; read to the end, the number is what
    # `missing_of` found (the same while the two agree).
    incomplete = gap_ids.count() if cut else len(rows.gaps)
    return FrdoCheck(year=year, documents=documents, gaps=tuple(rows.gaps), incomplete=incomplete)


def cells_of(row: FrdoRow) -> tuple[object, ...]:
    """Return the row's values in the order of `HEADERS` (None: an empty cell)."""
    return tuple(getattr(row, field) for _, field in COLUMNS)


def write_xlsx(rows: Iterable[FrdoRow], out: IO[bytes]) -> None:
    """Write the rows under the template's headers as an XLSX workbook of one sheet into
    `out` (a seekable file). Text is stored as text — a name starting with "=" never
    becomes a formula, a number keeps its leading zeros — and dates as dates shown
    ДД.ММ.ГГГГ. openpyxl's write-only sheet puts each row in a temporary file as it comes
    and keeps none; the zip is then written into `out`."""
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

    try:
        sheet.append([cell(header, font=bold) for header in HEADERS])
        for row in rows:
            sheet.append([cell(value) for value in cells_of(row)])
    except BaseException:
        # The read failed mid-way (a lost connection between chunks): the sheet's own
        # temporary file, with the rows so far — names and SNILS — goes now, not when the
        # worker process ends.
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):  # lxml refuses to close a half sheet
                writer.xf.close()
            with contextlib.suppress(OSError, ValueError):
                writer.cleanup()
        raise
    workbook.save(out)


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


def frdo_file_name(organisation: Organisation, year: int) -> str:
    """Return the name of the downloaded file, «ФИС ФРДО — РостГМУ — 2026.xlsx»
    (ADR 0029: a name that says what the file is)."""
    return document_file_name("ФИС ФРДО", organisation, year, extension="xlsx")


def export_frdo(
    *, actor: User, organisation: Organisation, year: int, written: Written | None = None
) -> IO[bytes]:
    """Return the FRDO file of the qualification documents the organisation issued in
    `year`, in register order (kind, then number), as an open temporary file at its
    start — the caller streams and closes it (FileResponse does). While any row lacks
    what the template requires, refuse with FrdoIncomplete (422): one message per
    document naming the learner and the columns (`check_frdo` lists the same).

    Only the staff of the organisation (PermissionDenied without the role, NotFound for
    another organisation's staff). The rows are read in keyset chunks of CHUNK and
    written as they come into a temporary file on disk (one pass, memory independent of
    the year's size, also behind PgBouncer; ADR 0601, 0607); no transaction is held
    while they are read. The export is audited as "documents.frdo_export" since the
    file carries personal data. A job passes `written`, told the rows written every
    PROGRESS_EVERY rows and once more when all are."""
    require_staff_of(actor, organisation)
    rows = _Rows(_documents(organisation, year), written)
    out = tempfile.TemporaryFile(prefix="frdo-")  # noqa: SIM115 - the caller closes it
    try:
        write_xlsx(rows, out)
        if rows.gaps:  # the file written is dropped: nothing is given out incomplete
            raise _incomplete(rows.gaps, rows.count)
        if written is not None:
            written(rows.count)
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="documents.frdo_export",
                target=organisation,
                changes={"year": year, "documents": rows.count},
            )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


# --- a big year: a background job (ADR 0017, 0025, 0607) --------------------------------

_LEARNER = "enrolment__learner__"
GAP_FILTER = (
    ~Q(enrolment__education_level__in=EducationLevel.values)
    | Q(enrolment__diploma_number="")
    | Q(**{f"{_LEARNER}birth_date__isnull": True})
    | ~Q(**{f"{_LEARNER}sex__in": list(SEX_VALUES)})
    | ~Q(enrolment__cohort__study_form__in=StudyForm.values)
    | ~Q(enrolment__funding_source__in=FundingSource.values)
    | Q(**{f"{_LEARNER}snils__isnull": True}, enrolment__citizenship__in=["", OKSM_RUSSIA])
    | Q(status=DocumentStatus.REVOKED, revocation_ground="")
)
"""The documents whose row `missing_of` finds lacking, said in SQL (the columns are NOT
NULL but the birth date and the SNILS, and a SNILS is NULL or 11 digits by a
constraint): the check, and the refusal of a big year before its job starts, read only
these documents' rows (ADR 0619). Should the two ever disagree, nothing is
given out incomplete — the export's own pass refuses the year with the same messages —
but the check would not list the document: `test_the_quick_gap_test_agrees_with_the_check`
holds them together."""

_DOCUMENTS = ("документ", "документа", "документов")


def frdo_export_size(organisation: Organisation, year: int) -> int:
    """How many documents (rows) the year's file has: one COUNT."""
    return _year(organisation, year).count()


def frdo_export_needs_job(size: int) -> bool:
    """Whether a year of `size` documents is written by a background job rather than
    while the person waits: from settings.FRDO_EXPORT_JOB_THRESHOLD documents on (openpyxl
    writes about 200 rows a second on a loaded machine, docs/capacity.md)."""
    return size >= settings.FRDO_EXPORT_JOB_THRESHOLD


def refuse_incomplete(*, actor: User, organisation: Organisation, year: int) -> None:
    """Refuse (FrdoIncomplete, 422) a year whose rows lack what the template requires,
    with the messages the export refuses with — reading only the incomplete documents'
    rows (`check_frdo`)."""
    check = check_frdo(actor=actor, organisation=organisation, year=year)
    if not check.complete:
        raise _incomplete(check.gaps, check.documents)


FRDO_JOB_KIND = "documents.frdo_export"


def start_frdo_export(
    *, actor: User, organisation: Organisation, year: int, size: int
) -> BackgroundJob:
    """Write the year's FRDO file in a background job of `actor` (the file is the job's
    result, for its owner only; its progress counts the rows written). `size` is the
    caller's `frdo_export_size`, counted to decide that a job is needed. A year with gaps
    is refused here (FrdoIncomplete), no job started; the job audits the export when its
    file is complete, as `export_frdo` does."""
    from nmo.documents.tasks import export_frdo_job

    refuse_incomplete(actor=actor, organisation=organisation, year=year)
    title = f"Выгрузка в ФИС ФРДО за {year} год: {organisation.name} ({counted(size, _DOCUMENTS)})"
    running = unfinished_job(actor, kind=FRDO_JOB_KIND, title=title)
    if running is not None:  # asked again while it runs: the same job, not a second export
        return running
    return start_job(
        owner=actor,
        kind=FRDO_JOB_KIND,
        title=title,
        task=export_frdo_job,
        total=size,
        back_url=reverse("documents:register"),
        organisation_id=organisation.pk,
        year=year,
    )


def written_message(rows: int) -> str:
    """What the job's page says of the finished file."""
    return f"Файл для ФИС ФРДО готов: в нём {counted(rows, _DOCUMENTS)}."
