"""Working-day arithmetic (rules.py) on hand-made calendars: no database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmo.workcalendar import rules
from nmo.workcalendar.types import DayKind, WorkCalendar

# 2025: 1–8 January off, 1–2 and 8–9 May off, Saturday 1 November working, 3–4 November off.
RU_2025 = WorkCalendar(
    non_working_weekdays=frozenset(
        [date(2025, 1, d) for d in (1, 2, 3, 6, 7, 8)]
        + [date(2025, 5, d) for d in (1, 2, 8, 9)]
        + [date(2025, 11, 3), date(2025, 11, 4)]
    ),
    working_weekend_days=frozenset([date(2025, 11, 1)]),
)
PLAIN = WorkCalendar()

BASE = date(2024, 1, 1)
WINDOW = 800  # days of the window in which generated calendars deviate


def _dates() -> st.SearchStrategy[date]:
    return st.integers(min_value=0, max_value=WINDOW).map(lambda n: BASE + timedelta(days=n))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    days = draw(st.sets(_dates(), max_size=120))
    return WorkCalendar(
        non_working_weekdays=frozenset(d for d in days if not rules.is_weekend(d)),
        working_weekend_days=frozenset(d for d in days if rules.is_weekend(d)),
    )


def _working_days_strictly_between(cal: WorkCalendar, a: date, b: date) -> int:
    lo, hi = min(a, b), max(a, b)
    return sum(
        1 for k in range(1, (hi - lo).days) if rules.is_working_day(cal, lo + timedelta(days=k))
    )


# --- plain rule and the 2025 calendar ------------------------------------------------


def test_plain_calendar_works_monday_to_friday():
    """Without deviations Monday–Friday are working and Saturday–Sunday are not."""
    week = [date(2025, 3, 3) + timedelta(days=k) for k in range(7)]
    assert [rules.is_working_day(PLAIN, d) for d in week] == [True] * 5 + [False] * 2


def test_holiday_on_weekday_is_not_working_and_working_saturday_is():
    """A listed weekday is off; a listed Saturday is working."""
    assert not rules.is_working_day(RU_2025, date(2025, 1, 8))
    assert rules.is_working_day(RU_2025, date(2025, 1, 9))
    assert rules.is_working_day(RU_2025, date(2025, 11, 1))
    assert not rules.is_working_day(RU_2025, date(2025, 11, 2))


def test_next_working_day_after_the_eve_of_the_may_holidays_skips_the_run():
    """After Wednesday 30 April 2025 the next working day is Monday 5 May (1–4 May off)."""
    assert rules.next_working_day(RU_2025, date(2025, 4, 30)) == date(2025, 5, 5)


def test_next_working_day_is_strictly_after_a_working_day():
    """The next working day after a working Tuesday is Wednesday, not the Tuesday itself."""
    assert rules.next_working_day(RU_2025, date(2025, 3, 4)) == date(2025, 3, 5)


def test_next_working_day_after_friday_is_monday():
    assert rules.next_working_day(PLAIN, date(2025, 3, 7)) == date(2025, 3, 10)


def test_first_working_day_on_or_after_keeps_a_working_day():
    """A day that is working is its own first working day."""
    assert rules.first_working_day_on_or_after(RU_2025, date(2025, 3, 4)) == date(2025, 3, 4)


def test_first_working_day_on_or_after_moves_a_day_off_forward():
    """A notice due on Sunday 2 November 2025 moves to Wednesday 5 November (3–4 off)."""
    assert rules.first_working_day_on_or_after(RU_2025, date(2025, 11, 2)) == date(2025, 11, 5)


def test_new_year_holidays_push_a_ten_working_day_deadline():
    """Ten working days after Friday 27 December 2024 end on Monday 20 January 2025:
    30–31 Dec, 9–10 and 13–17 Jan are working under this calendar, 1–8 Jan are not."""
    cal = WorkCalendar(
        non_working_weekdays=RU_2025.non_working_weekdays,
        working_weekend_days=frozenset(),
    )
    assert rules.add_working_days(cal, date(2024, 12, 27), 10) == date(2025, 1, 20)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, date(2025, 4, 29)),
        (2, date(2025, 4, 30)),
        (3, date(2025, 5, 5)),  # 1–4 May off
        (4, date(2025, 5, 6)),
    ],
)
def test_add_working_days_around_the_may_holidays(n, expected):
    """Counting from Monday 28 April 2025: N−1, N and N+1 around the run of days off."""
    assert rules.add_working_days(RU_2025, date(2025, 4, 28), n) == expected


def test_add_zero_working_days_is_the_day_or_the_next_working_day():
    """n = 0 returns the day itself if it is working, else the next working day."""
    assert rules.add_working_days(RU_2025, date(2025, 3, 4), 0) == date(2025, 3, 4)
    assert rules.add_working_days(RU_2025, date(2025, 5, 1), 0) == date(2025, 5, 5)


def test_negative_working_days_count_back():
    """n = −1 from Monday 5 May 2025 is Wednesday 30 April (1–4 May off)."""
    assert rules.add_working_days(RU_2025, date(2025, 5, 5), -1) == date(2025, 4, 30)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, date(2025, 11, 1)),  # a working Saturday
        (2, date(2025, 10, 31)),
        (10, date(2025, 10, 21)),
    ],
)
def test_subtract_working_days_before_end_of_training(n, expected):
    """The day "not later than N working days before" Monday 3 November 2025 (itself off);
    the working Saturday 1 November counts."""
    assert rules.subtract_working_days(RU_2025, date(2025, 11, 3), n) == expected


def test_subtract_working_days_counts_a_working_saturday():
    """One working day before Wednesday 5 November 2025 is the working Saturday
    1 November, since 3–4 November are off."""
    assert rules.subtract_working_days(RU_2025, date(2025, 11, 5), 1) == date(2025, 11, 1)


def test_subtract_zero_is_the_day_or_the_last_working_day_before():
    assert rules.subtract_working_days(RU_2025, date(2025, 11, 4), 0) == date(2025, 11, 1)
    assert rules.subtract_working_days(RU_2025, date(2025, 11, 5), 0) == date(2025, 11, 5)


def test_subtract_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        rules.subtract_working_days(RU_2025, date(2025, 11, 5), -1)


def test_previous_working_day_is_strictly_before():
    assert rules.previous_working_day(RU_2025, date(2025, 1, 9)) == date(2024, 12, 31)


def test_working_days_between_counts_after_a_up_to_b():
    """From Friday 25 April to Friday 9 May 2025: 28–30 April and 5–7 May, six days."""
    assert rules.working_days_between(RU_2025, date(2025, 4, 25), date(2025, 5, 9)) == 6
    assert rules.working_days_between(RU_2025, date(2025, 5, 9), date(2025, 4, 25)) == -6
    assert rules.working_days_between(RU_2025, date(2025, 5, 9), date(2025, 5, 9)) == 0


def test_year_summaries_list_every_non_working_date():
    """A year's non-working days are its weekends that are not working plus the listed
    weekdays; a working Saturday is counted among working days."""
    days_off = rules.non_working_days_of_year(RU_2025, 2025)
    assert date(2025, 1, 1) in days_off
    assert date(2025, 1, 4) in days_off  # a plain Saturday
    assert date(2025, 11, 1) not in days_off
    assert rules.working_weekend_days_of_year(RU_2025, 2025) == (date(2025, 11, 1),)
    assert rules.working_days_count_of_year(RU_2025, 2025) + len(days_off) == 365


def test_weekend_holidays_move_to_the_next_free_weekday():
    """Art. 112 part 2: Saturday 4 November 2028 gives Monday 6 November off; the New
    Year holidays are not moved by the Code."""
    holidays = [date(2028, 1, 1), date(2028, 1, 8), date(2028, 11, 4)]
    moved = rules.transfer_weekend_holidays(
        holidays, not_transferred={date(2028, 1, 1), date(2028, 1, 8)}
    )
    assert moved == {date(2028, 11, 4): date(2028, 11, 6)}


def test_two_weekend_holidays_get_two_different_days_off():
    """Saturday and Sunday holidays in a row give Monday and Tuesday off."""
    moved = rules.transfer_weekend_holidays([date(2027, 5, 1), date(2027, 5, 2)])
    assert moved == {date(2027, 5, 1): date(2027, 5, 3), date(2027, 5, 2): date(2027, 5, 4)}


# --- the administrator's mark ----------------------------------------------------------

DECREE = "Постановление Правительства РФ от 04.10.2024 № 1335"


def test_a_valid_mark_has_no_errors():
    assert not rules.mark_errors(
        day=date(2025, 11, 1),
        is_working=True,
        kind=DayKind.WORKING_WEEKEND,
        name="Рабочий день",
        decree=DECREE,
    )


@pytest.mark.parametrize(
    ("day", "is_working", "kind", "decree", "field"),
    [
        (date(2025, 11, 3), False, DayKind.HOLIDAY, "  ", "decree"),
        (date(2025, 11, 3), True, DayKind.HOLIDAY, DECREE, "kind"),
        (date(2025, 11, 1), False, DayKind.WORKING_WEEKEND, DECREE, "kind"),
        (date(2025, 11, 3), True, DayKind.WORKING_WEEKEND, DECREE, "date"),
        (date(2025, 11, 1), True, DayKind.WORKING_DAY, DECREE, "date"),
        (date(2025, 11, 3), False, "birthday", DECREE, "kind"),
        (date(1989, 12, 29), False, DayKind.EXTRA_DAY_OFF, DECREE, "date"),
        (None, False, DayKind.EXTRA_DAY_OFF, DECREE, "date"),
    ],
)
def test_inconsistent_marks_are_refused(day, is_working, kind, decree, field):
    """A missing decree, a kind that contradicts the working flag, a working Saturday on a
    weekday (or a working weekday on a weekend), an unknown kind and a date out of range
    are each reported on their field."""
    errors = rules.mark_errors(day=day, is_working=is_working, kind=kind, name="", decree=decree)
    assert field in errors


# --- properties -----------------------------------------------------------------------


@given(cal=calendars(), d=_dates(), n=st.integers(min_value=1, max_value=60))
def test_add_working_days_lands_on_a_working_day_n_steps_later(cal, d, n):
    """The result is a working day strictly after d with exactly n − 1 working days
    between them, and working_days_between gives n back."""
    result = rules.add_working_days(cal, d, n)
    assert rules.is_working_day(cal, result)
    assert result > d
    assert _working_days_strictly_between(cal, d, result) == n - 1
    assert rules.working_days_between(cal, d, result) == n


@given(cal=calendars(), d=_dates(), n=st.integers(min_value=1, max_value=60))
def test_subtract_working_days_lands_on_a_working_day_n_steps_earlier(cal, d, n):
    """The result is a working day strictly before d with exactly n − 1 working days
    between them."""
    result = rules.subtract_working_days(cal, d, n)
    assert rules.is_working_day(cal, result)
    assert result < d
    assert _working_days_strictly_between(cal, d, result) == n - 1


@given(cal=calendars(), d=_dates(), n=st.integers(min_value=1, max_value=60))
def test_adding_one_working_day_n_times_is_adding_n(cal, d, n):
    """add_working_days(d, n) is next_working_day applied n times, and n + 1 is one
    working day after n."""
    step = d
    for _ in range(n):
        step = rules.next_working_day(cal, step)
    assert rules.add_working_days(cal, d, n) == step
    assert rules.add_working_days(cal, d, n + 1) == rules.next_working_day(cal, step)


@given(cal=calendars(), d=_dates())
def test_first_working_day_on_or_after_is_the_earliest_working_day(cal, d):
    """No working day lies between d and the result; the result is d iff d is working."""
    result = rules.first_working_day_on_or_after(cal, d)
    assert rules.is_working_day(cal, result)
    assert result >= d
    assert (result == d) == rules.is_working_day(cal, d)
    assert all(
        not rules.is_working_day(cal, d + timedelta(days=k)) for k in range((result - d).days)
    )
    assert rules.next_working_day(cal, d) == rules.first_working_day_on_or_after(
        cal, d + timedelta(days=1)
    )


@given(cal=calendars(), a=_dates(), b=_dates())
def test_working_days_between_is_antisymmetric(cal, a, b):
    assert rules.working_days_between(cal, a, b) == -rules.working_days_between(cal, b, a)


@given(cal=calendars(), d=_dates(), n=st.integers(min_value=1, max_value=60))
def test_counting_back_undoes_counting_forward_from_a_working_day(cal, d, n):
    """From a working day, n working days forward and n back return to it."""
    start = rules.first_working_day_on_or_after(cal, d)
    assert rules.add_working_days(cal, rules.add_working_days(cal, start, n), -n) == start
