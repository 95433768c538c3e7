"""The XLSX formats of the app: the assessment bank (ФОС) and the list of learners.

Reading turns a workbook's first sheet into rows, and the rows into values with every
problem listed by sheet row number ("Строка 7: …"); nothing here touches the database.
Writing produces the same formats (the downloadable templates and the tests' examples).
The columns are those of the downloadable templates this module writes.
"""

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from nmo.accounts.rules import (
    birth_date_error,
    normalise_email,
    normalise_snils,
    sex_error,
    snils_error,
)
from nmo.core.uploads import UploadRefused, check_table_upload, read_xlsx_rows
from nmo.programmes.models import AssessmentItemKind
from nmo.programmes.rules import (
    citizenship_of,
    education_level_of,
    frdo_detail_problems,
    funding_source_of,
    normalise_text,
    split_full_name,
)
from nmo.programmes.types import BankRow, LearnerRow

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_BANK_ROWS = 5000
MAX_LEARNER_ROWS = 1000
MAX_TEXT = 10_000
MAX_OPTIONS = 12
_SLACK = 1000  # blank rows a sheet may carry beyond the limit before we stop reading

Cell = object


class SheetError(ValueError):
    """The file cannot be read as a workbook; the message is for a person."""


def read_sheet(
    content: bytes, *, max_rows: int, file_name: str = "file.xlsx"
) -> list[tuple[Cell, ...]]:
    """Return the rows of the first sheet of an XLSX file (header first), after the
    checks every upload passes (core.uploads, ADR 0025): size, type, zip bomb, DTD and
    the sheet's declared dimension."""
    try:
        check_sheet(content, max_rows=max_rows, file_name=file_name)
        return read_xlsx_rows(content, max_rows=max_rows + _SLACK + 1)
    except UploadRefused as exc:
        raise SheetError(exc.message) from exc


def check_sheet(content: bytes, *, max_rows: int, file_name: str = "file.xlsx") -> None:
    """Refuse (UploadRefused) an XLSX upload that must not be parsed at all."""
    check_table_upload(
        file_name,
        content,
        max_bytes=MAX_FILE_BYTES,
        max_rows=max_rows + _SLACK + 1,
        kinds=("xlsx",),
    )


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(value: Cell) -> str:
    return " ".join(_text(value).casefold().replace("ё", "е").replace("№", "номер").split())


def _is_blank(row: Sequence[Cell]) -> bool:
    return all(_text(cell) == "" for cell in row)


@dataclass(frozen=True)
class _Columns:
    index: dict[str, int]

    def get(self, row: Sequence[Cell], name: str) -> Cell:
        position = self.index.get(name)
        if position is None or position >= len(row):
            return None
        return row[position]


def _columns(header: Sequence[Cell], aliases: dict[str, tuple[str, ...]]) -> _Columns:
    keys = [_header_key(cell) for cell in header]
    found: dict[str, int] = {}
    for name, names in aliases.items():
        for position, key in enumerate(keys):
            if key in names and name not in found:
                found[name] = position
    return _Columns(found)


def _data_rows(
    rows: Sequence[Sequence[Cell]], max_rows: int, errors: list[str]
) -> Iterable[tuple[int, Sequence[Cell]]]:
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if not _is_blank(row)]
    if len(body) > max_rows:
        errors.append(f"В файле больше {max_rows} строк: разделите его на части.")
        return []
    return body


# --- the assessment bank (npc-2.7) ------------------------------------------------------

BANK_KINDS: dict[str, str] = {
    "test_question": AssessmentItemKind.TEST_QUESTION,
    "тест": AssessmentItemKind.TEST_QUESTION,
    "тестовое задание": AssessmentItemKind.TEST_QUESTION,
    "тестовый вопрос": AssessmentItemKind.TEST_QUESTION,
    "case_task": AssessmentItemKind.CASE_TASK,
    "кейс": AssessmentItemKind.CASE_TASK,
    "ситуационная задача": AssessmentItemKind.CASE_TASK,
    "ситуационная задача (кейс)": AssessmentItemKind.CASE_TASK,
    "skill": AssessmentItemKind.SKILL,
    "навык": AssessmentItemKind.SKILL,
    "практический навык": AssessmentItemKind.SKILL,
    "interview_question": AssessmentItemKind.INTERVIEW_QUESTION,
    "вопрос для собеседования": AssessmentItemKind.INTERVIEW_QUESTION,
    "собеседование": AssessmentItemKind.INTERVIEW_QUESTION,
    "essay_topic": AssessmentItemKind.ESSAY_TOPIC,
    "тема": AssessmentItemKind.ESSAY_TOPIC,
    "тема реферата": AssessmentItemKind.ESSAY_TOPIC,
    "тема работы": AssessmentItemKind.ESSAY_TOPIC,
    "тема реферата или аттестационной работы": AssessmentItemKind.ESSAY_TOPIC,
}
"""The values of the «Вид» column, as they may be typed (case and «ё» aside)."""

BANK_HEADER = ("Вид", "Этап", "Текст", "Вариант 1", "Вариант 2", "Вариант 3", "Вариант 4",
               "Правильные ответы")  # fmt: skip
_BANK_ALIASES = {
    "kind": ("вид",),
    "stage": ("этап", "номер этапа"),
    "text": ("текст", "задание", "вопрос"),
    "answers": ("правильные ответы", "правильный ответ", "ответ", "ответы"),
}
_OPTION = re.compile(r"^вариант\s*(\d{1,2})$")
_ANSWER_SPLIT = re.compile(r"[,;\s]+")


def parse_bank(rows: Sequence[Sequence[Cell]]) -> tuple[list[BankRow], list[str]]:
    """Parse the rows of an assessment-bank sheet. Return the items and every problem by
    row number; a file with any problem must be refused whole."""
    errors: list[str] = []
    if not rows:
        return [], ["Лист пуст: нет строки заголовков."]
    header = rows[0]
    columns = _columns(header, _BANK_ALIASES)
    missing = [
        title for name, title in (("kind", "Вид"), ("text", "Текст")) if name not in columns.index
    ]
    if missing:
        return [], [f"Строка 1: нет столбцов {', '.join(f'«{m}»' for m in missing)}."]
    options_at: list[tuple[int, int]] = []
    for position, cell in enumerate(header):
        match = _OPTION.match(_header_key(cell))
        if match:
            options_at.append((int(match.group(1)), position))
    options_at.sort()
    if len(options_at) > MAX_OPTIONS:
        return [], [f"Строка 1: не более {MAX_OPTIONS} столбцов «Вариант N»."]
    items: list[BankRow] = []
    for number, row in _data_rows(rows, MAX_BANK_ROWS, errors):
        where = f"Строка {number}"
        raw_kind = _header_key(columns.get(row, "kind"))
        kind = BANK_KINDS.get(raw_kind)
        if kind is None:
            shown = _text(columns.get(row, "kind")) or "пусто"
            errors.append(
                f"{where}: неизвестный вид «{shown}». Допустимо: тестовое задание, "
                "ситуационная задача, практический навык, вопрос для собеседования, тема "
                "реферата."
            )
            continue
        text = _text(columns.get(row, "text"))
        if not text:
            errors.append(f"{where}: не указан текст.")
        elif len(text) > MAX_TEXT:
            errors.append(f"{where}: текст длиннее {MAX_TEXT} символов.")
        stage_order: int | None = None
        raw_stage = _text(columns.get(row, "stage"))
        if raw_stage:
            if raw_stage.isdigit() and int(raw_stage) >= 1:
                stage_order = int(raw_stage)
            else:
                errors.append(f"{where}: номер этапа «{raw_stage}» — не целое число от 1.")
        cells = [(n, _text(row[p]) if p < len(row) else "") for n, p in options_at]
        while cells and not cells[-1][1]:
            cells.pop()
        options = tuple(value for _, value in cells)
        raw_answers = _text(columns.get(row, "answers"))
        answers: list[int] = []
        if kind == AssessmentItemKind.TEST_QUESTION:
            problem = _options_error(options)
            if problem:
                errors.append(f"{where}: {problem}")
            parts = [p for p in _ANSWER_SPLIT.split(raw_answers) if p]
            if not parts:
                errors.append(f"{where}: не указаны номера правильных ответов.")
            for part in parts:
                if not part.isdigit() or not 1 <= int(part) <= len(options):
                    errors.append(
                        f"{where}: правильный ответ «{part}» — не номер варианта "
                        f"от 1 до {len(options)}."
                    )
                elif int(part) - 1 in answers:
                    errors.append(f"{where}: правильный ответ {part} указан дважды.")
                else:
                    answers.append(int(part) - 1)
        elif options or raw_answers:
            errors.append(
                f"{where}: варианты и правильные ответы указываются только для тестовых заданий."
            )
        items.append(
            BankRow(
                row=number,
                kind=str(kind),
                text=text,
                stage_order=stage_order,
                options=options,
                correct_answers=tuple(sorted(answers)),
            )
        )
    if not items and not errors:
        errors.append("В файле нет ни одного задания.")
    return items, errors


def _options_error(options: Sequence[str]) -> str | None:
    if len(options) < 2:
        return "у тестового задания должно быть не менее двух вариантов ответа."
    if any(not option for option in options):
        return "варианты ответа заполняются подряд, без пропусков."
    if any(len(option) > MAX_TEXT for option in options):
        return f"вариант ответа длиннее {MAX_TEXT} символов."
    folded = [option.casefold() for option in options]
    if len(set(folded)) != len(folded):
        return "варианты ответа повторяются."
    return None


def bank_workbook(
    rows: Iterable[Sequence[object]], *, header: Sequence[str] = BANK_HEADER
) -> bytes:
    """Write an assessment-bank workbook: the header and the given rows (any cells)."""
    return _workbook("ФОС", header, rows)


BANK_EXAMPLE: tuple[tuple[object, ...], ...] = (
    ("Тестовое задание", 1, "Нормальная частота дыхания у новорождённого (в минуту):",
     "20–30", "40–60", "60–80", "", "2"),
    ("Тестовое задание", 1, "Признаки дыхательной недостаточности (выберите все верные):",
     "Тахипноэ", "Цианоз", "Брадикардия 140 в минуту", "Втяжение уступчивых мест грудной клетки",
     "1, 2, 4"),
    ("Ситуационная задача", 2, "Ребёнок 3 лет, лихорадка 39 °C, сыпь. Ваша тактика?",
     "", "", "", "", ""),
    ("Практический навык", "", "Измерение артериального давления у ребёнка.", "", "", "", "", ""),
    ("Вопрос для собеседования", "", "Принципы инфузионной терапии у детей.", "", "", "", "",
     ""),
    ("Тема реферата", "", "Современные подходы к вакцинопрофилактике.", "", "", "", "", ""),
)  # fmt: skip


def bank_template() -> bytes:
    """Return the example assessment-bank workbook offered for download."""
    return bank_workbook(BANK_EXAMPLE)


# --- learners ---------------------------------------------------------------------------

LEARNER_HEADER = ("Фамилия", "Имя", "Отчество", "СНИЛС", "E-mail", "Телефон", "Номер договора",
                  "Дата договора", "Пол", "Дата рождения", "Гражданство (код ОКСМ)",
                  "Уровень образования ВО/СПО", "Фамилия в дипломе о ВО/СПО",
                  "Серия диплома о ВО/СПО", "Номер диплома о ВО/СПО",
                  "Источник финансирования")  # fmt: skip
_LEARNER_ALIASES = {
    "full_name": ("фио", "ф.и.о.", "фамилия имя отчество"),
    "last_name": ("фамилия", "фамилия получателя"),
    "first_name": ("имя", "имя получателя"),
    "middle_name": ("отчество", "отчество получателя"),
    "snils": ("снилс",),
    "email": ("e-mail", "email", "эл. почта", "электронная почта", "адрес электронной почты"),
    "phone": ("телефон", "тел.", "контактный телефон"),
    "contract_number": ("номер договора", "договор номер", "договор", "договор номер/дата"),
    "contract_date": ("дата договора",),
    "sex": ("пол",),
    "birth_date": ("дата рождения", "д.р.", "дата рожд.", "дата рождения получателя"),
    # The FRDO template's own headers are accepted too (ADR 0114).
    "citizenship": (
        "гражданство",
        "гражданство (код оксм)",
        "гражданство получателя (код страны по оксм)",
        "код оксм",
    ),
    "education_level": ("уровень образования во/спо", "уровень образования", "образование"),
    "diploma_last_name": (
        "фамилия в дипломе о во/спо",
        "фамилия указанная в дипломе о во или спо",
        "фамилия, указанная в дипломе о во или спо",
        "фамилия в дипломе",
    ),
    "diploma_series": ("серия диплома о во/спо", "серия документа о во/спо", "серия диплома"),
    "diploma_number": ("номер диплома о во/спо", "номер документа о во/спо", "номер диплома"),
    "funding_source": (
        "источник финансирования",
        "источник финансирования обучения",
        "финансирование",
    ),
}
_SEX_WORDS = {
    "м": "male", "м.": "male", "муж": "male", "муж.": "male", "мужской": "male", "male": "male",
    "m": "male", "ж": "female", "ж.": "female", "жен": "female", "жен.": "female",
    "женский": "female", "female": "female", "f": "female",
}  # fmt: skip


def sex_of(value: Cell) -> str | None:
    """Read a sex from a cell («м», «муж.», «мужской», «ж», «женский»…): "male",
    "female", "" for an empty cell, None for anything else."""
    text = _text(value).casefold()
    if not text:
        return ""
    return _SEX_WORDS.get(text)


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y")

NAME_MAX = 150
EMAIL_MAX = 254
PHONE_MAX = 30
CONTRACT_MAX = 100


def parse_date(value: Cell) -> date | None:
    """Read a date from a cell: an Excel date, «31.12.2026» or «2026-12-31»."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(text)


def snils_of(value: Cell) -> str:
    """Read a SNILS from a cell; a number typed into Excel loses its leading zeros, which
    are put back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{int(value):011d}"
    return _text(value)


def learner_row_problems(row: LearnerRow) -> list[tuple[str, str]]:
    """Check one learner as typed: names, SNILS checksum, e-mail, lengths; return (field,
    message) pairs. Either a SNILS or an e-mail identifies the learner (a new account needs
    the e-mail, see the services)."""
    problems: list[tuple[str, str]] = []
    if not row.last_name:
        problems.append(("last_name", "Укажите фамилию."))
    if not row.first_name:
        problems.append(("first_name", "Укажите имя."))
    for field, value in (
        ("last_name", row.last_name),
        ("first_name", row.first_name),
        ("middle_name", row.middle_name),
    ):
        if len(value) > NAME_MAX:
            problems.append((field, f"Не более {NAME_MAX} символов."))
    if not row.snils and not row.email:
        problems.append(("snils", "Укажите СНИЛС или адрес электронной почты."))
    if row.snils:
        problem = snils_error(row.snils)
        if problem:
            problems.append(("snils", problem))
    if row.email and (
        len(row.email) > EMAIL_MAX or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", row.email)
    ):
        problems.append(("email", f"Некорректный адрес электронной почты «{row.email[:80]}»."))
    if len(row.phone) > PHONE_MAX:
        problems.append(("phone", f"Телефон длиннее {PHONE_MAX} символов."))
    if len(row.contract_number) > CONTRACT_MAX:
        problems.append(("contract_number", f"Номер договора длиннее {CONTRACT_MAX} символов."))
    problem = sex_error(row.sex)
    if problem:
        problems.append(("sex", problem))
    problem = birth_date_error(row.birth_date, date.today())  # noqa: DTZ011 - a calendar date
    if problem:
        problems.append(("birth_date", problem))
    problems += frdo_detail_problems(
        citizenship=row.citizenship,
        education_level=row.education_level,
        diploma_last_name=row.diploma_last_name,
        diploma_series=row.diploma_series,
        diploma_number=row.diploma_number,
        funding_source=row.funding_source,
    )
    return problems


def clean_learner(row: LearnerRow) -> LearnerRow:
    """Normalise a learner as typed: trimmed names, SNILS digits, lower-case e-mail."""
    return LearnerRow(
        row=row.row,
        last_name=normalise_text(row.last_name),
        first_name=normalise_text(row.first_name),
        middle_name=normalise_text(row.middle_name),
        snils=normalise_snils(row.snils) if row.snils.strip() else "",
        email=normalise_email(row.email),
        phone=normalise_text(row.phone),
        contract_number=normalise_text(row.contract_number),
        contract_date=row.contract_date,
        sex=row.sex,
        birth_date=row.birth_date,
        citizenship=row.citizenship.strip(),
        education_level=row.education_level.strip(),
        diploma_last_name=normalise_text(row.diploma_last_name),
        diploma_series=normalise_text(row.diploma_series),
        diploma_number=normalise_text(row.diploma_number),
        funding_source=row.funding_source.strip(),
    )


def _frdo_details(
    columns: _Columns, row: Sequence[Cell], where: str, errors: list[str]
) -> dict[str, str]:
    """Read the FRDO columns of a roster row (ADR 0114) as stored values; a word the
    template does not know is reported by row and left out."""
    values = {
        "diploma_last_name": _text(columns.get(row, "diploma_last_name")),
        "diploma_series": _text(columns.get(row, "diploma_series")),
        "diploma_number": _text(columns.get(row, "diploma_number")),
    }
    for field, read, message in (
        ("citizenship", citizenship_of, "укажите трёхзначный код страны по ОКСМ (Россия — 643)"),
        ("education_level", education_level_of, "укажите «ВО» или «СПО»"),
        (
            "funding_source",
            funding_source_of,
            "укажите «договор», «федеральный бюджет», «бюджет субъекта» или «местный бюджет»",
        ),
    ):
        raw = _text(columns.get(row, field))
        value = read(raw)
        if value is None:
            what = {
                "citizenship": "гражданство",
                "education_level": "уровень образования",
                "funding_source": "источник финансирования",
            }[field]
            errors.append(f"{where}: {what} «{raw[:40]}» — {message}.")
            value = ""
        values[field] = value
    return values


def parse_learners(rows: Sequence[Sequence[Cell]]) -> tuple[list[LearnerRow], list[str]]:
    """Parse the rows of a learners sheet. Return the learners and every problem by row
    number; a file with any problem must be refused whole."""
    errors: list[str] = []
    if not rows:
        return [], ["Лист пуст: нет строки заголовков."]
    columns = _columns(rows[0], _LEARNER_ALIASES)
    has_names = {"last_name", "first_name"} <= set(columns.index)
    if not has_names and "full_name" not in columns.index:
        return [], ["Строка 1: нужен столбец «ФИО» или столбцы «Фамилия» и «Имя»."]
    if "snils" not in columns.index and "email" not in columns.index:
        return [], ["Строка 1: нужен столбец «СНИЛС» или «E-mail»."]
    learners: list[LearnerRow] = []
    for number, row in _data_rows(rows, MAX_LEARNER_ROWS, errors):
        where = f"Строка {number}"
        if has_names:
            last = _text(columns.get(row, "last_name"))
            first = _text(columns.get(row, "first_name"))
            middle = _text(columns.get(row, "middle_name"))
        else:
            last, first, middle = split_full_name(_text(columns.get(row, "full_name")))
        contract_date: date | None = None
        raw_date = columns.get(row, "contract_date")
        if _text(raw_date):
            try:
                contract_date = parse_date(raw_date)
            except ValueError:
                errors.append(
                    f"{where}: дата договора «{_text(raw_date)[:40]}» — укажите ДД.ММ.ГГГГ."
                )
        sex = sex_of(columns.get(row, "sex"))
        if sex is None:
            errors.append(
                f"{where}: пол «{_text(columns.get(row, 'sex'))[:40]}» — укажите «м» или «ж»."
            )
            sex = ""
        birth_date: date | None = None
        raw_birth = columns.get(row, "birth_date")
        if _text(raw_birth):
            try:
                birth_date = parse_date(raw_birth)
            except ValueError:
                errors.append(
                    f"{where}: дата рождения «{_text(raw_birth)[:40]}» — укажите ДД.ММ.ГГГГ."
                )
        frdo = _frdo_details(columns, row, where, errors)
        learner = clean_learner(
            LearnerRow(
                row=number,
                last_name=last,
                first_name=first,
                middle_name=middle,
                snils=snils_of(columns.get(row, "snils")),
                email=_text(columns.get(row, "email")),
                phone=_text(columns.get(row, "phone")),
                contract_number=_text(columns.get(row, "contract_number")),
                contract_date=contract_date,
                sex=sex,
                birth_date=birth_date,
                **frdo,
            )
        )
        errors.extend(f"{where}: {message}" for _, message in learner_row_problems(learner))
        learners.append(learner)
    if not learners and not errors:
        errors.append("В файле нет ни одного слушателя.")
    return learners, errors


def learners_workbook(
    rows: Iterable[Sequence[object]], *, header: Sequence[str] = LEARNER_HEADER
) -> bytes:
    """Write a learners workbook: the header and the given rows (any cells)."""
    return _workbook("Слушатели", header, rows)


LEARNERS_EXAMPLE: tuple[tuple[object, ...], ...] = (
    ("Петров", "Пётр", "Петрович", "112-233-445 95", "petrov@example.ru", "+7 900 000-00-01",
     "ПК-17/2026", "12.01.2026", "м", "14.03.1985", "643", "ВО", "", "107704",
     "0123456", "договор"),
)  # fmt: skip


def learners_template() -> bytes:
    """Return the example learners workbook offered for download."""
    return learners_workbook(LEARNERS_EXAMPLE)


def _workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
