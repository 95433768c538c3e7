"""The rules of a regulation applied to dates, percentages, seats and votes.

Pure functions: no ORM, no I/O. Each takes the organisation's `RegulationRules` (never a
literal 5 or 10) and, for a deadline in working days, a `WorkingDayCalendar`: in production
pass the module `nmo.workcalendar.selectors`, in tests any object with its four functions.

Counting conventions (the same as `nmo.workcalendar.rules`):

- "within N working days of D" ends on the N-th working day after D
  (`cal.add_working_days(D, N)`); D itself is not counted.
- "no later than N working days before D" is the N-th working day before D.
- "within N days" with plain "дней" counts calendar days from the day after D
  (Civil Code art. 191), so it ends on D + N.
- "N months from D" ends on the same day of the month N months later, or on the last day
  of that month when it has no such day (Civil Code art. 192; `dateutil.relativedelta`):
  30 Nov + 3 months = 28 Feb (29 Feb in a leap year). See ADR 0103.

Invalid input that only a programming error can produce (a negative count, more votes than
members) raises ValueError; a breach of the regulation is answered with a result or a list
of Russian messages.
"""

import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from nmo.regulations.schema import AccessibilityRules, NoticeTiming, RegulationRules
from nmo.regulations.types import (
    Anchor,
    AppealCommissionKind,
    CastingVote,
    CommissionRole,
    CommissionSeat,
    DayCount,
    DecisionOutcome,
    DecisionResult,
    Direction,
    Grade,
    GradeScale,
    MajorityBasis,
    PercentBands,
    Post,
    PresenceRule,
    QuorumKind,
    VoteChoice,
    VoteTally,
    WorkingDayCalendar,
)

Percent = Decimal | float


def add_months(d: date, months: int) -> date:
    """Return the date `months` months after d, clamped to the end of a shorter month."""
    result: date = d + relativedelta(months=months)
    return result


# --- retakes (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10) ------------------------------------


def retake_application_deadline(
    rules: RegulationRules, attestation_date: date, cal: WorkingDayCalendar
) -> date:
    """Return the last day to apply for a retake: the N-th working day after the attestation
    date, N from the regulation (10 at НПЦ, npc-2.9; 5 at РостГМУ, rgmu-2.9)."""
    return cal.add_working_days(attestation_date, rules.retake.application_working_days)


def retake_latest_date(rules: RegulationRules, attestation_date: date) -> date:
    """Return the last day on which the retake may be held: attestation date plus the
    regulation's months (3 in both seeds, npc-2.9, rgmu-2.9), clamped to the month's end.

    The date is not moved off a weekend or holiday: it bounds the date the organisation
    sets, it is not the learner's deadline (ADR 0103).
    """
    return add_months(attestation_date, rules.retake.latest_months)


def valid_reason_application_deadline(
    rules: RegulationRules, document_presented_on: date, cal: WorkingDayCalendar
) -> date:
    """Return the last day to apply for the attestation after a valid reason: the N-th
    working day after the supporting document was presented (10 at НПЦ, npc-2.10; 5 at
    РостГМУ, rgmu-2.10)."""
    return cal.add_working_days(document_presented_on, rules.valid_reason.application_working_days)


def valid_reason_document_deadline(
    rules: RegulationRules, reason_ended_on: date, cal: WorkingDayCalendar
) -> date | None:
    """Return the last day to present the supporting document: the N-th working day after
    the valid reason ended (3 at РостГМУ, rgmu-2.10); None where the regulation sets no
    such deadline (НПЦ). A later document goes to `valid_reason.late_documents_to`."""
    days = rules.valid_reason.document_deadline_working_days
    if days is None:
        return None
    return cal.add_working_days(reason_ended_on, days)


def valid_reason_attestation_latest(rules: RegulationRules, attestation_date: date) -> date | None:
    """Return the last day a learner absent for a valid reason may take the attestation:
    the missed attestation date plus the regulation's months (12 at РостГМУ, rgmu-2.10);
    None where the regulation sets no limit (НПЦ)."""
    months = rules.valid_reason.attestation_within_months
    if months is None:
        return None
    return add_months(attestation_date, months)


# --- notices to learners (npc-2.2, npc-6.2, rgmu-2.2, rgmu-6.3) --------------------------


def _notice_date(
    timing: NoticeTiming,
    cohort_start: date,
    cohort_end: date | None,
    cal: WorkingDayCalendar | None,
) -> date:
    if timing.anchor == Anchor.COHORT_START:
        anchor = cohort_start
    elif cohort_end is None:
        raise ValueError("the notice is counted from the end of training: pass cohort_end")
    else:
        anchor = cohort_end
    if timing.working_days == 0:
        return anchor
    if cal is None:
        raise ValueError("the notice is counted in working days: pass the calendar")
    if timing.direction == Direction.BEFORE:
        return cal.subtract_working_days(anchor, timing.working_days)
    return cal.add_working_days(anchor, timing.working_days)


def videoconference_notice_date(
    rules: RegulationRules,
    cohort_start: date,
    cohort_end: date,
    cal: WorkingDayCalendar,
) -> date:
    """Return the last day to tell learners the technical requirements of a videoconference
    attestation: the 10th working day before the end of training at НПЦ (npc-6.2), the day
    the cohort starts at РостГМУ (rgmu-6.3)."""
    return _notice_date(rules.notices.videoconference, cohort_start, cohort_end, cal)


def first_day_notice_date(
    rules: RegulationRules,
    cohort_start: date,
    cohort_end: date | None = None,
    cal: WorkingDayCalendar | None = None,
) -> date:
    """Return the day the form, conditions and date of the attestation are told to the
    learners: the first day of training in both seeds (npc-2.2, rgmu-2.2). The end date
    and the calendar are needed only for an amended rule that counts from them."""
    return _notice_date(rules.notices.first_day, cohort_start, cohort_end, cal)


# --- appeals (npc-5.*, rgmu-5.*) ---------------------------------------------------------


def appeal_filing_deadline(
    rules: RegulationRules, results_announced_on: date, cal: WorkingDayCalendar
) -> date:
    """Return the last day to file an appeal: the next working day after the results were
    announced (npc-5.10, rgmu-5.10)."""
    return cal.add_working_days(results_announced_on, rules.appeal.filing_working_days)


def appeal_hearing_deadline(
    rules: RegulationRules, filed_on: date, cal: WorkingDayCalendar | None = None
) -> date:
    """Return the last day to hear an appeal: within 5 (НПЦ, npc-5.11) or 10 (РостГМУ,
    rgmu-5.11) days of filing. The seeds say "дней", so both count calendar days, from the
    day after filing, and the end is not moved off a day off; the calendar is needed only
    when an organisation amends the count to working days."""
    days = rules.appeal.hearing_within_days
    if rules.appeal.hearing_day_count == DayCount.CALENDAR:
        return filed_on + timedelta(days=days)
    if cal is None:
        raise ValueError("the hearing deadline is counted in working days: pass the calendar")
    return cal.add_working_days(filed_on, days)


def appeal_notice_deadline(
    rules: RegulationRules, hearing_on: date, cal: WorkingDayCalendar
) -> date:
    """Return the last day to post the decision to the appellant: the day after the hearing,
    or the first working day after it when that day is not a working day (npc-5.18,
    rgmu-5.18)."""
    due = hearing_on + timedelta(days=rules.appeal.notice_days_after_hearing)
    if rules.appeal.notice_moves_to_working_day:
        return cal.first_working_day_on_or_after(due)
    return due


def appeal_commission_deadline(
    rules: RegulationRules, application_received_on: date, cal: WorkingDayCalendar
) -> date | None:
    """Return the last day to approve an appeal commission formed per appeal: the 3rd
    working day after the application arrived (rgmu-5.3); None for a standing commission
    (npc-5.3)."""
    days = rules.appeal.commission_formed_within_working_days
    if rules.appeal.commission_kind != AppealCommissionKind.PER_APPEAL or days is None:
        return None
    return cal.add_working_days(application_received_on, days)


def appeal_commission_term_end(rules: RegulationRules, approved_on: date) -> date | None:
    """Return the day a standing appeal commission's term ends: 1 year from its order,
    on the corresponding date (npc-5.3, Civil Code art. 192); None for a commission formed
    per appeal (rgmu-5.3)."""
    months = rules.appeal.commission_term_months
    if rules.appeal.commission_kind != AppealCommissionKind.STANDING or months is None:
        return None
    return add_months(approved_on, months)


APPEAL_APPOINTEE_PATHS = {
    CommissionRole.CHAIR: "appeal.chair_from",
    CommissionRole.DEPUTY_CHAIR: "appeal.deputy_chair_from",
    CommissionRole.MEMBER: "appeal.members_from",
    CommissionRole.SECRETARY: "appeal.secretary_from",
}
"""The rule that says from which posts each seat of the appeal commission is appointed."""


def appeal_appointees(rules: RegulationRules, role: CommissionRole) -> tuple[Post, ...]:
    """Return the posts from which the seat `role` of the appeal commission is appointed;
    empty when the regulation restricts none (any of the organisation's staff): the chair,
    the deputy chair and the members from the staff of the units at НПЦ (npc-5.5), from
    the scientific and teaching staff of the University at РостГМУ (rgmu-5.5)."""
    appeal = rules.appeal
    return {
        CommissionRole.CHAIR: appeal.chair_from,
        CommissionRole.DEPUTY_CHAIR: appeal.deputy_chair_from,
        CommissionRole.MEMBER: appeal.members_from,
        CommissionRole.SECRETARY: appeal.secretary_from,
    }[role]


def appeal_quorum_met(
    rules: RegulationRules, listed: int, present: int, chair_present: bool
) -> bool:
    """Return whether the appeal commission may decide: at least 3 members including the
    chair at НПЦ (npc-5.14), at least 50% of the members at РостГМУ (rgmu-5.14).

    `listed` and `present` count members (the chair and the deputy chair included, the
    secretary not). `chair_present` is true when the chair, or the deputy chair acting for
    the chair (npc-5.7), is at the hearing.
    """
    if listed < 1 or present < 0 or present > listed:
        raise ValueError("need 1 <= listed and 0 <= present <= listed")
    appeal = rules.appeal
    if appeal.quorum_requires_chair and not chair_present:
        return False
    if appeal.quorum_kind == QuorumKind.MIN_MEMBERS:
        return present >= (appeal.quorum_min_members or 0)
    return present * 100 >= listed * (appeal.quorum_share_percent or 0)


def appeal_decision(
    rules: RegulationRules,
    listed_count: int,
    votes_for: int,
    votes_against: int,
    chair_vote: VoteChoice | None,
    *,
    present_members: int | None = None,
) -> DecisionResult:
    """Decide an open vote of the appeal commission on a proposed decision: a majority of
    the listed composition, the chair's vote deciding a tie (npc-5.15, rgmu-5.15).

    A tie is an equal split of the whole listed composition (3 for, 3 against of 6);
    `chair_vote` is how the person presiding voted (the chair, or the deputy chair acting
    for the chair, npc-5.7). Check `appeal_quorum_met` first. `present_members` is needed
    only if the regulation is amended to count a majority of those present.
    """
    appeal = rules.appeal
    if appeal.majority_basis == MajorityBasis.LISTED_MEMBERS:
        base = listed_count
    elif present_members is None:
        raise ValueError("the majority is of the members present: pass present_members")
    else:
        base = present_members
    tally = VoteTally(votes_for=votes_for, votes_against=votes_against, presiding_vote=chair_vote)
    _check_tally(tally, base)
    return _decide(tally, base, casting_allowed=True, basis=appeal.majority_basis)


# --- grading (npc-3.1, npc-3.5, rgmu-3.1, rgmu-3.6) --------------------------------------


def bands_of(rules: RegulationRules) -> PercentBands:
    """Return the regulation's recommended grading of a test by percentage (npc-3.5,
    rgmu-3.6); a programme may set its own `PercentBands` instead."""
    grading = rules.grading
    return PercentBands(
        pass_threshold_percent=grading.test_pass_threshold_percent,
        excellent_from_percent=grading.test_excellent_from_percent,
        good_from_percent=grading.test_good_from_percent,
        satisfactory_from_percent=grading.test_satisfactory_from_percent,
    )


def grade_of_testing(
    source: RegulationRules | PercentBands,
    percent: Percent,
    scale: GradeScale | None = None,
) -> Grade:
    """Grade a test by its share of correct answers.

    Two-point scale: зачтено from the pass threshold up (70% recommended, npc-3.5,
    rgmu-3.6). Four-point scale: отлично from 90%, хорошо from 80%, удовлетворительно from
    70%, else неудовлетворительно (rgmu-3.6, App. 1 §4.1); a fraction below a band's lower
    bound falls into the band below (79.9% is удовлетворительно). `source` is the regulation
    (its recommended bands and allowed scales) or a programme's own `PercentBands`.
    `scale` may be left out when only one scale applies.
    """
    if not Decimal(0) <= Decimal(str(percent)) <= Decimal(100):
        raise ValueError("percent must be within 0..100")
    if isinstance(source, RegulationRules):
        bands = bands_of(source)
        allowed = source.grading.scales_allowed
    else:
        bands = source
        allowed = (GradeScale.TWO_POINT,) + (
            (GradeScale.FOUR_POINT,) if bands.excellent_from_percent is not None else ()
        )
    if scale is None:
        if len(allowed) != 1:
            raise ValueError("several scales apply: pass the scale")
        scale = allowed[0]
    elif scale not in allowed:
        raise ValueError(f"the scale {scale} is not allowed here")
    value = Decimal(str(percent))
    if scale == GradeScale.TWO_POINT:
        return Grade.PASSED if value >= bands.pass_threshold_percent else Grade.FAILED
    for grade, lower in (
        (Grade.EXCELLENT, bands.excellent_from_percent),
        (Grade.GOOD, bands.good_from_percent),
        (Grade.SATISFACTORY, bands.satisfactory_from_percent),
    ):
        if lower is None:
            raise ValueError("the four-point bands are not set")
        if value >= lower:
            return grade
    return Grade.UNSATISFACTORY


# --- the attestation commission (npc-4.*, rgmu-4.*) --------------------------------------


def _persons(n: int) -> str:
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "человека"
    return "человек"


def commission_composition_errors(
    rules: RegulationRules, members: Sequence[CommissionSeat]
) -> list[str]:
    """Return every breach of the regulation by a commission's composition (empty if none).

    Checks one chair; the deputy chair where required (npc-4.4, not rgmu-4.4); a secretary
    who is not also a member (npc-4.9, rgmu-4.9); nobody in two seats; at least 3 persons
    (npc-4.8, rgmu-4.7) counting the chair, the deputy chair and the members but never the
    secretary (ADR 0102); and, for seats whose `posts` are known, who may be appointed to
    each seat (npc-4.6, npc-4.9, rgmu-4.6, rgmu-4.9).
    """
    commission = rules.commission
    errors: list[str] = []
    by_role: dict[CommissionRole, list[CommissionSeat]] = {role: [] for role in CommissionRole}
    for seat in members:
        by_role[seat.role].append(seat)

    roles_of: dict[int | str, list[CommissionRole]] = {}
    for seat in members:
        roles_of.setdefault(seat.person, []).append(seat.role)
    for person, roles in roles_of.items():
        if len(roles) < 2:
            continue
        if CommissionRole.SECRETARY in roles and not commission.secretary_is_member:
            errors.append(
                f"Секретарь ({person}) не является членом комиссии и не может одновременно "
                "занимать в ней другое место."
            )
        else:
            seats = ", ".join(r.label for r in roles)
            errors.append(f"{person} занимает в комиссии несколько мест: {seats}.")

    chairs = by_role[CommissionRole.CHAIR]
    if not chairs:
        errors.append("Не назначен председатель комиссии.")
    elif len(chairs) > 1:
        errors.append(f"Председатель может быть только один, а назначено: {len(chairs)}.")
    deputies = by_role[CommissionRole.DEPUTY_CHAIR]
    if commission.deputy_chair_required and not deputies:
        errors.append("Не назначен заместитель председателя: положение требует его.")
    elif len(deputies) > 1:
        errors.append(
            f"Заместитель председателя может быть только один, а назначено: {len(deputies)}."
        )
    if not by_role[CommissionRole.SECRETARY]:
        errors.append("Не назначен секретарь комиссии.")

    counted = {CommissionRole.CHAIR, CommissionRole.DEPUTY_CHAIR, CommissionRole.MEMBER}
    if commission.secretary_is_member:
        counted.add(CommissionRole.SECRETARY)
    persons = {seat.person for seat in members if seat.role in counted}
    if len(persons) < commission.min_persons:
        secretary = "входит" if commission.secretary_is_member else "не входит"
        errors.append(
            f"В составе комиссии {len(persons)} {_persons(len(persons))}, а положение требует "
            f"не менее {commission.min_persons} (председатель, заместитель и члены; "
            f"секретарь в это число {secretary})."
        )

    appointee = {
        CommissionRole.CHAIR: commission.chair_appointee,
        CommissionRole.DEPUTY_CHAIR: commission.deputy_chair_appointee,
        CommissionRole.SECRETARY: commission.secretary_from,
        CommissionRole.MEMBER: commission.members_from,
    }
    for seat in members:
        post = appointee[seat.role]
        if seat.posts is None or post is None or post in seat.posts:
            continue
        errors.append(
            f"{seat.role.label.capitalize()} ({seat.person}) назначается из числа: {post.label}."
        )
    return errors


def _check_tally(votes: VoteTally, base: int) -> None:
    counts = (votes.votes_for, votes.votes_against, votes.abstained)
    if base < 0 or min(counts) < 0:
        raise ValueError("counts must not be negative")
    if sum(counts) > base:
        raise ValueError("more votes than members")
    needed = {VoteChoice.FOR: votes.votes_for, VoteChoice.AGAINST: votes.votes_against}
    if votes.presiding_vote in needed and needed[votes.presiding_vote] < 1:
        raise ValueError("the presiding vote is not among the votes counted")


def _decide(
    votes: VoteTally, base: int, *, casting_allowed: bool, basis: MajorityBasis
) -> DecisionResult:
    of = "присутствующих членов" if basis == MajorityBasis.PRESENT_MEMBERS else "членов по списку"
    counts = f"за — {votes.votes_for}, против — {votes.votes_against}"
    if votes.abstained:
        counts += f", воздержались — {votes.abstained}"
    if votes.votes_for * 2 > base:
        return DecisionResult(
            DecisionOutcome.ADOPTED,
            f"Решение принято большинством голосов ({counts}; {base} {of}).",
        )
    if votes.votes_against * 2 > base:
        return DecisionResult(
            DecisionOutcome.REJECTED,
            f"Решение отклонено большинством голосов ({counts}; {base} {of}).",
        )
    # A tie is an equal split of the whole base: as many against as for, nobody abstaining
    # (or, for a majority of the listed members, absent). A split with abstentions is no
    # majority either way, and the casting vote does not turn it into one: otherwise 1 for
    # and 1 against of 4 present would pass, while 2 for and 1 against would not.
    if votes.votes_for == votes.votes_against and votes.votes_for * 2 == base > 0:
        if casting_allowed and votes.presiding_vote == VoteChoice.FOR:
            return DecisionResult(
                DecisionOutcome.ADOPTED,
                f"Голоса разделились поровну ({counts}); решающий голос председательствующего "
                "— «за»: решение принято.",
                casting_vote_used=True,
            )
        if casting_allowed and votes.presiding_vote == VoteChoice.AGAINST:
            return DecisionResult(
                DecisionOutcome.REJECTED,
                f"Голоса разделились поровну ({counts}); решающий голос председательствующего "
                "— «против»: решение отклонено.",
                casting_vote_used=True,
            )
    return DecisionResult(
        DecisionOutcome.NO_MAJORITY,
        f"Решение не принято: ни одна сторона не набрала большинства из {base} {of} ({counts}).",
    )


def decision_outcome(
    rules: RegulationRules,
    votes: VoteTally,
    present_members: int,
    chair_present: bool,
    deputy_present: bool,
    *,
    listed_members: int | None = None,
) -> DecisionResult:
    """Decide a vote of the attestation commission (npc-4.10, rgmu-4.10).

    The commission may decide only with the chair present or, where the regulation allows
    it, the person replacing the chair: the deputy chair at НПЦ (npc-4.10), the member
    designated to replace the chair at РостГМУ (rgmu-4.4). `deputy_present` means "that
    replacement is present". A decision needs a majority of the members present (the
    secretary is not a member, npc-4.9, rgmu-4.9); on a tie — as many against as for and
    nobody abstaining — the person presiding has the casting vote
    (`votes.presiding_vote`). `listed_members` is needed only if the regulation is amended
    to count a majority of the listed composition.
    """
    commission = rules.commission
    if (chair_present or deputy_present) and present_members < 1:
        raise ValueError("the person presiding is a member present")
    if not chair_present:
        replacement = commission.chair_replaced_by.label
        if commission.presence_required == PresenceRule.CHAIR:
            return DecisionResult(
                DecisionOutcome.NOT_COMPETENT,
                "Решение не может быть принято: положение требует присутствия председателя "
                "комиссии.",
            )
        if not deputy_present:
            return DecisionResult(
                DecisionOutcome.NOT_COMPETENT,
                "Решение не может быть принято: на заседании нет ни председателя, ни "
                f"замещающего его лица ({replacement}).",
            )
    _check_tally(votes, present_members)
    base = present_members
    if commission.majority_basis == MajorityBasis.LISTED_MEMBERS:
        if listed_members is None or listed_members < present_members:
            raise ValueError("the majority is of the listed members: pass listed_members")
        base = listed_members
    casting_allowed = chair_present or commission.casting_vote == CastingVote.PRESIDING
    return _decide(votes, base, casting_allowed=casting_allowed, basis=commission.majority_basis)


# --- accessibility (rgmu-7.4, rgmu-7.6) --------------------------------------------------


def special_conditions_application_deadline(
    rules: RegulationRules, attestation_date: date
) -> date | None:
    """Return the last day to apply for special conditions: 3 months before the attestation
    at РостГМУ (rgmu-7.6); None where the regulation sets no deadline (НПЦ)."""
    months = rules.accessibility.application_months_before
    if not rules.accessibility.special_conditions_regulated or months is None:
        return None
    return add_months(attestation_date, -months)


STATUTORY_ACCESSIBILITY = AccessibilityRules(
    special_conditions_regulated=True,
    written_exam_extra_minutes=90,
    oral_preparation_extra_minutes=20,
    application_months_before=None,
    application_addressed_to=None,
    assistant_allowed=True,
    same_room_by_default=True,
    regulations_in_accessible_form=True,
)
"""What applies where an organisation's regulation is silent on disabled learners (the НПЦ
seed has no such chapter; ADR 0305): ФЗ-273 art. 79 still obliges the organisation to
create the special conditions a disabled learner needs, so staff may grant an assistant,
technical means, accessible premises and extra time, within the ceilings of the federal
procedure of state final attestation in higher education (90 minutes for a written exam,
20 for preparing an oral answer; the text РостГМУ's chapter 7 reproduces). No filing
deadline: no act sets one for such an organisation, and none is invented against the
learner."""


def accessibility_in_force(rules: RegulationRules) -> AccessibilityRules:
    """Return the special-conditions rules that apply under `rules`: the regulation's own
    where it regulates them (rgmu-7.2, rgmu-7.4, rgmu-7.6), the statutory ones otherwise
    (`STATUTORY_ACCESSIBILITY`, ADR 0305)."""
    if rules.accessibility.special_conditions_regulated:
        return rules.accessibility
    return STATUTORY_ACCESSIBILITY


# --- clause references in words -------------------------------------------------------------

CLAUSE_OWNERS: dict[str, tuple[str, str]] = {
    # prefix: (genitive "Положения …", dative "Положению …")
    "npc": ("Положения НПЦ ДЗМ", "Положению НПЦ ДЗМ"),
    "rgmu": ("Положения РостГМУ", "Положению РостГМУ"),
}
_CLAUSE_ID = re.compile(
    r"\b(?P<owner>npc|rgmu)-(?P<app>app)?(?P<first>\d+(?:\.\d+)*)"
    r"(?:[–-](?P<last>\d+(?:\.\d+)*))?\b"
)


def clause_text(text: str) -> str:
    """Say the clause ids in `text` as people do: "npc-2.9" → "п. 2.9 Положения НПЦ ДЗМ",
    "rgmu-3.1–3.6" → "пп. 3.1–3.6 Положения РостГМУ", "npc-app1" → "приложение 1 к
    Положению НПЦ ДЗМ". Other text is left as it is. The ids stay internal: they mark the
    clauses in tests and in the clause table, never on a page."""

    def say(match: re.Match[str]) -> str:
        genitive, dative = CLAUSE_OWNERS[match["owner"]]
        if match["app"]:
            return f"приложение {match['first']} к {dative}"
        if match["last"]:
            return f"пп. {match['first']}–{match['last']} {genitive}"
        return f"п. {match['first']} {genitive}"

    return _CLAUSE_ID.sub(say, text)
