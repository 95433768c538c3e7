"""The hearing of an appeal: its date within the regulation's days of filing (npc-5.11,
rgmu-5.11; ADR 0401) with the appellant invited (npc-5.12), who of the commission and of
the appellant's side attended, the quorum (npc-5.14, rgmu-5.14), the open vote by a
majority of the listed composition with the chair's casting vote (npc-5.15, rgmu-5.15),
the decision and its effect on the result (npc-5.16, npc-5.17), and the postal notice
(npc-5.18, rgmu-5.18)."""

from collections.abc import Mapping, Sequence
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import Role, User
from nmo.accounts.selectors import staff_emails_for
from nmo.appeals.access import (
    can_manage,
    require_notice_poster,
    require_presiding_or_secretary,
)
from nmo.appeals.exceptions import (
    AppealNotAllowed,
    DecisionRefused,
    HearingInvalid,
)
from nmo.appeals.models import Appeal, AppealAttendance, AppealVote
from nmo.appeals.selectors import (
    decision_pending,
    protocol_of,
    rules_of_appeal,
    seats_of,
    voting_seats,
)
from nmo.appeals.services._common import cite, email_learner
from nmo.appeals.services.protocols import draw_up_protocol
from nmo.appeals.services.sign_requests import ask_to_sign_protocol
from nmo.appeals.types import AppealResolution, AppealStatus, AppellantAttendance
from nmo.attestation import services as attestation_services
from nmo.core.links import absolute_url
from nmo.core.russian import number_with
from nmo.core.services import record_audit, send_email_after_commit
from nmo.regulations import rules as regulation_rules
from nmo.regulations.types import AppealOutcome, CommissionRole, DecisionOutcome, Grade, VoteChoice
from nmo.workcalendar import selectors as calendar

REASON_MIN = 10
TEXT_MAX = 5000
PLACE_MAX = 300
TRACKING_MAX = 40

RESOLUTION_OUTCOME = {
    AppealResolution.REJECTED: AppealOutcome.REJECT,
    AppealResolution.NEW_RESULT: AppealOutcome.SATISFY_WITH_RESULT,
    AppealResolution.RETAKE: AppealOutcome.SATISFY_WITH_RETAKE,
}


def _locked(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related(
            "organisation",
            "learner",
            "commission",
            "regulation_version__regulation",
            "learner_result__attestation__cohort__programme",
            "learner_result__attestation__commission__specialty",
        )
        .get(pk=appeal.pk)
    )


@transaction.atomic
def schedule_hearing(
    *, actor: User, appeal: Appeal, hearing_on: date, place: str, late_reason: str = ""
) -> Appeal:
    """Set the day and place of the hearing and invite the appellant (npc-5.12).

    The day is not before the filing and no later than the hearing's last day: 5 days of
    filing at НПЦ (npc-5.11), 10 at РостГМУ (rgmu-5.11), calendar days as both seeds count
    them (ADR 0401). A later day is accepted only with the written reason why, and is
    flagged on the register. The commission must be assigned; a standing one must be in
    office on that day (npc-5.3), one formed per appeal approved by then (rgmu-5.3). Staff
    of the organisation only. Audited as "appeal.schedule"; the learner is e-mailed the
    invitation after commit."""
    appeal = _locked(appeal)
    require_staff_of(actor, appeal.organisation)
    if appeal.status not in (AppealStatus.FILED, AppealStatus.SCHEDULED):
        raise AppealNotAllowed(f"Заседание уже проведено: {appeal.status_label}.")
    version = appeal.regulation_version
    reg = rules_of_appeal(appeal)
    errors: dict[str, list[str]] = {}
    commission = appeal.commission
    if commission is None:
        errors["commission"] = ["Сначала назначьте апелляционную комиссию."]
    place = " ".join(place.split())
    if not place or len(place) > PLACE_MAX:
        errors["place"] = [f"Укажите место заседания (не более {PLACE_MAX} символов)."]
    late_reason = late_reason.strip()
    if hearing_on < appeal.filed_on:
        errors["hearing_on"] = [
            f"Заседание — не раньше подачи апелляции ({appeal.filed_on:%d.%m.%Y})."
        ]
    elif hearing_on > appeal.hearing_due_on and len(late_reason) < REASON_MIN:
        days = number_with(reg.appeal.hearing_within_days, "день", "gent")
        errors["hearing_on"] = [
            f"Апелляция рассматривается в течение {days} со дня её подачи"
            f"{cite(version, 'appeal.hearing_within_days')}: последний день — "
            f"{appeal.hearing_due_on:%d.%m.%Y}. Назначить заседание позже можно, только "
            "указав причину."
        ]
    if commission is not None and "hearing_on" not in errors:
        if commission.order_date > hearing_on:
            errors["hearing_on"] = [
                f"Комиссия утверждена приказом от {commission.order_date:%d.%m.%Y}: "
                "заседание — не раньше."
            ]
        elif commission.valid_to is not None and hearing_on > commission.valid_to:
            errors["commission"] = [
                f"Срок полномочий комиссии истёк {commission.valid_to:%d.%m.%Y}"
                f"{cite(version, 'appeal.commission_term_months')}: назначьте действующую "
                "комиссию."
            ]
    if errors:
        raise HearingInvalid(errors=errors)
    before = {"hearing_on": appeal.hearing_on, "place": appeal.hearing_place}
    appeal.hearing_on = hearing_on
    appeal.hearing_place = place
    appeal.late_hearing_reason = late_reason if hearing_on > appeal.hearing_due_on else ""
    appeal.status = AppealStatus.SCHEDULED
    appeal.save(
        update_fields=[
            "hearing_on", "hearing_place", "late_hearing_reason", "status", "updated_at"
        ]
    )  # fmt: skip
    record_audit(
        actor=actor,
        action="appeal.schedule",
        target=appeal,
        changes={
            "before": before,
            "after": {"hearing_on": hearing_on, "place": place},
            "hearing_due_on": appeal.hearing_due_on,
            "late_reason": appeal.late_hearing_reason,
        },
    )
    email_learner(
        appeal,
        "Заседание апелляционной комиссии",
        f"Ваша апелляция от {appeal.filed_on:%d.%m.%Y} будет рассмотрена "
        f"{hearing_on:%d.%m.%Y}, место: {place}.\n"
        "Вы или ваше доверенное лицо вправе присутствовать при рассмотрении апелляции"
        f"{cite(version, 'appeal.filed_by')}.\n"
        f"{absolute_url(reverse('appeals:appeal_detail', args=[appeal.pk]))}",
    )
    return appeal


def _presiding(reg_deputy_acts: bool, present: Sequence[object]) -> object | None:
    chair = next((s for s in present if s.role == CommissionRole.CHAIR), None)  # type: ignore[attr-defined]
    if chair is not None:
        return chair
    if reg_deputy_acts:
        return next((s for s in present if s.role == CommissionRole.DEPUTY_CHAIR), None)  # type: ignore[attr-defined]
    return None


@transaction.atomic
def record_hearing(
    *,
    actor: User,
    appeal: Appeal,
    present_seat_ids: Sequence[int],
    appellant_attendance: str,
    discussion: str,
) -> Appeal:
    """Record the hearing held: who of the commission attended (the chair presides, the
    deputy chair in the chair's absence, npc-5.7), whether the appellant or the proxy came
    (npc-5.12) and the course of the discussion (npc-app3). The hearing day must have come.
    The decision is taken separately (`decide_appeal`). Recorded by the study department,
    the commission's secretary (npc-5.9) or the person presiding by this attendance — the
    chair, or the deputy chair in the chair's absence (npc-5.7); another member gets
    PermissionDenied. Audited as "appeal.attendance"."""
    appeal = _locked(appeal)
    seats = seats_of(appeal.commission)
    present = [s for s in seats if s.pk in set(present_seat_ids)]
    presiding = _presiding(rules_of_appeal(appeal).appeal.deputy_acts_for_chair, present)
    require_presiding_or_secretary(actor, appeal, presiding.pk if presiding else None)  # type: ignore[attr-defined]
    if appeal.status not in (AppealStatus.SCHEDULED, AppealStatus.HEARD):
        if appeal.status == AppealStatus.DECIDED:
            raise AppealNotAllowed("Решение по апелляции уже принято.", code="appeal_decided")
        raise AppealNotAllowed("Сначала назначьте заседание.")
    if appeal.hearing_on is None:
        raise AppealNotAllowed("Заседание апелляционной комиссии не назначено.")
    errors: dict[str, list[str]] = {}
    if appeal.hearing_on > timezone.localdate():
        errors["hearing_on"] = [f"Заседание назначено на {appeal.hearing_on:%d.%m.%Y}."]
    if appellant_attendance not in AppellantAttendance.values:
        errors["appellant_attendance"] = ["Отметьте, присутствовал ли заявитель."]
    discussion = discussion.strip()
    if not discussion or len(discussion) > TEXT_MAX:
        errors["discussion"] = [f"Изложите ход обсуждения (до {TEXT_MAX} символов)."]
    ids = {s.pk for s in seats}
    if not set(present_seat_ids) <= ids:
        errors["present"] = ["Отметьте членов этой комиссии."]
    if errors:
        raise HearingInvalid(errors=errors)
    AppealAttendance.objects.filter(appeal=appeal).delete()
    AppealAttendance.objects.bulk_create(
        AppealAttendance(appeal=appeal, seat=s, present=s.pk in set(present_seat_ids))
        for s in seats
    )
    AppealVote.objects.filter(appeal=appeal).delete()
    appeal.presiding_seat = presiding  # type: ignore[assignment]
    appeal.appellant_attendance = appellant_attendance
    appeal.discussion = discussion
    appeal.status = AppealStatus.HEARD
    appeal.save(
        update_fields=[
            "presiding_seat", "appellant_attendance", "discussion", "status", "updated_at"
        ]
    )  # fmt: skip
    record_audit(
        actor=actor,
        action="appeal.attendance",
        target=appeal,
        changes={
            "present": sorted(set(present_seat_ids)),
            "presiding": presiding.pk if presiding else None,  # type: ignore[attr-defined]
            "appellant_attendance": appellant_attendance,
        },
    )
    return appeal


def _quorum_reason(appeal: Appeal, listed: int, present: int, chair_present: bool) -> str:
    reg = rules_of_appeal(appeal)
    version = appeal.regulation_version
    clause = cite(version, "appeal.quorum_kind")
    if reg.appeal.quorum_min_members is not None:
        need = f"не менее {number_with(reg.appeal.quorum_min_members, 'член', 'gent')}"
        if reg.appeal.quorum_requires_chair:
            need += ", включая председателя"
    else:
        need = f"не менее {reg.appeal.quorum_share_percent}% членов"
    chair = "" if chair_present or not reg.appeal.quorum_requires_chair else ", председателя нет"
    return (
        f"Комиссия неправомочна принимать решение: присутствуют {present} из {listed} "
        f"членов{chair}; требуется {need}{clause}."
    )


def _resolution_errors(
    appeal: Appeal, resolution: AppealResolution, new_grade: Grade | None, retake_on: date | None
) -> dict[str, list[str]]:
    reg = rules_of_appeal(appeal)
    version = appeal.regulation_version
    errors: dict[str, list[str]] = {}
    if RESOLUTION_OUTCOME[resolution] not in reg.appeal.outcomes:
        errors["outcome"] = [f"Положение не предусматривает решение «{resolution.label}»."]
    result = appeal.learner_result
    if resolution == AppealResolution.NEW_RESULT:
        allowed = reg.appeal.result_grades
        if new_grade is None or new_grade not in allowed:
            names = ", ".join(g.label for g in allowed)
            errors["new_grade"] = [
                f"Апелляцию удовлетворяют с результатом: {names}"
                f"{cite(version, 'appeal.result_grades')}."
            ]
        elif new_grade.value == result.final_grade:
            errors["new_grade"] = [
                "Оценка совпадает с прежней: отклоните апелляцию с сохранением результата."
            ]
    if resolution == AppealResolution.RETAKE:
        if appeal.hearing_on is None:
            raise AppealNotAllowed("Заседание апелляционной комиссии не назначено.")
        latest = regulation_rules.retake_latest_date(reg, appeal.hearing_on)
        if result.attestation.attempt > 1:
            errors["outcome"] = [
                "Апелляция подана на результат повторной итоговой аттестации: назначение "
                "ещё одного прохождения система не поддерживает — удовлетворите апелляцию "
                "с новым результатом или отклоните её."
            ]
        elif retake_on is None:
            errors["retake_on"] = ["Укажите дату повторного прохождения итоговой аттестации."]
        elif not appeal.hearing_on < retake_on <= latest:
            errors["retake_on"] = [
                f"Повторное прохождение — после заседания и не позднее {latest:%d.%m.%Y}"
                f"{cite(version, 'retake.latest_months')}."
            ]
    return errors


@transaction.atomic
def decide_appeal(
    *,
    actor: User,
    appeal: Appeal,
    resolution: str,
    votes: Mapping[int, str],
    new_grade: str = "",
    retake_on: date | None = None,
) -> Appeal:
    """Take the appeal commission's decision by open vote and apply it.

    The commission must have a quorum: at НПЦ at least 3 members present including the
    chair, or the deputy chair acting for the chair (npc-5.14, npc-5.7); at РостГМУ at least
    50 % of its members (rgmu-5.14). Each member present votes on the proposed decision;
    it is taken by a majority of the listed composition (not of those present), and on a
    tie the presiding chair's vote decides (npc-5.15, rgmu-5.15). Without the quorum or
    the majority DecisionRefused (409) gives the reason and nothing changes.

    Adopted: reject and keep the result; satisfy with a new result (зачтено at НПЦ,
    npc-app3; отлично, хорошо, удовлетворительно, зачтено at РостГМУ, rgmu-app4), which
    replaces the old one everywhere (`change_result_on_appeal`) with the documents
    following it; or satisfy with a retake, which annuls the decision and admits the
    learner to it on `retake_on` (no later than the regulation's retake months after the
    hearing). The protocol is drawn up, numbered for the organisation and year, for
    everyone present to sign (npc-5.16), each of whom gets one letter listing the protocols
    awaiting their signature (ADR 0115). The notice is due the day after the hearing, or
    the first working day after it (npc-5.18, rgmu-5.18). Recorded by the study
    department, the commission's secretary (npc-5.9) or the person presiding at the
    hearing recorded (the chair, or the deputy chair in the chair's absence, npc-5.7);
    another member gets PermissionDenied. Recorded by the chair or the secretary, the
    change of the result and the documents waits for the study department
    (`apply_appeal_decision`, ADR 0402). Audited as "appeal.vote" and "appeal.decide";
    the learner is e-mailed after commit."""
    appeal = _locked(appeal)
    require_presiding_or_secretary(actor, appeal, appeal.presiding_seat_id)
    if appeal.status == AppealStatus.DECIDED:
        raise AppealNotAllowed("Решение по апелляции уже принято.", code="appeal_decided")
    if appeal.status != AppealStatus.HEARD:
        raise AppealNotAllowed("Сначала отметьте, кто присутствует на заседании.")
    if appeal.hearing_on is None:
        raise AppealNotAllowed("Заседание апелляционной комиссии не назначено.")
    try:
        chosen = AppealResolution(resolution)
    except ValueError:
        raise HearingInvalid(errors={"outcome": ["Выберите решение."]}) from None
    grade = Grade(new_grade) if new_grade in Grade.values else None
    errors = _resolution_errors(appeal, chosen, grade, retake_on)
    reg = rules_of_appeal(appeal)
    version = appeal.regulation_version
    listed = voting_seats(appeal.commission)
    present_ids = set(
        AppealAttendance.objects.filter(appeal=appeal, present=True).values_list(
            "seat_id", flat=True
        )
    )
    present = [s for s in listed if s.pk in present_ids]
    presiding = appeal.presiding_seat
    chair_present = presiding is not None
    if not regulation_rules.appeal_quorum_met(reg, len(listed), len(present), chair_present):
        raise DecisionRefused(
            _quorum_reason(appeal, len(listed), len(present), chair_present),
            code="appeal_no_quorum",
        )
    vote_errors = []
    for seat in present:
        if votes.get(seat.pk) not in VoteChoice.values:
            vote_errors.append(f"Нет голоса: {seat.person.full_name}.")
    if any(seat_id not in {s.pk for s in present} for seat_id in votes):
        vote_errors.append("Голосуют только присутствующие члены комиссии (секретарь не голосует).")
    if vote_errors:
        errors["votes"] = vote_errors
    if errors:
        raise HearingInvalid(errors=errors)
    choices = [votes[s.pk] for s in present]
    votes_for = choices.count(VoteChoice.FOR)
    votes_against = choices.count(VoteChoice.AGAINST)
    chair_vote = VoteChoice(votes[presiding.pk]) if presiding and presiding.pk in votes else None
    decision = regulation_rules.appeal_decision(
        reg, len(listed), votes_for, votes_against, chair_vote
    )
    AppealVote.objects.filter(appeal=appeal).delete()
    AppealVote.objects.bulk_create(
        AppealVote(appeal=appeal, seat=s, choice=votes[s.pk]) for s in present
    )
    record_audit(
        actor=actor,
        action="appeal.vote",
        target=appeal,
        changes={
            "proposal": chosen.value,
            "new_grade": grade.value if grade else None,
            "for": votes_for,
            "against": votes_against,
            "listed": len(listed),
            "result": decision.outcome.value,
        },
    )
    if decision.outcome != DecisionOutcome.ADOPTED:
        raise DecisionRefused(
            f"{decision.reason} Решение принимается большинством голосов от списочного состава "
            f"комиссии{cite(version, 'appeal.majority_basis')}.",
            code="appeal_no_majority",
        )
    result = appeal.learner_result
    appeal.proposal = chosen.value
    appeal.proposed_grade = grade.value if grade else ""
    appeal.outcome = chosen.value
    appeal.previous_grade = result.final_grade
    appeal.new_grade = grade.value if chosen == AppealResolution.NEW_RESULT and grade else ""
    appeal.retake_on = retake_on if chosen == AppealResolution.RETAKE else None
    appeal.decision_note = decision.reason
    appeal.decided_at = timezone.now()
    appeal.notice_due_on = regulation_rules.appeal_notice_deadline(reg, appeal.hearing_on, calendar)
    appeal.status = AppealStatus.DECIDED
    appeal.save(
        update_fields=[
            "proposal", "proposed_grade", "outcome", "previous_grade", "new_grade", "retake_on",
            "decision_note", "decided_at", "notice_due_on", "status", "updated_at",
        ]
    )  # fmt: skip
    protocol = draw_up_protocol(actor=actor, appeal=appeal)
    ask_to_sign_protocol(protocol)
    reason = _decision_reason(appeal, protocol.number)
    # The study department applies the decision to the result and the documents at once;
    # recorded by the commission's chair or secretary, it waits for the study department
    # (`apply_appeal_decision`, ADR 0402), as the attestation commission's decision does.
    apply_now = can_manage(actor, appeal)
    if apply_now:
        _apply_effects(actor=actor, appeal=appeal, reason=reason)
    record_audit(
        actor=actor,
        action="appeal.decide",
        target=appeal,
        changes={
            "before": None,
            "after": chosen.value,
            "new_grade": appeal.new_grade or None,
            "retake_on": appeal.retake_on,
            "notice_due_on": appeal.notice_due_on,
            "protocol": protocol.number,
            "applied": apply_now,
        },
    )
    link = absolute_url(reverse("appeals:appeal_detail", args=[appeal.pk]))
    pending = not apply_now and decision_pending(appeal)
    if pending:
        _email_study_department(appeal, protocol.number, link)
    email_learner(
        appeal,
        "Решение апелляционной комиссии",
        f"Апелляционная комиссия рассмотрела вашу апелляцию {appeal.hearing_on:%d.%m.%Y} и "
        f"приняла решение: {chosen.label}.\n{_effect_for_learner(appeal, pending=pending)}"
        f"Уведомление будет направлено почтой не позднее {appeal.notice_due_on:%d.%m.%Y}. "
        f"Решение апелляционной комиссии является окончательным"
        f"{cite(version, 'appeal.decision_final')}.\n"
        f"{link}",
    )
    return appeal


def _effect_for_learner(appeal: Appeal, *, pending: bool) -> str:
    """The decision's effect on the result as the learner's letter states it: in force
    when the study department recorded the decision, still to be made by it when the
    commission's chair or secretary did (ADR 0402)."""
    if appeal.new_grade:
        grade = Grade(appeal.new_grade).label
        if pending:
            return (
                f"Комиссия установила оценку «{grade}»: результат будет изменён учебным "
                "отделом, о чём вам придёт отдельное письмо.\n"
            )
        return f"Новая итоговая оценка: {grade}.\n"
    if appeal.retake_on:
        day = f"{appeal.retake_on:%d.%m.%Y}"
        if pending:
            return (
                f"Комиссия назначила повторное прохождение итоговой аттестации на {day}: "
                "результат будет изменён учебным отделом (прежний результат аннулируется, вы "
                "будете допущены к повторному прохождению), о чём вам придёт отдельное письмо.\n"
            )
        return f"Повторное прохождение итоговой аттестации назначено на {day}.\n"
    return ""


def _email_study_department(appeal: Appeal, protocol_number: int, link: str) -> None:
    """Tell the organisation's study department, once, that a decision recorded by the
    commission's chair or secretary waits to be applied to the result (ADR 0402)."""
    recipients = [e for e in staff_emails_for(appeal.organisation, Role.ORGANISATION_STAFF) if e]
    if not recipients:
        return
    send_email_after_commit(
        to=recipients,
        subject="Решение апелляционной комиссии не применено к результату",
        body=(
            f"{_decision_reason(appeal, protocol_number)}\n"
            f"Заявитель: {appeal.learner.full_name}.\n"
            "Решение не применено к результату итоговой аттестации: примените его на "
            "странице апелляции («Применить решение к результату»).\n"
            f"{link}"
        ),
    )


def _decision_reason(appeal: Appeal, protocol_number: int) -> str:
    chosen = AppealResolution(appeal.outcome)
    grade = f" «{Grade(appeal.new_grade).label}»" if appeal.new_grade else ""
    return (
        f"Решение апелляционной комиссии (протокол № {protocol_number} от "
        f"{appeal.hearing_on:%d.%m.%Y}): {chosen.label}{grade}."
    )


def _apply_effects(*, actor: User, appeal: Appeal, reason: str) -> None:
    """The decided outcome's effect on the result and the documents: a new result
    replaces the old one with the documents following it; a retake annuls the result and
    puts the learner on the retake list for the decided day, no later than the
    regulation's limit counted from the hearing (ADR 0403); a rejection changes nothing."""
    result = appeal.learner_result
    assert appeal.hearing_on is not None  # noqa: S101 - decided appeals were heard
    if appeal.outcome == AppealResolution.NEW_RESULT:
        attestation_services.change_result_on_appeal(
            actor=actor, learner_result=result, grade=Grade(appeal.new_grade), reason=reason
        )
        attestation_services.follow_appeal_with_documents(
            actor=actor, learner_result=result, reason=reason
        )
    elif appeal.outcome == AppealResolution.RETAKE:
        attestation_services.change_result_on_appeal(
            actor=actor, learner_result=result, grade=None, reason=reason
        )
        attestation_services.follow_appeal_with_documents(
            actor=actor,
            learner_result=result,
            reason=reason,
            retake_on=appeal.retake_on,
            retake_by=regulation_rules.retake_latest_date(
                rules_of_appeal(appeal), appeal.hearing_on
            ),
        )


@transaction.atomic
def apply_appeal_decision(*, actor: User, appeal: Appeal) -> Appeal:
    """Apply to the result and the documents a decision the commission's chair or
    secretary recorded (ADR 0402): a new result replaces the old one everywhere with the
    documents following it, a retake annuls the decision and admits the learner to it on
    the decided day — what `decide_appeal` does at once when the study department records
    the decision (npc-5.16, npc-5.17, rgmu-app4). Staff of the organisation only; a
    decision already applied, or one that changes nothing (rejected), is refused.
    Audited as "appeal.apply"."""
    appeal = _locked(appeal)
    require_staff_of(actor, appeal.organisation)
    if not decision_pending(appeal):
        raise AppealNotAllowed(
            "Решение апелляционной комиссии уже применено к результату или не меняет его.",
            code="appeal_applied",
        )
    protocol = protocol_of(appeal)
    if protocol is None or appeal.hearing_on is None:
        raise AppealNotAllowed("Протокол апелляционной комиссии не составлен.")
    if appeal.outcome == AppealResolution.RETAKE:
        _check_retake_still_possible(appeal)
    _apply_effects(actor=actor, appeal=appeal, reason=_decision_reason(appeal, protocol.number))
    record_audit(
        actor=actor,
        action="appeal.apply",
        target=appeal,
        changes={
            "outcome": appeal.outcome,
            "new_grade": appeal.new_grade or None,
            "retake_on": appeal.retake_on,
            "protocol": protocol.number,
        },
    )
    if appeal.new_grade:
        effect = f"Новая итоговая оценка «{Grade(appeal.new_grade).label}» действует."
    else:
        effect = (
            "Прежний результат аннулирован; вы допущены к повторному прохождению итоговой "
            f"аттестации {appeal.retake_on:%d.%m.%Y}."
        )
    email_learner(
        appeal,
        "Решение апелляционной комиссии внесено в результат",
        f"Учебный отдел внёс в результат итоговой аттестации решение апелляционной комиссии "
        f"(протокол № {protocol.number} от {appeal.hearing_on:%d.%m.%Y}). {effect}\n"
        f"{absolute_url(reverse('appeals:appeal_detail', args=[appeal.pk]))}",
    )
    return appeal


def _check_retake_still_possible(appeal: Appeal) -> None:
    """A retake decision applied after the fact: its day must not have passed and must lie
    within the regulation's limit counted from the hearing. The day is the commission's
    (it is in the signed protocol), so the study department cannot change it: the
    commission must take its decision again (ADR 0402)."""
    assert appeal.hearing_on is not None  # noqa: S101 - decided appeals were heard
    retake_on = appeal.retake_on
    if retake_on is None:
        raise AppealNotAllowed(
            "В решении комиссии не указан день повторного прохождения итоговой аттестации.",
            code="appeal_retake_day_missing",
        )
    again = (
        " День повторного прохождения назначает апелляционная комиссия, и в подписанном "
        "протоколе его не изменить: решение не применено. Сообщите председателю "
        "апелляционной комиссии — комиссия должна принять решение заново, с новым днём."
    )
    today = timezone.localdate()
    if retake_on < today:
        raise AppealNotAllowed(
            f"День повторного прохождения итоговой аттестации, назначенный комиссией "
            f"({retake_on:%d.%m.%Y}), уже прошёл.{again}",
            code="appeal_retake_day_passed",
        )
    version = appeal.regulation_version
    latest = regulation_rules.retake_latest_date(rules_of_appeal(appeal), appeal.hearing_on)
    if retake_on > latest:
        raise AppealNotAllowed(
            f"Повторное прохождение итоговой аттестации — не позднее {latest:%d.%m.%Y}"
            f"{cite(version, 'retake.latest_months')}: день {retake_on:%d.%m.%Y} за этим "
            f"пределом.{again}",
            code="appeal_retake_limit",
        )


@transaction.atomic
def record_notice_posted(
    *, actor: User, appeal: Appeal, posted_on: date, tracking: str = ""
) -> Appeal:
    """Record the day the notice letter was posted (npc-5.18, rgmu-5.18): not before the
    hearing, not in the future. A posting after the notice's last day is kept and flagged
    late on the register. Recorded by the study department or the commission's secretary,
    who informs the appellant (npc-5.9); another member gets PermissionDenied.
    Audited as "appeal.notice.post"."""
    appeal = _locked(appeal)
    require_notice_poster(actor, appeal)
    if appeal.status != AppealStatus.DECIDED or appeal.hearing_on is None:
        raise AppealNotAllowed("Уведомление направляется после решения комиссии.")
    if appeal.notice_posted_on is not None:
        raise AppealNotAllowed(
            f"Отправка уже отмечена: {appeal.notice_posted_on:%d.%m.%Y}.", code="notice_posted"
        )
    errors: dict[str, list[str]] = {}
    if posted_on < appeal.hearing_on:
        errors["posted_on"] = [f"Не раньше заседания ({appeal.hearing_on:%d.%m.%Y})."]
    elif posted_on > timezone.localdate():
        errors["posted_on"] = ["Дата отправки не может быть в будущем."]
    tracking = " ".join(tracking.split())
    if len(tracking) > TRACKING_MAX:
        errors["tracking"] = [f"Не более {TRACKING_MAX} символов."]
    if errors:
        raise HearingInvalid(errors=errors)
    appeal.notice_posted_on = posted_on
    appeal.notice_tracking = tracking
    appeal.save(update_fields=["notice_posted_on", "notice_tracking", "updated_at"])
    if appeal.notice_due_on is None:
        raise AppealNotAllowed("Заседание апелляционной комиссии не назначено.")
    record_audit(
        actor=actor,
        action="appeal.notice.post",
        target=appeal,
        changes={
            "notice_posted_on": posted_on,
            "notice_due_on": appeal.notice_due_on,
            "late": posted_on > appeal.notice_due_on,
            "tracking": tracking,
        },
    )
    return appeal
