"""API v1: final attestations and their results, for the organisation's staff
(organisation_staff of the cohort's organisation; another organisation's attestation or
cohort is 404, a caller without the role 403)."""

import datetime as dt
from typing import Annotated, Any

from ninja import Query, Router, Schema

from nmo.accounts.access import require_role
from nmo.accounts.models import Role
from nmo.accounts.selectors import organisations_for
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut
from nmo.attestation import selectors
from nmo.attestation.access import access_attestation_for_staff
from nmo.attestation.models import Attestation, LearnerResult
from nmo.attestation.types import Attendance, Outcome
from nmo.programmes.access import access_cohort
from nmo.regulations.types import Grade

router = Router(tags=["Итоговая аттестация"])


class Ref(Schema):
    id: int
    title: str


class CommissionRef(Schema):
    id: int
    title: str
    specialty: str


class AttestationOut(Schema):
    id: int
    cohort_id: int
    programme: Ref
    commission: CommissionRef
    attempt: int
    held_on: dt.date
    place: str
    address: str
    videoconference_url: str
    status: str
    decided_at: dt.datetime | None
    learner_count: int


class StageOut(Schema):
    id: int
    order: int
    kind: str
    scale: str


class StageResultOut(Schema):
    stage_id: int
    order: int
    kind: str
    percent: float | None
    grade: str
    grade_label: str


class VotesOut(Schema):
    votes_for: int
    votes_against: int
    abstained: int
    presiding_vote: str | None


class LearnerResultOut(Schema):
    learner_result_id: int
    enrolment_id: int
    learner_id: int
    full_name: str
    attendance: str
    attendance_label: str
    stage_results: list[StageResultOut]
    final_grade: str | None
    final_grade_label: str | None
    final_mean: float | None
    outcome: str | None
    outcome_label: str | None
    votes: VotesOut | None


class ResultsOut(Schema):
    attestation_id: int
    status: str
    decided_at: dt.datetime | None
    stages: list[StageOut]
    learners: list[LearnerResultOut]


def _attestation(attestation: Attestation) -> dict[str, Any]:
    return {
        "id": attestation.pk,
        "cohort_id": attestation.cohort_id,
        "programme": {
            "id": attestation.cohort.programme_id,
            "title": attestation.cohort.programme.title,
        },
        "commission": {
            "id": attestation.commission_id,
            "title": attestation.commission.title,
            "specialty": attestation.commission.specialty.name,
        },
        "attempt": attestation.attempt,
        "held_on": attestation.held_on,
        "place": attestation.place,
        "address": attestation.address,
        "videoconference_url": attestation.videoconference_url,
        "status": attestation.status,
        "decided_at": attestation.decided_at,
        "learner_count": getattr(attestation, "learner_count", 0),
    }


def _result(result: LearnerResult) -> dict[str, Any]:
    learner = result.enrolment.learner
    return {
        "learner_result_id": result.pk,
        "enrolment_id": result.enrolment_id,
        "learner_id": learner.pk,
        "full_name": learner.full_name,
        "attendance": result.attendance,
        "attendance_label": Attendance(result.attendance).label,
        "stage_results": [
            {
                "stage_id": r.stage_id,
                "order": r.stage.order,
                "kind": r.stage.kind,
                "percent": float(r.percent) if r.percent is not None else None,
                "grade": r.grade,
                "grade_label": Grade(r.grade).label,
            }
            for r in result.stage_results.all()
        ],
        "final_grade": result.final_grade or None,
        "final_grade_label": Grade(result.final_grade).label if result.final_grade else None,
        "final_mean": float(result.final_mean) if result.final_mean is not None else None,
        "outcome": result.outcome or None,
        "outcome_label": Outcome(result.outcome).label if result.outcome else None,
        "votes": (
            {
                "votes_for": result.votes_for,
                "votes_against": result.votes_against or 0,
                "abstained": result.abstained or 0,
                "presiding_vote": result.presiding_vote or None,
            }
            if result.votes_for is not None
            else None
        ),
    }


@router.get(
    "/attestations",
    response={200: list[AttestationOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Итоговые аттестации организации (по группе)",
)
def list_attestations(
    request: AuthenticatedRequest,
    cohort: Annotated[int | None, Query(description="Идентификатор группы")] = None,
) -> list[dict[str, Any]]:
    """Return the attestations of the caller's organisations, latest first; with
    `cohort`, those of one cohort (404 for a cohort of another organisation)."""
    require_role(request.auth, Role.ORGANISATION_STAFF)
    found = access_cohort(request.auth, cohort) if cohort is not None else None
    staff_of = organisations_for(request.auth, Role.ORGANISATION_STAFF)
    attestations = selectors.list_attestations(request.auth, cohort=found).filter(
        commission__organisation__in=staff_of
    )
    return [_attestation(a) for a in attestations]


@router.get(
    "/attestations/{attestation_id}/results",
    response={200: ResultsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Результаты итоговой аттестации: оценки этапов, итоговая оценка, решение",
)
def get_results(request: AuthenticatedRequest, attestation_id: int) -> dict[str, Any]:
    """Return the learners of an attestation with their attendance, stage grades (the
    testing percentage too), final grade, the vote and the commission's decision (null
    until the commission decides)."""
    attestation = access_attestation_for_staff(request.auth, attestation_id)
    return {
        "attestation_id": attestation.pk,
        "status": attestation.status,
        "decided_at": attestation.decided_at,
        "stages": [
            {"id": s.pk, "order": s.order, "kind": s.kind, "scale": s.scale}
            for s in selectors.list_stages(attestation)
        ],
        "learners": [_result(r) for r in selectors.list_learner_results(attestation)],
    }
