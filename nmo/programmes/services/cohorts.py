"""Cohorts (циклы обучения), their learners and what admission depends on: contracts,
intermediate assessments, debts, the programme and the curriculum done (npc-2.3,
rgmu-2.3)."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import User
from nmo.accounts.selectors import list_users
from nmo.accounts.services import create_learner_account, fill_person_details, fill_snils
from nmo.core.exceptions import Conflict
from nmo.core.services import record_audit
from nmo.programmes.exceptions import CohortInvalid, LearnersInvalid, ProgrammeNotReady
from nmo.programmes.models import (
    Cohort,
    CohortNotice,
    Debt,
    Enrolment,
    EnrolmentStatus,
    IntermediateResult,
    NoticeStatus,
    Programme,
)
from nmo.programmes.rules import cohort_errors, frdo_detail_problems, normalise_text
from nmo.programmes.selectors import (
    programme_problems,
    regulation_for,
    regulation_of_cohort,
    regulation_version_for,
)
from nmo.programmes.services._common import unit_of
from nmo.programmes.services.notices import plan_notices, send_soon
from nmo.programmes.types import (
    OKSM_RUSSIA,
    CohortData,
    CompletionOutcome,
    EnrolmentImport,
    FrdoDetails,
    LearnerRow,
    RegulationInForce,
    StudyForm,
)
from nmo.programmes.xlsx import (
    MAX_LEARNER_ROWS,
    SheetError,
    clean_learner,
    learner_row_problems,
    parse_learners,
    read_sheet,
)

TITLE_MAX = 200
ADDRESS_MAX = 500
REQUIREMENTS_MAX = 5000
RESULT_TITLE_MAX = 300
DEBT_MAX = 500

# --- cohorts -----------------------------------------------------------------------------


def _cohort_errors(
    reg: RegulationInForce, organisation_id: int, data: CohortData
) -> dict[str, list[str]]:
    errors = cohort_errors(
        reg,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        attestation_date=data.attestation_date,
        place=data.place,
        is_remote=data.is_remote,
        uses_videoconference=data.uses_videoconference,
        videoconference_requirements=data.videoconference_requirements,
    )
    if data.study_form and data.study_form not in StudyForm.values:
        errors["study_form"] = ["Выберите форму обучения: очная, очно-заочная или заочная."]
    if data.unit_id is not None and unit_of(organisation_id, data.unit_id) is None:
        errors["unit_id"] = ["Выберите подразделение своей организации."]
    for field, value, limit in (
        ("title", data.title, TITLE_MAX),
        ("address", data.address, ADDRESS_MAX),
        ("videoconference_requirements", data.videoconference_requirements, REQUIREMENTS_MAX),
    ):
        if len(value.strip()) > limit:
            errors.setdefault(field, []).append(f"Не более {limit} символов.")
    return errors


def _cohort_values(programme: Programme, data: CohortData) -> dict[str, Any]:
    return {
        "unit_id": data.unit_id or programme.unit_id,
        "title": normalise_text(data.title),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "attestation_date": data.attestation_date,
        "place": data.place.value,
        "address": normalise_text(data.address),
        "is_remote": data.is_remote,
        "uses_videoconference": data.uses_videoconference,
        "videoconference_requirements": (
            data.videoconference_requirements.strip() if data.uses_videoconference else ""
        ),
        "study_form": data.study_form,
    }


@transaction.atomic
def create_cohort(*, actor: User, programme: Programme, data: CohortData) -> Cohort:
    """Open a cohort of the programme under the regulation in force, which the cohort keeps
    (its version is pinned). The programme must suit that regulation and have the stages
    of its attestation (ProgrammeNotReady otherwise); the place and remote mode must be
    allowed (rgmu-2.4, npc-6.1, rgmu-6.1). Plans the notices to learners (`plan_notices`).
    Audited as "cohort.create"."""
    require_staff_of(actor, programme.organisation)
    reg = regulation_for(programme.organisation)
    problems = programme_problems(reg, programme)
    if problems:
        raise ProgrammeNotReady("Программа не готова к набору группы: " + " ".join(problems))
    errors = _cohort_errors(reg, programme.organisation_id, data)
    if errors:
        raise CohortInvalid(errors=errors)
    cohort = Cohort.objects.create(
        programme=programme,
        regulation_version=regulation_version_for(programme.organisation),
        created_by=actor,
        **_cohort_values(programme, data),
    )
    plan_notices(cohort=cohort)
    record_audit(
        actor=actor,
        action="cohort.create",
        target=cohort,
        changes={k: v for k, v in _cohort_values(programme, data).items()},
    )
    return cohort


@transaction.atomic
def update_cohort(*, actor: User, cohort: Cohort, data: CohortData) -> Cohort:
    """Change a cohort's dates, place or remote mode, under the regulation it was opened
    with; its notices move with the dates (`plan_notices`). Audited as "cohort.update" with
    the values before and after."""
    cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
    require_staff_of(actor, cohort.programme.organisation)
    reg = regulation_of_cohort(cohort)
    errors = _cohort_errors(reg, cohort.programme.organisation_id, data)
    if errors:
        raise CohortInvalid(errors=errors)
    values = _cohort_values(cohort.programme, data)
    before = {field: getattr(cohort, field) for field in values}
    for field, value in values.items():
        setattr(cohort, field, value)
    cohort.save(update_fields=[*values, "updated_at"])
    plan_notices(cohort=cohort)
    changed = {
        field: {"before": before[field], "after": value}
        for field, value in values.items()
        if before[field] != value
    }
    if changed:
        record_audit(actor=actor, action="cohort.update", target=cohort, changes=changed)
    return cohort


# --- learners ----------------------------------------------------------------------------

Key = Callable[[LearnerRow, str], str]
"""Where a problem of a learner is reported: the error key for the row and a field."""


def _find_people(rows: Sequence[LearnerRow]) -> tuple[dict[str, User], dict[str, User]]:
    snils = [r.snils for r in rows if r.snils]
    emails = [r.email for r in rows if r.email]
    by_snils = {u.snils or "": u for u in list_users(snils=snils)}
    by_email = {u.email: u for u in list_users(emails=emails)}
    return by_snils, by_email


def _resolve(
    row: LearnerRow, by_snils: dict[str, User], by_email: dict[str, User]
) -> tuple[User | None, tuple[str, str] | None]:
    """Find the learner's account: by SNILS first, then by e-mail. Return the account (None:
    a new one is needed) or the problem (field, message) that stops the row."""
    found_by_snils = by_snils.get(row.snils) if row.snils else None
    found_by_email = by_email.get(row.email) if row.email else None
    if found_by_snils and found_by_email and found_by_snils.pk != found_by_email.pk:
        return None, (
            "snils",
            "СНИЛС принадлежит одному пользователю, а адрес электронной почты — другому: "
            "проверьте данные слушателя.",
        )
    user = found_by_snils or found_by_email
    if user is None:
        if not row.email:
            return None, (
                "email",
                "Пользователь с таким СНИЛС не найден: для новой учётной записи укажите адрес "
                "электронной почты.",
            )
        return None, None
    if row.snils and user.snils and user.snils != row.snils:
        return None, (
            "snils",
            "У пользователя с этим адресом электронной почты указан другой СНИЛС.",
        )
    if user.is_active is False:
        return None, ("email", "Учётная запись слушателя заблокирована.")
    return user, None


def _enrol_rows(
    *,
    actor: User,
    cohort: Cohort,
    rows: Sequence[LearnerRow],
    key: Key,
    source: str,
    where: Callable[[LearnerRow], str] = lambda row: f"строке {row.row}",
) -> EnrolmentImport:
    """Check every learner, then enrol them all or none (LearnersInvalid by `key`)."""
    cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
    require_staff_of(actor, cohort.programme.organisation)
    rows = [clean_learner(row) for row in rows]
    errors: dict[str, list[str]] = {}

    def add(row: LearnerRow, field: str, message: str) -> None:
        errors.setdefault(key(row, field), []).append(message)

    if not rows:
        raise LearnersInvalid(errors={"__all__": ["Список слушателей пуст."]})
    seen_snils: dict[str, LearnerRow] = {}
    seen_email: dict[str, LearnerRow] = {}
    for row in rows:
        for field, message in learner_row_problems(row):
            add(row, field, message)
        for value, seen, field in (
            (row.snils, seen_snils, "snils"),
            (row.email, seen_email, "email"),
        ):
            if not value:
                continue
            if value in seen:
                label = "СНИЛС" if field == "snils" else "адрес электронной почты"
                add(row, field, f"Тот же {label}, что у слушателя в {where(seen[value])}.")
            else:
                seen[value] = row
    by_snils, by_email = _find_people(rows)
    resolved: list[tuple[LearnerRow, User | None]] = []
    for row in rows:
        user, problem = _resolve(row, by_snils, by_email)
        if problem is not None:
            add(row, *problem)
        resolved.append((row, user))
    if errors:
        raise LearnersInvalid(errors=errors)

    created = existing = enrolled = already = 0
    enrolment_ids: list[int] = []
    filled_snils: list[int] = []
    for row, user in resolved:
        if user is None:
            try:
                with transaction.atomic():
                    user = create_learner_account(
                        email=row.email,
                        last_name=row.last_name,
                        first_name=row.first_name,
                        middle_name=row.middle_name,
                        snils=row.snils,
                        phone=row.phone,
                        sex=row.sex,
                        birth_date=row.birth_date,
                    )
            except IntegrityError as exc:  # a concurrent registration took the e-mail or SNILS
                raise LearnersInvalid(
                    errors={
                        key(row, "email"): ["Такой пользователь только что появился: повторите."]
                    }
                ) from exc
            created += 1
        else:
            existing += 1
            if row.snils and not user.snils:
                # The account had no SNILS and nobody else holds this one (checked above).
                fill_snils(user_id=user.pk, snils=row.snils)
                filled_snils.append(user.pk)
            if row.sex or row.birth_date:
                fill_person_details(user_id=user.pk, sex=row.sex, birth_date=row.birth_date)
        enrolment, made = Enrolment.objects.get_or_create(
            cohort=cohort,
            learner=user,
            defaults={
                "contract_number": row.contract_number,
                "contract_date": row.contract_date,
                **_frdo_values(row),
            },
        )
        enrolment_ids.append(enrolment.pk)
        if made:
            enrolled += 1
        else:
            already += 1
    record_audit(
        actor=actor,
        action="cohort.enrol_learners",
        target=cohort,
        changes={
            "source": source,
            "created": created,
            "existing": existing,
            "enrolled": enrolled,
            "already_enrolled": already,
            "snils_filled_for": filled_snils,
        },
    )
    if enrolled and _has_due_notice(cohort):
        send_soon(cohort_id=cohort.pk)
    return EnrolmentImport(
        cohort_id=cohort.pk,
        created=created,
        existing=existing,
        enrolled=enrolled,
        already_enrolled=already,
        enrolment_ids=tuple(enrolment_ids),
    )


def _frdo_values(row: LearnerRow) -> dict[str, str]:
    """What the learner stated for ФИС ФРДО (ADR 0114); no citizenship stated is Russia."""
    return {
        "citizenship": row.citizenship or OKSM_RUSSIA,
        "education_level": row.education_level,
        "diploma_last_name": row.diploma_last_name,
        "diploma_series": row.diploma_series,
        "diploma_number": row.diploma_number,
        "funding_source": row.funding_source,
    }


def _has_due_notice(cohort: Cohort) -> bool:
    return CohortNotice.objects.filter(
        cohort=cohort,
        due_on__lte=timezone.localdate(),
        status__in=[NoticeStatus.PLANNED, NoticeStatus.SENT],
    ).exists()


@transaction.atomic
def enrol_learner(*, actor: User, cohort: Cohort, learner: LearnerRow) -> Enrolment:
    """Enrol one learner typed into the form. The learner's account is found by SNILS, else
    by e-mail, else created with no roles and no usable password; nobody is duplicated.
    LearnersInvalid by field otherwise. A learner already in the cohort is left as is.
    Audited as "cohort.enrol_learners"."""
    result = _enrol_rows(
        actor=actor,
        cohort=cohort,
        rows=[learner],
        key=lambda _row, field: field or "__all__",
        source="form",
    )
    return Enrolment.objects.select_related("learner").get(pk=result.enrolment_ids[0])


@transaction.atomic
def import_learners(
    *, actor: User, cohort: Cohort, learners: Sequence[LearnerRow]
) -> EnrolmentImport:
    """Enrol a list of learners (the API), all or none: problems are reported by the
    0-based index of the learner and the field ("3.snils"). See `enrol_learner`."""
    indexed = [replace(row, row=index) for index, row in enumerate(learners)]
    return _enrol_rows(
        actor=actor,
        cohort=cohort,
        rows=indexed,
        key=lambda row, field: f"{row.row}.{field}" if field else f"{row.row}",
        source="api",
        where=lambda row: f"элементе {row.row}",
    )


@transaction.atomic
def import_learners_file(
    *, actor: User, cohort: Cohort, file_name: str, content: bytes
) -> EnrolmentImport:
    """Enrol the learners listed in an XLSX file (ФИО, СНИЛС, e-mail, телефон, договор №
    and дата), all or none: every problem is listed by row number under "file"."""
    require_staff_of(actor, cohort.programme.organisation)
    if not file_name.lower().endswith(".xlsx"):
        raise LearnersInvalid(
            errors={"file": ["Загрузите файл XLSX (файлы XLS сохраните как XLSX)."]}
        )
    try:
        rows = read_sheet(content, max_rows=MAX_LEARNER_ROWS)
    except SheetError as exc:
        raise LearnersInvalid(errors={"file": [str(exc)]}) from exc
    learners, problems = parse_learners(rows)
    if problems:
        raise LearnersInvalid(errors={"file": problems})
    try:
        return _enrol_rows(
            actor=actor,
            cohort=cohort,
            rows=learners,
            key=lambda row, field: f"Строка {row.row}",
            source=f"file:{file_name[:100]}",
        )
    except LearnersInvalid as exc:
        lines = [
            f"{where}: {message}" for where, messages in exc.errors.items() for message in messages
        ]
        raise LearnersInvalid(errors={"file": lines}) from exc


# --- what admission depends on (npc-2.3, rgmu-2.3) ---------------------------------------


def _check_enrolment(actor: User, enrolment: Enrolment) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    cohort = Cohort.objects.select_related("programme__organisation").get(pk=enrolment.cohort_id)
    require_staff_of(actor, cohort.programme.organisation)
    return enrolment


@transaction.atomic
def update_enrolment(
    *,
    actor: User,
    enrolment: Enrolment,
    programme_completed: bool,
    curriculum_completed: bool,
    status: str,
    contract_number: str,
    contract_date: date | None,
    frdo: FrdoDetails | None = None,
) -> Enrolment:
    """Record whether the learner mastered the programme and did the (individual)
    curriculum in full (npc-2.3, rgmu-2.3), the contract, or the learner's withdrawal, and,
    when given, what the learner stated for ФИС ФРДО (ADR 0114; no citizenship is Russia).
    Audited as "enrolment.update" with the values before and after."""
    enrolment = _check_enrolment(actor, enrolment)
    errors: dict[str, list[str]] = {}
    if status not in EnrolmentStatus.values:
        errors["status"] = ["Выберите состояние из списка."]
    if len(contract_number.strip()) > 100:
        errors["contract_number"] = ["Не более 100 символов."]
    frdo_values: dict[str, str] = {}
    if frdo is not None:
        frdo_values = _frdo_values(clean_learner(frdo.as_row()))
        for field, message in frdo_detail_problems(**frdo_values):
            errors.setdefault(field, []).append(message)
    if errors:
        raise LearnersInvalid(errors=errors)
    values: dict[str, Any] = {
        "programme_completed": programme_completed,
        "curriculum_completed": curriculum_completed,
        "status": status,
        "contract_number": normalise_text(contract_number),
        "contract_date": contract_date,
        **frdo_values,
    }
    before = {field: getattr(enrolment, field) for field in values}
    for field, value in values.items():
        setattr(enrolment, field, value)
    enrolment.save(update_fields=[*values, "updated_at"])
    changed = {f: {"before": before[f], "after": v} for f, v in values.items() if before[f] != v}
    if changed:
        record_audit(actor=actor, action="enrolment.update", target=enrolment, changes=changed)
    return enrolment


@transaction.atomic
def mark_programme_completed(
    *,
    actor: User,
    cohort: Cohort,
    enrolment_ids: Sequence[int] | None,
    curriculum_completed: bool = False,
) -> CompletionOutcome:
    """Mark several learners of the cohort (all of them when `enrolment_ids` is None) as
    having mastered the programme (npc-2.3, rgmu-2.3), and the curriculum done in full when
    asked, in one transaction: each through `update_enrolment`, so each change is audited
    as "enrolment.update". A withdrawn learner is refused, with the reason, and the others
    are marked; ids of other cohorts are ignored."""
    cohort = Cohort.objects.select_related("programme__organisation").get(pk=cohort.pk)
    require_staff_of(actor, cohort.programme.organisation)
    enrolments = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(cohort=cohort)
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "learner__middle_name", "pk")
    )
    if enrolment_ids is not None:
        enrolments = enrolments.filter(pk__in=list(enrolment_ids))
    chosen = list(enrolments)
    if not chosen:
        raise LearnersInvalid(
            "Выберите хотя бы одного слушателя группы.",
            errors={"learners": ["Выберите хотя бы одного слушателя группы."]},
        )
    marked: list[str] = []
    already: list[str] = []
    refused: list[tuple[str, str]] = []
    for enrolment in chosen:
        name = enrolment.learner.full_name
        if enrolment.status == EnrolmentStatus.WITHDRAWN:
            refused.append((name, "отчислен — освоение программы не отмечается"))
            continue
        wanted_curriculum = enrolment.curriculum_completed or curriculum_completed
        if enrolment.programme_completed and enrolment.curriculum_completed == wanted_curriculum:
            already.append(name)
            continue
        update_enrolment(
            actor=actor,
            enrolment=enrolment,
            programme_completed=True,
            curriculum_completed=wanted_curriculum,
            status=enrolment.status,
            contract_number=enrolment.contract_number,
            contract_date=enrolment.contract_date,
        )
        marked.append(name)
    return CompletionOutcome(marked=tuple(marked), already=tuple(already), refused=tuple(refused))


@transaction.atomic
def record_intermediate_result(
    *, actor: User, enrolment: Enrolment, title: str, passed: bool, assessed_on: date
) -> IntermediateResult:
    """Record the result of an intermediate assessment (npc-2.3, rgmu-2.3); a later result
    under the same title supersedes an earlier one. Audited as
    "enrolment.intermediate_result"."""
    enrolment = _check_enrolment(actor, enrolment)
    title = normalise_text(title)
    if not title or len(title) > RESULT_TITLE_MAX:
        raise LearnersInvalid(
            errors={"title": [f"Укажите название аттестации (до {RESULT_TITLE_MAX} символов)."]}
        )
    result = IntermediateResult.objects.create(
        enrolment=enrolment, title=title, passed=passed, assessed_on=assessed_on
    )
    record_audit(
        actor=actor,
        action="enrolment.intermediate_result",
        target=enrolment,
        changes={"title": title, "passed": passed, "assessed_on": assessed_on},
    )
    return result


@transaction.atomic
def record_debt(*, actor: User, enrolment: Enrolment, description: str) -> Debt:
    """Record an outstanding debt of the learner (rgmu-2.3). Audited as "enrolment.debt"."""
    enrolment = _check_enrolment(actor, enrolment)
    description = normalise_text(description)
    if not description or len(description) > DEBT_MAX:
        raise LearnersInvalid(
            errors={"description": [f"Опишите задолженность (до {DEBT_MAX} символов)."]}
        )
    debt = Debt.objects.create(enrolment=enrolment, description=description)
    record_audit(
        actor=actor, action="enrolment.debt", target=enrolment, changes={"debt": description}
    )
    return debt


@transaction.atomic
def clear_debt(*, actor: User, debt: Debt, cleared_on: date) -> Debt:
    """Mark a debt cleared on a date (rgmu-2.3). Audited as "enrolment.clear_debt"."""
    enrolment = _check_enrolment(actor, debt.enrolment)
    debt = Debt.objects.select_for_update().get(pk=debt.pk, enrolment=enrolment)
    if debt.cleared_on is not None:
        raise Conflict("Задолженность уже погашена.", code="debt_already_cleared")
    debt.cleared_on = cleared_on
    debt.save(update_fields=["cleared_on", "updated_at"])
    record_audit(
        actor=actor,
        action="enrolment.clear_debt",
        target=enrolment,
        changes={"debt": debt.description, "cleared_on": cleared_on},
    )
    return debt
