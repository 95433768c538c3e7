"""Pure rules of programmes, cohorts and admission: what the organisation's regulation
allows, when notices are due and who is admitted. No ORM, no I/O: every function takes
the regulation (`RegulationInForce`) and, for dates, the work calendar."""

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db.models import Choices

from nmo.core.russian import number_with
from nmo.programmes.types import (
    AdmissionFacts,
    CurriculumData,
    DisciplineData,
    NoticePlan,
    RegulationInForce,
    StageData,
)
from nmo.regulations.rules import first_day_notice_date, videoconference_notice_date
from nmo.regulations.types import (
    AdmissionRequirement,
    AttestationForm,
    AttestationPlace,
    DefenceWork,
    GradeScale,
    PercentBands,
    ProgrammeKind,
    RemoteMode,
    RemoteTool,
    StageKind,
    WorkingDayCalendar,
)

JUSTIFICATION_MIN_LENGTH = 20
"""The shortest written justification of an admission override, in characters."""

FIRST_DAY = "first_day"
VIDEOCONFERENCE = "videoconference"


def cite(reg: RegulationInForce, path: str) -> str:
    """Return " (npc-2.5)" for a rule whose clause is known, "" otherwise."""
    clause = reg.clause(path)
    return f" ({clause})" if clause else ""


def _allowed(values: Sequence[Choices]) -> str:
    labels = [f"«{v.label}»" for v in values]
    if len(labels) == 1:
        return f"только {labels[0]}"
    return ", ".join(labels)


def _not_allowed(what: str, value: Choices, reg: RegulationInForce, path: str) -> str:
    allowed: Sequence[Choices] = _allowed_values(reg, path)
    return (
        f"{what} «{value.label}» не предусмотрен{_gender(what)} положением организации"
        f"{cite(reg, path)}: допускается {_allowed(allowed)}."
    )


def _gender(what: str) -> str:
    first = what.split()[0]
    if first in {"Форма", "Шкала", "Защита"}:
        return "а"
    return "о" if first == "Место" else ""


def _allowed_values(reg: RegulationInForce, path: str) -> Sequence[Choices]:
    rules = reg.rules
    return {
        "programmes.kinds_allowed": rules.programmes.kinds_allowed,
        "conduct.forms_allowed": rules.conduct.forms_allowed,
        "grading.scales_allowed": rules.grading.scales_allowed,
        "conduct.stage_kinds_allowed": rules.conduct.stage_kinds_allowed,
        "conduct.defence_works_allowed": rules.conduct.defence_works_allowed,
        "conduct.places_allowed": rules.conduct.places_allowed,
    }[path]


# --- programmes (npc-2.4–2.6, rgmu-2.4–2.6) ----------------------------------------------


def programme_errors(
    reg: RegulationInForce,
    *,
    kind: ProgrammeKind,
    attestation_form: AttestationForm,
    remote_share_percent: int,
) -> dict[str, list[str]]:
    """Return the breaches of the regulation by a programme's kind, form and share of
    remote learning, by field: НПЦ runs qualification upgrade only and ends it with a зачёт
    (npc-2.5, npc-2.8); РостГМУ also retraining, and an exam or a зачёт (rgmu-2.5); both
    allow learning and attestation partly or fully remote (npc-2.4, rgmu-2.4)."""
    errors: dict[str, list[str]] = {}
    rules = reg.rules
    if kind not in rules.programmes.kinds_allowed:
        errors["kind"] = [_not_allowed("Вид программы", kind, reg, "programmes.kinds_allowed")]
    if attestation_form not in rules.conduct.forms_allowed:
        errors["attestation_form"] = [
            _not_allowed(
                "Форма итоговой аттестации", attestation_form, reg, "conduct.forms_allowed"
            )
        ]
    problem = remote_share_error(reg, remote_share_percent)
    if problem:
        errors["remote_share_percent"] = [problem]
    return errors


def remote_share_error(reg: RegulationInForce, percent: int) -> str | None:
    """Why a share of remote learning is not allowed, or None (npc-2.4, rgmu-2.4)."""
    if not 0 <= percent <= 100:
        return "Доля обучения с ДОТ и ЭО указывается в процентах, от 0 до 100."
    modes = reg.rules.conduct.remote_modes_allowed
    where = cite(reg, "conduct.remote_modes_allowed")
    if percent == 100 and RemoteMode.FULL not in modes:
        return f"Положение организации не допускает полностью дистанционное обучение{where}."
    if 0 < percent < 100 and RemoteMode.PARTIAL not in modes:
        return f"Положение организации не допускает частично дистанционное обучение{where}."
    return None


def stage_errors(
    reg: RegulationInForce, form: AttestationForm, stage: StageData
) -> dict[str, list[str]]:
    """Return the breaches of the regulation by one stage, by field: its kind (npc-2.5,
    rgmu-2.5), the work defended, its scale (npc-3.1, rgmu-3.1; a зачёт is graded
    зачтено/не зачтено), and the percentages of a testing stage (npc-3.5, rgmu-3.6)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    rules = reg.rules
    if stage.kind not in rules.conduct.stage_kinds_allowed:
        add("kind", _not_allowed("Этап", stage.kind, reg, "conduct.stage_kinds_allowed"))
    if stage.kind == StageKind.DEFENCE:
        if stage.defence_work is None:
            add("defence_work", "Укажите, какая работа защищается.")
        elif stage.defence_work not in rules.conduct.defence_works_allowed:
            add(
                "defence_work",
                _not_allowed(
                    "Защита работы", stage.defence_work, reg, "conduct.defence_works_allowed"
                ),
            )
    if stage.scale not in rules.grading.scales_allowed:
        add("scale", _not_allowed("Шкала", stage.scale, reg, "grading.scales_allowed"))
    elif form == AttestationForm.CREDIT_TEST and stage.scale != GradeScale.TWO_POINT:
        add(
            "scale",
            "Зачёт оценивается по двухбалльной шкале («зачтено», «не зачтено»)"
            f"{cite(reg, 'grading.scales_allowed')}: выберите её для этапа.",
        )
    if not 1 <= stage.duration_minutes <= 24 * 60:
        add("duration_minutes", "Продолжительность этапа — от 1 до 1440 минут.")
    if stage.mode not in {"written", "oral"}:
        add("mode", "Укажите форму ответа: письменно или устно.")
    if stage.kind == StageKind.TESTING:
        for field, message in percent_errors(reg, stage).items():
            errors.setdefault(field, []).extend(message)
    return errors


def percent_errors(reg: RegulationInForce, stage: StageData) -> dict[str, list[str]]:
    """Check the percentages of a testing stage: a pass threshold within 0–100 (npc-3.5,
    rgmu-3.6), and on the four-point scale «отлично» > «хорошо» > the threshold, which is
    the lower bound of «удовлетворительно» (rgmu-3.6)."""
    errors: dict[str, list[str]] = {}
    threshold = stage.pass_threshold_percent
    where = cite(reg, "grading.test_pass_threshold_percent")
    if threshold is None or not 0 <= threshold <= 100:
        errors["pass_threshold_percent"] = [
            f"Укажите порог положительного результата тестирования от 0 до 100%{where}."
        ]
        return errors
    if stage.scale != GradeScale.FOUR_POINT:
        return errors
    excellent, good = stage.excellent_from_percent, stage.good_from_percent
    if excellent is None or good is None:
        errors["excellent_from_percent"] = [
            "Для четырёхбалльной шкалы укажите, с какого процента ставятся «отлично» и «хорошо»."
        ]
    elif not 100 >= excellent > good > threshold:
        errors["excellent_from_percent"] = [
            "Границы оценок должны убывать: 100% ≥ «отлично» > «хорошо» > порог "
            f"«удовлетворительно» ({threshold}%)."
        ]
    return errors


def stage_defaults(reg: RegulationInForce, stage: StageData) -> StageData:
    """Fill the empty percentages of a testing stage from the regulation's recommendation
    (70% — npc-3.5, rgmu-3.6; 90/80 for «отлично»/«хорошо» — rgmu-3.6), and clear them for
    any other stage."""
    grading = reg.rules.grading
    if stage.kind != StageKind.TESTING:
        return StageData(
            kind=stage.kind,
            scale=stage.scale,
            duration_minutes=stage.duration_minutes,
            mode=stage.mode,
            defence_work=stage.defence_work if stage.kind == StageKind.DEFENCE else None,
        )
    four_point = stage.scale == GradeScale.FOUR_POINT
    return StageData(
        kind=stage.kind,
        scale=stage.scale,
        duration_minutes=stage.duration_minutes,
        mode=stage.mode,
        defence_work=None,
        pass_threshold_percent=(
            stage.pass_threshold_percent
            if stage.pass_threshold_percent is not None
            else (
                grading.test_satisfactory_from_percent or grading.test_pass_threshold_percent
                if four_point
                else grading.test_pass_threshold_percent
            )
        ),
        excellent_from_percent=(
            (stage.excellent_from_percent or grading.test_excellent_from_percent)
            if four_point
            else None
        ),
        good_from_percent=(
            (stage.good_from_percent or grading.test_good_from_percent) if four_point else None
        ),
    )


def stage_bands(
    pass_threshold_percent: int,
    excellent_from_percent: int | None = None,
    good_from_percent: int | None = None,
) -> PercentBands:
    """Return how a testing stage grades the share of correct answers, for
    `nmo.regulations.rules.grade_of_testing` (npc-3.5, rgmu-3.6)."""
    four_point = excellent_from_percent is not None and good_from_percent is not None
    return PercentBands(
        pass_threshold_percent=pass_threshold_percent,
        excellent_from_percent=excellent_from_percent if four_point else None,
        good_from_percent=good_from_percent if four_point else None,
        satisfactory_from_percent=pass_threshold_percent if four_point else None,
    )


def readiness_errors(reg: RegulationInForce, stage_count: int) -> list[str]:
    """Return why a programme is not ready for a cohort: fewer stages than the regulation's
    minimum ("one or more stages", npc-2.5, rgmu-2.5)."""
    minimum = reg.rules.conduct.min_stages
    if stage_count < minimum:
        return [
            f"У итоговой аттестации должно быть не менее {number_with(minimum, 'этап', 'gent')}"
            f"{cite(reg, 'conduct.min_stages')}: добавьте этапы в программу."
        ]
    return []


# --- cohorts (rgmu-2.4, npc-6.1, rgmu-6.1) -----------------------------------------------


def cohort_errors(
    reg: RegulationInForce,
    *,
    starts_on: date,
    ends_on: date,
    attestation_date: date,
    place: AttestationPlace,
    is_remote: bool,
    uses_videoconference: bool,
    videoconference_requirements: str,
) -> dict[str, list[str]]:
    """Return what is wrong with a cohort's dates, place and remote mode, by field."""
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = ["Окончание обучения не может быть раньше начала."]
    elif not starts_on <= attestation_date <= ends_on:
        errors["attestation_date"] = [
            "Итоговая аттестация завершает освоение программы: её дата должна быть в пределах "
            "срока обучения."
        ]
    if place not in reg.rules.conduct.places_allowed:
        errors["place"] = [_not_allowed("Место проведения", place, reg, "conduct.places_allowed")]
    conduct = reg.rules.conduct
    if is_remote and not conduct.remote_modes_allowed:
        errors["is_remote"] = [
            "Положение организации не допускает итоговую аттестацию с ДОТ и ЭО"
            f"{cite(reg, 'conduct.remote_modes_allowed')}."
        ]
    if uses_videoconference:
        if not is_remote:
            errors["uses_videoconference"] = [
                "Видеоконференция — это аттестация с применением ДОТ и ЭО: отметьте и её."
            ]
        elif RemoteTool.VIDEOCONFERENCE not in conduct.remote_tools:
            errors["uses_videoconference"] = [
                "Положение организации не предусматривает аттестацию по видеоконференции"
                f"{cite(reg, 'conduct.remote_tools')}."
            ]
        if not videoconference_requirements.strip():
            errors["videoconference_requirements"] = [
                "Укажите технические требования к оборудованию и каналам связи: они "
                "сообщаются слушателям"
                f"{cite(reg, 'notices.videoconference.anchor')}."
            ]
    return errors


def notice_plans(
    reg: RegulationInForce,
    *,
    starts_on: date,
    ends_on: date,
    uses_videoconference: bool,
    cal: WorkingDayCalendar,
) -> list[NoticePlan]:
    """Return the notices a cohort's learners must get and their dates: the form,
    conditions and date of the attestation on the first day of training (npc-2.2,
    rgmu-2.2); for a videoconference attestation, its technical requirements no later than
    10 working days before the end of training at НПЦ (npc-6.2) and on the day the cycle
    starts at РостГМУ (rgmu-6.3) — the timing and the sender come from the regulation."""
    notices = reg.rules.notices
    plans = [
        NoticePlan(
            kind=FIRST_DAY,
            due_on=first_day_notice_date(reg.rules, starts_on, ends_on, cal),
            notified_by=notices.first_day.notified_by,
        )
    ]
    if uses_videoconference:
        plans.append(
            NoticePlan(
                kind=VIDEOCONFERENCE,
                due_on=videoconference_notice_date(reg.rules, starts_on, ends_on, cal),
                notified_by=notices.videoconference.notified_by,
            )
        )
    return plans


# --- admission (npc-2.3, rgmu-2.3) -------------------------------------------------------


def _key(title: str) -> str:
    return " ".join(title.casefold().replace("ё", "е").split())


def failed_assessments(results: Iterable[tuple[str, bool, date, int]]) -> tuple[str, ...]:
    """Return the titles of the intermediate assessments whose latest result is a fail.

    `results` are (title, passed, date, id); a later result under the same title (case
    and spacing aside) supersedes an earlier one, so a passed resit clears a fail."""
    latest: dict[str, tuple[date, int, str, bool]] = {}
    for title, passed, on, pk in results:
        key = _key(title)
        if key not in latest or (on, pk) > latest[key][:2]:
            latest[key] = (on, pk, title.strip(), passed)
    return tuple(title for _, _, title, passed in sorted(latest.values()) if not passed)


def _quoted(items: Sequence[str]) -> str:
    return ", ".join(f"«{item}»" for item in items)


def admission_reasons(reg: RegulationInForce, facts: AdmissionFacts) -> list[str]:
    """Return every admission condition of the regulation the learner does not meet, as a
    Russian sentence naming the clause (empty: admitted). НПЦ: the programme mastered and
    the intermediate assessments passed (npc-2.3); РостГМУ: also no outstanding debts and
    the (individual) curriculum done in full (rgmu-2.3)."""
    where = cite(reg, "admission.requirements")
    reasons: list[str] = []
    for requirement in reg.rules.admission.requirements:
        if (
            requirement == AdmissionRequirement.PROGRAMME_COMPLETED
            and not facts.programme_completed
        ):
            reasons.append(f"Программа (ДПП) не освоена{where}.")
        elif (
            requirement == AdmissionRequirement.INTERMEDIATE_ASSESSMENTS_PASSED
            and facts.failed_assessments
        ):
            reasons.append(
                f"Не пройдены промежуточные аттестации: {_quoted(facts.failed_assessments)}{where}."
            )
        elif requirement == AdmissionRequirement.NO_DEBTS and facts.open_debts:
            reasons.append(f"Есть непогашенные задолженности: {_quoted(facts.open_debts)}{where}.")
        elif (
            requirement == AdmissionRequirement.CURRICULUM_COMPLETED
            and not facts.curriculum_completed
        ):
            reasons.append(f"Учебный (индивидуальный) план не выполнен в полном объёме{where}.")
    return reasons


def justification_error(text: str) -> str | None:
    """Why a justification of an admission override is not enough, or None."""
    if len(" ".join(text.split())) < JUSTIFICATION_MIN_LENGTH:
        return (
            "Изменение решения о допуске требует письменного обоснования: не менее "
            f"{JUSTIFICATION_MIN_LENGTH} символов."
        )
    return None


# --- learners ----------------------------------------------------------------------------


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """Split «Фамилия Имя Отчество» into its parts; everything after the first name is the
    patronymic («Оглы», double patronymics)."""
    parts = full_name.split()
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return parts[0], "", ""
    return parts[0], parts[1], " ".join(parts[2:])


_SPACES = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    """Trim and collapse whitespace of one line of text."""
    return _SPACES.sub(" ", value).strip()


def defence_work_of(value: str | None) -> DefenceWork | None:
    """The defended work from its code, or None for an empty or unknown one."""
    try:
        return DefenceWork(value) if value else None
    except ValueError:
        return None


_DISCIPLINE_LINE = re.compile(
    r"^(?P<title>.+?)\s*[—–\-;|\t]\s*(?P<hours>\d{1,5})\s*(ч\.?|час\w*)?$"
)
DISCIPLINES_MAX = 60
"""More rows than any supplement blank holds."""


def parse_disciplines(text: str) -> tuple[list[DisciplineData], list[str]]:
    """Read the curriculum typed one discipline (module) a line, «Наименование — 36» (the
    hours after the last dash, semicolon, tab or vertical bar), and return the rows and the
    problems by line number, in Russian. Empty lines are skipped."""
    rows: list[DisciplineData] = []
    problems: list[str] = []
    lines = [line.strip() for line in (text or "").splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        match = re.match(
            r"^(?P<title>.+?)\s*[—–\-;|\t]\s*(?P<hours>\d{1,5})\s*(ч\.?|час\w*)?$", line
        )
        if match is None:
            problems.append(
                f"Строка {number}: укажите наименование и через тире число часов, "
                "например «Кардиология — 36»."
            )
            continue
        title = " ".join(match["title"].split()).strip(" —–-;|")
        hours = int(match["hours"])
        if not title or len(title) > 300:
            problems.append(f"Строка {number}: наименование — от 1 до 300 символов.")
        elif hours < 1:
            problems.append(f"Строка {number}: объём — не меньше 1 академического часа.")
        else:
            rows.append(DisciplineData(title=title, hours=hours))
    if len(rows) > DISCIPLINES_MAX:
        problems.append(f"Не более {DISCIPLINES_MAX} дисциплин (модулей).")
    return rows, problems


def curriculum_errors(data: CurriculumData, *, programme_hours: int) -> dict[str, list[str]]:
    """What is wrong with a programme's curriculum: lengths of the qualification and the
    field, and disciplines whose hours add up to more than the programme's."""
    errors: dict[str, list[str]] = {}
    if len(data.qualification_title) > 300:
        errors["qualification_title"] = ["Квалификация — не более 300 символов."]
    if len(data.practice_field) > 500:
        errors["practice_field"] = ["Сфера деятельности — не более 500 символов."]
    total = sum(row.hours for row in data.disciplines)
    if total > programme_hours:
        errors["disciplines"] = [
            f"Сумма часов дисциплин ({total}) больше объёма программы ({programme_hours})."
        ]
    return errors


# --- what the ФИС ФРДО template asks of a learner (ADR 0114) -----------------------------

COUNTRY_NAMES: dict[str, str] = {
    "643": "Россия",
    "112": "Беларусь",
    "398": "Казахстан",
    "417": "Киргизия",
    "051": "Армения",
    "031": "Азербайджан",
    "860": "Узбекистан",
    "762": "Таджикистан",
    "795": "Туркмения",
    "498": "Молдова",
    "804": "Украина",
    "268": "Грузия",
    "008": "Албания",
    "156": "Китай",
    "704": "Вьетнам",
    "356": "Индия",
}
"""The ОКСМ codes (= ISO 3166-1 numeric) a roster may name in words instead of the code;
any other citizenship is given by its three-digit code."""

_COUNTRY_WORDS: dict[str, str] = {
    **{name.casefold(): code for code, name in COUNTRY_NAMES.items()},
    "рф": "643",
    "российская федерация": "643",
    "республика беларусь": "112",
    "белоруссия": "112",
    "республика казахстан": "398",
    "кыргызстан": "417",
}

_LEVEL_WORDS: dict[str, str] = {
    "во": "higher",
    "высшее": "higher",
    "высшее образование": "higher",
    "спо": "secondary_vocational",
    "среднее профессиональное": "secondary_vocational",
    "среднее профессиональное образование": "secondary_vocational",
    "higher": "higher",
    "secondary_vocational": "secondary_vocational",
}

_FUNDING_WORDS: dict[str, str] = {
    "за счет бюджетных ассигнований федерального бюджета": "federal_budget",
    "федеральный бюджет": "federal_budget",
    "за счет бюджетных ассигнований бюджета субъекта российской федерации": "regional_budget",
    "бюджет субъекта": "regional_budget",
    "бюджет субъекта рф": "regional_budget",
    "региональный бюджет": "regional_budget",
    "за счет бюджетных ассигнований местного бюджета": "local_budget",
    "местный бюджет": "local_budget",
    "по договору об оказании платных образовательных услуг": "contract",
    "договор": "contract",
    "по договору": "contract",
    "платно": "contract",
    "платное обучение": "contract",
    "federal_budget": "federal_budget",
    "regional_budget": "regional_budget",
    "local_budget": "local_budget",
    "contract": "contract",
}

_STUDY_FORM_WORDS: dict[str, str] = {
    "очная": "full_time",
    "очно-заочная": "part_time",
    "заочная": "extramural",
    "full_time": "full_time",
    "part_time": "part_time",
    "extramural": "extramural",
}

DIPLOMA_SERIES_MAX = 20
DIPLOMA_NUMBER_MAX = 30
DIPLOMA_NAME_MAX = 150


def _word_key(value: str) -> str:
    return " ".join(value.casefold().replace("ё", "е").split())


def citizenship_of(value: str) -> str | None:
    """Read a citizenship: an ОКСМ code («643», «51» → «051») or a country named in
    `COUNTRY_NAMES` («Россия», «РФ»); "" for nothing stated, None for anything else."""
    text = _word_key(value)
    if not text:
        return ""
    if text.isascii() and text.isdigit() and len(text) <= 3 and int(text) > 0:
        return f"{int(text):03d}"
    return _COUNTRY_WORDS.get(text)


def education_level_of(value: str) -> str | None:
    """Read «ВО» / «СПО» (or the template's full words); "" for nothing, None otherwise."""
    text = _word_key(value)
    return "" if not text else _LEVEL_WORDS.get(text)


def funding_source_of(value: str) -> str | None:
    """Read a funding source: the template's value or a short word («договор», «платно»,
    «федеральный бюджет»…); "" for nothing, None otherwise."""
    text = _word_key(value)
    return "" if not text else _FUNDING_WORDS.get(text)


def study_form_of(value: str) -> str | None:
    """Read «очная» / «очно-заочная» / «заочная»; "" for nothing, None otherwise."""
    text = _word_key(value).replace("очно заочная", "очно-заочная")
    return "" if not text else _STUDY_FORM_WORDS.get(text)


def frdo_detail_problems(
    *,
    citizenship: str,
    education_level: str,
    diploma_last_name: str,
    diploma_series: str,
    diploma_number: str,
    funding_source: str,
) -> list[tuple[str, str]]:
    """Check what a learner states for ФИС ФРДО (stored values, not words); return (field,
    message) pairs. Everything may be left for later, but a diploma's series, number or
    surname needs the level of the diploma."""
    problems: list[tuple[str, str]] = []
    if citizenship and not (
        len(citizenship) == 3 and citizenship.isascii() and citizenship.isdigit()
    ):
        problems.append(
            ("citizenship", "Гражданство — трёхзначный код страны по ОКСМ (Россия — 643).")
        )
    if education_level and education_level not in _LEVEL_WORDS.values():
        problems.append(("education_level", "Уровень образования — «ВО» или «СПО»."))
    if funding_source and funding_source not in _FUNDING_WORDS.values():
        problems.append(("funding_source", "Выберите источник финансирования обучения из списка."))
    for field, value, limit, what in (
        ("diploma_last_name", diploma_last_name, DIPLOMA_NAME_MAX, "Фамилия в дипломе"),
        ("diploma_series", diploma_series, DIPLOMA_SERIES_MAX, "Серия диплома"),
        ("diploma_number", diploma_number, DIPLOMA_NUMBER_MAX, "Номер диплома"),
    ):
        if len(value) > limit:
            problems.append((field, f"{what} — не более {limit} символов."))
    if diploma_number and not re.fullmatch(r"[0-9A-Za-zА-Яа-яЁё\- ]+", diploma_number):
        problems.append(("diploma_number", "Номер диплома — цифры и буквы, без знаков."))
    if (diploma_series or diploma_number or diploma_last_name) and not education_level:
        problems.append(
            ("education_level", "Укажите уровень образования (ВО или СПО) для этого диплома.")
        )
    return problems


# --- the catalogue card (issue 15, ADR 0116) ---------------------------------------------

SUMMARY_MAX = 2000
PRICE_MAX = Decimal("10000000")
SEATS_MAX = 10_000


def catalogue_card_errors(
    *, summary: str, price: Decimal | None, seats: Iterable[int | None]
) -> dict[str, list[str]]:
    """What is wrong with the card's values themselves (lengths and ranges)."""
    errors: dict[str, list[str]] = {}
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = [f"Описание — не более {SUMMARY_MAX} символов."]
    if price is not None and not Decimal(0) <= price <= PRICE_MAX:
        errors["price"] = ["Стоимость — от 0 до 10 000 000 руб."]
    if any(s is not None and not 1 <= s <= SEATS_MAX for s in seats):
        errors["seats"] = [
            f"Число мест — от 1 до {SEATS_MAX}; оставьте поле пустым, если группа не "
            "принимает заявок через каталог."
        ]
    return errors


def publication_errors(
    *,
    summary: str,
    price: Decimal | None,
    by_certificate: bool,
    specialty_count: int,
    open_cohort_count: int,
) -> dict[str, list[str]]:
    """Why a specialist could not use the programme if it were in the catalogue: they find
    programmes by specialty, choose a cohort with free seats and need to know what it
    costs or that an educational certificate pays for it (faq-join-steps,
    faq-portal-cycles). Empty — it may be published."""
    errors: dict[str, list[str]] = {}
    if not summary.strip():
        errors["summary"] = ["Добавьте описание: чему научится специалист и для кого программа."]
    if price is None and not by_certificate:
        errors["price"] = [
            "Укажите стоимость обучения или отметьте, что программу можно оплатить "
            "образовательным сертификатом."
        ]
    if specialty_count == 0:
        errors["specialties"] = [
            "У программы не указано ни одной специальности: специалисты ищут программы по "
            "своей специальности. Укажите специальности в карточке программы."
        ]
    if open_cohort_count == 0:
        errors["seats"] = [
            "Нет группы, в которую можно записаться: наберите группу с датой начала не "
            "раньше сегодняшней и укажите в ней число мест для записи через каталог."
        ]
    return errors
