"""Administrators' edits of the calendar: mark_day and reset_day."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import transaction

from nmo.core.exceptions import PermissionDenied, ValidationFailed
from nmo.core.models import AuditEntry
from nmo.workcalendar import selectors
from nmo.workcalendar.cache import calendar_key, current_version
from nmo.workcalendar.models import CalendarDay, DaySource
from nmo.workcalendar.services import mark_day, reset_day, seed_calendar
from nmo.workcalendar.types import DayKind, WorkCalendar

pytestmark = pytest.mark.django_db

DECREE = "Указ Президента РФ от 01.06.2020 № 354"
WEDNESDAY = date(2025, 3, 12)


def _mark(actor, **overrides):
    values = {
        "day": WEDNESDAY,
        "is_working": False,
        "kind": DayKind.EXTRA_DAY_OFF,
        "name": "Дополнительный выходной",
        "decree": DECREE,
    }
    values.update(overrides)
    return mark_day(actor=actor, **values)


def test_administrator_marks_a_day_off(administrator):
    """The day is stored as the administrator's, with its kind, name and decree."""
    row = _mark(administrator)
    row.refresh_from_db()
    assert (row.date, row.is_working, row.kind, row.source) == (
        WEDNESDAY,
        False,
        DayKind.EXTRA_DAY_OFF,
        DaySource.ADMIN,
    )
    assert row.name == "Дополнительный выходной"
    assert row.decree == DECREE


def test_it_checks_access(specialist):
    """Anyone but an administrator is refused with PermissionDenied and nothing changes."""
    with pytest.raises(PermissionDenied):
        _mark(specialist)
    assert not CalendarDay.objects.exists()
    assert not AuditEntry.objects.filter(action="calendar.mark_day").exists()


def test_a_mark_without_a_decree_is_refused(administrator):
    """The decree reference is required: ValidationFailed names the field in Russian."""
    with pytest.raises(ValidationFailed) as caught:
        _mark(administrator, decree="   ")
    assert "decree" in caught.value.errors
    assert "Укажите реквизиты" in caught.value.errors["decree"][0]
    assert not CalendarDay.objects.exists()


def test_a_kind_that_contradicts_the_working_flag_is_refused(administrator):
    """A "holiday" cannot be a working day."""
    with pytest.raises(ValidationFailed) as caught:
        _mark(administrator, is_working=True, kind=DayKind.HOLIDAY)
    assert "kind" in caught.value.errors


def test_the_mark_is_audited(administrator):
    """One "calendar.mark_day" entry names the administrator, the row and what changed."""
    row = _mark(administrator)
    entry = AuditEntry.objects.get(action="calendar.mark_day")
    assert entry.actor == administrator
    assert entry.object_type == "workcalendar.calendarday"
    assert entry.object_id == str(row.pk)
    assert entry.changes["before"] is None
    assert entry.changes["after"]["kind"] == "extra_day_off"
    assert entry.changes["after"]["decree"] == DECREE


def test_editing_a_seeded_day_records_what_it_was(administrator):
    """Marking a seeded day keeps one row, now the administrator's; the audit entry holds
    the seeded values it replaced."""
    seed_calendar(first_year=2025, last_year=2025)
    mark_day(
        actor=administrator,
        day=date(2025, 11, 1),
        is_working=False,
        kind=DayKind.HOLIDAY,
        name="Проверка",
        decree=DECREE,
    )
    row = CalendarDay.objects.get(date=date(2025, 11, 1))
    assert (row.source, row.is_working) == (DaySource.ADMIN, False)
    entry = AuditEntry.objects.get(action="calendar.mark_day")
    assert entry.changes["before"]["kind"] == "working_weekend"
    assert entry.changes["before"]["source"] == "seeded"


def test_deadlines_see_the_mark_at_once(administrator):
    """Ten working days from Monday 10 March 2025 end on 24 March; a day off on 12 March
    moves the end to 25 March at once."""
    assert selectors.add_working_days(date(2025, 3, 10), 10) == date(2025, 3, 24)
    _mark(administrator)
    assert selectors.add_working_days(date(2025, 3, 10), 10) == date(2025, 3, 25)


def test_a_working_saturday_counts_in_deadlines(administrator):
    """Marking Saturday 15 March 2025 as working makes it the next working day after Friday."""
    mark_day(
        actor=administrator,
        day=date(2025, 3, 15),
        is_working=True,
        kind=DayKind.WORKING_WEEKEND,
        name="Рабочая суббота",
        decree=DECREE,
    )
    assert selectors.next_working_day(date(2025, 3, 14)) == date(2025, 3, 15)


def test_a_cached_calendar_is_dropped_by_the_mark(transactional_db, administrator):
    """A calendar cached by an earlier request is not used once the mark is made."""
    assert selectors.is_working_day(WEDNESDAY)
    assert cache.get(calendar_key(current_version())) is not None  # the calendar is cached
    _mark(administrator)
    assert not selectors.is_working_day(WEDNESDAY)


def test_a_calendar_cached_before_the_commit_does_not_survive_it(transactional_db, administrator):
    """If another server caches the old calendar while the mark's transaction is still
    open, the commit invalidates it."""
    with transaction.atomic():
        _mark(administrator)
        cache.set(calendar_key(current_version()), WorkCalendar(), timeout=None)
    assert not selectors.is_working_day(WEDNESDAY)


def test_reset_returns_a_seeded_day_to_its_seeded_values(administrator):
    """Resetting Saturday 1 November 2025 after an edit makes it a seeded working Saturday
    again; the reset is audited as "calendar.reset_day"."""
    seed_calendar(first_year=2025, last_year=2025)
    mark_day(
        actor=administrator,
        day=date(2025, 11, 1),
        is_working=False,
        kind=DayKind.EXTRA_DAY_OFF,
        name="",
        decree=DECREE,
    )
    assert not selectors.is_working_day(date(2025, 11, 1))
    row = reset_day(actor=administrator, day=date(2025, 11, 1))
    assert row is not None
    assert (row.source, row.kind, row.is_working) == (
        DaySource.SEEDED,
        DayKind.WORKING_WEEKEND,
        True,
    )
    assert selectors.is_working_day(date(2025, 11, 1))
    entry = AuditEntry.objects.get(action="calendar.reset_day")
    assert entry.actor == administrator
    assert entry.changes["before"]["source"] == "admin"


def test_reset_of_a_day_the_package_does_not_list_removes_it(administrator):
    """A day only the administrator made special returns to the plain weekday rule."""
    _mark(administrator)
    assert reset_day(actor=administrator, day=WEDNESDAY) is None
    assert not CalendarDay.objects.filter(date=WEDNESDAY).exists()
    assert selectors.is_working_day(WEDNESDAY)
    assert AuditEntry.objects.filter(action="calendar.reset_day").count() == 1


def test_reset_of_a_plain_day_changes_nothing(administrator):
    assert reset_day(actor=administrator, day=WEDNESDAY) is None
    assert not AuditEntry.objects.filter(action="calendar.reset_day").exists()


def test_reset_checks_access(administrator, specialist):
    """Only an administrator may reset a day."""
    _mark(administrator)
    with pytest.raises(PermissionDenied):
        reset_day(actor=specialist, day=WEDNESDAY)
    assert CalendarDay.objects.get(date=WEDNESDAY).source == DaySource.ADMIN
