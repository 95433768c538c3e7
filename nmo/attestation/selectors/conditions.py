"""What the commission's sheet shows about how each learner sits the attestation: the
special conditions granted to a disabled learner (rgmu-7.2, rgmu-7.4; read from the
programmes app, nothing medical) and the record of a videoconference (npc-6.1, rgmu-6.1)."""

from collections.abc import Sequence
from dataclasses import dataclass

from nmo.attestation.models import Attestation, LearnerResult, VideoconferenceCheck
from nmo.programmes import selectors as programme_selectors
from nmo.programmes.models import ProgrammeStage, StageMode
from nmo.programmes.types import SpecialConditions


@dataclass(frozen=True)
class StageTime:
    """A stage's duration for one learner: the programme's plus the granted extension
    (written stages: the written extension; oral: the preparation extension), if the
    learner asked extra time for this stage (rgmu-7.7), and whether the assistant is
    granted at it."""

    stage: ProgrammeStage
    extra_minutes: int
    assistant: bool = False

    @property
    def total_minutes(self) -> int:
        return self.stage.duration_minutes + self.extra_minutes


@dataclass(frozen=True)
class SheetConditions:
    """One learner's special conditions as the commission needs them."""

    result: LearnerResult
    conditions: SpecialConditions
    stage_times: tuple[StageTime, ...]

    @property
    def assistant_stages(self) -> str:
        """The numbers of the stages at which the assistant is present: «1, 2»."""
        return ", ".join(str(t.stage.order) for t in self.stage_times if t.assistant)


def special_conditions_on_sheet(
    results: Sequence[LearnerResult], stages: Sequence[ProgrammeStage]
) -> list[SheetConditions]:
    """Return the learners of the sheet who were granted special conditions, with the
    assistant, technical means, premises and each stage's extended time (rgmu-7.2,
    rgmu-7.4): the commission provides them without anyone retyping them."""
    granted = programme_selectors.special_conditions_by_enrolment([r.enrolment_id for r in results])
    rows = []
    for result in results:
        conditions = granted.get(result.enrolment_id)
        if conditions is None:
            continue
        times = tuple(
            StageTime(
                stage,
                conditions.extra_minutes_for(stage.pk, oral=stage.mode == StageMode.ORAL),
                conditions.assistant_at(stage.pk),
            )
            for stage in stages
        )
        rows.append(SheetConditions(result, conditions, times))
    return rows


def videoconference_log(attestation: Attestation) -> dict[int, list[VideoconferenceCheck]]:
    """Return the commission's videoconference record of each learner, oldest first
    (npc-6.1, rgmu-6.1)."""
    log: dict[int, list[VideoconferenceCheck]] = {}
    checks = (
        VideoconferenceCheck.objects.filter(learner_result__attestation=attestation)
        .select_related("stage", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    for check in checks:
        log.setdefault(check.learner_result_id, []).append(check)
    return log
