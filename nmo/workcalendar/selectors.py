"""Reads of the work calendar, and the working-day arithmetic every deadline uses.

`get_work_calendar()` loads the calendar from the database once per cache version (the
version is bumped by every edit, see `services`), so all app servers agree. The module-level
helpers below apply `rules` to that calendar; call them for any deadline counted in working
days (npc-2.9, npc-2.10, npc-5.10, npc-5.18, npc-6.2, rgmu-2.9, rgmu-2.10, rgmu-5.3,
rgmu-5.10, rgmu-5.18).
"""

import contextlib
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from nmo.core.throttle import STORE_ERRORS
from nmo.workcalendar import rules
from nmo.workcalendar.cache import CALENDAR_TIMEOUT, calendar_key, current_version
from nmo.workcalendar.models import CalendarDay
from nmo.workcalendar.types import CalendarYear, WorkCalendar


def get_work_calendar() -> WorkCalendar:
    """Return the work calendar: the stored deviations from "Mon–Fri working".

    A calendar loaded inside a transaction is not stored in the cache: it may hold that
    transaction's uncommitted edits, which a rollback would leave behind. With the cache
    unreachable the calendar is read from the database each time: deadlines never need
    Redis.
    """
    try:
        key = calendar_key(current_version())
        calendar = cache.get(key)
    except STORE_ERRORS:  # the cache is down: the database still knows (ADR 0021)
        return load_work_calendar()
    if isinstance(calendar, WorkCalendar):
        return calendar
    calendar = load_work_calendar()
    if not connection.in_atomic_block:
        with contextlib.suppress(*STORE_ERRORS):
            cache.set(key, calendar, timeout=CALENDAR_TIMEOUT)
    return calendar


def load_work_calendar() -> WorkCalendar:
    """Build the work calendar from the database, bypassing the cache."""
    non_working_weekdays: set[date] = set()
    working_weekend_days: set[date] = set()
    for day, is_working in CalendarDay.objects.values_list("date", "is_working"):
        if rules.is_weekend(day):
            if is_working:
                working_weekend_days.add(day)
        elif not is_working:
            non_working_weekdays.add(day)
    return WorkCalendar(
        non_working_weekdays=frozenset(non_working_weekdays),
        working_weekend_days=frozenset(working_weekend_days),
    )


def is_working_day(d: date) -> bool:
    """Return whether the date is a working day."""
    return rules.is_working_day(get_work_calendar(), d)


def next_working_day(d: date) -> date:
    """Return the first working day strictly after the date ("no later than the next
    working day after", npc-5.10, rgmu-5.10)."""
    return rules.next_working_day(get_work_calendar(), d)


def first_working_day_on_or_after(d: date) -> date:
    """Return the date if it is a working day, else the first working day after it ("if
    that day is not a working day, the first working day after it", npc-5.18, rgmu-5.18)."""
    return rules.first_working_day_on_or_after(get_work_calendar(), d)


def add_working_days(d: date, n: int) -> date:
    """Return the n-th working day after the date ("within n working days of", npc-2.9,
    rgmu-2.9); see `rules.add_working_days` for n <= 0."""
    return rules.add_working_days(get_work_calendar(), d, n)


def subtract_working_days(d: date, n: int) -> date:
    """Return the n-th working day before the date ("not later than n working days
    before", npc-6.2)."""
    return rules.subtract_working_days(get_work_calendar(), d, n)


def working_days_between(a: date, b: date) -> int:
    """Count the working days after `a` up to and including `b` (negative if b < a)."""
    return rules.working_days_between(get_work_calendar(), a, b)


def calendar_year(year: int) -> CalendarYear:
    """Return the year's non-working days (weekends that are not working and holidays)
    and its working Saturdays/Sundays."""
    calendar = get_work_calendar()
    return CalendarYear(
        year=year,
        non_working_days=rules.non_working_days_of_year(calendar, year),
        working_weekend_days=rules.working_weekend_days_of_year(calendar, year),
        working_days_count=rules.working_days_count_of_year(calendar, year),
    )


def list_calendar_days(year: int) -> QuerySet[CalendarDay]:
    """Return the stored days of the year, in date order."""
    return CalendarDay.objects.filter(date__year=year).order_by("date")
