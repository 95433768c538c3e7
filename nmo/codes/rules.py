"""Pure rules of confirmation codes (ИКП) and participant rosters: no ORM, no I/O.

- faq-ikp-format: a code has 13 characters, XXXX-XXXXXXXX, Latin capital letters except
  "O", and digits.
- faq-ikp-normalize: what a person types is read regardless of case, spaces and extra
  symbols; a letter "O" stands for the digit zero.
"""

import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from nmo.accounts.rules import normalise_email, normalise_snils, snils_error
from nmo.catalog.rules import search_key

#: Latin capitals without "O" (faq-ikp-format), then digits: 35 symbols.
CODE_ALPHABET = "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789"
CODE_GROUPS = (4, 8)
CODE_SYMBOLS = sum(CODE_GROUPS)  # 12 random symbols, about 61.5 bits
CODE_LENGTH = CODE_SYMBOLS + 1  # with the dash: 13 characters
CODE_PATTERN = r"^[A-NP-Z0-9]{4}-[A-NP-Z0-9]{8}$"
_CODE_RE = re.compile(CODE_PATTERN)
_CODE_SPACE = len(CODE_ALPHABET) ** CODE_SYMBOLS
# Two symbols at a time: six divmods per code instead of twelve.
_PAIRS = [a + b for a in CODE_ALPHABET for b in CODE_ALPHABET]
_PAIR_BASE = len(_PAIRS)

#: How many codes one call may issue (the API answers 422 above it).
MAX_CODES_PER_ISSUE = 10_000
#: How many rows a roster may hold.
MAX_ROSTER_ROWS = MAX_CODES_PER_ISSUE
FULL_NAME_MAX = 300
EMAIL_MAX = 254

# Cyrillic letters that look exactly like a symbol of the code alphabet. People copy a
# printed code by eye and a Russian keyboard layout gives them these; "О" is read as zero,
# like the Latin "O" (faq-ikp-normalize). Any other letter means it is not a code.
_LOOKALIKES = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "0",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "O": "0",
    }
)


def generate_code_value(rng: random.Random) -> str:
    """A new code value of the form XXXX-XXXXXXXX, uniform over the 35¹² possible ones.

    Production passes `secrets.SystemRandom()` (the operating system's cryptographic
    source); tests may pass a seeded `random.Random`.
    """
    number = rng.randrange(_CODE_SPACE)
    pairs: list[str] = []
    for _ in range(CODE_SYMBOLS // 2):
        number, index = divmod(number, _PAIR_BASE)
        pairs.append(_PAIRS[index])
    symbols = "".join(pairs)
    return f"{symbols[:4]}-{symbols[4:]}"


def normalise_code(typed: str | None) -> str | None:
    """The code a person meant, as XXXX-XXXXXXXX, or None if the input cannot be a code.

    Case, spaces and any symbols other than letters and digits are ignored (dashes, dots,
    quotes…); the letter "O" (Latin or Cyrillic) is the digit zero; Cyrillic letters that
    look like Latin ones are read as those. Any other letter, or a count of letters and
    digits other than 12, is not a code (faq-ikp-normalize).
    """
    if not typed or len(typed) > 200:
        return None
    text = unicodedata.normalize("NFKC", typed).upper().translate(_LOOKALIKES)
    kept: list[str] = []
    for char in text:
        if char in CODE_ALPHABET:
            kept.append(char)
        elif char.isalnum():
            return None  # a letter or digit that no code contains
    if len(kept) != CODE_SYMBOLS:
        return None
    symbols = "".join(kept)
    return f"{symbols[:4]}-{symbols[4:]}"


def is_valid_code(value: str) -> bool:
    """Whether the value is a code in its stored form (faq-ikp-format)."""
    return bool(_CODE_RE.match(value or ""))


# Rosters ------------------------------------------------------------------------------

_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": (
        "фио",
        "ф.и.о.",
        "ф. и. о.",
        "фамилия, имя, отчество",
        "фамилия имя отчество",
        "фамилия, имя, отчество (при наличии)",
        "участник",
        "full name",
    ),
    "last_name": ("фамилия",),
    "first_name": ("имя",),
    "middle_name": ("отчество", "отчество (при наличии)"),
    "email": (
        "e-mail",
        "email",
        "е-mail",
        "эл. почта",
        "эл.почта",
        "электронная почта",
        "адрес электронной почты",
        "почта",
    ),
    "snils": ("снилс",),
}


@dataclass(frozen=True)
class RosterRow:
    """One participant read from a roster; `row` is its line in the file."""

    row: int
    full_name: str
    email: str
    snils: str | None


@dataclass(frozen=True)
class RosterParse:
    """What a roster holds: its participants, or the reasons (in Russian) it is refused."""

    participants: tuple[RosterRow, ...]
    errors: tuple[str, ...]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a SNILS typed into a number cell
    return " ".join(str(value).split())


def _header_key(text: str) -> str | None:
    key = search_key(text).rstrip(":*")
    for field, aliases in _HEADER_ALIASES.items():
        if key in aliases:
            return field
    return None


def _columns(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        field = _header_key(title)
        if field and field not in columns:
            columns[field] = index
    errors: list[str] = []
    has_name = "full_name" in columns or {"last_name", "first_name"} <= columns.keys()
    if not has_name:
        errors.append(
            "Нет столбца «ФИО» (или столбцов «Фамилия» и «Имя») в первой строке файла. "
            "Ожидаемые заголовки: «ФИО», «E-mail» (или «Электронная почта»), «СНИЛС»."
        )
    return columns, errors


def parse_roster(rows: Iterable[Sequence[object]]) -> RosterParse:
    """Read a participant roster: the first non-empty row is the header («ФИО»,
    «E-mail»/«Электронная почта», «СНИЛС»; or «Фамилия», «Имя», «Отчество»), every
    further non-empty row is a participant. Row numbers are the file's line numbers.

    Each row needs a full name; an e-mail and a SNILS are optional but must be valid when
    given, and a SNILS may appear only once. Any error refuses the whole roster.
    """
    header: list[str] | None = None
    header_row = 0
    columns: dict[str, int] = {}
    participants: list[RosterRow] = []
    errors: list[str] = []
    seen_snils: dict[str, int] = {}
    for number, raw in enumerate(rows, start=1):
        cells = [_cell(value) for value in raw]
        if not any(cells):
            continue
        if header is None:
            header, header_row = cells, number
            columns, header_errors = _columns(header)
            if header_errors:
                return RosterParse(participants=(), errors=tuple(header_errors))
            continue
        if len(participants) + len(errors) >= MAX_ROSTER_ROWS:
            errors.append(f"В файле больше {MAX_ROSTER_ROWS} участников: разделите его на части.")
            break
        row, problems = _roster_row(number, cells, columns)
        if row is not None and row.snils:
            first = seen_snils.setdefault(row.snils, number)
            if first != number:
                problems.append(f"СНИЛС уже указан в строке {first}")
        if problems:
            errors.append(f"Строка {number}: " + "; ".join(problems) + ".")
        elif row is not None:
            participants.append(row)
    if header is None:
        return RosterParse(participants=(), errors=("Файл пуст: нет ни заголовка, ни участников.",))
    if not participants and not errors:
        errors.append(f"В файле нет ни одного участника после заголовка (строка {header_row}).")
    return RosterParse(participants=tuple(participants), errors=tuple(errors))


def _get(cells: Sequence[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _roster_row(
    number: int, cells: Sequence[str], columns: dict[str, int]
) -> tuple[RosterRow | None, list[str]]:
    problems: list[str] = []
    full_name = _get(cells, columns, "full_name")
    if not full_name:
        parts = (_get(cells, columns, f) for f in ("last_name", "first_name", "middle_name"))
        full_name = " ".join(p for p in parts if p)
    if not full_name:
        problems.append("не указаны фамилия, имя и отчество")
    elif len(full_name) > FULL_NAME_MAX:
        problems.append(f"ФИО длиннее {FULL_NAME_MAX} символов")
    email = normalise_email(_get(cells, columns, "email"))
    if email:
        try:
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            problems.append(f"неверный адрес электронной почты «{email[:60]}»")
    raw_snils = _get(cells, columns, "snils")
    snils: str | None = None
    if raw_snils:
        problem = snils_error(raw_snils)
        if problem:
            problems.append(problem.rstrip(".").replace("СНИЛС", f"СНИЛС «{raw_snils[:20]}»", 1))
        else:
            snils = normalise_snils(raw_snils)
    if problems:
        return None, problems
    return RosterRow(row=number, full_name=full_name, email=email, snils=snils), problems


def is_roster_file_name(file_name: str) -> bool:
    """Whether the file's extension is one a roster may have (XLSX or CSV)."""
    return file_name.lower().rsplit(".", 1)[-1] in {"xlsx", "csv"}
