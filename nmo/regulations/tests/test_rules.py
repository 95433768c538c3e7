"""The pure rules under both presets: every deadline and threshold at N−1, N and N+1.

Dates cross real Russian holidays. The expected dates are worked out by hand from the
official calendars (Постановление Правительства РФ от 04.10.2024 № 1335 for 2025, от
24.09.2025 № 1466 for 2026):

- 2025: 31 Dec (Wed) is a day off; 2026: 1–11 Jan off, 23 Feb, 9 Mar, 1 May (Fri),
  11 May (Mon, for 9 May), 12 Jun, 4 Nov, 31 Dec off; no working Saturdays.
- Working days after Thu 30 Apr 2026: 4 May (1), 5 (2), 6 (3), 7 (4), 8 (5), 12 (6),
  13 (7), 14 (8), 15 (9), 18 (10), 19 (11).
- Working days after Tue 30 Dec 2025: 12 Jan (1), 13 (2), 14 (3), 15 (4), 16 (5), 19 (6),
  20 (7), 21 (8), 22 (9), 23 (10), 26 (11).

Tests marked with the DB use the work calendar seeded from `holidays` (the `cal` fixture);
the hypothesis tests use the same official calendar without the database.
"""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nmo.regulations import rules
from nmo.regulations.presets import NPC_DZM, ROSTGMU
from nmo.regulations.tests.calendars import OFFICIAL
from nmo.regulations.types import (
    CastingVote,
    CommissionRole,
    CommissionSeat,
    DecisionOutcome,
    Grade,
    GradeScale,
    PercentBands,
    Post,
    PresenceRule,
    VoteChoice,
    VoteTally,
)

BOTH = pytest.mark.parametrize("regulation", [NPC_DZM, ROSTGMU], ids=["npc", "rgmu"])
D = date


def in_time(day: date, deadline: date) -> bool:
    return day <= deadline


# --- retake application (npc-2.9: 10, rgmu-2.9: 5 working days) -------------------------


@pytest.mark.django_db
@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize(
    ("regulation", "attestation", "before", "last", "after"),
    [
        (NPC_DZM, D(2026, 4, 30), D(2026, 5, 15), D(2026, 5, 18), D(2026, 5, 19)),
        (NPC_DZM, D(2025, 12, 30), D(2026, 1, 22), D(2026, 1, 23), D(2026, 1, 26)),
        (ROSTGMU, D(2026, 4, 30), D(2026, 5, 7), D(2026, 5, 8), D(2026, 5, 12)),
        (ROSTGMU, D(2025, 12, 30), D(2026, 1, 15), D(2026, 1, 16), D(2026, 1, 19)),
    ],
    ids=["npc-may", "npc-new-year", "rgmu-may", "rgmu-new-year"],
)
def test_retake_application_is_due_on_the_nth_working_day(
    cal, regulation, attestation, before, last, after
):
    """The application is in time on the (N−1)-th and the N-th working day after the
    attestation and late on the (N+1)-th; May and New Year holidays are skipped."""
    deadline = rules.retake_application_deadline(regulation, attestation, cal)
    assert deadline == last
    assert in_time(before, deadline)
    assert in_time(last, deadline)
    assert not in_time(after, deadline)


@pytest.mark.django_db
def test_retake_window_follows_the_regulation_not_a_constant(cal):
    """An organisation that amends the window to 7 working days gets 7 (data, not code)."""
    amended = dataclasses.replace(
        NPC_DZM, retake=dataclasses.replace(NPC_DZM.retake, application_working_days=7)
    )
    assert rules.retake_application_deadline(amended, D(2026, 4, 30), cal) == D(2026, 5, 13)


# --- retake held within 3 months (npc-2.9, rgmu-2.9) --------------------------------------


@BOTH
@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize(
    ("attestation", "latest"),
    [
        (D(2026, 4, 30), D(2026, 7, 30)),
        (D(2025, 11, 30), D(2026, 2, 28)),
        (D(2027, 11, 30), D(2028, 2, 29)),
        (D(2025, 8, 31), D(2025, 11, 30)),
        (D(2025, 12, 30), D(2026, 3, 30)),
    ],
)
def test_retake_is_held_within_3_months(regulation, attestation, latest):
    """The retake may be held up to the same date 3 months later, or the last day of a
    shorter month (30 Nov → 28 Feb, 29 Feb in a leap year); one day later it may not."""
    deadline = rules.retake_latest_date(regulation, attestation)
    assert deadline == latest
    assert in_time(latest - timedelta(days=1), deadline)
    assert in_time(latest, deadline)
    assert not in_time(latest + timedelta(days=1), deadline)


# --- valid reason (npc-2.10, rgmu-2.10) ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.clause("npc-2.10", "rgmu-2.10")
@pytest.mark.parametrize(
    ("regulation", "presented", "before", "last", "after"),
    [
        # Working days after Thu 7 May 2026: 8 (1), 12 (2), 13, 14, 15 (5), 18, 19, 20, 21,
        # 22 (10), 25 (11) — 9–11 May are off.
        (NPC_DZM, D(2026, 5, 7), D(2026, 5, 21), D(2026, 5, 22), D(2026, 5, 25)),
        (ROSTGMU, D(2026, 5, 7), D(2026, 5, 14), D(2026, 5, 15), D(2026, 5, 18)),
        (NPC_DZM, D(2025, 12, 30), D(2026, 1, 22), D(2026, 1, 23), D(2026, 1, 26)),
        (ROSTGMU, D(2025, 12, 30), D(2026, 1, 15), D(2026, 1, 16), D(2026, 1, 19)),
    ],
    ids=["npc-may", "rgmu-may", "npc-new-year", "rgmu-new-year"],
)
def test_valid_reason_application_is_due_on_the_nth_working_day(
    cal, regulation, presented, before, last, after
):
    """Application within 10 (НПЦ) / 5 (РостГМУ) working days of presenting the document."""
    deadline = rules.valid_reason_application_deadline(regulation, presented, cal)
    assert deadline == last
    assert in_time(before, deadline)
    assert not in_time(after, deadline)


@pytest.mark.django_db
@pytest.mark.clause("rgmu-2.10")
def test_rostgmu_document_is_due_3_working_days_after_the_reason_ends(cal):
    """The supporting document: no later than the 3rd working day after the valid reason
    ended (30 Dec 2025 → 14 Jan 2026); a later one goes to the dispute commission."""
    deadline = rules.valid_reason_document_deadline(ROSTGMU, D(2025, 12, 30), cal)
    assert deadline == D(2026, 1, 14)
    assert in_time(D(2026, 1, 13), deadline)
    assert in_time(D(2026, 1, 14), deadline)
    assert not in_time(D(2026, 1, 15), deadline)


@pytest.mark.django_db
@pytest.mark.clause("npc-2.10")
def test_npc_sets_no_document_deadline(cal):
    """НПЦ sets no deadline for the supporting document."""
    assert rules.valid_reason_document_deadline(NPC_DZM, D(2025, 12, 30), cal) is None


@pytest.mark.clause("rgmu-2.10")
@pytest.mark.parametrize(
    ("attestation", "latest"),
    [(D(2026, 4, 30), D(2027, 4, 30)), (D(2028, 2, 29), D(2029, 2, 28))],
)
def test_rostgmu_valid_reason_attestation_within_12_months(attestation, latest):
    """Within 12 months of the missed attestation; 29 Feb goes to 28 Feb next year."""
    deadline = rules.valid_reason_attestation_latest(ROSTGMU, attestation)
    assert deadline == latest
    assert in_time(latest - timedelta(days=1), deadline)
    assert not in_time(latest + timedelta(days=1), deadline)


@pytest.mark.clause("npc-2.10")
def test_npc_sets_no_12_month_limit():
    """НПЦ sets no limit on when the attestation after a valid reason is held."""
    assert rules.valid_reason_attestation_latest(NPC_DZM, D(2026, 4, 30)) is None


# --- notices (npc-2.2, npc-6.2, rgmu-2.2, rgmu-6.3) ---------------------------------------


@pytest.mark.django_db
@pytest.mark.clause("npc-6.2")
@pytest.mark.parametrize(
    ("end", "early", "last", "late"),
    [
        # Before Fri 15 May 2026: 14 (1), 13, 12 (3), [11 off], 8 (4), 7, 6, 5, 4 (8),
        # [1 May off], 30 Apr (9), 29 Apr (10), 28 Apr (11).
        (D(2026, 5, 15), D(2026, 4, 28), D(2026, 4, 29), D(2026, 4, 30)),
        # Before Fri 16 Jan 2026: 15, 14, 13, 12 (4), [1–11 Jan, 31 Dec off], 30 Dec (5),
        # 29 (6), 26 (7), 25 (8), 24 (9), 23 (10), 22 (11).
        (D(2026, 1, 16), D(2025, 12, 22), D(2025, 12, 23), D(2025, 12, 24)),
    ],
)
def test_npc_videoconference_notice_10_working_days_before_the_end(cal, end, early, last, late):
    """НПЦ: told no later than 10 working days before the end of training — on the 11th or
    the 10th working day before it is in time, on the 9th it is late."""
    deadline = rules.videoconference_notice_date(NPC_DZM, D(2025, 12, 1), end, cal)
    assert deadline == last
    assert in_time(early, deadline)
    assert in_time(last, deadline)
    assert not in_time(late, deadline)


@pytest.mark.django_db
@pytest.mark.clause("rgmu-6.3")
def test_rostgmu_videoconference_notice_on_the_day_the_cycle_starts(cal):
    """РостГМУ: told on the day the cycle starts (12 Jan 2026), whatever its end."""
    start = D(2026, 1, 12)
    deadline = rules.videoconference_notice_date(ROSTGMU, start, D(2026, 2, 20), cal)
    assert deadline == start
    assert in_time(start - timedelta(days=1), deadline)
    assert not in_time(start + timedelta(days=1), deadline)


@BOTH
@pytest.mark.clause("npc-2.2", "rgmu-2.2")
def test_first_day_notice_is_on_the_first_day_of_training(regulation):
    """The form, conditions and date are told on the first day of training."""
    start = D(2026, 4, 6)
    assert rules.first_day_notice_date(regulation, start) == start


def test_notice_counted_from_the_end_needs_the_end_and_the_calendar():
    """An amended first-day notice counted in working days needs the calendar."""
    amended = dataclasses.replace(
        NPC_DZM,
        notices=dataclasses.replace(
            NPC_DZM.notices,
            first_day=dataclasses.replace(NPC_DZM.notices.first_day, working_days=2),
        ),
    )
    with pytest.raises(ValueError, match="calendar"):
        rules.first_day_notice_date(amended, D(2026, 4, 6))
    assert rules.first_day_notice_date(amended, D(2026, 4, 30), cal=OFFICIAL) == D(2026, 5, 5)


# --- appeals -----------------------------------------------------------------------------


@pytest.mark.django_db
@BOTH
@pytest.mark.parametrize(
    ("announced", "last", "late"),
    [
        (D(2026, 4, 30), D(2026, 5, 4), D(2026, 5, 5)),
        (D(2025, 12, 30), D(2026, 1, 12), D(2026, 1, 13)),
        (D(2026, 5, 8), D(2026, 5, 12), D(2026, 5, 13)),
    ],
)
def test_appeal_is_filed_by_the_next_working_day(cal, regulation, announced, last, late):
    """No later than the next working day after the results: on the day itself or on that
    working day it is in time, a working day later it is late."""
    deadline = rules.appeal_filing_deadline(regulation, announced, cal)
    assert deadline == last
    assert in_time(announced, deadline)
    assert not in_time(late, deadline)


@pytest.mark.parametrize(
    ("regulation", "last"),
    [(NPC_DZM, D(2026, 5, 9)), (ROSTGMU, D(2026, 5, 14))],
    ids=["npc", "rgmu"],
)
def test_appeal_is_heard_within_5_or_10_calendar_days(regulation, last):
    """Filed on Mon 4 May 2026: heard by 9 May (НПЦ, 5 days — a Saturday, not moved) or
    14 May (РостГМУ, 10 days); calendar days, as the seeds say "дней"."""
    deadline = rules.appeal_hearing_deadline(regulation, D(2026, 5, 4))
    assert deadline == last
    assert in_time(last - timedelta(days=1), deadline)
    assert not in_time(last + timedelta(days=1), deadline)


def test_hearing_counted_in_working_days_once_amended():
    """An organisation may count the hearing in working days; then the calendar is used."""
    amended = dataclasses.replace(
        NPC_DZM, appeal=dataclasses.replace(NPC_DZM.appeal, hearing_day_count="working")
    )
    amended = type(NPC_DZM).from_dict(amended.to_dict())
    assert rules.appeal_hearing_deadline(amended, D(2026, 4, 30), OFFICIAL) == D(2026, 5, 8)
    with pytest.raises(ValueError, match="calendar"):
        rules.appeal_hearing_deadline(amended, D(2026, 4, 30))


@pytest.mark.django_db
@BOTH
@pytest.mark.parametrize(
    ("hearing", "last"),
    [
        (D(2026, 5, 5), D(2026, 5, 6)),  # the next day is a working day
        (D(2026, 5, 8), D(2026, 5, 12)),  # Sat 9, Sun 10, Mon 11 May off
        (D(2026, 4, 30), D(2026, 5, 4)),  # 1 May off, then the weekend
        (D(2025, 12, 30), D(2026, 1, 12)),  # 31 Dec 2025 and 1–11 Jan off
    ],
)
def test_appeal_notice_next_day_or_first_working_day_after(cal, regulation, hearing, last):
    """The postal notice: no later than the day after the hearing, moved to the first
    working day when that day is a day off."""
    deadline = rules.appeal_notice_deadline(regulation, hearing, cal)
    assert deadline == last
    assert in_time(last - timedelta(days=1), deadline)
    assert not in_time(last + timedelta(days=1), deadline)


@pytest.mark.django_db
def test_appeal_commission_formed_within_3_working_days_or_standing(cal):
    """РостГМУ approves the appeal commission by the 3rd working day after the application
    (30 Apr 2026 → 6 May); НПЦ's standing commission serves 1 year from its order."""
    deadline = rules.appeal_commission_deadline(ROSTGMU, D(2026, 4, 30), cal)
    assert deadline == D(2026, 5, 6)
    assert in_time(D(2026, 5, 5), deadline)
    assert not in_time(D(2026, 5, 7), deadline)
    assert rules.appeal_commission_deadline(NPC_DZM, D(2026, 4, 30), cal) is None
    assert rules.appeal_commission_term_end(NPC_DZM, D(2025, 9, 2)) == D(2026, 9, 2)
    assert rules.appeal_commission_term_end(ROSTGMU, D(2025, 9, 2)) is None


@pytest.mark.parametrize(
    ("present", "chair_present", "met"),
    [(2, True, False), (3, True, True), (4, True, True), (3, False, False), (7, False, False)],
)
def test_npc_appeal_quorum_is_3_members_including_the_chair(present, chair_present, met):
    """НПЦ: at least 3 members, the chair among them (of 7 listed)."""
    assert rules.appeal_quorum_met(NPC_DZM, 7, present, chair_present) is met


@pytest.mark.parametrize(
    ("listed", "present", "met"),
    [
        (6, 2, False),
        (6, 3, True),
        (6, 4, True),
        (5, 2, False),
        (5, 3, True),
        (100, 49, False),
        (100, 50, True),
        (100, 51, True),
    ],
)
def test_rostgmu_appeal_quorum_is_half_the_members(listed, present, met):
    """РостГМУ: at least 50% of the members, with or without the chair."""
    assert rules.appeal_quorum_met(ROSTGMU, listed, present, chair_present=False) is met


@BOTH
@pytest.mark.parametrize(
    ("listed", "votes_for", "votes_against", "chair_vote", "outcome", "casting"),
    [
        (5, 2, 1, VoteChoice.FOR, DecisionOutcome.NO_MAJORITY, False),
        (5, 3, 1, VoteChoice.FOR, DecisionOutcome.ADOPTED, False),
        (5, 4, 0, VoteChoice.FOR, DecisionOutcome.ADOPTED, False),
        (5, 1, 3, VoteChoice.FOR, DecisionOutcome.REJECTED, False),
        (6, 3, 3, VoteChoice.FOR, DecisionOutcome.ADOPTED, True),
        (6, 3, 3, VoteChoice.AGAINST, DecisionOutcome.REJECTED, True),
        (6, 3, 2, VoteChoice.FOR, DecisionOutcome.NO_MAJORITY, False),
    ],
)
def test_appeal_decision_needs_a_majority_of_the_listed_members(
    regulation, listed, votes_for, votes_against, chair_vote, outcome, casting
):
    """A majority of the listed composition (3 of 5, 4 of 6); on a tie the chair decides."""
    result = rules.appeal_decision(regulation, listed, votes_for, votes_against, chair_vote)
    assert result.outcome == outcome
    assert result.casting_vote_used is casting
    assert result.reason


# --- grading (npc-3.1, npc-3.5, rgmu-3.1, rgmu-3.6) ---------------------------------------


@BOTH
@pytest.mark.clause("npc-3.5", "rgmu-3.6")
@pytest.mark.parametrize(
    ("percent", "grade"),
    [(69, Grade.FAILED), (69.99, Grade.FAILED), (70, Grade.PASSED), (71, Grade.PASSED)],
)
def test_credit_test_passes_from_70_percent(regulation, percent, grade):
    """A зачёт by testing: не зачтено at 69%, зачтено at 70% and 71%."""
    assert rules.grade_of_testing(regulation, percent, GradeScale.TWO_POINT) == grade


@pytest.mark.clause("npc-3.1")
def test_npc_grades_on_the_two_point_scale_only():
    """НПЦ needs no scale argument (one scale) and refuses the four-point scale."""
    assert rules.grade_of_testing(NPC_DZM, 70) == Grade.PASSED
    with pytest.raises(ValueError, match="not allowed"):
        rules.grade_of_testing(NPC_DZM, 95, GradeScale.FOUR_POINT)


@pytest.mark.clause("rgmu-3.6")
@pytest.mark.parametrize(
    ("percent", "grade"),
    [
        (89, Grade.GOOD),
        (90, Grade.EXCELLENT),
        (91, Grade.EXCELLENT),
        (79, Grade.SATISFACTORY),
        (79.9, Grade.SATISFACTORY),
        (80, Grade.GOOD),
        (81, Grade.GOOD),
        (69, Grade.UNSATISFACTORY),
        (70, Grade.SATISFACTORY),
        (71, Grade.SATISFACTORY),
        (0, Grade.UNSATISFACTORY),
        (100, Grade.EXCELLENT),
    ],
)
def test_rostgmu_four_point_test_bands(percent, grade):
    """РостГМУ App. 1 §4.1: отлично from 90%, хорошо 80–89%, удовлетворительно 70–79%."""
    assert rules.grade_of_testing(ROSTGMU, percent, GradeScale.FOUR_POINT) == grade


@pytest.mark.clause("rgmu-3.1")
def test_rostgmu_needs_the_scale_named():
    """РостГМУ allows two scales: the programme names the one it grades on."""
    with pytest.raises(ValueError, match="scale"):
        rules.grade_of_testing(ROSTGMU, 75)


@pytest.mark.clause("npc-3.5", "rgmu-3.6")
@pytest.mark.parametrize(("percent", "grade"), [(59, Grade.FAILED), (60, Grade.PASSED)])
def test_a_programme_may_set_its_own_threshold(percent, grade):
    """The programme's authors set their own scale (here 60%)."""
    assert rules.grade_of_testing(PercentBands(pass_threshold_percent=60), percent) == grade


@pytest.mark.parametrize("percent", [-1, 100.01, 101])
def test_a_percentage_outside_0_100_is_refused(percent):
    with pytest.raises(ValueError, match=r"0\.\.100"):
        rules.grade_of_testing(NPC_DZM, percent)


# --- the attestation commission -----------------------------------------------------------


def seat(person, role, *posts):
    return CommissionSeat(person=person, role=role, posts=frozenset(posts) if posts else None)


CHAIR = CommissionRole.CHAIR
DEPUTY = CommissionRole.DEPUTY_CHAIR
MEMBER = CommissionRole.MEMBER
SECRETARY = CommissionRole.SECRETARY


def npc_commission(members: int):
    return [
        seat("Председатель", CHAIR),
        seat("Заместитель", DEPUTY),
        *[seat(f"Член {i}", MEMBER) for i in range(members)],
        seat("Секретарь", SECRETARY),
    ]


def rgmu_commission(members: int):
    return [
        seat("Председатель", CHAIR),
        *[seat(f"Член {i}", MEMBER) for i in range(members)],
        seat("Секретарь", SECRETARY),
    ]


@pytest.mark.clause("npc-4.8", "npc-4.9", "rgmu-4.7", "rgmu-4.9")
@pytest.mark.parametrize(
    ("regulation", "build", "members", "valid"),
    [
        (NPC_DZM, npc_commission, 0, False),  # 2 persons + secretary
        (NPC_DZM, npc_commission, 1, True),  # 3 persons
        (NPC_DZM, npc_commission, 2, True),  # 4 persons
        (ROSTGMU, rgmu_commission, 1, False),
        (ROSTGMU, rgmu_commission, 2, True),
        (ROSTGMU, rgmu_commission, 3, True),
    ],
    ids=["npc-2", "npc-3", "npc-4", "rgmu-2", "rgmu-3", "rgmu-4"],
)
def test_commission_needs_3_persons_not_counting_the_secretary(regulation, build, members, valid):
    """At least 3 persons (chair, deputy chair and members); the secretary is not a member
    and does not count (ADR 0102): 2 persons plus a secretary is too few."""
    errors = rules.commission_composition_errors(regulation, build(members))
    assert (errors == []) is valid
    if not valid:
        assert any("не менее 3" in e and "не входит" in e for e in errors)


@pytest.mark.clause("npc-4.4", "rgmu-4.4")
def test_deputy_chair_is_required_at_npc_only():
    """The same commission without a deputy chair breaks НПЦ's rule, not РостГМУ's."""
    commission = rgmu_commission(2)
    assert rules.commission_composition_errors(ROSTGMU, commission) == []
    errors = rules.commission_composition_errors(NPC_DZM, commission)
    assert errors == ["Не назначен заместитель председателя: положение требует его."]


@BOTH
@pytest.mark.clause("npc-4.9", "rgmu-4.9")
def test_secretary_may_not_also_be_a_member(regulation):
    """The secretary is not a member and may not take a seat as one."""
    commission = [*npc_commission(2), seat("Секретарь", MEMBER)]
    errors = rules.commission_composition_errors(regulation, commission)
    assert any(e.startswith("Секретарь (Секретарь) не является членом") for e in errors)


@BOTH
def test_one_chair_and_one_secretary_at_least(regulation):
    """Two chairs, or none, or no secretary are breaches under both presets."""
    two_chairs = [*npc_commission(2), seat("Второй", CHAIR)]
    assert any(
        "только один" in e for e in rules.commission_composition_errors(regulation, two_chairs)
    )
    no_chair = [s for s in npc_commission(2) if s.role != CHAIR]
    assert "Не назначен председатель комиссии." in rules.commission_composition_errors(
        regulation, no_chair
    )
    no_secretary = [s for s in npc_commission(2) if s.role != SECRETARY]
    assert "Не назначен секретарь комиссии." in rules.commission_composition_errors(
        regulation, no_secretary
    )


@pytest.mark.clause("npc-4.6", "rgmu-4.6", "npc-4.9", "rgmu-4.9")
def test_who_chairs_and_who_is_secretary_differs_by_preset():
    """НПЦ: the head of the study department chairs, the secretary is from the study
    department; РостГМУ: the head of the unit chairs, the secretary is from the unit."""
    commission = [
        seat("Иванов", CHAIR, Post.HEAD_OF_PROGRAMME_UNIT, Post.TEACHING_STAFF),
        seat("Петров", MEMBER, Post.TEACHING_STAFF),
        seat("Сидоров", MEMBER, Post.TEACHING_STAFF),
        seat("Козлова", SECRETARY, Post.PROGRAMME_UNIT_STAFF),
    ]
    assert rules.commission_composition_errors(ROSTGMU, commission) == []
    npc_errors = rules.commission_composition_errors(
        NPC_DZM, [*commission, seat("Смирнов", DEPUTY, Post.HEAD_OF_PROGRAMME_UNIT)]
    )
    assert npc_errors == [
        "Председатель (Иванов) назначается из числа: начальник учебного отдела.",
        "Секретарь (Козлова) назначается из числа: сотрудник учебного отдела.",
    ]


def test_a_member_outside_the_teaching_staff_is_flagged():
    """Members come from the teaching staff of the units (npc-4.8, rgmu-4.7)."""
    commission = [*rgmu_commission(1), seat("Гость", MEMBER, Post.STUDY_DEPARTMENT_STAFF)]
    errors = rules.commission_composition_errors(ROSTGMU, commission)
    assert errors == [
        "Член комиссии (Гость) назначается из числа: преподаватель подразделения по профилю ДПП."
    ]


# --- decisions of the attestation commission (npc-4.10, rgmu-4.10) -------------------------


@BOTH
@pytest.mark.clause("npc-4.10", "rgmu-4.10")
@pytest.mark.parametrize(
    ("votes_for", "outcome"),
    [(2, DecisionOutcome.NO_MAJORITY), (3, DecisionOutcome.ADOPTED), (4, DecisionOutcome.ADOPTED)],
)
def test_decision_needs_a_majority_of_members_present(regulation, votes_for, outcome):
    """5 members present: 2 votes for (the rest abstaining) is no majority, 3 and 4 are."""
    votes = VoteTally(votes_for=votes_for, votes_against=0, abstained=5 - votes_for)
    result = rules.decision_outcome(regulation, votes, 5, chair_present=True, deputy_present=False)
    assert result.outcome == outcome


@BOTH
@pytest.mark.clause("npc-4.10", "rgmu-4.10")
@pytest.mark.parametrize(
    ("presiding", "outcome"),
    [(VoteChoice.FOR, DecisionOutcome.ADOPTED), (VoteChoice.AGAINST, DecisionOutcome.REJECTED)],
)
def test_a_tie_is_decided_by_the_chair(regulation, presiding, outcome):
    """2 for, 2 against of 4 present: the chair's vote decides."""
    votes = VoteTally(votes_for=2, votes_against=2, presiding_vote=presiding)
    result = rules.decision_outcome(regulation, votes, 4, chair_present=True, deputy_present=False)
    assert result.outcome == outcome
    assert result.casting_vote_used is True
    assert "решающий голос" in result.reason


@BOTH
@pytest.mark.clause("npc-4.10", "rgmu-4.10")
def test_an_equal_split_with_abstentions_is_no_decision(regulation):
    """2 for, 2 against, 1 abstaining of 5: no majority, and no tie for the casting vote
    (the presiding vote would otherwise pass a decision 2 of 5 members support)."""
    votes = VoteTally(votes_for=2, votes_against=2, abstained=1, presiding_vote=VoteChoice.FOR)
    result = rules.decision_outcome(regulation, votes, 5, chair_present=True, deputy_present=False)
    assert result.outcome == DecisionOutcome.NO_MAJORITY
    assert result.casting_vote_used is False


@BOTH
@pytest.mark.clause("npc-4.10", "rgmu-4.4", "rgmu-4.10")
def test_the_replacement_presides_and_casts_when_the_chair_is_absent(regulation):
    """Without the chair, the deputy chair (НПЦ) or the designated member (РостГМУ) presides
    and decides a tie."""
    votes = VoteTally(votes_for=2, votes_against=2, presiding_vote=VoteChoice.FOR)
    result = rules.decision_outcome(regulation, votes, 4, chair_present=False, deputy_present=True)
    assert result.outcome == DecisionOutcome.ADOPTED
    assert result.casting_vote_used is True


@BOTH
@pytest.mark.clause("npc-4.10", "rgmu-4.10")
def test_no_decision_without_the_chair_or_the_replacement(regulation):
    """With neither the chair nor the replacement present the commission may not decide."""
    votes = VoteTally(votes_for=3, votes_against=0)
    result = rules.decision_outcome(regulation, votes, 3, chair_present=False, deputy_present=False)
    assert result.outcome == DecisionOutcome.NOT_COMPETENT
    assert "нет ни председателя" in result.reason


@pytest.mark.clause("rgmu-4.10")
def test_a_strict_reading_requires_the_chair_in_person():
    """An organisation that reads rgmu-4.10 strictly sets presence to "chair"; then the
    replacement is not enough."""
    strict = dataclasses.replace(
        ROSTGMU,
        commission=dataclasses.replace(
            ROSTGMU.commission,
            presence_required=PresenceRule.CHAIR,
            casting_vote=CastingVote.CHAIR,
        ),
    )
    votes = VoteTally(votes_for=3, votes_against=0)
    result = rules.decision_outcome(strict, votes, 3, chair_present=False, deputy_present=True)
    assert result.outcome == DecisionOutcome.NOT_COMPETENT
    assert "присутствия председателя" in result.reason


def test_impossible_tallies_are_refused():
    with pytest.raises(ValueError, match="more votes"):
        rules.decision_outcome(NPC_DZM, VoteTally(3, 2), 4, True, False)
    with pytest.raises(ValueError, match="presiding"):
        rules.decision_outcome(
            NPC_DZM, VoteTally(0, 2, presiding_vote=VoteChoice.FOR), 4, True, False
        )
    with pytest.raises(ValueError, match="listed"):
        rules.appeal_quorum_met(NPC_DZM, 3, 4, True)


# --- accessibility ------------------------------------------------------------------------


@pytest.mark.clause("rgmu-7.6")
def test_special_conditions_applied_for_3_months_before():
    """РостГМУ: the application at least 3 months before the attestation; НПЦ sets none."""
    deadline = rules.special_conditions_application_deadline(ROSTGMU, D(2026, 5, 31))
    assert deadline == D(2026, 2, 28)
    assert in_time(D(2026, 2, 27), deadline)
    assert not in_time(D(2026, 3, 1), deadline)
    assert rules.special_conditions_application_deadline(NPC_DZM, D(2026, 5, 31)) is None


# --- properties (hypothesis) --------------------------------------------------------------

PRESETS = st.sampled_from([NPC_DZM, ROSTGMU])
DAYS = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 10, 31))
PERCENT = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
GRADE_ORDER = {
    Grade.FAILED: 0,
    Grade.PASSED: 1,
    Grade.UNSATISFACTORY: 2,
    Grade.SATISFACTORY: 3,
    Grade.GOOD: 4,
    Grade.EXCELLENT: 5,
}
"""Grades from worst to best on each scale (the four-point grades 2–5, зачтено above не зачтено)."""


@given(regulation=PRESETS, a=PERCENT, b=PERCENT, four=st.booleans())
def test_grade_of_testing_is_monotonic_in_the_percentage(regulation, a, b, four):
    """More correct answers never give a lower grade."""
    scale = GradeScale.FOUR_POINT if four and regulation is ROSTGMU else GradeScale.TWO_POINT
    low, high = sorted((a, b))
    g_low = rules.grade_of_testing(regulation, low, scale)
    g_high = rules.grade_of_testing(regulation, high, scale)
    assert GRADE_ORDER[g_low] <= GRADE_ORDER[g_high]


@given(
    regulation=PRESETS,
    listed=st.integers(min_value=1, max_value=30),
    data=st.data(),
    chair=st.booleans(),
)
def test_appeal_quorum_is_monotonic_in_members_present(regulation, listed, data, chair):
    """If the commission may decide with p members present, it may with more."""
    p = data.draw(st.integers(min_value=0, max_value=listed))
    q = data.draw(st.integers(min_value=p, max_value=listed))
    if rules.appeal_quorum_met(regulation, listed, p, chair):
        assert rules.appeal_quorum_met(regulation, listed, q, chair)


@given(
    regulation=PRESETS,
    present=st.integers(min_value=1, max_value=15),
    data=st.data(),
    presiding=st.sampled_from(list(VoteChoice)),
)
def test_one_more_vote_for_never_undoes_an_adopted_decision(regulation, present, data, presiding):
    """Turning an abstention into a vote for keeps an adopted decision adopted."""
    votes_for = data.draw(st.integers(min_value=0, max_value=present - 1))
    votes_against = data.draw(st.integers(min_value=0, max_value=present - 1 - votes_for))
    abstained = present - votes_for - votes_against
    if presiding == VoteChoice.FOR and votes_for == 0:
        presiding = VoteChoice.ABSTAIN
    if presiding == VoteChoice.AGAINST and votes_against == 0:
        presiding = VoteChoice.ABSTAIN
    if presiding == VoteChoice.ABSTAIN and abstained == 0:
        return
    before = rules.decision_outcome(
        regulation, VoteTally(votes_for, votes_against, abstained, presiding), present, True, False
    )
    after_presiding = VoteChoice.FOR if presiding == VoteChoice.ABSTAIN else presiding
    after = rules.decision_outcome(
        regulation,
        VoteTally(votes_for + 1, votes_against, abstained - 1, after_presiding),
        present,
        True,
        False,
    )
    if before.adopted:
        assert after.adopted


@settings(max_examples=200)
@given(regulation=PRESETS, attestation=DAYS)
def test_retake_deadline_is_the_nth_working_day(regulation, attestation):
    """The deadline is a working day, after the attestation, with exactly N working days
    after the attestation up to and including it."""
    deadline = rules.retake_application_deadline(regulation, attestation, OFFICIAL)
    assert deadline > attestation
    assert OFFICIAL.is_working_day(deadline)
    n = regulation.retake.application_working_days
    assert OFFICIAL.working_days_between(attestation, deadline) == n


@given(regulation=PRESETS, attestation=DAYS)
def test_retake_latest_date_is_three_months_on(regulation, attestation):
    """Between 89 and 92 days later, never on a later day of the month."""
    latest = rules.retake_latest_date(regulation, attestation)
    assert 89 <= (latest - attestation).days <= 92
    assert latest.day <= attestation.day


@given(regulation=PRESETS, hearing=DAYS)
def test_appeal_notice_is_the_first_working_day_from_the_next_day(regulation, hearing):
    """A working day after the hearing, with no working day between them."""
    deadline = rules.appeal_notice_deadline(regulation, hearing, OFFICIAL)
    assert deadline > hearing
    assert OFFICIAL.is_working_day(deadline)
    assert OFFICIAL.working_days_between(hearing, deadline) == 1


@given(regulation=PRESETS, end=DAYS)
def test_npc_videoconference_notice_leaves_n_working_days(regulation, end):
    """Counted back from the end, the notice leaves exactly N working days up to the end's
    eve: the N-th working day before it (НПЦ); РостГМУ's is the start day itself."""
    start = end - timedelta(days=30)
    notice = rules.videoconference_notice_date(regulation, start, end, OFFICIAL)
    timing = regulation.notices.videoconference
    if timing.working_days == 0:
        assert notice == start
    else:
        assert notice < end
        assert OFFICIAL.is_working_day(notice)
        assert OFFICIAL.working_days_between(notice, end - timedelta(days=1)) == (
            timing.working_days - 1
        )
