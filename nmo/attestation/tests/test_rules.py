"""The grading arithmetic (rules.py): stage grades from percentages at every boundary
under both presets, the final grade as the arithmetic mean (ADR 0104), and its properties
with hypothesis."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmo.attestation import rules
from nmo.attestation.types import Attendance, Outcome
from nmo.regulations.presets import NPC_DZM, ROSTGMU
from nmo.regulations.rules import bands_of
from nmo.regulations.types import AttestationForm, Grade, GradeScale

E, G, S, U = Grade.EXCELLENT, Grade.GOOD, Grade.SATISFACTORY, Grade.UNSATISFACTORY
P, F = Grade.PASSED, Grade.FAILED
PRESETS = {"npc": NPC_DZM, "rgmu": ROSTGMU}


@pytest.mark.clause("npc-3.5", "rgmu-3.6")
@pytest.mark.parametrize("preset", ["npc", "rgmu"])
@pytest.mark.parametrize(
    ("percent", "grade"),
    [
        ("0", F),
        ("69", F),
        ("69.99", F),
        ("70", P),
        ("71", P),
        ("100", P),
    ],
)
def test_a_test_is_zachteno_from_the_threshold_under_both_presets(preset, percent, grade):
    """A зачёт by testing: зачтено from the recommended 70% (npc-3.5, rgmu-3.6), checked at
    69, 69.99, 70 and 71 under both presets."""
    bands = bands_of(PRESETS[preset])
    assert rules.stage_grade(GradeScale.TWO_POINT, bands=bands, percent=Decimal(percent)) == grade


@pytest.mark.clause("rgmu-3.6")
@pytest.mark.parametrize(
    ("percent", "grade"),
    [
        ("69", U),
        ("69.99", U),
        ("70", S),
        ("71", S),
        ("79", S),
        ("79.99", S),
        ("80", G),
        ("81", G),
        ("89", G),
        ("89.99", G),
        ("90", E),
        ("91", E),
        ("100", E),
    ],
)
def test_a_test_maps_to_the_four_point_band_at_every_boundary(percent, grade):
    """отлично from 90%, хорошо 80–89%, удовлетворительно 70–79%, неудовлетворительно
    below 70% (rgmu-3.6, App. 1 §4.1), at N−1, N and N+1 of each bound."""
    bands = bands_of(ROSTGMU)
    assert rules.stage_grade(GradeScale.FOUR_POINT, bands=bands, percent=Decimal(percent)) == grade


@pytest.mark.clause("npc-3.1")
def test_npc_has_no_four_point_bands():
    """НПЦ grades on the two-point scale only (npc-3.1): its regulation has no four-point
    bands to grade a test with."""
    with pytest.raises(ValueError, match="not allowed"):
        rules.stage_grade(GradeScale.FOUR_POINT, bands=bands_of(NPC_DZM), percent=Decimal(95))


@pytest.mark.clause("npc-3.1", "rgmu-3.1")
def test_a_stage_grade_must_belong_to_the_stage_scale():
    """A two-point stage takes зачтено / не зачтено, a four-point stage отлично …
    неудовлетворительно (npc-3.1, rgmu-3.1)."""
    assert rules.stage_grade(GradeScale.TWO_POINT, grade=P) == P
    assert rules.stage_grade(GradeScale.FOUR_POINT, grade=G) == G
    with pytest.raises(ValueError, match="not a grade"):
        rules.stage_grade(GradeScale.TWO_POINT, grade=G)
    with pytest.raises(ValueError, match="not a grade"):
        rules.stage_grade(GradeScale.FOUR_POINT, grade=P)
    with pytest.raises(ValueError, match="percentage"):
        rules.stage_grade(GradeScale.TWO_POINT, bands=bands_of(NPC_DZM))


@pytest.mark.clause("npc-3.2", "rgmu-3.3")
@pytest.mark.parametrize(
    ("mean", "grade"),
    [
        ("2.49", U),
        ("2.5", S),
        ("3.49", S),
        ("3.5", G),
        ("3.51", G),
        ("4.49", G),
        ("4.5", E),
        ("4.51", E),
        ("5", E),
    ],
)
def test_a_mean_rounds_half_up_to_the_nearest_grade(mean, grade):
    """The mean of the stages (npc-3.2, rgmu-3.3) rounds half up: 3.49 удовлетворительно,
    3.5 хорошо, 4.49 хорошо, 4.5 отлично (ADR 0104)."""
    assert rules.round_to_grade(Decimal(mean)) == grade


@pytest.mark.clause("rgmu-3.3")
@pytest.mark.parametrize(
    ("grades", "final", "mean"),
    [
        ((E, G), E, "4.50"),
        ((S, G), G, "3.50"),
        ((S, S, G), S, "3.33"),
        ((G, G, E), G, "4.33"),
        ((S, G, G), G, "3.67"),
        ((E, P, E), E, "5.00"),
        ((S, P, G), G, "3.50"),
        ((E, F, E), U, "5.00"),
        ((E, U, E), U, "4.00"),
        ((U,), U, "2.00"),
    ],
)
def test_an_exam_grade_is_the_rounded_mean_with_any_failed_stage_failing(grades, final, mean):
    """An exam's final grade is the mean of its four-point stages rounded half up; зачтено
    stages (practical skills, rgmu-app1 §4.2) are a gate outside the mean; any failed
    stage makes the final grade неудовлетворительно (ADR 0104)."""
    result = rules.final_grade(AttestationForm.EXAM, list(grades))
    assert result.grade == final
    assert result.mean == Decimal(mean)
    assert result.positive == (final != U)


@pytest.mark.clause("npc-3.2", "npc-3.3")
@pytest.mark.parametrize(
    ("grades", "final"),
    [((P,), P), ((P, P, P), P), ((P, F), F), ((F, P, P), F), ((F,), F)],
)
def test_a_zachet_is_passed_only_when_every_stage_is_passed(grades, final):
    """A зачёт: the mean of зачтено = 1 / не зачтено = 0 is 1 only when every stage is
    зачтено — "без ошибок" (npc-3.2, npc-3.3)."""
    result = rules.final_grade(AttestationForm.CREDIT_TEST, list(grades))
    assert result.grade == final
    assert result.mean is None


def test_impossible_combinations_are_programming_errors():
    """No grades, a four-point grade in a зачёт, an exam without a four-point stage."""
    with pytest.raises(ValueError, match="no stage grades"):
        rules.final_grade(AttestationForm.EXAM, [])
    with pytest.raises(ValueError, match="зачтено / не зачтено"):
        rules.final_grade(AttestationForm.CREDIT_TEST, [P, G])
    with pytest.raises(ValueError, match="four-point"):
        rules.final_grade(AttestationForm.EXAM, [P, P])


@pytest.mark.clause("npc-2.9", "npc-2.10", "rgmu-2.9", "rgmu-2.10")
def test_the_outcome_follows_attendance_and_the_final_grade():
    """Absent learners get the outcome of their reason; present ones pass with a positive
    final grade and fail otherwise."""
    assert rules.outcome_of(Attendance.ABSENT_NO_REASON, None) == Outcome.ABSENT_NO_REASON
    assert rules.outcome_of(Attendance.ABSENT_VALID_REASON, None) == Outcome.ABSENT_VALID_REASON
    assert rules.outcome_of(Attendance.PRESENT, S) == Outcome.PASSED
    assert rules.outcome_of(Attendance.PRESENT, P) == Outcome.PASSED
    assert rules.outcome_of(Attendance.PRESENT, U) == Outcome.FAILED
    assert rules.outcome_of(Attendance.PRESENT, F) == Outcome.FAILED
    with pytest.raises(ValueError, match="final grade"):
        rules.outcome_of(Attendance.PRESENT, None)


# --- properties --------------------------------------------------------------------------

four_point = st.sampled_from([E, G, S, U])
exam_grades = st.lists(st.sampled_from([E, G, S, U, P, F]), min_size=1, max_size=6).filter(
    lambda gs: any(g in rules.POINTS for g in gs)
)
RANK = {E: 5, G: 4, S: 3, U: 2}


@given(exam_grades, st.randoms())
def test_the_order_of_the_stages_does_not_matter(grades, random):
    shuffled = list(grades)
    random.shuffle(shuffled)
    assert rules.final_grade(AttestationForm.EXAM, grades) == rules.final_grade(
        AttestationForm.EXAM, shuffled
    )


@given(exam_grades, st.data())
def test_a_better_stage_never_lowers_the_final_grade(grades, data):
    """Monotonic: raising one four-point stage by a grade, or a не зачтено to зачтено,
    never lowers the final grade."""
    index = data.draw(st.integers(0, len(grades) - 1))
    better = list(grades)
    upgrade = {U: S, S: G, G: E, E: E, F: P, P: P}
    better[index] = upgrade[grades[index]]
    before = rules.final_grade(AttestationForm.EXAM, grades).grade
    after = rules.final_grade(AttestationForm.EXAM, better).grade
    assert RANK[after] >= RANK[before]


@given(st.lists(four_point, min_size=1, max_size=8))
def test_a_passing_exam_grade_is_the_half_up_rounding_of_the_mean(grades):
    result = rules.final_grade(AttestationForm.EXAM, grades).grade
    if U in grades:
        assert result == U
        return
    points = [RANK[g] for g in grades]
    expected = int((Decimal(sum(points)) / Decimal(len(points))).quantize(0, ROUND_HALF_UP))
    assert RANK[result] == expected
    assert min(points) <= RANK[result] <= max(points)


@given(st.lists(st.sampled_from([P, F]), min_size=1, max_size=8))
def test_a_zachet_passes_exactly_when_the_mean_of_ones_and_zeros_is_one(grades):
    mean = Fraction(sum(1 for g in grades if g == P), len(grades))
    assert (rules.final_grade(AttestationForm.CREDIT_TEST, grades).grade == P) == (mean == 1)


@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(0, 100, places=2))
def test_more_correct_answers_never_give_a_lower_band(a, b):
    low, high = sorted([a, b])
    bands = bands_of(ROSTGMU)
    assert (
        RANK[rules.stage_grade(GradeScale.FOUR_POINT, bands=bands, percent=high)]
        >= RANK[rules.stage_grade(GradeScale.FOUR_POINT, bands=bands, percent=low)]
    )
