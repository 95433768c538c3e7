"""Work calendar (api.md: Work calendar). Public: no token needed.

Any year from 1990 to 2100 is served. Years the calendar is seeded for (2015 to two years
after the current one) carry holidays, transferred days off and working Saturdays; any
other year is computed from weekends plus whatever days an administrator stored, i.e.
Saturdays and Sundays only. A year outside 1990..2100 is a 422.
"""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from nmo.api.v1.schemas import ErrorOut, IsoDate
from nmo.core.exceptions import ValidationFailed
from nmo.workcalendar import selectors
from nmo.workcalendar.rules import FIRST_YEAR, LAST_YEAR

router = Router(tags=["Производственный календарь"])

MAX_DAYS = 3650


class CalendarYearOut(Schema):
    year: int
    non_working_days: list[dt.date]
    working_weekend_days: list[dt.date]


class WorkingDayOut(Schema):
    date: IsoDate


# Declared before "/{year}" so that the literal path is never read as a year.
@router.get(
    "/add-working-days",
    response={200: WorkingDayOut, 422: ErrorOut},
    auth=None,
    summary="N-й рабочий день после даты",
)
def add_working_days(
    request: HttpRequest,
    date: Annotated[IsoDate, Query(description="Дата отсчёта, ГГГГ-ММ-ДД")],
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="Сколько рабочих дней прибавить")],
) -> dict[str, dt.date]:
    """Return the N-th working day after `date` (N >= 1): the last day of a deadline
    "within N working days of" that date."""
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise ValidationFailed(
            errors={"date": [f"Дата должна быть в пределах {FIRST_YEAR}–{LAST_YEAR} годов."]}
        )
    return {"date": selectors.add_working_days(date, days)}


@router.get(
    "/{year}",
    response={200: CalendarYearOut, 422: ErrorOut},
    auth=None,
    summary="Нерабочие дни и рабочие выходные года",
)
def calendar_year(
    request: HttpRequest,
    year: Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR, description="Год, 1990–2100")],
) -> dict[str, object]:
    """Return every non-working date of the year (weekends that are not working, holidays,
    transferred days off) and the Saturdays/Sundays that are working."""
    result = selectors.calendar_year(year)
    return {
        "year": result.year,
        "non_working_days": list(result.non_working_days),
        "working_weekend_days": list(result.working_weekend_days),
    }
