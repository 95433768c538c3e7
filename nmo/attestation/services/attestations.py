"""Scheduling an attestation of a cohort, and entering its results: the learners'
attendance and their stage results (npc-3.1–3.5, rgmu-3.1–3.6)."""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from nmo.accounts.models import User
from nmo.attestation import rules
from nmo.attestation.access import check_attestation_actor, check_commission_staff
from nmo.attestation.exceptions import (
    AttestationInvalid,
    AttestationNotReady,
    GradesLocked,
    ResultInvalid,
)
from nmo.attestation.models import (
    Attestation,
    Commission,
    LearnerResult,
    RetakeApplication,
    StageResult,
)
from nmo.attestation.selectors import active_seats, lock_reason
from nmo.attestation.services._common import cite
from nmo.attestation.services.commissions import composition_breaches
from nmo.attestation.types import (
    Attendance,
    AttestationData,
    AttestationStatus,
    Place,
    RetakeStatus,
    SeatData,
    StageEntry,
)
from nmo.core.services import record_audit
from nmo.programmes import selectors as programme_selectors
from nmo.programmes.models import Cohort, Programme, ProgrammeStage
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.models import RegulationVersion
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    CommissionRole,
    Grade,
    GradeScale,
    Post,
    RemoteTool,
    StageKind,
)

ADDRESS_MAX = 500
REMARKS_MAX = 5000
_https = URLValidator(schemes=["https"])


# --- scheduling --------------------------------------------------------------------------


def _place_errors(version: RegulationVersion, data: AttestationData) -> dict[str, list[str]]:
    conduct = regulation_selectors.rules_of(version).conduct
    errors: dict[str, list[str]] = {}
    if data.place == Place.REMOTE:
        if (
            not conduct.remote_modes_allowed
            or RemoteTool.VIDEOCONFERENCE not in conduct.remote_tools
        ):
            errors["place"] = [
                "Положение не предусматривает итоговую аттестацию по видеоконференции"
                f"{cite(version, 'conduct.remote_modes_allowed', 'conduct.remote_tools')}."
            ]
        url = data.videoconference_url.strip()
        if not url:
            errors["videoconference_url"] = [
                "Для дистанционной аттестации укажите ссылку на двустороннюю видеоконференцию, "
                "в которой слушатель и комиссия видят и слышат друг друга"
                f"{cite(version, 'conduct.remote_tools')}."
            ]
        else:
            try:
                _https(url)
            except ValidationError:
                errors["videoconference_url"] = ["Укажите адрес, начинающийся с https://."]
    elif AttestationPlace(data.place.value) not in conduct.places_allowed:
        allowed = ", ".join(p.label for p in conduct.places_allowed)
        errors["place"] = [
            f"Положение позволяет проводить аттестацию только так: {allowed}"
            f"{cite(version, 'conduct.places_allowed')}."
        ]
    if len(data.address.strip()) > ADDRESS_MAX:
        errors["address"] = [f"Не более {ADDRESS_MAX} символов."]
    return errors


def _commission_errors(
    cohort: Cohort, version: RegulationVersion, commission: Commission | None, held_on: date
) -> list[str]:
    if commission is None:
        return ["Выберите аттестационную комиссию своей организации."]
    problems: list[str] = []
    if held_on < commission.valid_from or (
        commission.valid_to is not None and held_on > commission.valid_to
    ):
        until = f" по {commission.valid_to:%d.%m.%Y}" if commission.valid_to else ""
        problems.append(
            f"Комиссия действует с {commission.valid_from:%d.%m.%Y}{until}: "
            f"на {held_on:%d.%m.%Y} она не полномочна."
        )
    reg_rules = regulation_selectors.rules_of(version)
    specialties = set(cohort.programme.specialties.values_list("pk", flat=True))
    if (
        reg_rules.commission.per_specialty
        and specialties
        and commission.specialty_id not in specialties
    ):
        problems.append(
            f"Комиссия сформирована по специальности «{commission.specialty}», а программа — "
            "по другим специальностям: аттестацию проводит комиссия по специальности "
            f"программы{cite(version, 'commission.per_specialty')}."
        )
    seats = active_seats(commission)
    problems.extend(
        composition_breaches(
            version,
            tuple(
                SeatData(
                    s.person_id, CommissionRole(s.role), s.post, tuple(Post(p) for p in s.posts)
                )
                for s in seats
            ),
            {s.person_id: s.person for s in seats},
        )
    )
    return problems


def programme_problems(programme: Programme) -> list[str]:
    """Return why the programme's stages cannot give a final grade: no stages, or an exam
    without a stage on the four-point scale (rgmu-3.1, ADR 0104)."""
    stages = list(programme.stages.all())
    if not stages:
        return ["У программы нет этапов итоговой аттестации."]
    if programme.attestation_form == AttestationForm.EXAM and not any(
        s.scale == GradeScale.FOUR_POINT for s in stages
    ):
        return [
            "Экзамен оценивается по четырёхбалльной шкале, но ни один этап программы не "
            "оценивается по ней: итоговую оценку вычислить нельзя."
        ]
    return []


def _attempt_errors(
    cohort: Cohort, data: AttestationData, max_retakes: int
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 1 <= data.attempt <= 1 + max_retakes:
        errors["attempt"] = [f"Попытка — от 1 до {1 + max_retakes} (повторная — однократно)."]
        return errors
    if data.attempt == 1:
        if not cohort.starts_on <= data.held_on <= cohort.ends_on:
            errors["held_on"] = [
                f"Итоговая аттестация проводится в период обучения группы: "
                f"с {cohort.starts_on:%d.%m.%Y} по {cohort.ends_on:%d.%m.%Y}."
            ]
        return errors
    first = (
        Attestation.objects.filter(
            cohort=cohort, attempt=data.attempt - 1, status=AttestationStatus.DECIDED
        )
        .order_by("held_on")
        .first()
    )
    if first is None:
        errors["attempt"] = ["Повторная аттестация назначается после решения по первой."]
    elif data.held_on <= first.held_on:
        errors["held_on"] = [f"Повторная аттестация — позже первой ({first.held_on:%d.%m.%Y})."]
    return errors


@transaction.atomic
def schedule_attestation(*, actor: User, cohort: Cohort, data: AttestationData) -> Attestation:
    """Schedule the attestation (attempt 1) or the retake (attempt 2) of a cohort before a
    commission of its specialty (npc-4.1), on a date and at a place the regulation allows
    — the organisation, its unit or the customer's premises (rgmu-2.4; НПЦ: the
    organisation or its unit) — or remotely by a two-way videoconference with its link
    (npc-2.4, npc-6.1, rgmu-6.1). The regulation version is the cohort's. Every learner
    completing the programme must have an admission decision (rgmu-1.4); the admitted ones
    (npc-2.3, rgmu-2.3) become the attestation's learners. Audited as
    "attestation.schedule"."""
    cohort = programme_selectors.lock_cohort(cohort.pk)
    organisation = cohort.programme.organisation
    check_commission_staff(actor, organisation)
    version = cohort.regulation_version
    reg_rules = regulation_selectors.rules_of(version)
    commission = (
        Commission.objects.select_related("specialty")
        .filter(pk=data.commission_id, organisation=organisation)
        .first()
    )
    errors = _place_errors(version, data)
    problems = _commission_errors(cohort, version, commission, data.held_on)
    if problems:
        errors["commission"] = problems
    for field, messages in _attempt_errors(cohort, data, reg_rules.retake.max_retakes).items():
        errors.setdefault(field, []).extend(messages)
    if errors or commission is None:
        raise AttestationInvalid(errors=errors)
    not_ready = programme_problems(cohort.programme)
    if not_ready:
        raise AttestationNotReady(" ".join(not_ready))
    # Everyone sits the first attempt (rgmu-1.4); a retake is sat by those whose
    # application was granted, who are admitted by the grant itself.
    undecided = (
        list(programme_selectors.list_undecided_enrolments(cohort, attempt=data.attempt))
        if data.attempt == 1
        else []
    )
    if undecided:
        names = ", ".join(e.learner.full_name for e in undecided[:5])
        raise AttestationNotReady(
            "Не по всем слушателям группы принято решение о допуске к итоговой аттестации "
            f"(итоговая аттестация обязательна для каждого): {names}."
        )
    taken = LearnerResult.objects.filter(
        attestation__cohort=cohort, attestation__attempt=data.attempt
    ).values_list("enrolment_id", flat=True)
    admitted = list(
        programme_selectors.list_admitted_enrolments(cohort, attempt=data.attempt).exclude(
            pk__in=list(taken)
        )
    )
    # A retake granted for a later day (by the staff or the appeal commission, ADR 0403)
    # waits for an attestation held on or after that day.
    granted = {
        a.enrolment_id: a
        for a in RetakeApplication.objects.select_for_update()
        .filter(
            attestation__cohort=cohort,
            attestation__attempt=data.attempt - 1,
            status=RetakeStatus.GRANTED,
        )
        .order_by("pk")
    }
    waiting = [
        e
        for e in admitted
        if e.pk in granted and (granted[e.pk].retake_on or data.held_on) > data.held_on
    ]
    admitted = [e for e in admitted if e not in waiting]
    if not admitted:
        later = "".join(
            f"; {e.learner.full_name} — не ранее {granted[e.pk].retake_on:%d.%m.%Y}"
            for e in waiting
        )
        raise AttestationNotReady(
            f"Нет допущенных слушателей, которые ещё не включены в аттестацию этой попытки{later}."
        )
    attestation = Attestation.objects.create(
        cohort=cohort,
        commission=commission,
        attempt=data.attempt,
        held_on=data.held_on,
        place=data.place.value,
        address=" ".join(data.address.split()),
        videoconference_url=data.videoconference_url.strip() if data.place == Place.REMOTE else "",
        regulation_version=version,
        created_by=actor,
    )
    LearnerResult.objects.bulk_create(
        LearnerResult(attestation=attestation, enrolment=e) for e in admitted
    )
    RetakeApplication.objects.filter(
        pk__in=[granted[e.pk].pk for e in admitted if e.pk in granted],
        retake_attestation__isnull=True,
    ).update(retake_attestation=attestation, updated_at=timezone.now())
    record_audit(
        actor=actor,
        action="attestation.schedule",
        target=attestation,
        changes={
            "cohort": cohort.pk,
            "commission": commission.pk,
            "attempt": data.attempt,
            "held_on": data.held_on,
            "place": data.place.value,
            "videoconference_url": attestation.videoconference_url,
            "learners": [e.pk for e in admitted],
        },
    )
    return attestation


# --- results -----------------------------------------------------------------------------


def check_editable(attestation: Attestation, results: Sequence[LearnerResult] = ()) -> None:
    """Refuse a change of results after the decision or the signing (GradesLocked), or
    before the day of the attestation (AttestationNotReady)."""
    reason = lock_reason(attestation, results)
    if reason:
        raise GradesLocked(reason)
    if timezone.localdate() < attestation.held_on:
        raise AttestationNotReady(
            f"Аттестация назначена на {attestation.held_on:%d.%m.%Y}: результаты вносятся в день "
            "её проведения."
        )


def mark_held(attestation: Attestation) -> None:
    """Move a planned attestation to "held" once results are being entered."""
    if attestation.status == AttestationStatus.PLANNED:
        attestation.status = AttestationStatus.HELD
        attestation.save(update_fields=["status", "updated_at"])


def refresh_final_grade(result: LearnerResult, stages: Sequence[ProgrammeStage], form: str) -> None:
    """Recompute a learner's final grade from the stage results (npc-3.2, rgmu-3.3; ADR
    0104): set when every stage has a result, cleared otherwise."""
    by_stage = {
        r.stage_id: Grade(r.grade) for r in StageResult.objects.filter(learner_result=result)
    }
    grade, mean = "", None
    if result.is_present and stages and all(s.pk in by_stage for s in stages):
        try:
            final = rules.final_grade(AttestationForm(form), [by_stage[s.pk] for s in stages])
        except ValueError:
            final = None
        if final is not None:
            grade, mean = final.grade.value, final.mean
    if result.final_grade != grade or result.final_mean != mean:
        result.final_grade, result.final_mean = grade, mean
        result.save(update_fields=["final_grade", "final_mean", "updated_at"])


def _locked_attestation(attestation: Attestation) -> Attestation:
    return (
        Attestation.objects.select_for_update()
        .select_related("commission", "cohort__programme")
        .get(pk=attestation.pk)
    )


def _grade_of(stage: ProgrammeStage, item: StageEntry) -> tuple[Decimal | None, Grade]:
    scale = GradeScale(stage.scale)
    if stage.kind == StageKind.TESTING:
        bands = programme_selectors.percent_bands_of(stage)
        if item.percent is None:
            raise ValueError("Укажите процент правильных ответов.")
        if not Decimal(0) <= item.percent <= Decimal(100):
            raise ValueError("Процент правильных ответов — от 0 до 100.")
        percent = item.percent.quantize(Decimal("0.01"))
        return percent, rules.stage_grade(scale, bands=bands, percent=percent)
    if item.grade is None:
        raise ValueError("Выберите оценку.")
    if item.grade not in rules.grades_of_scale(scale):
        allowed = ", ".join(g.label for g in rules.grades_of_scale(scale))
        raise ValueError(f"Оценка этапа по его шкале: {allowed}.")
    return None, rules.stage_grade(scale, grade=item.grade)


@transaction.atomic
def record_stage_results(
    *, actor: User, attestation: Attestation, entries: Sequence[StageEntry]
) -> list[StageResult]:
    """Enter the learners' stage results, all or none: the percentage of correct answers
    of a testing stage, graded by the programme's threshold (зачтено from 70% by
    recommendation, npc-3.5) or bands (отлично from 90%, хорошо from 80%, удовлетворительно
    from 70%, rgmu-3.6); the grade of any other stage on its scale — зачтено / не зачтено
    (npc-3.1), or the four-point grades (rgmu-3.1). Only the organisation's staff and the
    commission's persons may; not before the attestation's day, nor after the decision or
    the signing. Each learner's final grade follows (ADR 0104). Every change is audited as
    "attestation.grade" with the result before and after."""
    attestation = _locked_attestation(attestation)
    check_attestation_actor(actor, attestation)
    programme = attestation.cohort.programme
    stages = {s.pk: s for s in programme.stages.order_by("order")}
    results = {
        r.pk: r
        for r in LearnerResult.objects.filter(attestation=attestation).select_related(
            "enrolment__learner"
        )
    }
    check_editable(
        attestation,
        [results[e.learner_result_id] for e in entries if e.learner_result_id in results],
    )
    errors: dict[str, list[str]] = {}
    planned: list[tuple[LearnerResult, ProgrammeStage, Decimal | None, Grade]] = []
    for item in entries:
        key = f"{item.learner_result_id}.{item.stage_id}"
        result, stage = results.get(item.learner_result_id), stages.get(item.stage_id)
        if result is None or stage is None:
            errors[key] = ["Слушатель или этап не относятся к этой аттестации."]
            continue
        if not result.is_present:
            errors[key] = [
                f"{result.enrolment.learner.full_name}: {result.attendance_label} — оценки не "
                "выставляются."
            ]
            continue
        try:
            percent, grade = _grade_of(stage, item)
        except ValueError as exc:
            errors[key] = [f"{result.enrolment.learner.full_name}, этап {stage.order}: {exc}"]
            continue
        planned.append((result, stage, percent, grade))
    if errors:
        raise ResultInvalid(errors=errors)
    saved: list[StageResult] = []
    touched: dict[int, LearnerResult] = {}
    for result, stage, percent, grade in planned:
        existing = StageResult.objects.filter(learner_result=result, stage=stage).first()
        before = (
            {"percent": existing.percent, "grade": existing.grade} if existing is not None else None
        )
        after = {"percent": percent, "grade": grade.value}
        if existing is not None and before == after:
            saved.append(existing)
            continue
        if existing is None:
            existing = StageResult.objects.create(
                learner_result=result,
                stage=stage,
                percent=percent,
                grade=grade.value,
                entered_by=actor,
            )
        else:
            existing.percent, existing.grade, existing.entered_by = percent, grade.value, actor
            existing.save(update_fields=["percent", "grade", "entered_by", "updated_at"])
        saved.append(existing)
        touched[result.pk] = result
        record_audit(
            actor=actor,
            action="attestation.grade",
            target=result,
            changes={
                "stage": stage.order,
                "stage_kind": stage.kind,
                "before": before,
                "after": after,
            },
        )
    ordered = list(stages.values())
    for result in touched.values():
        refresh_final_grade(result, ordered, programme.attestation_form)
    if touched:
        mark_held(attestation)
    return saved


def record_stage_result(
    *,
    actor: User,
    learner_result: LearnerResult,
    stage: ProgrammeStage,
    percent: Decimal | None = None,
    grade: Grade | None = None,
) -> StageResult:
    """Enter one learner's result on one stage (see `record_stage_results`)."""
    [saved] = record_stage_results(
        actor=actor,
        attestation=learner_result.attestation,
        entries=[StageEntry(learner_result.pk, stage.pk, percent=percent, grade=grade)],
    )
    return saved


@transaction.atomic
def record_test_result(
    *,
    actor: User | None,
    learner_result_id: int,
    stage_id: int,
    percent: Decimal,
    attempt_id: int,
) -> StageResult:
    """Record the percentage of correct answers of an online test attempt (АС ДПО,
    rgmu-6.1) as the learner's result of the testing stage, graded by the programme's
    threshold or bands like a typed one (npc-3.5, rgmu-3.6): nobody retypes it. The
    testing system calls this when the learner submits (`actor` the learner) or when the
    server closes the attempt at its deadline (`actor` None). Refused like any change of
    results after the decision or the signing (GradesLocked). Audited as
    "attestation.grade_from_test" with the result before and after and the attempt."""
    result = LearnerResult.objects.select_related("attestation").get(pk=learner_result_id)
    attestation = _locked_attestation(result.attestation)
    result = LearnerResult.objects.select_related("enrolment__learner").get(pk=result.pk)
    check_editable(attestation, [result])
    programme = attestation.cohort.programme
    stages = list(programme.stages.order_by("order"))
    stage = next((s for s in stages if s.pk == stage_id), None)
    if stage is None or stage.kind != StageKind.TESTING:
        raise ResultInvalid(errors={"stage": ["Этап не является тестированием этой аттестации."]})
    graded, grade = _grade_of(stage, StageEntry(result.pk, stage.pk, percent=percent))
    existing = StageResult.objects.filter(learner_result=result, stage=stage).first()
    before = (
        {"percent": existing.percent, "grade": existing.grade} if existing is not None else None
    )
    if existing is None:
        existing = StageResult.objects.create(
            learner_result=result, stage=stage, percent=graded, grade=grade.value, entered_by=actor
        )
    else:
        existing.percent, existing.grade, existing.entered_by = graded, grade.value, actor
        existing.save(update_fields=["percent", "grade", "entered_by", "updated_at"])
    record_audit(
        actor=actor,
        action="attestation.grade_from_test",
        target=result,
        changes={
            "stage": stage.order,
            "attempt": attempt_id,
            "before": before,
            "after": {"percent": graded, "grade": grade.value},
        },
    )
    refresh_final_grade(result, stages, programme.attestation_form)
    mark_held(attestation)
    return existing


@transaction.atomic
def withdraw_test_result(
    *, actor: User, learner_result_id: int, stage_id: int, attempt_id: int, reason: str
) -> None:
    """Remove the result of a testing stage that came from an attempt the department
    annulled (the testing system calls it; the reason is the annulment's). Refused after
    the decision or the signing (GradesLocked). Audited as "attestation.grade_from_test"
    with the result before and none after."""
    result = LearnerResult.objects.select_related("attestation").get(pk=learner_result_id)
    attestation = _locked_attestation(result.attestation)
    check_editable(attestation, [result])
    existing = StageResult.objects.filter(learner_result=result, stage_id=stage_id).first()
    if existing is None:
        return
    before = {"percent": existing.percent, "grade": existing.grade}
    order = existing.stage.order
    existing.delete()
    record_audit(
        actor=actor,
        action="attestation.grade_from_test",
        target=result,
        changes={
            "stage": order,
            "attempt": attempt_id,
            "before": before,
            "after": None,
            "reason": reason,
        },
    )
    programme = attestation.cohort.programme
    refresh_final_grade(
        result, list(programme.stages.order_by("order")), programme.attestation_form
    )


@transaction.atomic
def record_learner_attendance(
    *, actor: User, learner_result: LearnerResult, attendance: Attendance
) -> LearnerResult:
    """Record whether a learner came: present, absent without a valid reason (a retake on
    application, npc-2.9, rgmu-2.9) or absent for a valid reason (npc-2.10, rgmu-2.10).
    A learner marked absent loses the stage results entered (each deletion audited).
    Audited as "attestation.attendance" with the value before and after."""
    attestation = _locked_attestation(learner_result.attestation)
    check_attestation_actor(actor, attestation)
    result = LearnerResult.objects.select_for_update().get(pk=learner_result.pk)
    check_editable(attestation, [result])
    attendance = Attendance(attendance)
    if result.attendance == attendance:
        return result
    before = result.attendance
    if attendance != Attendance.PRESENT:
        for stage_result in StageResult.objects.filter(learner_result=result).select_related(
            "stage"
        ):
            record_audit(
                actor=actor,
                action="attestation.grade",
                target=result,
                changes={
                    "stage": stage_result.stage.order,
                    "stage_kind": stage_result.stage.kind,
                    "before": {"percent": stage_result.percent, "grade": stage_result.grade},
                    "after": None,
                },
            )
            stage_result.delete()
        result.votes_for = result.votes_against = result.abstained = None
        result.presiding_vote = ""
    result.attendance = attendance.value
    result.save(
        update_fields=[
            "attendance", "votes_for", "votes_against", "abstained", "presiding_vote", "updated_at"
        ]
    )  # fmt: skip
    programme = attestation.cohort.programme
    refresh_final_grade(
        result, list(programme.stages.order_by("order")), programme.attestation_form
    )
    mark_held(attestation)
    record_audit(
        actor=actor,
        action="attestation.attendance",
        target=result,
        changes={"before": before, "after": attendance.value},
    )
    return result


@transaction.atomic
def record_results_sheet(
    *,
    actor: User,
    attestation: Attestation,
    attendance: Mapping[int, Attendance],
    entries: Sequence[StageEntry],
) -> Attestation:
    """Save the grading sheet of an attestation as one act, all or nothing: first each
    learner's attendance (`attendance`, by learner result id; only the learners whose
    attendance changes are recorded, see `record_learner_attendance`), then the stage
    results (`entries`, see `record_stage_results`). A refusal of any part — a learner of
    another attestation, a bad result, results locked — leaves the sheet as it was: no
    attendance saved without the grades typed with it (npc-3.1–3.5, rgmu-3.1–3.6). The
    checks and the audit entries are those of the two services."""
    attestation = _locked_attestation(attestation)
    check_attestation_actor(actor, attestation)
    results = {r.pk: r for r in LearnerResult.objects.filter(attestation=attestation)}
    unknown = sorted(set(attendance) - set(results))
    if unknown:
        raise ResultInvalid(
            errors={f"att_{pk}": ["Слушатель не относится к этой аттестации."] for pk in unknown}
        )
    for pk, value in attendance.items():
        result = results[pk]
        if result.attendance != Attendance(value):
            record_learner_attendance(actor=actor, learner_result=result, attendance=value)
    if entries:
        record_stage_results(actor=actor, attestation=attestation, entries=entries)
    return attestation


@transaction.atomic
def record_remarks(*, actor: User, learner_result: LearnerResult, remarks: str) -> LearnerResult:
    """Record the commission's remarks and recommendations on a learner (rgmu-app1 §6).
    Audited as "attestation.remarks" with the text before and after."""
    attestation = _locked_attestation(learner_result.attestation)
    check_attestation_actor(actor, attestation)
    result = LearnerResult.objects.select_for_update().get(pk=learner_result.pk)
    check_editable(attestation, [result])
    remarks = remarks.strip()
    if len(remarks) > REMARKS_MAX:
        raise ResultInvalid(errors={"remarks": [f"Не более {REMARKS_MAX} символов."]})
    if remarks != result.remarks:
        record_audit(
            actor=actor,
            action="attestation.remarks",
            target=result,
            changes={"before": result.remarks, "after": remarks},
        )
        result.remarks = remarks
        result.save(update_fields=["remarks", "updated_at"])
    return result
