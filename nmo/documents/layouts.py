"""Where values go on an organisation's pre-printed blanks (ADR 0112): the fields of each
blank, their default positions in millimetres, and the check of a layout typed by staff.
Pure: no ORM, no I/O.

A position is measured from the sheet's top-left corner to the top-left corner of the
field's text: `x` to the right, `y` down, an optional `width` (the text wraps inside it;
none: one line as long as it needs) and the font `size` in points. Table columns of the
supplement (`discipline_*`) give the first row's position; each next row is `row_step`
millimetres lower.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from nmo.documents.types import BlankKind

SIZE_MIN = 6
SIZE_MAX = 28
PAGE_MIN_MM = Decimal(50)
PAGE_MAX_MM = Decimal(420)
ROW_STEP_MIN = Decimal(3)
ROW_STEP_MAX = Decimal(30)


@dataclass(frozen=True)
class Position:
    """A field's place on the sheet, in millimetres, and its font size in points."""

    x: Decimal
    y: Decimal
    width: Decimal | None
    size: Decimal

    def as_json(self) -> dict[str, str | None]:
        return {
            "x": str(self.x),
            "y": str(self.y),
            "width": None if self.width is None else str(self.width),
            "size": str(self.size),
        }


@dataclass(frozen=True)
class BlankField:
    """A value printed on a blank: its code, its label on the settings page, a sample for
    the calibration page, and its default position (x, y, width, size)."""

    code: str
    label: str
    sample: str
    default: tuple[int, int, int | None, int]


@dataclass(frozen=True)
class BlankSpec:
    """A blank: the sheet's default size (mm), the default row step of its table, and its
    fields in the order the settings page lists them."""

    width_mm: int
    height_mm: int
    fields: tuple[BlankField, ...]
    row_step_mm: int | None = None

    def field(self, code: str) -> BlankField:
        return next(f for f in self.fields if f.code == code)


# The left half of an A4 landscape spread (the cover's inside: issuer, numbers) and the
# right half (holder, programme, signatures), as on the blanks sold for ДПО documents.
_COMMON: tuple[BlankField, ...] = (
    BlankField(
        "organisation",
        "Наименование организации",
        "ФГБОУ ВО РостГМУ Минздрава России",
        (15, 30, 118, 11),
    ),
    BlankField("series_number", "Серия и номер", "612400 000015", (35, 100, 80, 14)),
    BlankField("registration_number", "Регистрационный номер", "ПП-15", (65, 135, 60, 12)),
    BlankField("city", "Город", "Ростов-на-Дону", (45, 150, 80, 12)),
    BlankField("issued_on", "Дата выдачи", "13.03.2026", (65, 165, 60, 12)),
    BlankField(
        "holder",
        "Фамилия, имя, отчество (дательный падеж)",
        "Антоновой Алле Борисовне",
        (163, 40, 120, 15),
    ),
    BlankField("period_from", "Обучение с", "02.03.2026", (175, 62, 40, 12)),
    BlankField("period_to", "Обучение по", "13.03.2026", (235, 62, 40, 12)),
    BlankField("programme", "Наименование программы", "Кардиология", (163, 80, 120, 13)),
    BlankField("hours", "Объём, часов", "576", (190, 110, 30, 12)),
)
_SIGNATURES: tuple[BlankField, ...] = (
    BlankField("head", "Руководитель (фамилия, инициалы)", "И. И. Иванов", (240, 178, 45, 11)),
    BlankField("secretary", "Секретарь (фамилия, инициалы)", "П. П. Петрова", (240, 190, 45, 11)),
)

BLANKS: dict[BlankKind, BlankSpec] = {
    BlankKind.CERTIFICATE: BlankSpec(297, 210, (*_COMMON, *_SIGNATURES)),
    BlankKind.DIPLOMA: BlankSpec(
        297,
        210,
        (
            *_COMMON,
            BlankField(
                "qualification", "Присвоена квалификация", "Врач-кардиолог", (163, 125, 120, 12)
            ),
            BlankField(
                "practice_field",
                "Право на деятельность в сфере",
                "кардиологии",
                (163, 143, 120, 12),
            ),
            BlankField(
                "protocol",
                "Протокол комиссии (номер и дата)",
                "№ 7 от 13.03.2026",
                (200, 160, 83, 11),
            ),
            *_SIGNATURES,
        ),
    ),
    BlankKind.SUPPLEMENT: BlankSpec(
        210,
        297,
        (
            BlankField(
                "holder_nominative",
                "Фамилия, имя, отчество",
                "Антонова Алла Борисовна",
                (20, 40, 170, 13),
            ),
            BlankField("series_number", "Серия и номер диплома", "612400 000015", (60, 52, 70, 12)),
            BlankField("registration_number", "Регистрационный номер", "ПП-15", (150, 52, 40, 12)),
            BlankField("programme", "Наименование программы", "Кардиология", (20, 64, 170, 12)),
            BlankField("period_from", "Обучение с", "02.03.2026", (40, 80, 35, 11)),
            BlankField("period_to", "Обучение по", "13.03.2026", (95, 80, 35, 11)),
            BlankField("hours", "Объём, часов", "576", (170, 80, 20, 11)),
            BlankField(
                "discipline_title",
                "Таблица: дисциплина (модуль)",
                "Кардиология",
                (20, 110, 120, 10),
            ),
            BlankField("discipline_hours", "Таблица: часы", "144", (145, 110, 18, 10)),
            BlankField("discipline_grade", "Таблица: оценка", "зачтено", (165, 110, 28, 10)),
            BlankField(
                "head", "Руководитель (фамилия, инициалы)", "И. И. Иванов", (140, 262, 50, 11)
            ),
            BlankField(
                "secretary", "Секретарь (фамилия, инициалы)", "П. П. Петрова", (140, 274, 50, 11)
            ),
        ),
        row_step_mm=7,
    ),
}

TABLE_FIELDS = ("discipline_title", "discipline_hours", "discipline_grade")


def default_positions(blank: BlankKind) -> dict[str, Position]:
    """The default position of every field of the blank."""
    return {
        f.code: Position(
            Decimal(f.default[0]),
            Decimal(f.default[1]),
            None if f.default[2] is None else Decimal(f.default[2]),
            Decimal(f.default[3]),
        )
        for f in BLANKS[blank].fields
    }


def _number(raw: Any) -> Decimal | None:
    if raw is None:
        return None
    text = str(raw).strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value.quantize(Decimal("0.1"))


def read_layout(
    blank: BlankKind,
    *,
    page_width: Any,
    page_height: Any,
    row_step: Any,
    positions: Mapping[str, Mapping[str, Any]],
) -> tuple[tuple[Decimal, Decimal, Decimal | None, dict[str, Position]], dict[str, list[str]]]:
    """Check a layout as typed (numbers as text, a comma or a dot) and return it parsed —
    (page width, page height, row step, positions) — with the problems by field, in Russian:
    a missing or non-numeric value, a sheet outside 50–420 mm, a field that starts or ends
    off the sheet, a font size outside 6–28 pt, a table row step outside 3–30 mm."""
    spec = BLANKS[blank]
    errors: dict[str, list[str]] = {}

    def number(key: str, raw: Any, what: str, *, required: bool = True) -> Decimal | None:
        try:
            value = _number(raw)
        except ValueError:
            errors.setdefault(key, []).append(f"{what}: введите число миллиметров, например 25,5.")
            return None
        if value is None and required:
            errors.setdefault(key, []).append(f"{what}: укажите значение.")
        return value

    width = number("page_width", page_width, "Ширина листа")
    height = number("page_height", page_height, "Высота листа")
    for key, value, what in (("page_width", width, "Ширина"), ("page_height", height, "Высота")):
        if value is not None and not PAGE_MIN_MM <= value <= PAGE_MAX_MM:
            errors.setdefault(key, []).append(
                f"{what} листа — от {PAGE_MIN_MM} до {PAGE_MAX_MM} мм."
            )
    step: Decimal | None = None
    if spec.row_step_mm is not None:
        step = number("row_step", row_step, "Шаг строк таблицы")
        if step is not None and not ROW_STEP_MIN <= step <= ROW_STEP_MAX:
            errors.setdefault("row_step", []).append(
                f"Шаг строк таблицы — от {ROW_STEP_MIN} до {ROW_STEP_MAX} мм."
            )
    parsed: dict[str, Position] = {}
    for spec_field in spec.fields:
        raw = positions.get(spec_field.code) or {}
        label = spec_field.label
        key = spec_field.code
        x = number(key, raw.get("x"), f"{label}, X")
        y = number(key, raw.get("y"), f"{label}, Y")
        w = number(key, raw.get("width"), f"{label}, ширина", required=False)
        size = number(key, raw.get("size"), f"{label}, размер шрифта")
        if size is not None and not SIZE_MIN <= size <= SIZE_MAX:
            errors.setdefault(key, []).append(
                f"{label}: размер шрифта — от {SIZE_MIN} до {SIZE_MAX} пт."
            )
        if x is not None and (x < 0 or (width is not None and x >= width)):
            errors.setdefault(key, []).append(f"{label}: X должен быть в пределах листа.")
        if y is not None and (y < 0 or (height is not None and y >= height)):
            errors.setdefault(key, []).append(f"{label}: Y должен быть в пределах листа.")
        if w is not None:
            if w <= 0:
                errors.setdefault(key, []).append(f"{label}: ширина должна быть больше нуля.")
            elif x is not None and width is not None and x + w > width:
                errors.setdefault(key, []).append(
                    f"{label}: поле выходит за правый край листа (X + ширина > {width} мм)."
                )
        if x is not None and y is not None and size is not None:
            parsed[key] = Position(x, y, w, size)
    return (width or Decimal(0), height or Decimal(0), step, parsed), errors
