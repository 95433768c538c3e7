"""The demo catalogue: three providers apply for some hundreds of events and e-modules across
the nomenclature, and the accreditation expert decides on them through the real flow
(`submit_activity`, then `decide_activity`). Some applications stay in the expert's queue
and some are rejected, so every status is on show. Dates are relative to today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from nmo.accounts.models import Organisation, User
from nmo.catalog.models import Activity, Specialty
from nmo.catalog.selectors import activities_for_provider, get_active_specialty, list_specialties
from nmo.catalog.services import decide_activity, submit_activity
from nmo.catalog.types import ActivityData, ActivityFormat, ActivityKind, Decision

CITIES = (
    "Москва, Краснопресненская наб., 12, ЦМТ",
    "Санкт-Петербург, Московский пр., 97А",
    "Ростов-на-Дону, пер. Нахичеванский, 29",
    "Казань, ул. Бутлерова, 49",
    "Новосибирск, Красный пр., 52",
    "Екатеринбург, ул. Репина, 3",
)
EVENT_TITLES = (
    "Клинические рекомендации в практике врача. {spec}",
    "Школа практикующего врача. {spec}",
    "Разбор сложных клинических случаев. {spec}",
    "Межрегиональная научно-практическая конференция «{spec}: от диагноза к лечению»",
)
MODULE_TITLES = (
    "{spec}: диагностика и лечение в амбулаторной практике",
    "{spec}: неотложные состояния",
    "{spec}: лекарственная терапия и безопасность пациента",
)


@dataclass(frozen=True)
class Application:
    """One application of the demo and what the commission does with it: accredit with
    `credits`, reject with `reason`, or leave it in the queue (neither)."""

    data: ActivityData
    credits: int | None = None
    reason: str = ""


def _event(
    title: str,
    specialties: tuple[str, ...],
    starts_on: date,
    days: int,
    hours: int,
    *,
    online: bool = False,
    city: str = CITIES[0],
    country: str = "RU",
) -> ActivityData:
    return ActivityData(
        kind=ActivityKind.EVENT,
        title=title,
        specialties=specialties,
        format=ActivityFormat.ONLINE if online else ActivityFormat.IN_PERSON,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        hours_requested=hours,
        location="" if online else city,
        country=country,
        description=(
            "Программа мероприятия: пленарные доклады, клинические разборы, ответы на "
            "вопросы. Кредиты начисляются по индивидуальному коду подтверждения."
        ),
    )


def _module(title: str, specialties: tuple[str, ...], starts_on: date, hours: int) -> ActivityData:
    return ActivityData(
        kind=ActivityKind.MODULE,
        title=title,
        specialties=specialties,
        format=ActivityFormat.ONLINE,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=364),
        hours_requested=hours,
        description=(
            "Интерактивный электронный учебный модуль с итоговым тестированием; кредиты "
            "начисляются автоматически по отчёту провайдера об освоении."
        ),
    )


# --- the cardiology provider's own activities: the ones the specialist's story uses -------

CONGRESS = "Российский национальный конгресс кардиологов"
HYPERTENSION_SCHOOL = "Школа по артериальной гипертензии"
HEART_FAILURE = "Клинический разбор: хроническая сердечная недостаточность"
URGENT_CARDIOLOGY = "Неотложная кардиология: региональная конференция"
AF_MODULE = "Фибрилляция предсердий: антикоагулянтная терапия"
ECG_MODULE = "ЭКГ: интерпретация для практикующего врача"
LIPIDS_SCHOOL = "Школа по липидологии"
CARDIOLOGY_FORUM = "Кардиологический форум «Кардиология XXI века»"
REHAB_MODULE = "Кардиореабилитация после острого коронарного синдрома"

CARDIOLOGY = "31.08.36"
THERAPY = "31.08.49"
GP = "31.08.54"


def cardiology_applications(today: date) -> list[Application]:
    """The provider «Российское общество кардиологов»: past events with codes, modules open
    now, future events to plan, applications awaiting review and two rejected."""
    heart = (CARDIOLOGY, THERAPY, GP)
    d = today
    return [
        Application(_event(CONGRESS, heart, d - timedelta(days=62), 3, 18), credits=12),
        Application(
            _event(HYPERTENSION_SCHOOL, heart, d - timedelta(days=120), 1, 6, online=True),
            credits=6,
        ),
        Application(
            _event(HEART_FAILURE, heart, d - timedelta(days=33), 1, 4, online=True), credits=4
        ),
        Application(
            _event(URGENT_CARDIOLOGY, heart, d - timedelta(days=12), 2, 12, city=CITIES[2]),
            credits=10,
        ),
        Application(_module(AF_MODULE, heart, d - timedelta(days=200), 6), credits=6),
        Application(_module(ECG_MODULE, heart, d - timedelta(days=150), 4), credits=4),
        Application(_module(REHAB_MODULE, heart, d - timedelta(days=30), 3), credits=3),
        Application(_event(LIPIDS_SCHOOL, heart, d + timedelta(days=45), 1, 6), credits=6),
        Application(
            _event(CARDIOLOGY_FORUM, heart, d + timedelta(days=80), 2, 12, city=CITIES[1]),
            credits=12,
        ),
        # awaiting the commission: the expert's queue
        Application(
            _event("Школа по кардиоонкологии", heart, d + timedelta(days=100), 1, 6, online=True)
        ),
        Application(_module("Лёгочная гипертензия: маршрутизация пациента", heart, d, 4)),
        Application(
            _event("Интервенционная кардиология: живые трансляции", heart, d + timedelta(60), 1, 8)
        ),
        # rejected, with the commission's reasons
        Application(
            _event(
                "Европейский конгресс кардиологов (ESC Congress)",
                heart,
                d + timedelta(days=20),
                4,
                24,
                city="Лондон, ExCeL",
                country="GB",
            ),
            reason=(
                "Мероприятие проводится за рубежом: баллы зарубежных систем непрерывного "
                "образования в системе НМО Российской Федерации не учитываются."
            ),
        ),
        Application(
            _event("Семинар для медицинских представителей", heart, d + timedelta(30), 1, 4),
            reason=(
                "Программа носит рекламный характер и не соответствует требованиям к "
                "образовательным мероприятиям НМО."
            ),
        ),
    ]


def generated_applications(
    today: date, codes: list[str], names: dict[str, str], offset: int
) -> list[Application]:
    """Applications of one provider across `codes`: two events and one module per
    specialty, spread from two years ago to a year ahead; every seventh application waits
    for the commission and every nineteenth is rejected."""
    applications = []
    for index, code in enumerate(codes):
        spec = names[code]
        related = (code, codes[index - 1]) if index % 3 == 0 and len(codes) > 1 else (code,)
        n = offset + index
        shift = (n * 37) % 900 - 600  # from 600 days ago to 300 days ahead
        hours = 4 + (n % 4) * 2
        items = [
            _event(
                EVENT_TITLES[n % len(EVENT_TITLES)].format(spec=spec),
                related,
                today + timedelta(days=shift),
                1 + n % 2,
                hours,
                online=n % 3 == 0,
                city=CITIES[n % len(CITIES)],
            ),
            _event(
                EVENT_TITLES[(n + 1) % len(EVENT_TITLES)].format(spec=spec),
                (code,),
                today + timedelta(days=shift + 140),
                1,
                6,
                online=n % 2 == 0,
                city=CITIES[(n + 3) % len(CITIES)],
            ),
            _module(
                MODULE_TITLES[n % len(MODULE_TITLES)].format(spec=spec),
                related,
                today + timedelta(days=min(shift, 0) - 10),
                2 + n % 5,
            ),
        ]
        for k, data in enumerate(items):
            serial = n * 3 + k
            if serial % 7 == 3:
                applications.append(Application(data))
            elif serial % 19 == 5:
                applications.append(
                    Application(
                        data,
                        reason=(
                            "Не представлены сведения о лекторах и их квалификации; заявку "
                            "можно подать повторно с полным пакетом документов."
                        ),
                    )
                )
            else:
                applications.append(Application(data, credits=max(1, data.hours_requested - 1)))
    return applications


def specialty(code: str) -> Specialty:
    """The active specialty of the nomenclature with this code."""
    found = get_active_specialty(code)
    if found is None:
        raise LookupError(
            f"В номенклатуре нет действующей специальности {code}: демонстрационные данные "
            "опираются на неё."
        )
    return found


def specialties_for_generation() -> tuple[list[str], dict[str, str]]:
    """The active specialties of the nomenclature, by code, with their names."""
    names = {s.code: s.name for s in list_specialties()}
    return sorted(names), names


def apply_and_decide(
    *, provider: Organisation, staff: User, expert: User, applications: list[Application]
) -> list[Activity]:
    """Submit each application as the provider's staff and record the commission's
    decision where the demo takes one. Returns the activities in order."""
    activities = []
    for application in applications:
        activity = submit_activity(actor=staff, provider=provider, data=application.data)
        if application.credits is not None:
            activity = decide_activity(
                actor=expert,
                activity=activity,
                decision=Decision.ACCREDITED,
                credits=application.credits,
                comment="",
            )
        elif application.reason:
            activity = decide_activity(
                actor=expert,
                activity=activity,
                decision=Decision.REJECTED,
                credits=None,
                comment=application.reason,
            )
        activities.append(activity)
    return activities


def has_applications(staff: User) -> bool:
    return activities_for_provider(user=staff).exists()
