"""Values of the work calendar that cross app boundaries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import TextChoices

from nmo.core.audit import AuditAction


class DayKind(TextChoices):
    """Why a date deviates from the plain rule "Mon–Fri working, Sat–Sun off"."""

    HOLIDAY = "holiday", "нерабочий праздничный день"
    TRANSFERRED_DAY_OFF = "transferred_day_off", "перенесённый выходной"
    WORKING_WEEKEND = "working_weekend", "рабочая суббота/воскресенье"
    EXTRA_DAY_OFF = "extra_day_off", "дополнительный нерабочий день"
    # Lets an administrator undo a day off that the `holidays` package got wrong (a later
    # decree changed it): a weekday that is working after all. Reseeding keeps the edit.
    WORKING_DAY = "working_day", "рабочий день (отмена нерабочего дня)"


WORKING_KINDS = frozenset({DayKind.WORKING_WEEKEND, DayKind.WORKING_DAY})
"""The kinds that make a date a working day; every other kind makes it a day off."""


@dataclass(frozen=True)
class WorkCalendar:
    """The deviations from "Mon–Fri working, Sat–Sun off" that working-day arithmetic needs.

    `non_working_weekdays` holds the Monday–Friday dates that are not working (holidays,
    transferred days off, extra days off); `working_weekend_days` holds the Saturdays and
    Sundays that are working. Dates outside both sets follow the plain weekday rule.
    """

    non_working_weekdays: frozenset[date] = field(default_factory=frozenset)
    working_weekend_days: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CalendarYear:
    """One year of the calendar as the API and the pages show it."""

    year: int
    non_working_days: tuple[date, ...]
    working_weekend_days: tuple[date, ...]
    working_days_count: int


@dataclass(frozen=True)
class SeedDay:
    """A date the `holidays` package (or the Labour Code rule) says deviates."""

    date: date
    is_working: bool
    kind: DayKind
    name: str
    decree: str


# The audit log's words for this app's actions (ADR 0018).
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "calendar.seed": "Заполнен производственный календарь",
    "calendar.mark_day": "Изменён день производственного календаря",
    "calendar.reset_day": "День производственного календаря возвращён к исходному",
}
