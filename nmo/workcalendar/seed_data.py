"""The Russian work calendar as the `holidays` package knows it, turned into `SeedDay`s.

`holidays.Russia` holds the public holidays of the Labour Code (art. 112), the days off
moved by each year's government decree ("Выходной (перенесено с 04.01.2025)") and the
Saturdays/Sundays those decrees make working (`weekend_workdays`), plus the holidays moved
off a weekend by the Code itself ("… (выходной)", the `observed` ones). A year for which the
package has no decree yet gets the Code's rule only (`rules.transfer_weekend_holidays`);
its seeded rows say so in `decree`, and an administrator corrects them once the decree
is out.
"""

import re
from datetime import date

import holidays

from nmo.workcalendar.rules import transfer_weekend_holidays
from nmo.workcalendar.types import DayKind, SeedDay

LABOUR_CODE = "ст. 112 Трудового кодекса РФ"
LABOUR_CODE_TRANSFER = "ч. 2 ст. 112 Трудового кодекса РФ"

TRANSFER_DECREES: dict[int, str] = {
    2015: "Постановление Правительства РФ от 27.08.2014 № 860",
    2016: "Постановление Правительства РФ от 24.09.2015 № 1017",
    2017: "Постановление Правительства РФ от 04.08.2016 № 756",
    2018: "Постановление Правительства РФ от 14.10.2017 № 1250",
    2019: "Постановление Правительства РФ от 01.10.2018 № 1163",
    2020: "Постановление Правительства РФ от 10.07.2019 № 875",
    2021: "Постановление Правительства РФ от 10.10.2020 № 1648",
    2022: "Постановление Правительства РФ от 16.09.2021 № 1564",
    2023: "Постановление Правительства РФ от 29.08.2022 № 1505",
    2024: "Постановление Правительства РФ от 10.08.2023 № 1306",
    2025: "Постановление Правительства РФ от 04.10.2024 № 1335",
    2026: "Постановление Правительства РФ от 24.09.2025 № 1466",
}
"""The yearly decrees "О переносе выходных дней" whose transfers the package encodes."""

_SUBSTITUTED_FROM = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def transfer_decree(year: int) -> str:
    """Return the reference of the decree that moved the days off of the year."""
    return TRANSFER_DECREES.get(
        year, f"Постановление Правительства РФ о переносе выходных дней в {year} году"
    )


def seed_days(first_year: int, last_year: int) -> dict[date, SeedDay]:
    """Return the deviating dates of the years first_year..last_year, by date."""
    plan: dict[date, SeedDay] = {}
    for year in range(first_year, last_year + 1):
        plan.update(_seed_year(year))
    return {d: day for d, day in plan.items() if first_year <= d.year <= last_year}


def _seed_year(year: int) -> dict[date, SeedDay]:
    observed = holidays.country_holidays("RU", years=year, language="ru")
    plain = holidays.country_holidays("RU", years=year, language="ru", observed=False)
    substituted_prefix = str(observed.substituted_label).split("%", 1)[0]
    days: dict[date, SeedDay] = {}
    statutory: dict[date, str] = {}
    for day in sorted(observed):
        names = observed.get_list(day)
        moved = [n for n in names if n.startswith(substituted_prefix)]
        if moved and len(moved) == len(names):
            days[day] = SeedDay(
                date=day,
                is_working=False,
                kind=DayKind.TRANSFERRED_DAY_OFF,
                name=moved[0],
                decree=transfer_decree(year),
            )
            for from_day in _dates_in(moved[0]):
                if from_day in observed.weekend_workdays:
                    days[from_day] = _working_weekend(from_day, day, year)
        elif day not in plain:
            days[day] = SeedDay(
                date=day,
                is_working=False,
                kind=DayKind.TRANSFERRED_DAY_OFF,
                name="; ".join(names),
                decree=LABOUR_CODE_TRANSFER,
            )
        else:
            statutory[day] = "; ".join(n for n in names if not n.startswith(substituted_prefix))
            days[day] = SeedDay(
                date=day,
                is_working=False,
                kind=DayKind.HOLIDAY,
                name=statutory[day],
                decree=LABOUR_CODE,
            )
    for day in observed.weekend_workdays:
        days.setdefault(day, _working_weekend(day, None, year))
    if not _package_knows_decree(year):
        new_year_holidays = {date(year, 1, d) for d in (1, 2, 3, 4, 5, 6, 8)}
        moved_by_code = transfer_weekend_holidays(statutory, not_transferred=new_year_holidays)
        for holiday, day_off in moved_by_code.items():
            days[day_off] = SeedDay(
                date=day_off,
                is_working=False,
                kind=DayKind.TRANSFERRED_DAY_OFF,
                name=f"{statutory[holiday]} (выходной)",
                decree=f"{LABOUR_CODE_TRANSFER} (постановление о переносе выходных дней "
                f"в {year} году ещё не учтено)",
            )
    return days


def _working_weekend(day: date, day_off: date | None, year: int) -> SeedDay:
    if day_off is not None:
        name = f"Рабочий день (выходной перенесён на {day_off:%d.%m.%Y})"
    else:
        name = "Рабочий день (перенос выходного)"
    return SeedDay(
        date=day,
        is_working=True,
        kind=DayKind.WORKING_WEEKEND,
        name=name,
        decree=transfer_decree(year),
    )


def _dates_in(text: str) -> list[date]:
    found = []
    for day, month, year in _SUBSTITUTED_FROM.findall(text):
        try:
            found.append(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return found


def _package_knows_decree(year: int) -> bool:
    """Return whether `holidays` encodes the year's transfer decree (or its Code moves)."""
    from holidays.countries.russia import RussiaStaticHolidays

    known: set[int] = set()
    for attribute in ("special_public_holidays", "special_public_holidays_observed"):
        known.update(getattr(RussiaStaticHolidays, attribute, {}))
    return year in known
