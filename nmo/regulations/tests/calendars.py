"""A work calendar for pure tests: the official Russian calendar as the `holidays` package
knows it (the same source `seed_calendar` loads), bound to the four functions of
`WorkingDayCalendar`."""

from dataclasses import dataclass
from datetime import date

from nmo.workcalendar import rules as wc
from nmo.workcalendar.seed_data import seed_days
from nmo.workcalendar.types import WorkCalendar


def official_calendar(first_year: int = 2024, last_year: int = 2028) -> WorkCalendar:
    days = seed_days(first_year, last_year)
    return WorkCalendar(
        non_working_weekdays=frozenset(
            d for d, s in days.items() if not s.is_working and not wc.is_weekend(d)
        ),
        working_weekend_days=frozenset(
            d for d, s in days.items() if s.is_working and wc.is_weekend(d)
        ),
    )


@dataclass(frozen=True)
class BoundCalendar:
    cal: WorkCalendar

    def add_working_days(self, d: date, n: int, /) -> date:
        return wc.add_working_days(self.cal, d, n)

    def subtract_working_days(self, d: date, n: int, /) -> date:
        return wc.subtract_working_days(self.cal, d, n)

    def next_working_day(self, d: date, /) -> date:
        return wc.next_working_day(self.cal, d)

    def first_working_day_on_or_after(self, d: date, /) -> date:
        return wc.first_working_day_on_or_after(self.cal, d)

    def is_working_day(self, d: date) -> bool:
        return wc.is_working_day(self.cal, d)

    def working_days_between(self, a: date, b: date) -> int:
        return wc.working_days_between(self.cal, a, b)


OFFICIAL = BoundCalendar(official_calendar())
