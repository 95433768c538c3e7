"""Pure rules of the catalog: how specialty names and activity titles are compared and
searched, what an application (заявка на оценку) and a commission decision must satisfy."""

from datetime import date

from nmo.catalog.types import ActivityFormat, ActivityKind, Decision

CODE_MAX_LENGTH = 20
NAME_MAX_LENGTH = 300


def normalise_name(raw: str) -> str:
    """Collapse runs of whitespace and trim: how a specialty name is stored."""
    return " ".join((raw or "").split())


def search_key(text: str) -> str:
    """The form in which names are compared: Unicode case folding (so «Кардиология» and
    «кардиология» are equal on every database), «ё» read as «е», whitespace collapsed."""
    return normalise_name(text).casefold().replace("ё", "е")


def name_matches(name: str, query: str) -> bool:
    """Whether the query is a substring of the name, ignoring case and «ё»/«е»; an empty
    query matches every name."""
    return search_key(query) in search_key(name)


# --- Activities (events and e-modules) -------------------------------------------------

TITLE_MAX_LENGTH = 500
LOCATION_MAX_LENGTH = 500
DESCRIPTION_MAX_LENGTH = 10_000
HOURS_REQUESTED_MIN = 1
HOURS_REQUESTED_MAX = 1000
SPECIALTIES_MAX = 50
CATALOGUE_PAGE_SIZE = 20

DOMESTIC_COUNTRY = "RU"

# ISO 3166-1 alpha-2: the officially assigned codes (249).
_ASSIGNED_COUNTRY_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRY_CODES: frozenset[str] = frozenset(_ASSIGNED_COUNTRY_CODES.split())


def normalise_country(raw: str) -> str:
    """How a country code is stored: trimmed, upper case («ru » → «RU»)."""
    return (raw or "").strip().upper()


def is_country_code(code: str) -> bool:
    """Whether `code` is an assigned ISO 3166-1 alpha-2 code (exactly as stored)."""
    return code in COUNTRY_CODES


def is_foreign(country: str) -> bool:
    """Whether an activity held in `country` is outside the Russian CME system (faq-foreign)."""
    return normalise_country(country) != DOMESTIC_COUNTRY


def activity_errors(
    *,
    kind: str,
    title: str,
    format: str,
    starts_on: date,
    ends_on: date,
    location: str,
    country: str,
    hours_requested: int,
    description: str,
) -> dict[str, list[str]]:
    """The rules an application (заявка на оценку) must meet on its own, field by field;
    the specialties are checked against the nomenclature by the service. Empty when valid.

    Values are expected normalised (titles and locations trimmed, the country upper case).
    """
    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = ["Выберите вид: учебное мероприятие или электронный учебный модуль."]
    if not title:
        errors["title"] = ["Укажите название."]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [f"Не более {TITLE_MAX_LENGTH} символов."]
    if format not in ActivityFormat.values:
        errors["format"] = ["Выберите формат: очно или онлайн."]
    elif kind == ActivityKind.MODULE and format != ActivityFormat.ONLINE:
        errors["format"] = [
            "Электронный учебный модуль изучается онлайн: выберите формат «онлайн»."
        ]
    if ends_on < starts_on:
        errors["ends_on"] = ["Дата окончания не может быть раньше даты начала."]
    if kind == ActivityKind.EVENT and format == ActivityFormat.IN_PERSON and not location:
        errors["location"] = ["Для очного мероприятия укажите место проведения."]
    elif len(location) > LOCATION_MAX_LENGTH:
        errors["location"] = [f"Не более {LOCATION_MAX_LENGTH} символов."]
    if not is_country_code(country):
        errors["country"] = [
            "Укажите страну двухбуквенным кодом ISO 3166-1 (например, RU — Россия)."
        ]
    if not HOURS_REQUESTED_MIN <= hours_requested <= HOURS_REQUESTED_MAX:
        errors["hours_requested"] = [
            f"Запрошенное число часов — целое число от {HOURS_REQUESTED_MIN} "
            f"до {HOURS_REQUESTED_MAX}."
        ]
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [f"Не более {DESCRIPTION_MAX_LENGTH} символов."]
    return errors


def decision_errors(
    *,
    decision: str,
    credits: int | None,
    comment: str,
    hours_requested: int,
) -> dict[str, list[str]]:
    """The rules of the commission's decision on an application. Empty when valid.

    Accrediting needs whole credits from 1 up to the hours requested (1 credit = 1
    academic hour: the commission may award fewer hours than requested, never more).
    Rejecting needs the reason, and awards no credits.
    """
    errors: dict[str, list[str]] = {}
    if decision == Decision.ACCREDITED:
        if credits is None:
            errors["credits"] = ["Укажите число кредитов (зачётных единиц)."]
        elif not 1 <= credits <= hours_requested:
            errors["credits"] = [
                f"Кредиты — целое число от 1 до запрошенного числа часов ({hours_requested})."
            ]
    elif decision == Decision.REJECTED:
        if credits is not None:
            errors["credits"] = ["При отклонении заявки кредиты не назначаются."]
        if not comment:
            errors["comment"] = ["Укажите причину отклонения: её получит провайдер."]
    else:
        errors["decision"] = ["Выберите решение: аккредитовать или отклонить."]
    return errors
