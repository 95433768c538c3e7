"""API v1: programmes, cohorts, learners and admission, for the organisation's staff
(organisation_staff of the programme's organisation; a programme or cohort of another
organisation is 404, a caller without the role 403)."""

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from ninja import Body, Field, Query, Router, Schema, Status

from nmo.accounts.access import require_staff
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut
from nmo.programmes import selectors, services
from nmo.programmes.access import access_cohort
from nmo.programmes.models import Cohort, Enrolment, Programme
from nmo.programmes.types import LearnerRow

router = Router(tags=["Программы и группы"])

MAX_LEARNERS = 1000


class StageOut(Schema):
    order: int
    kind: str
    defence_work: str
    scale: str
    mode: str
    duration_minutes: int
    pass_threshold_percent: int | None
    excellent_from_percent: int | None
    good_from_percent: int | None


class ProgrammeOut(Schema):
    id: int
    organisation: str
    unit: str
    kind: str
    title: str
    hours: int
    specialties: list[str]
    remote_share_percent: int
    attestation_form: str
    attestation_hours: int
    stages: list[StageOut]


class LearnerOut(Schema):
    id: int
    full_name: str
    snils: str | None
    email: str


class EnrolmentOut(Schema):
    id: int
    learner: LearnerOut
    contract_number: str
    contract_date: dt.date | None
    status: str
    programme_completed: bool
    curriculum_completed: bool


class NoticeOut(Schema):
    kind: str
    due_on: dt.date
    sender: str
    status: str
    sent_at: dt.datetime | None
    recipients_count: int


class ProgrammeRef(Schema):
    id: int
    title: str


class CohortOut(Schema):
    id: int
    programme: ProgrammeRef
    title: str
    starts_on: dt.date
    ends_on: dt.date
    attestation_date: dt.date
    place: str
    address: str
    is_remote: bool
    uses_videoconference: bool
    learners: list[EnrolmentOut]
    notices: list[NoticeOut]


class LearnerIn(Schema):
    last_name: str = Field(..., max_length=150)
    first_name: str = Field(..., max_length=150)
    middle_name: str = Field("", max_length=150)
    snils: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    contract_number: str = Field("", max_length=100)
    contract_date: dt.date | None = None


class LearnersImportOut(Schema):
    created: int
    existing: int
    enrolled: int
    already_enrolled: int


class AdmissionOut(Schema):
    admission_id: int
    enrolment_id: int
    learner_id: int
    learner_name: str
    admitted: bool
    reasons: list[str]
    overridden: bool
    justification: str
    decided_at: dt.datetime


class UndecidedOut(Schema):
    enrolment_id: int
    learner_name: str


class AdmissionListOut(Schema):
    attempt: int
    items: list[AdmissionOut]
    undecided: list[UndecidedOut]


def _programme(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "organisation": str(programme.organisation),
        "unit": programme.unit.name,
        "kind": programme.kind,
        "title": programme.title,
        "hours": programme.hours,
        "specialties": [s.code for s in programme.specialties.all()],
        "remote_share_percent": programme.remote_share_percent,
        "attestation_form": programme.attestation_form,
        "attestation_hours": programme.attestation_hours,
        "stages": list(programme.stages.all()),
    }


def _enrolment(enrolment: Enrolment) -> dict[str, Any]:
    learner = enrolment.learner
    return {
        "id": enrolment.pk,
        "learner": {
            "id": learner.pk,
            "full_name": learner.full_name,
            "snils": learner.snils,
            "email": learner.email,
        },
        "contract_number": enrolment.contract_number,
        "contract_date": enrolment.contract_date,
        "status": enrolment.status,
        "programme_completed": enrolment.programme_completed,
        "curriculum_completed": enrolment.curriculum_completed,
    }


def _cohort(cohort: Cohort) -> dict[str, Any]:
    return {
        "id": cohort.pk,
        "programme": {"id": cohort.programme_id, "title": cohort.programme.title},
        "title": cohort.title,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "attestation_date": cohort.attestation_date,
        "place": cohort.place,
        "address": cohort.address,
        "is_remote": cohort.is_remote,
        "uses_videoconference": cohort.uses_videoconference,
        "learners": [_enrolment(e) for e in selectors.list_enrolments(cohort)],
        "notices": list(selectors.list_notices(cohort)),
    }


@router.get(
    "/programmes",
    response={200: list[ProgrammeOut], 401: ErrorOut, 403: ErrorOut},
    auth=bearer,
    summary="Программы организации",
)
def list_programmes(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """Return the programmes of the caller's organisations with their attestation stages."""
    require_staff(request.auth)
    programmes = selectors.list_programmes(request.auth).prefetch_related("specialties", "stages")
    return [_programme(p) for p in programmes]


@router.get(
    "/cohorts/{cohort_id}",
    response={200: CohortOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Группа: слушатели и уведомления",
)
def get_cohort(request: AuthenticatedRequest, cohort_id: int) -> dict[str, Any]:
    """Return a cohort with its learners and the state of its notices."""
    cohort = access_cohort(request.auth, cohort_id)
    return _cohort(cohort)


@router.post(
    "/cohorts/{cohort_id}/learners",
    response={201: LearnersImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Зачислить слушателей",
)
def import_learners(
    request: AuthenticatedRequest,
    cohort_id: int,
    payload: Body[Annotated[list[LearnerIn], Field(min_length=1, max_length=MAX_LEARNERS)]],
) -> Status:
    """Enrol a JSON list of learners, all or none. Each learner is found by SNILS, else by
    e-mail, else gets a new account (the e-mail is then required); nobody is duplicated and
    a learner already in the cohort is left as is. 422 lists the problems by the learner's
    0-based index and field ("3.snils")."""
    cohort = access_cohort(request.auth, cohort_id)
    rows = [
        LearnerRow(
            row=index,
            last_name=item.last_name,
            first_name=item.first_name,
            middle_name=item.middle_name,
            snils=item.snils,
            email=item.email,
            phone=item.phone,
            contract_number=item.contract_number,
            contract_date=item.contract_date,
        )
        for index, item in enumerate(payload)
    ]
    result = services.import_learners(actor=request.auth, cohort=cohort, learners=rows)
    return Status(
        201,
        {
            "created": result.created,
            "existing": result.existing,
            "enrolled": result.enrolled,
            "already_enrolled": result.already_enrolled,
        },
    )


@router.get(
    "/cohorts/{cohort_id}/admission",
    response={200: AdmissionListOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Допуск к итоговой аттестации",
)
def get_admission(
    request: AuthenticatedRequest,
    cohort_id: int,
    attempt: Annotated[int, Query(ge=1, le=10, description="1 — аттестация, 2 — повторная")] = 1,
) -> dict[str, Any]:
    """Return the admission decisions of the cohort's learners for the attempt, with the
    reasons (npc-2.3, rgmu-2.3), and the learners who have no decision yet (rgmu-1.4)."""
    cohort = access_cohort(request.auth, cohort_id)
    items = []
    for admission in selectors.list_admissions(cohort, attempt=attempt):
        result = selectors.admission_result(admission)
        items.append(
            {**asdict(result), "reasons": list(result.reasons), "decided_at": admission.decided_at}
        )
    undecided = [
        {"enrolment_id": e.pk, "learner_name": e.learner.full_name}
        for e in selectors.list_undecided_enrolments(cohort, attempt=attempt)
    ]
    return {"attempt": attempt, "items": items, "undecided": undecided}
