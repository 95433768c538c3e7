"""Pages of the work calendar: a year as twelve month tables, and administrators' edits."""

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import SignedInRequest, require_admin, require_login, signed_in
from nmo.accounts.selectors import is_admin
from nmo.core.exceptions import NotFound, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.workcalendar import services
from nmo.workcalendar.forms import MarkDayForm, ResetDayForm
from nmo.workcalendar.models import CalendarDay
from nmo.workcalendar.rules import FIRST_YEAR, LAST_YEAR
from nmo.workcalendar.selectors import calendar_year, list_calendar_days
from nmo.workcalendar.types import CalendarYear

MONTHS = (
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
)  # fmt: skip
WEEKDAYS = (
    ("Пн", "понедельник"), ("Вт", "вторник"), ("Ср", "среда"), ("Чт", "четверг"),
    ("Пт", "пятница"), ("Сб", "суббота"), ("Вс", "воскресенье"),
)  # fmt: skip


@dataclass(frozen=True)
class Cell:
    day: date
    is_working: bool
    is_working_weekend: bool
    note: str


@dataclass(frozen=True)
class Month:
    number: int
    name: str
    weeks: list[list[Cell | None]]


@require_http_methods(["GET", "HEAD", "POST"])
def year_current(request: HttpRequest) -> HttpResponse:
    return year(request, timezone.localdate().year)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def year(request: SignedInRequest, year: int) -> HttpResponse:
    """Show the year's calendar to anyone signed in; administrators may mark a day."""
    require_login(request.user)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound()
    can_edit = is_admin(request.user)
    form: MarkDayForm | None = None
    if request.method == "POST":
        require_admin(request.user)
        form = MarkDayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.mark_day(
                    actor=request.user,
                    day=data["date"],
                    is_working=data["is_working"],
                    kind=data["kind"],
                    name=data["name"],
                    decree=data["decree"],
                )
            except ValidationFailed as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, f"Сохранено: {row}.")
                return redirect(_year_url(row.date.year, anchor=f"m{row.date.month}"))
    else:
        form = MarkDayForm(initial=_initial(request, year)) if can_edit else None
    rows = list(list_calendar_days(year))
    summary = calendar_year(year)
    context: dict[str, Any] = {
        "year": year,
        "summary": summary,
        "months": _months(summary, rows),
        "weekdays": WEEKDAYS,
        "rows": rows,
        "can_edit": can_edit,
        "form": form,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "workcalendar/year.html", context, status=status)


@require_POST
@signed_in
def reset(request: SignedInRequest) -> HttpResponse:
    """Return a day to its seeded state, as an administrator."""
    require_admin(request.user)
    form = ResetDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Не удалось определить дату.")
        return redirect("workcalendar:year_current")
    day: date = form.cleaned_data["date"]
    row = services.reset_day(actor=request.user, day=day)
    if row is None:
        messages.success(request, f"{day:%d.%m.%Y} снова обычный день по дню недели.")
    else:
        messages.success(request, f"{day:%d.%m.%Y} возвращён к загруженному значению: {row}.")
    return redirect(_year_url(day.year, anchor="days"))


def _year_url(year: int, *, anchor: str = "") -> str:
    url = reverse("workcalendar:year", kwargs={"year": year})
    return f"{url}#{anchor}" if anchor else url


def _initial(request: HttpRequest, year: int) -> dict[str, Any]:
    """Prefill the form from ?date=YYYY-MM-DD with that day's stored values."""
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return {}
    row = CalendarDay.objects.filter(date=day).first()
    if row is None:
        return {"date": day}
    return {
        "date": day,
        "is_working": "1" if row.is_working else "0",
        "kind": row.kind,
        "name": row.name,
        "decree": row.decree,
    }


def _months(summary: CalendarYear, rows: list[CalendarDay]) -> list[Month]:
    year = summary.year
    non_working = set(summary.non_working_days)
    working_weekends = set(summary.working_weekend_days)
    notes = {row.date: row.name or row.get_kind_display() for row in rows}
    weeks_of = pycalendar.Calendar(firstweekday=0).monthdatescalendar
    months = []
    for number in range(1, 13):
        weeks = [
            [
                Cell(
                    day=d,
                    is_working=d not in non_working,
                    is_working_weekend=d in working_weekends,
                    note=notes.get(d, ""),
                )
                if d.month == number
                else None
                for d in week
            ]
            for week in weeks_of(year, number)
        ]
        months.append(Month(number=number, name=MONTHS[number - 1], weeks=weeks))
    return months
