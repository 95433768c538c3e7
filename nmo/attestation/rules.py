"""The grading arithmetic of the final attestation, as pure functions (no ORM, no I/O).

- `stage_grade` grades one stage: a testing stage by its share of correct answers
  (`nmo.regulations.rules.grade_of_testing` with the programme's bands: npc-3.5, rgmu-3.6), any
  other stage by the grade the commission gives on the stage's scale (npc-3.1, rgmu-3.1).
- `final_grade` combines the stage grades into the final grade, the arithmetic mean of
  the stages (npc-3.2, rgmu-3.3), as decided in ADR 0104:

  * a зачёт (two-point scale): зачтено only when every stage is зачтено — the mean of
    зачтено = 1 / не зачтено = 0 reaches 1 only then, which is also npc-3.3's "без
    ошибок";
  * an exam (four-point scale): any stage неудовлетворительно or не зачтено makes the final
    grade неудовлетворительно; otherwise the mean of the four-point stages (отлично = 5,
    хорошо = 4, удовлетворительно = 3) rounded half up to the nearest grade (≥ 4.5
    отлично, ≥ 3.5 хорошо, else удовлетворительно); зачтено stages (practical skills,
    rgmu-app1 §4.2) are a gate and do not enter the mean.

- `outcome_of` turns attendance and the final grade into the commission's decision.

The mean is computed exactly (`fractions.Fraction`), so 3.5 is never 3.4999….
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from nmo.attestation.types import Attendance, FinalGrade, Outcome
from nmo.core.russian import number_with, plural
from nmo.regulations.rules import grade_of_testing
from nmo.regulations.types import AttestationForm, Grade, GradeScale, PercentBands

FOUR_POINT_GRADES: tuple[Grade, ...] = (
    Grade.EXCELLENT,
    Grade.GOOD,
    Grade.SATISFACTORY,
    Grade.UNSATISFACTORY,
)
TWO_POINT_GRADES: tuple[Grade, ...] = (Grade.PASSED, Grade.FAILED)
POINTS: dict[Grade, int] = {
    Grade.EXCELLENT: 5,
    Grade.GOOD: 4,
    Grade.SATISFACTORY: 3,
    Grade.UNSATISFACTORY: 2,
}
"""The points of the four-point grades (ADR 0104)."""

FAILING: frozenset[Grade] = frozenset({Grade.UNSATISFACTORY, Grade.FAILED})

EXCELLENT_FROM = Fraction(9, 2)
GOOD_FROM = Fraction(7, 2)


def grades_of_scale(scale: GradeScale) -> tuple[Grade, ...]:
    """Return the grades a stage on this scale may get, best first (npc-3.1, rgmu-3.1)."""
    return FOUR_POINT_GRADES if scale == GradeScale.FOUR_POINT else TWO_POINT_GRADES


def is_positive(grade: Grade) -> bool:
    """Return whether a grade is a pass (anything but неудовлетворительно / не зачтено)."""
    return grade not in FAILING


def stage_grade(
    scale: GradeScale,
    *,
    bands: PercentBands | None = None,
    percent: Decimal | float | None = None,
    grade: Grade | None = None,
) -> Grade:
    """Grade one stage on its scale.

    A testing stage passes its `bands` (the programme's threshold and, on the four-point
    scale, its bands) and the `percent` of correct answers: 70% and up is зачтено by the
    recommended threshold (npc-3.5); 90/80/70 are the lower bounds of отлично / хорошо /
    удовлетворительно (rgmu-3.6). Any other stage passes the `grade` the commission gave,
    which must belong to the stage's scale. Raise ValueError otherwise.
    """
    if bands is not None:
        if percent is None:
            raise ValueError("a testing stage is graded by its percentage")
        return grade_of_testing(bands, percent, scale)
    if grade is None:
        raise ValueError("the stage needs a grade")
    if grade not in grades_of_scale(scale):
        raise ValueError(f"{grade} is not a grade of the {scale} scale")
    return grade


def round_to_grade(mean: Fraction | Decimal) -> Grade:
    """Round a mean of four-point grades half up to the nearest grade: 4.5 and above
    отлично, 3.5 and above хорошо, 2.5 and above удовлетворительно, else
    неудовлетворительно (ADR 0104)."""
    value = Fraction(mean)
    if value >= EXCELLENT_FROM:
        return Grade.EXCELLENT
    if value >= GOOD_FROM:
        return Grade.GOOD
    if value >= Fraction(5, 2):
        return Grade.SATISFACTORY
    return Grade.UNSATISFACTORY


def mean_points(grades: Sequence[Grade]) -> Fraction:
    """Return the exact arithmetic mean of four-point grades (npc-3.2, rgmu-3.3)."""
    if not grades:
        raise ValueError("no four-point grades to average")
    return Fraction(sum(POINTS[g] for g in grades), len(grades))


def _two_places(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def final_grade(form: AttestationForm, grades: Sequence[Grade]) -> FinalGrade:
    """Return the final grade from the grades of all stages (npc-3.2, rgmu-3.3; ADR 0104).

    A зачёт is зачтено only when every stage is зачтено (npc-3.3). An exam is
    неудовлетворительно when any stage failed; otherwise its grade is the mean of its
    four-point stages rounded half up. Raise ValueError without grades, for a four-point
    grade in a зачёт, or for an exam without a four-point stage.
    """
    if not grades:
        raise ValueError("no stage grades")
    failed = [g for g in grades if g in FAILING]
    if form == AttestationForm.CREDIT_TEST:
        if any(g not in TWO_POINT_GRADES for g in grades):
            raise ValueError("a зачёт is graded зачтено / не зачтено only")
        if failed:
            return FinalGrade(
                Grade.FAILED,
                None,
                f"Не зачтено: {len(failed)} из {number_with(len(grades), 'этап', 'gent')} "
                f"{plural(len(failed), ('не зачтён', 'не зачтены', 'не зачтены'))} "
                "(зачёт требует всех этапов без ошибок).",
            )
        return FinalGrade(Grade.PASSED, None, "Зачтено: все этапы зачтены.")
    graded = [g for g in grades if g in POINTS]
    if not graded:
        raise ValueError("an exam needs at least one stage on the four-point scale")
    mean = mean_points(graded)
    shown = _two_places(mean)
    if failed:
        names = ", ".join(sorted({g.label for g in failed}))
        return FinalGrade(
            Grade.UNSATISFACTORY,
            shown,
            f"Неудовлетворительно: этап оценён как «{names}» — итоговая оценка не может быть "
            "положительной.",
        )
    grade = round_to_grade(mean)
    return FinalGrade(
        grade,
        shown,
        f"Среднее арифметическое оценок этапов — {shown}: «{grade.label}».",
    )


def outcome_of(attendance: Attendance, grade: Grade | None) -> Outcome:
    """Return the decision the commission's vote confirms for one learner: absent with or
    without a valid reason, else passed when the final grade is positive, failed when it is
    not. Raise ValueError for a learner present without a final grade."""
    if attendance == Attendance.ABSENT_NO_REASON:
        return Outcome.ABSENT_NO_REASON
    if attendance == Attendance.ABSENT_VALID_REASON:
        return Outcome.ABSENT_VALID_REASON
    if grade is None:
        raise ValueError("a learner present needs a final grade")
    return Outcome.PASSED if is_positive(grade) else Outcome.FAILED


def order_number_only(raw: str) -> str:
    """The number of an order as it goes after «№»: «Приказ ректора № 1187» typed into
    the number field becomes «1187» (the printed line adds «приказ ректора № » itself, and
    «№ Приказ № 312/5» must not be printed)."""
    value = " ".join((raw or "").split())
    if "№" in value:
        value = value.rsplit("№", 1)[1].strip()
    return value
