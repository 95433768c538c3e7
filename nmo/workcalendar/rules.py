"""Working-day arithmetic over a work calendar: pure functions, no ORM and no I/O.

Every function takes the calendar (`WorkCalendar`) as its first argument, so the same
arithmetic serves the database calendar, a test calendar and a hypothetical one. Deadlines
in the regulations map onto them like this:

- "within N working days of the attestation date" (npc-2.9, rgmu-2.9): the last day is
  `add_working_days(cal, attestation_date, N)`;
- "no later than the next working day after" (npc-5.10, rgmu-5.10): `next_working_day`;
- "not later than N working days before the end of training" (npc-6.2):
  `subtract_working_days(cal, end_of_training, N)`;
- "if that day is not a working day, the first working day after it" (npc-5.18, rgmu-5.18):
  `first_working_day_on_or_after`.
"""

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from nmo.workcalendar.types import WORKING_KINDS, DayKind, WorkCalendar

FIRST_YEAR = 1990
"""The first year the calendar answers for (weekends plus whatever rows are stored)."""

LAST_YEAR = 2100
"""The last year the calendar answers for."""

NAME_MAX = 200
DECREE_MAX = 300

SATURDAY = 5
_ONE_DAY = timedelta(days=1)


def is_weekend(d: date) -> bool:
    """Return whether the date is a Saturday or a Sunday."""
    return d.weekday() >= SATURDAY


def is_working_day(cal: WorkCalendar, d: date) -> bool:
    """Return whether the date is a working day under the calendar."""
    if is_weekend(d):
        return d in cal.working_weekend_days
    return d not in cal.non_working_weekdays


def first_working_day_on_or_after(cal: WorkCalendar, d: date) -> date:
    """Return the date itself if it is a working day, else the first working day after it."""
    while not is_working_day(cal, d):
        d += _ONE_DAY
    return d


def last_working_day_on_or_before(cal: WorkCalendar, d: date) -> date:
    """Return the date itself if it is a working day, else the last working day before it."""
    while not is_working_day(cal, d):
        d -= _ONE_DAY
    return d


def next_working_day(cal: WorkCalendar, d: date) -> date:
    """Return the first working day strictly after the date."""
    return first_working_day_on_or_after(cal, d + _ONE_DAY)


def previous_working_day(cal: WorkCalendar, d: date) -> date:
    """Return the last working day strictly before the date."""
    return last_working_day_on_or_before(cal, d - _ONE_DAY)


def add_working_days(cal: WorkCalendar, d: date, n: int) -> date:
    """Return the n-th working day after the date.

    For n >= 1 the result is strictly after `d` with exactly n - 1 working days between
    them. For n == 0 the result is `d` if it is a working day, else the next working day.
    For n < 0 the result is the |n|-th working day strictly before `d`.
    """
    if n == 0:
        return first_working_day_on_or_after(cal, d)
    step = next_working_day if n > 0 else previous_working_day
    for _ in range(abs(n)):
        d = step(cal, d)
    return d


def subtract_working_days(cal: WorkCalendar, d: date, n: int) -> date:
    """Return the n-th working day before the date ("not later than n working days before").

    For n >= 1 the result is strictly before `d` with exactly n - 1 working days between
    them. For n == 0 the result is `d` if it is a working day, else the last working day
    before it. A negative n is refused: use `add_working_days` to count forwards.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return last_working_day_on_or_before(cal, d)
    return add_working_days(cal, d, -n)


def working_days_between(cal: WorkCalendar, a: date, b: date) -> int:
    """Count the working days after `a` up to and including `b`.

    The count is negative when `b` is before `a`, so that
    `working_days_between(cal, a, b) == -working_days_between(cal, b, a)` and
    `working_days_between(cal, a, add_working_days(cal, a, n)) == n` for every n >= 1.
    """
    if b < a:
        return -working_days_between(cal, b, a)
    return sum(1 for d in _days(a + _ONE_DAY, b) if is_working_day(cal, d))


def non_working_days_of_year(cal: WorkCalendar, year: int) -> tuple[date, ...]:
    """Return every date of the year that is not a working day, in order."""
    return tuple(d for d in _year_days(year) if not is_working_day(cal, d))


def working_weekend_days_of_year(cal: WorkCalendar, year: int) -> tuple[date, ...]:
    """Return the Saturdays and Sundays of the year that are working days, in order."""
    return tuple(d for d in _year_days(year) if is_weekend(d) and is_working_day(cal, d))


def working_days_count_of_year(cal: WorkCalendar, year: int) -> int:
    """Count the working days of the year."""
    return sum(1 for d in _year_days(year) if is_working_day(cal, d))


def transfer_weekend_holidays(
    holidays: Collection[date], *, not_transferred: Collection[date] = ()
) -> dict[date, date]:
    """Move each holiday that falls on a weekend to the next working weekday.

    This is the Labour Code rule (art. 112 part 2) for a year whose government decree is
    not known yet: a Saturday or Sunday holiday gives a day off on the next Monday–Friday
    that is neither a holiday nor a day off already given. The New Year holidays named in
    `not_transferred` are not moved, since the decree distributes them. Return a mapping
    from each moved holiday to its day off.
    """
    taken = set(holidays)
    moved: dict[date, date] = {}
    for holiday in sorted(holidays):
        if not is_weekend(holiday) or holiday in not_transferred:
            continue
        day_off = holiday + _ONE_DAY
        while is_weekend(day_off) or day_off in taken:
            day_off += _ONE_DAY
        taken.add(day_off)
        moved[holiday] = day_off
    return moved


def mark_errors(
    *, day: date | None, is_working: bool, kind: str, name: str, decree: str
) -> dict[str, list[str]]:
    """Return the problems of an administrator's mark of a day, by field (empty if none).

    The kind must agree with the working flag, a working Saturday/Sunday must fall on a
    weekend and a working weekday on Monday–Friday, and every mark needs the reference of
    the decree it follows.
    """
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["date"] = ["Укажите дату."]
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors["date"] = [f"Дата должна быть в пределах {FIRST_YEAR}–{LAST_YEAR} годов."]
    if kind not in DayKind.values:
        errors["kind"] = ["Выберите вид дня из списка."]
    elif is_working and kind not in WORKING_KINDS:
        errors["kind"] = [
            f"«{DayKind(kind).label}» — нерабочий день. Для рабочего дня выберите "
            f"«{DayKind.WORKING_WEEKEND.label}» или «{DayKind.WORKING_DAY.label}»."
        ]
    elif not is_working and kind in WORKING_KINDS:
        errors["kind"] = [f"«{DayKind(kind).label}» — рабочий день. Выберите вид нерабочего дня."]
    elif day is not None and "date" not in errors:
        if kind == DayKind.WORKING_WEEKEND and not is_weekend(day):
            errors["date"] = [
                f"Вид «{DayKind.WORKING_WEEKEND.label}» подходит только для субботы "
                "или воскресенья."
            ]
        elif kind == DayKind.WORKING_DAY and is_weekend(day):
            errors["date"] = [
                f"Для субботы или воскресенья выберите вид «{DayKind.WORKING_WEEKEND.label}»."
            ]
    if len(name.strip()) > NAME_MAX:
        errors["name"] = [f"Не более {NAME_MAX} символов."]
    if not decree.strip():
        errors["decree"] = [
            "Укажите реквизиты документа, например «Постановление Правительства РФ "
            "от 04.10.2024 № 1335»."
        ]
    elif len(decree.strip()) > DECREE_MAX:
        errors["decree"] = [f"Не более {DECREE_MAX} символов."]
    return errors


def _days(first: date, last: date) -> Iterator[date]:
    d = first
    while d <= last:
        yield d
        d += _ONE_DAY


def _year_days(year: int) -> Iterator[date]:
    return _days(date(year, 1, 1), date(year, 12, 31))
