"""The commission's sitting: who of the commission attended and who presided, the open
votes, and the decision on each learner (npc-4.9–4.11, rgmu-4.4, rgmu-4.9, rgmu-4.10)."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.models import User
from nmo.attestation import rules
from nmo.attestation.access import check_attestation_actor
from nmo.attestation.exceptions import DecisionRefused, GradesLocked, ResultInvalid, VotesInvalid
from nmo.attestation.models import (
    Attestation,
    AttestationDocument,
    DocumentSignature,
    LearnerResult,
    MemberAttendance,
)
from nmo.attestation.selectors import (
    active_seats,
    list_stages,
    lock_reason,
    present_voting_seats,
    required_record_kinds,
    rules_of_attestation,
    voting_seats,
)
from nmo.attestation.services._common import cite
from nmo.attestation.services.attestations import check_editable, mark_held
from nmo.attestation.services.records import draw_up_records
from nmo.attestation.types import AttestationStatus, Outcome, RecordKind, RecordStatus
from nmo.core.links import absolute_url
from nmo.core.russian import by_sex, number_with
from nmo.core.services import record_audit, send_email_after_commit
from nmo.documents import services as document_services
from nmo.documents.rules import qualification_document_for
from nmo.regulations.rules import decision_outcome
from nmo.regulations.types import (
    ChairReplacement,
    CommissionRole,
    DecisionOutcome,
    Grade,
    PresenceRule,
    VoteChoice,
    VoteTally,
)

MIN_REASON = 10
PRESENCE_RULES = (
    "commission.presence_required",
    "commission.chair_replaced_by",
    "commission.casting_vote",
)


def _locked(attestation: Attestation) -> Attestation:
    return (
        Attestation.objects.select_for_update()
        .select_related("commission", "cohort__programme", "regulation_version__regulation")
        .get(pk=attestation.pk)
    )


@transaction.atomic
def record_member_attendance(
    *,
    actor: User,
    attestation: Attestation,
    present_seat_ids: Sequence[int],
    presiding_seat_id: int | None = None,
) -> Attestation:
    """Record who of the commission attended the sitting and who presides: the chair when
    present; otherwise the deputy chair at НПЦ (npc-4.10) or the member designated to
    replace the chair at РостГМУ (rgmu-4.4), chosen by `presiding_seat_id`. The secretary's
    attendance is recorded but never counts (npc-4.9, rgmu-4.9). Votes recorded before
    are cleared: they were cast by another composition. Audited as
    "attestation.members" with the attendance before and after."""
    attestation = _locked(attestation)
    check_attestation_actor(actor, attestation)
    check_editable(attestation)
    commission_rules = rules_of_attestation(attestation).commission
    seats = {s.pk: s for s in active_seats(attestation.commission)}
    present = set(present_seat_ids)
    unknown = present - set(seats)
    errors: list[str] = []
    if unknown:
        errors.append("Отмечены люди, которые не входят в состав комиссии.")
    chair = next(
        (s for s in seats.values() if s.role == CommissionRole.CHAIR and s.pk in present), None
    )
    presiding = chair
    version = attestation.regulation_version
    if chair is None and commission_rules.presence_required == PresenceRule.CHAIR_OR_REPLACEMENT:
        if commission_rules.chair_replaced_by == ChairReplacement.DEPUTY_CHAIR:
            presiding = next(
                (
                    s
                    for s in seats.values()
                    if s.role == CommissionRole.DEPUTY_CHAIR and s.pk in present
                ),
                None,
            )
            if presiding_seat_id is not None and (
                presiding is None or presiding.pk != presiding_seat_id
            ):
                errors.append(
                    "В отсутствие председателя председательствует его заместитель"
                    f"{cite(version, 'commission.chair_replaced_by')}."
                )
        elif presiding_seat_id is not None:
            seat = seats.get(presiding_seat_id)
            if seat is None or seat.pk not in present or seat.role == CommissionRole.SECRETARY:
                errors.append(
                    "Председательствовать может только присутствующий член комиссии"
                    f"{cite(version, 'commission.chair_replaced_by')}."
                )
            else:
                presiding = seat
    elif presiding_seat_id is not None and (presiding is None or presiding.pk != presiding_seat_id):
        errors.append("Председатель присутствует: заседание ведёт он.")
    if errors:
        raise VotesInvalid(errors={"present_seat_ids": errors})
    before = {
        a.seat_id: a.present for a in MemberAttendance.objects.filter(attestation=attestation)
    }
    for seat in seats.values():
        MemberAttendance.objects.update_or_create(
            attestation=attestation, seat=seat, defaults={"present": seat.pk in present}
        )
    previous_presiding = attestation.presiding_seat_id
    attestation.presiding_seat = presiding
    attestation.attendance_recorded = True
    attestation.save(update_fields=["presiding_seat", "attendance_recorded", "updated_at"])
    cleared = LearnerResult.objects.filter(attestation=attestation, votes_for__isnull=False).update(
        votes_for=None, votes_against=None, abstained=None, presiding_vote=""
    )
    mark_held(attestation)
    record_audit(
        actor=actor,
        action="attestation.members",
        target=attestation,
        changes={
            "before": {
                "present": sorted(k for k, v in before.items() if v),
                "presiding": previous_presiding,
            },
            "after": {"present": sorted(present), "presiding": presiding.pk if presiding else None},
            "votes_cleared": cleared,
        },
    )
    return attestation


def _tally_errors(tally: VoteTally, present: int, has_presiding: bool) -> list[str]:
    counts = (tally.votes_for, tally.votes_against, tally.abstained)
    if min(counts) < 0:
        return ["Число голосов не может быть отрицательным."]
    problems = []
    if sum(counts) != present:
        problems.append(
            f"Голосов «за», «против» и воздержавшихся — {sum(counts)}, а членов комиссии на "
            f"заседании — {present}: голосует каждый присутствующий член комиссии, секретарь "
            "не голосует."
        )
    if tally.presiding_vote is not None:
        if not has_presiding:
            problems.append("Председательствующий не отмечен среди присутствующих.")
        needed = {
            VoteChoice.FOR: tally.votes_for,
            VoteChoice.AGAINST: tally.votes_against,
            VoteChoice.ABSTAIN: tally.abstained,
        }
        if needed[tally.presiding_vote] < 1:
            problems.append(
                f"Председательствующий голосовал «{tally.presiding_vote.label}», но таких "
                "голосов нет."
            )
    return problems


@transaction.atomic
def record_votes(
    *,
    actor: User,
    attestation: Attestation,
    tally: VoteTally,
    learner_results: Sequence[LearnerResult] | None = None,
) -> list[LearnerResult]:
    """Record the open vote on the proposed decision for each learner given, or for every
    learner present ("the same for all", as rgmu-app2 records one tally for the list):
    how many members present voted for, against and abstained, and how the person
    presiding voted (it decides a tie, npc-4.10, rgmu-4.10). The secretary never votes
    (npc-4.9, rgmu-4.9). Audited as "attestation.votes" with the tally before and after."""
    attestation = _locked(attestation)
    check_attestation_actor(actor, attestation)
    check_editable(attestation)
    if not attestation.attendance_recorded:
        raise VotesInvalid("Сначала отметьте, кто из членов комиссии присутствует на заседании.")
    present = len(present_voting_seats(attestation))
    problems = _tally_errors(tally, present, attestation.presiding_seat_id is not None)
    if problems:
        raise VotesInvalid(errors={"votes": problems})
    results = list(
        LearnerResult.objects.filter(attestation=attestation).select_related("enrolment__learner")
    )
    if learner_results is not None:
        wanted = {r.pk for r in learner_results}
        targets = [r for r in results if r.pk in wanted]
        if len(targets) != len(wanted):
            raise VotesInvalid(errors={"learners": ["Слушатель не относится к этой аттестации."]})
        absent = [
            f"{r.enrolment.learner.full_name}: "
            f"{by_sex(r.enrolment.learner, 'не явился', 'не явилась')}"
            for r in targets
            if not r.is_present
        ]
        if absent:
            raise VotesInvalid(
                errors={"learners": [f"{'; '.join(absent)} — решение принимается без голосования."]}
            )
    else:
        targets = [r for r in results if r.is_present]
    vote = tally.presiding_vote.value if tally.presiding_vote else ""
    for result in targets:
        before = {
            "for": result.votes_for,
            "against": result.votes_against,
            "abstained": result.abstained,
            "presiding": result.presiding_vote,
        }
        after = {
            "for": tally.votes_for,
            "against": tally.votes_against,
            "abstained": tally.abstained,
            "presiding": vote,
        }
        if before == after:
            continue
        result.votes_for, result.votes_against = tally.votes_for, tally.votes_against
        result.abstained, result.presiding_vote = tally.abstained, vote
        result.save(
            update_fields=[
                "votes_for",
                "votes_against",
                "abstained",
                "presiding_vote",
                "updated_at",
            ]
        )
        record_audit(
            actor=actor,
            action="attestation.votes",
            target=result,
            changes={"before": before, "after": after},
        )
    mark_held(attestation)
    return targets


def _tally(result: LearnerResult) -> VoteTally:
    return VoteTally(
        votes_for=result.votes_for or 0,
        votes_against=result.votes_against or 0,
        abstained=result.abstained or 0,
        presiding_vote=VoteChoice(result.presiding_vote) if result.presiding_vote else None,
    )


def _notify(result: LearnerResult, attestation: Attestation) -> None:
    learner = result.enrolment.learner
    if not learner.email:
        return
    outcome = result.outcome_label
    grade = f"Итоговая оценка: {Grade(result.final_grade).label}.\n" if result.final_grade else ""
    body = (
        f"Здравствуйте, {learner.first_name} {learner.middle_name}".rstrip()
        + "!\n\n"
        + f"Итоговая аттестационная комиссия приняла решение по итоговой аттестации "
        f"{attestation.held_on:%d.%m.%Y} по программе «{attestation.cohort.programme.title}».\n"
        + grade
        + f"Решение комиссии: {outcome}.\n\n"
        + "Оценки по этапам — в личном кабинете: "
        + absolute_url(reverse("attestation:learner_home"))
        + "\n"
    )
    send_email_after_commit(to=[learner.email], subject="Результаты итоговой аттестации", body=body)


@transaction.atomic
def decide_attestation(*, actor: User, attestation: Attestation) -> Attestation:
    """Take the commission's decision on every learner of the attestation.

    The commission may decide only with the chair present or the person replacing the
    chair — the deputy chair at НПЦ (npc-4.10), the designated member at РостГМУ (rgmu-4.4,
    rgmu-4.10); otherwise DecisionRefused names the clause. Each learner present needs a
    result on every stage and the vote on the proposed decision; the proposal follows the
    final grade (ADR 0104) and must be adopted by a majority of the members present, the
    person presiding deciding a tie (`regulations.rules.decision_outcome`). Learners
    absent get "absent with / without a valid reason". The decision is shown to the
    learners at once (npc-4.11: in their cabinet, and by e-mail after commit) and the
    records of the regulation are drawn up for signing. Audited as "attestation.decide"
    with each learner's outcome before and after."""
    attestation = _locked(attestation)
    check_attestation_actor(actor, attestation)
    if attestation.status == AttestationStatus.DECIDED:
        raise DecisionRefused("Решение по этой аттестации уже принято.", code="already_decided")
    reason = lock_reason(attestation)
    if reason:
        raise GradesLocked(reason)
    if not attestation.attendance_recorded:
        raise DecisionRefused("Сначала отметьте, кто из членов комиссии присутствует на заседании.")
    reg_rules = rules_of_attestation(attestation)
    version = attestation.regulation_version
    present = present_voting_seats(attestation)
    chair_present = any(s.role == CommissionRole.CHAIR for s in present)
    presiding = attestation.presiding_seat
    replacement_present = (
        presiding is not None and presiding.role != CommissionRole.CHAIR and presiding in present
    )
    listed = len(voting_seats(attestation.commission))
    competence = decision_outcome(
        reg_rules,
        VoteTally(0, 0),
        len(present),
        chair_present,
        replacement_present,
        listed_members=listed,
    )
    if competence.outcome == DecisionOutcome.NOT_COMPETENT:
        raise DecisionRefused(
            f"{competence.reason} Так требует положение{cite(version, *PRESENCE_RULES)}.",
            code="commission_not_competent",
        )
    stages = list_stages(attestation)
    results = list(
        LearnerResult.objects.select_for_update()
        .filter(attestation=attestation)
        .select_related("enrolment__learner")
        .order_by("enrolment__learner__last_name", "pk")
    )
    missing: list[str] = []
    for result in results:
        name = result.enrolment.learner.full_name
        if not result.is_present:
            continue
        if not result.final_grade:
            graded = result.stage_results.count()
            missing.append(
                f"{name}: внесены результаты {graded} из "
                f"{number_with(len(stages), 'этап', 'gent')}."
            )
        elif not result.has_votes:
            missing.append(f"{name}: нет результатов голосования.")
    if missing:
        raise ResultInvalid(
            "Решение принять нельзя: " + " ".join(missing), errors={"learners": missing}
        )
    outcomes: dict[int, Outcome] = {}
    casting: set[int] = set()
    refused: list[str] = []
    for result in results:
        if not result.is_present:
            outcomes[result.pk] = rules.outcome_of(result.attendance_choice, None)
            continue
        vote = decision_outcome(
            reg_rules,
            _tally(result),
            len(present),
            chair_present,
            replacement_present,
            listed_members=listed,
        )
        if vote.outcome != DecisionOutcome.ADOPTED:
            refused.append(f"{result.enrolment.learner.full_name}: {vote.reason}")
            continue
        if vote.casting_vote_used:
            casting.add(result.pk)
        outcomes[result.pk] = rules.outcome_of(result.attendance_choice, Grade(result.final_grade))
    if refused:
        raise DecisionRefused(
            "Предложенное решение не принято большинством голосов присутствующих членов "
            f"комиссии{cite(version, 'commission.majority_basis')}. Пересмотрите результаты и "
            "проголосуйте снова. " + " ".join(refused),
            code="decision_not_adopted",
        )
    changes = []
    for result in results:
        outcome = outcomes[result.pk]
        changes.append(
            {
                "learner_result": result.pk,
                "before": result.outcome or None,
                "after": outcome.value,
                "final_grade": result.final_grade or None,
            }
        )
        result.outcome = outcome.value
        result.casting_vote = result.pk in casting
        result.save(update_fields=["outcome", "casting_vote", "updated_at"])
    now = timezone.now()
    attestation.status = AttestationStatus.DECIDED
    attestation.decided_at = now
    attestation.decided_by = actor
    attestation.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    record_audit(
        actor=actor,
        action="attestation.decide",
        target=attestation,
        changes={
            "outcomes": changes,
            "announced_on_attestation_day": timezone.localdate(now) == attestation.held_on,
            "presiding": presiding.pk if presiding else None,
        },
    )
    for result in results:
        _notify(result, attestation)
    _reserve_register_entries(actor, attestation, results, attestation.held_on)
    draw_up_records(actor=actor, attestation=attestation)
    return attestation


def _reserve_register_entries(
    actor: User, attestation: Attestation, results: list[LearnerResult], day: date
) -> None:
    """Before the records are drawn up for signing, take the register entry of each
    learner who passed where a record prints it — the retraining protocol's item 7
    (rgmu-app1) — so that the signed protocol and the diploma issued later carry the same
    series, number and date — the date of the sitting that decided, which the protocol
    prints as its own; make void the entry of a learner who no longer passes (ADR 0110).
    Both happen in the decision's transaction."""
    if RecordKind.RETRAINING_PROTOCOL not in required_record_kinds(attestation):
        return
    kind = qualification_document_for(attestation.cohort.programme.kind)
    for result in results:
        if result.outcome == Outcome.PASSED:
            entry = document_services.reserve_register_entry(
                actor=actor, enrolment=result.enrolment, kind=kind, issued_on=day
            )
            series, number, issued_on = entry.series, entry.number, entry.issued_on
        else:
            document_services.void_register_entry(
                actor=actor,
                enrolment=result.enrolment,
                kind=kind,
                reason=f"Решение комиссии от {day:%d.%m.%Y}: {result.outcome_label}.",
            )
            series, number, issued_on = "", "", None
        if (result.diploma_series, result.diploma_number, result.diploma_issued_on) != (
            series,
            number,
            issued_on,
        ):
            result.diploma_series, result.diploma_number = series, number
            result.diploma_issued_on = issued_on
            result.save(
                update_fields=[
                    "diploma_series",
                    "diploma_number",
                    "diploma_issued_on",
                    "updated_at",
                ]
            )


@transaction.atomic
def reopen_attestation(*, actor: User, attestation: Attestation, reason: str) -> Attestation:
    """Return a decided attestation to the entry of results, with a written reason, while
    no record of it is signed by everybody: the outcomes and votes are cleared and the
    records being signed go back to drafts (their signatures removed). A signed record
    locks the results (GradesLocked): open its correction first (ADR 0105). Audited as
    "attestation.reopen" with the outcomes before."""
    attestation = _locked(attestation)
    check_attestation_actor(actor, attestation)
    if attestation.status != AttestationStatus.DECIDED:
        raise DecisionRefused("Решение по этой аттестации ещё не принято.", code="not_decided")
    frozen = AttestationDocument.objects.filter(
        attestation=attestation, status=RecordStatus.FROZEN, superseded_by__isnull=True
    )
    if frozen.exists():
        raise GradesLocked(lock_reason(attestation))
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ResultInvalid(errors={"reason": ["Опишите причину: не менее 10 символов."]})
    results = list(LearnerResult.objects.filter(attestation=attestation))
    before = {r.pk: r.outcome for r in results}
    LearnerResult.objects.filter(attestation=attestation).update(
        outcome="",
        votes_for=None,
        votes_against=None,
        abstained=None,
        presiding_vote="",
        casting_vote=False,
    )
    open_records = AttestationDocument.objects.filter(
        attestation=attestation, superseded_by__isnull=True
    ).exclude(status=RecordStatus.FROZEN)
    DocumentSignature.objects.filter(document__in=open_records).delete()
    for record in open_records:
        record.status = RecordStatus.DRAFT
        record.save(update_fields=["status", "updated_at"])
    attestation.status = AttestationStatus.HELD
    attestation.decided_at = None
    attestation.decided_by = None
    attestation.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    record_audit(
        actor=actor,
        action="attestation.reopen",
        target=attestation,
        changes={"reason": reason, "before": before, "after": dict.fromkeys(before, "")},
    )
    return attestation
