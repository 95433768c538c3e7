"""Seeding the Russian work calendar from the `holidays` package (seed_calendar)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from nmo.core.models import AuditEntry
from nmo.workcalendar import selectors
from nmo.workcalendar.models import CalendarDay, DaySource
from nmo.workcalendar.services import mark_day, seed_calendar
from nmo.workcalendar.types import DayKind

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2025, 6, 2, 12, tzinfo=ZoneInfo("Europe/Moscow")), tick=False
    ),
]

DECREE_2025 = "Постановление Правительства РФ от 04.10.2024 № 1335"


@pytest.fixture
def seeded():
    return seed_calendar()


def _off(*days: date) -> list[date]:
    return [d for d in days if selectors.is_working_day(d)]


def test_new_year_holidays_2025_are_off(seeded):
    """1–8 January 2025 are non-working; Thursday 9 January is the first working day."""
    assert _off(*(date(2025, 1, d) for d in range(1, 9))) == []
    assert selectors.is_working_day(date(2025, 1, 9))
    assert selectors.first_working_day_on_or_after(date(2025, 1, 1)) == date(2025, 1, 9)


def test_may_holidays_2025_are_off(seeded):
    """1–2 May and 8–9 May 2025 are non-working (2 and 8 May transferred by decree)."""
    assert _off(date(2025, 5, 1), date(2025, 5, 2), date(2025, 5, 8), date(2025, 5, 9)) == []
    assert selectors.is_working_day(date(2025, 5, 5))
    assert selectors.is_working_day(date(2025, 5, 7))


def test_saturday_1_november_2025_is_a_working_day(seeded):
    """Saturday 1 November 2025 is worked; Monday 3 November is off in its place."""
    assert selectors.is_working_day(date(2025, 11, 1))
    assert not selectors.is_working_day(date(2025, 11, 3))
    assert not selectors.is_working_day(date(2025, 11, 4))
    row = CalendarDay.objects.get(date=date(2025, 11, 1))
    assert row.kind == DayKind.WORKING_WEEKEND
    assert row.is_working
    assert row.decree == DECREE_2025
    assert "03.11.2025" in row.name


def test_working_saturdays_of_2024(seeded):
    """Saturdays 27 April, 2 November and 28 December 2024 are working days."""
    for day in (date(2024, 4, 27), date(2024, 11, 2), date(2024, 12, 28)):
        assert selectors.is_working_day(day), day
    assert selectors.calendar_year(2024).working_weekend_days == (
        date(2024, 4, 27),
        date(2024, 11, 2),
        date(2024, 12, 28),
    )


def test_new_year_holidays_2026(seeded):
    """31 December 2025 to 11 January 2026 are all non-working (9 January and 31 December
    2026 transferred from 3 and 4 January); Monday 12 January 2026 is working."""
    run = [date(2025, 12, 31)] + [date(2026, 1, d) for d in range(1, 12)]
    assert _off(*run) == []
    assert selectors.is_working_day(date(2026, 1, 12))
    assert not selectors.is_working_day(date(2026, 12, 31))
    assert CalendarDay.objects.get(date=date(2026, 1, 9)).kind == DayKind.TRANSFERRED_DAY_OFF


def test_holidays_carry_their_names_kinds_and_legal_basis(seeded):
    """A public holiday is a "holiday" under art. 112 of the Labour Code; a day moved by
    decree cites the decree."""
    new_year = CalendarDay.objects.get(date=date(2025, 1, 1))
    assert (new_year.kind, new_year.is_working, new_year.source) == (
        DayKind.HOLIDAY,
        False,
        DaySource.SEEDED,
    )
    assert new_year.name == "Новогодние каникулы"
    assert "112" in new_year.decree
    moved = CalendarDay.objects.get(date=date(2025, 5, 2))
    assert moved.kind == DayKind.TRANSFERRED_DAY_OFF
    assert moved.decree == DECREE_2025


@pytest.mark.parametrize(
    ("year", "working_days"),
    [
        (2015, 247),
        (2016, 247),
        (2017, 247),
        (2018, 247),
        (2019, 247),
        (2020, 248),
        (2021, 247),
        (2022, 247),
        (2023, 247),
        (2024, 248),
        (2025, 247),
        (2026, 247),
    ],
)
def test_working_days_per_year_match_the_official_calendar(seeded, year, working_days):
    """Each year's count of working days matches the published production calendar."""
    assert selectors.calendar_year(year).working_days_count == working_days


def test_default_range_is_2015_to_two_years_after_today(seeded):
    """With today in 2025 the seed covers 2015–2027 and nothing else."""
    years = {d.year for d in CalendarDay.objects.values_list("date", flat=True)}
    assert min(years) == 2015
    assert max(years) == 2027


@pytest.mark.time_machine(datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("Europe/Moscow")), tick=False)
def test_a_year_without_a_known_decree_follows_the_labour_code(seeded):
    """2028 has no transfer decree in the package yet: Saturday 4 November 2028 gives
    Monday 6 November off (art. 112 part 2), marked as provisional."""
    assert not selectors.is_working_day(date(2028, 11, 6))
    row = CalendarDay.objects.get(date=date(2028, 11, 6))
    assert row.kind == DayKind.TRANSFERRED_DAY_OFF
    assert "ещё не учтено" in row.decree


def test_seeding_again_changes_nothing(seeded):
    """A second run creates and updates nothing and returns 0; the first run is audited
    once as "calendar.seed"."""
    assert seeded > 200
    count = CalendarDay.objects.count()
    assert seed_calendar() == 0
    assert CalendarDay.objects.count() == count
    assert AuditEntry.objects.filter(action="calendar.seed").count() == 1


def test_seeding_restores_a_seeded_row_that_drifted(seeded):
    """A seeded row whose values no longer match the package is put back."""
    CalendarDay.objects.filter(date=date(2025, 5, 2)).update(name="что-то другое")
    assert seed_calendar() == 1
    assert CalendarDay.objects.get(date=date(2025, 5, 2)).name.startswith("Выходной")


def test_seeding_removes_a_seeded_row_the_package_does_not_list(seeded):
    """A seeded day off the package does not know is removed: the day is working again."""
    CalendarDay.objects.create(
        date=date(2025, 3, 12),
        is_working=False,
        kind=DayKind.EXTRA_DAY_OFF,
        decree="—",
        source=DaySource.SEEDED,
    )
    assert seed_calendar() == 1
    assert not CalendarDay.objects.filter(date=date(2025, 3, 12)).exists()
    assert selectors.is_working_day(date(2025, 3, 12))


def test_an_administrators_edit_survives_reseeding(seeded, administrator):
    """Days an administrator set (a new day off, a seeded holiday made working) are kept
    as they are by a later seed run."""
    mark_day(
        actor=administrator,
        day=date(2025, 3, 12),
        is_working=False,
        kind=DayKind.EXTRA_DAY_OFF,
        name="День выборов",
        decree="Указ Президента РФ (пример)",
    )
    mark_day(
        actor=administrator,
        day=date(2025, 12, 31),
        is_working=True,
        kind=DayKind.WORKING_DAY,
        name="",
        decree="Постановление Правительства РФ (пример отмены переноса)",
    )
    assert seed_calendar() == 0
    extra = CalendarDay.objects.get(date=date(2025, 3, 12))
    assert (extra.source, extra.name, extra.is_working) == (DaySource.ADMIN, "День выборов", False)
    undone = CalendarDay.objects.get(date=date(2025, 12, 31))
    assert (undone.source, undone.is_working) == (DaySource.ADMIN, True)
    assert selectors.is_working_day(date(2025, 12, 31))
    assert not selectors.is_working_day(date(2025, 3, 12))


def test_seeding_is_seen_by_deadlines_at_once():
    """A calendar read before seeding is not used after it."""
    assert selectors.is_working_day(date(2025, 1, 2))
    seed_calendar()
    assert not selectors.is_working_day(date(2025, 1, 2))


def test_an_explicit_range_is_honoured():
    """seed_calendar(first_year=2025, last_year=2025) stores only 2025."""
    seed_calendar(first_year=2025, last_year=2025)
    years = {d.year for d in CalendarDay.objects.values_list("date", flat=True)}
    assert years == {2025}
