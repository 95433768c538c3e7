"""API v1: final attestations — scheduling, the sitting (who of the commission is present,
attendance and stage results of the learners, votes, remarks), the commission's decision,
the records (statement, protocol, report) and their signing, and the issue of the
documents on training — what the study department and the commission do on the
attestation pages (ADR 0019).

The lists and the results sheet are for the organisation's staff (organisation_staff of
the cohort's organisation); the sitting, the decision and the records also for the persons
seated on the commission, each acting with their own token (the chair decides and signs,
the secretary enters results and signs, as the regulation wants). Another organisation's
attestation or cohort is 404, a caller without the role 403; the services refuse what the
regulation does not allow with a Russian reason naming the clause (409 or 422)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from nmo.accounts.access import require_role
from nmo.accounts.models import Role
from nmo.accounts.selectors import organisations_for
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import (
    ErrorOut,
    IsoDate,
    JobOut,
    binary_response,
    file_response,
    job_out,
)
from nmo.attestation import selectors, services
from nmo.attestation.access import (
    access_attestation,
    access_attestation_for_staff,
    access_learner_result,
    access_record,
)
from nmo.attestation.models import Attestation, AttestationDocument, LearnerResult
from nmo.attestation.types import (
    Attendance,
    AttestationData,
    Outcome,
    Place,
    StageEntry,
    VoteTally,
)
from nmo.programmes.access import access_cohort
from nmo.regulations.types import CommissionRole, Grade, VoteChoice

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
    held_on: IsoDate
    place: str
    address: str
    videoconference_url: str
    status: str
    decided_at: dt.datetime | None
    learner_count: int


class AttestationStageOut(Schema):
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
    stages: list[AttestationStageOut]
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


def _results(attestation: Attestation) -> dict[str, Any]:
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
    return _results(attestation)


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
CHANGE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut, 422: ErrorOut}
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_ROWS = 2000


# --- scheduling --------------------------------------------------------------------------


class ScheduleIn(Schema):
    commission_id: int = Field(..., description="Комиссия организации по специальности программы")
    held_on: IsoDate
    place: Place = Field(
        ...,
        description="organisation, unit, customer_premises — место по положению; remote — "
        "по видеоконференции (тогда нужна videoconference_url)",
    )
    address: str = Field("", max_length=500)
    videoconference_url: str = Field("", max_length=500)
    attempt: int = Field(1, ge=1, le=10, description="1 — аттестация, 2 — повторная")


class SeatAttendanceOut(Schema):
    seat_id: int
    person_id: int
    full_name: str
    role: str
    role_label: str
    present: bool | None = Field(..., description="null — присутствие ещё не отмечено")


class AttestationDetailOut(AttestationOut):
    presiding_seat_id: int | None
    seats: list[SeatAttendanceOut]
    lock_reason: str = Field(..., description="Почему результаты нельзя менять; пусто — можно")


def _detail(attestation: Attestation) -> dict[str, Any]:
    attendance = selectors.member_attendance(attestation)
    return {
        **_attestation(attestation),
        "learner_count": selectors.list_learner_results(attestation).count(),
        "presiding_seat_id": attestation.presiding_seat_id,
        "seats": [
            {
                "seat_id": seat.pk,
                "person_id": seat.person_id,
                "full_name": seat.person.full_name,
                "role": seat.role,
                "role_label": CommissionRole(seat.role).label,
                "present": attendance.get(seat.pk),
            }
            for seat in selectors.active_seats(attestation.commission)
        ],
        "lock_reason": selectors.lock_reason(attestation),
    }


def _reloaded(request: AuthenticatedRequest, attestation: Attestation) -> Attestation:
    return access_attestation(request.auth, attestation.pk)


@router.post(
    "/cohorts/{cohort_id}/attestations",
    response={201: AttestationDetailOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Назначить итоговую аттестацию группы",
)
def schedule_attestation(
    request: AuthenticatedRequest, cohort_id: int, payload: ScheduleIn
) -> Status:
    """Schedule the attestation of a cohort (staff): the commission of the programme's
    specialty, the day, the place the regulation allows (npc-2.6, rgmu-2.4) or a two-way
    videoconference (npc-6.1, rgmu-6.1). The admitted learners (npc-2.3, rgmu-2.3) are
    put on its sheet; a retake (`attempt` 2) takes those admitted to it. A programme
    without stages or a cohort without admitted learners is 409."""
    cohort = access_cohort(request.auth, cohort_id)
    attestation = services.schedule_attestation(
        actor=request.auth,
        cohort=cohort,
        data=AttestationData(
            commission_id=payload.commission_id,
            held_on=payload.held_on,
            place=payload.place,
            address=payload.address,
            videoconference_url=payload.videoconference_url,
            attempt=payload.attempt,
        ),
    )
    return Status(201, _detail(_reloaded(request, attestation)))


@router.get(
    "/attestations/{attestation_id}",
    response={200: AttestationDetailOut, **ERRORS},
    auth=bearer,
    summary="Итоговая аттестация: комиссия, присутствие, состояние",
)
def get_attestation(request: AuthenticatedRequest, attestation_id: int) -> dict[str, Any]:
    """One attestation for the staff of its organisation or a person seated on its
    commission: the seats with who is present and who presides, and why results are
    locked, if they are."""
    return _detail(access_attestation(request.auth, attestation_id))


# --- the sitting -------------------------------------------------------------------------


class MembersIn(Schema):
    present_seat_ids: list[int] = Field(..., max_length=50, description="Присутствующие")
    presiding_seat_id: int | None = Field(
        None,
        description="Председательствующий в отсутствие председателя: заместитель "
        "(npc-4.10) или назначенный член комиссии (rgmu-4.4)",
    )


class AttendanceIn(Schema):
    learner_result_id: int
    attendance: Attendance = Field(
        ..., description="present, absent_no_reason, absent_valid_reason"
    )


class EntryIn(Schema):
    learner_result_id: int
    stage_id: int
    percent: Decimal | None = Field(
        None, ge=0, le=100, decimal_places=2, description="Тестирование: % правильных ответов"
    )
    grade: Grade | None = Field(None, description="Другие этапы: оценка по шкале этапа")


class SheetIn(Schema):
    attendance: list[AttendanceIn] = Field([], max_length=MAX_ROWS)
    entries: list[EntryIn] = Field([], max_length=MAX_ROWS)


class VotesIn(Schema):
    learner_result_ids: list[int] | None = Field(
        None,
        max_length=MAX_ROWS,
        description="По кому голосуют; null — одинаково по всем присутствующим слушателям",
    )
    votes_for: int = Field(..., ge=0, le=50)
    votes_against: int = Field(0, ge=0, le=50)
    abstained: int = Field(0, ge=0, le=50)
    presiding_vote: VoteChoice | None = Field(
        None, description="Голос председательствующего (решающий при равенстве)"
    )


class RemarksIn(Schema):
    remarks: str = Field(..., max_length=5000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000, description="Причина, не менее 10 символов")


@router.put(
    "/attestations/{attestation_id}/members",
    response={200: AttestationDetailOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Отметить присутствие членов комиссии",
)
def record_members(
    request: AuthenticatedRequest, attestation_id: int, payload: MembersIn
) -> dict[str, Any]:
    """Record who of the commission attended and who presides: the chair when present;
    otherwise the deputy chair at НПЦ ДЗМ (npc-4.10) or the member designated at РостГМУ
    (rgmu-4.4). The secretary never counts (npc-4.9, rgmu-4.9). Votes recorded before are
    cleared."""
    attestation = access_attestation(request.auth, attestation_id)
    services.record_member_attendance(
        actor=request.auth,
        attestation=attestation,
        present_seat_ids=payload.present_seat_ids,
        presiding_seat_id=payload.presiding_seat_id,
    )
    return _detail(_reloaded(request, attestation))


@router.put(
    "/attestations/{attestation_id}/results",
    response={200: ResultsOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Внести явку и результаты этапов",
)
def record_results(
    request: AuthenticatedRequest, attestation_id: int, payload: SheetIn
) -> dict[str, Any]:
    """Save the grading sheet as one act, all or nothing: the learners' attendance, then
    the stage results — the percentage of a testing stage (graded by the programme's
    thresholds, npc-3.5, rgmu-3.6), the grade of any other on the stage's scale (npc-3.3,
    rgmu-3.3). The final grade follows (ADR 0104). Locked results (decided, or a signed
    record) are 409 `grades_locked`; a bad result 422 `result_invalid`."""
    attestation = access_attestation(request.auth, attestation_id)
    services.record_results_sheet(
        actor=request.auth,
        attestation=attestation,
        attendance={a.learner_result_id: a.attendance for a in payload.attendance},
        entries=[
            StageEntry(e.learner_result_id, e.stage_id, percent=e.percent, grade=e.grade)
            for e in payload.entries
        ],
    )
    return _results(_reloaded(request, attestation))


@router.post(
    "/attestations/{attestation_id}/votes",
    response={200: ResultsOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Записать результаты открытого голосования",
)
def record_votes(
    request: AuthenticatedRequest, attestation_id: int, payload: VotesIn
) -> dict[str, Any]:
    """Record the open vote on the proposed decision for the learners given, or the same
    for every learner present: for, against, abstained among the members present, and the
    presiding person's vote, which decides a tie (npc-4.10, rgmu-4.10). The secretary
    never votes (npc-4.9, rgmu-4.9); a tally that does not add up is 422."""
    attestation = access_attestation(request.auth, attestation_id)
    chosen = (
        None
        if payload.learner_result_ids is None
        else [
            access_learner_result(request.auth, attestation, pk)
            for pk in payload.learner_result_ids
        ]
    )
    services.record_votes(
        actor=request.auth,
        attestation=attestation,
        tally=VoteTally(
            votes_for=payload.votes_for,
            votes_against=payload.votes_against,
            abstained=payload.abstained,
            presiding_vote=payload.presiding_vote,
        ),
        learner_results=chosen,
    )
    return _results(_reloaded(request, attestation))


@router.put(
    "/attestations/{attestation_id}/learner-results/{result_id}/remarks",
    response={200: ResultsOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Записать замечания и рекомендации комиссии",
)
def record_remarks(
    request: AuthenticatedRequest, attestation_id: int, result_id: int, payload: RemarksIn
) -> dict[str, Any]:
    """Record the commission's remarks and recommendations on a learner (rgmu-app1 §6)."""
    attestation = access_attestation(request.auth, attestation_id)
    services.record_remarks(
        actor=request.auth,
        learner_result=access_learner_result(request.auth, attestation, result_id),
        remarks=payload.remarks,
    )
    return _results(_reloaded(request, attestation))


@router.post(
    "/attestations/{attestation_id}/decision",
    response={200: ResultsOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Принять решение комиссии",
)
def decide(request: AuthenticatedRequest, attestation_id: int) -> dict[str, Any]:
    """Take the commission's decision: the quorum (НПЦ ДЗМ: 3 with the chair, npc-4.8;
    РостГМУ: half the members, rgmu-4.7), every present learner graded and voted on. The
    learners see their results and are e-mailed (npc-4.11); the records the regulation
    names are drawn up for signing (npc-2.12, rgmu-2.12). A refusal is 409
    `decision_refused` with the reasons."""
    attestation = access_attestation(request.auth, attestation_id)
    services.decide_attestation(actor=request.auth, attestation=attestation)
    return _results(_reloaded(request, attestation))


@router.post(
    "/attestations/{attestation_id}/reopen",
    response={200: ResultsOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Вернуть аттестацию к вводу результатов",
)
def reopen(request: AuthenticatedRequest, attestation_id: int, payload: ReasonIn) -> dict[str, Any]:
    """Return a decided attestation to the entry of results with a reason, while none of
    its records is signed by all (ADR 0105); otherwise 409 — correct the record instead."""
    attestation = access_attestation(request.auth, attestation_id)
    services.reopen_attestation(actor=request.auth, attestation=attestation, reason=payload.reason)
    return _results(_reloaded(request, attestation))


# --- documents on training ---------------------------------------------------------------


class IssueIn(Schema):
    include_failed: bool = Field(
        False,
        description="Выдать справки об обучении и тем, кто ещё может пройти повторную "
        "аттестацию (ADR 0109)",
    )


class IssuedOut(Schema):
    id: int
    kind: str
    kind_label: str
    series: str
    number: int
    registration_number: str
    enrolment_id: int
    holder_name: str
    issued_on: IsoDate


class IssueOut(Schema):
    issued: list[IssuedOut]
    detail: str


@router.post(
    "/attestations/{attestation_id}/documents",
    response={200: IssueOut, 202: JobOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Выдать документы об обучении по итогам аттестации",
)
def issue_documents(
    request: AuthenticatedRequest, attestation_id: int, payload: IssueIn
) -> dict[str, Any] | Status:
    """Issue the documents of a decided attestation (staff): the qualification document
    of the programme's kind to those who passed (npc-2.8, rgmu-2.8), a справка об обучении
    to those who can no longer retake (npc-2.11, rgmu-2.11; ADR 0109). Idempotent: a
    learner who holds a live document is skipped, so a repeat issues nothing more and
    answers an empty `issued`. Before the decision: 409 `attestation_not_decided`. The
    PDF of each: GET /documents/{id}/pdf. For more learners than a few (the PDFs take
    seconds each) the issue runs as a background job: 202 with the job to poll at
    GET /jobs/{id} (ADR 0025); its `message` says what was issued."""
    attestation = access_attestation(request.auth, attestation_id)
    if services.documents_need_job(attestation):
        job = services.start_document_issue(
            actor=request.auth, attestation=attestation, include_failed=payload.include_failed
        )
        return Status(202, job_out(job))
    issued = services.issue_documents_for(
        actor=request.auth, attestation=attestation, include_failed=payload.include_failed
    )
    detail = (
        f"Выдано документов об обучении: {len(issued)}."
        if issued
        else "Новых документов об обучении не выдано."
    )
    return {
        "issued": [
            {
                "id": d.pk,
                "kind": d.kind,
                "kind_label": d.get_kind_display(),
                "series": d.series,
                "number": d.number,
                "registration_number": d.registration_number,
                "enrolment_id": d.enrolment_id,
                "holder_name": d.holder_name,
                "issued_on": d.issued_on,
            }
            for d in issued
        ],
        "detail": detail,
    }


# --- records: statement, protocol, report (npc-2.12, npc-2.13, rgmu-2.12, rgmu-2.13) -----


class SignerOut(Schema):
    seat_id: int
    person_id: int
    full_name: str
    line: str = Field(..., description="Строка подписи")
    signed_at: dt.datetime | None


class RecordOut(Schema):
    id: int
    attestation_id: int
    kind: str = Field(
        ...,
        description=(
            "attestation_statement, retraining_protocol, commission_report, meeting_protocol"
        ),
    )
    kind_label: str
    learner_result_id: int | None
    number: int | None = Field(..., description="Номер в архиве, когда подписан всеми")
    version: int
    status: str = Field(..., description="draft, signing, frozen")
    status_label: str
    frozen_at: dt.datetime | None
    pdf_sha256: str
    correction_reason: str
    supersedes_id: int | None
    signers: list[SignerOut]


def _record(record: AttestationDocument, signers: list[selectors.Signer]) -> dict[str, Any]:
    signed = selectors.signatures_of(record)
    return {
        "id": record.pk,
        "attestation_id": record.attestation_id,
        "kind": record.kind,
        "kind_label": record.kind_label,
        "learner_result_id": record.learner_result_id,
        "number": record.number,
        "version": record.version,
        "status": record.status,
        "status_label": record.status_label,
        "frozen_at": record.frozen_at,
        "pdf_sha256": record.pdf_sha256,
        "correction_reason": record.correction_reason,
        "supersedes_id": record.supersedes_id,
        "signers": [
            {
                "seat_id": s.seat.pk,
                "person_id": s.seat.person_id,
                "full_name": s.seat.person.full_name,
                "line": s.line,
                "signed_at": signed[s.seat.pk].signed_at if s.seat.pk in signed else None,
            }
            for s in signers
        ],
    }


def _signers(attestation: Attestation) -> list[selectors.Signer]:
    return selectors.required_signers(attestation) if attestation.is_decided else []


def _record_of(request: AuthenticatedRequest, attestation_id: int, record_id: int) -> Any:
    attestation = access_attestation(request.auth, attestation_id)
    return attestation, access_record(request.auth, attestation, record_id)


@router.get(
    "/attestations/{attestation_id}/records",
    response={200: list[RecordOut], **ERRORS},
    auth=bearer,
    summary="Документы аттестации: ведомость, протоколы, отчёт",
)
def list_records(request: AuthenticatedRequest, attestation_id: int) -> list[dict[str, Any]]:
    """The current version of each record of the attestation with who signs it and who
    has signed: the presiding person, the members who sat and the secretary (npc-2.13,
    rgmu-2.13). They are drawn up by the decision."""
    attestation = access_attestation(request.auth, attestation_id)
    signers = _signers(attestation)
    return [_record(r, signers) for r in selectors.current_records(attestation)]


@router.get(
    "/attestations/{attestation_id}/records/{record_id}",
    response={200: RecordOut, **ERRORS},
    auth=bearer,
    summary="Документ аттестации и его подписи",
)
def get_record(
    request: AuthenticatedRequest, attestation_id: int, record_id: int
) -> dict[str, Any]:
    """One record (any version) with its signers."""
    attestation, record = _record_of(request, attestation_id, record_id)
    return _record(record, _signers(attestation))


@router.post(
    "/attestations/{attestation_id}/records/{record_id}/sign",
    response={200: RecordOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Подписать документ аттестации",
)
def sign_record(
    request: AuthenticatedRequest, attestation_id: int, record_id: int
) -> dict[str, Any]:
    """Confirm the record as one of its signatories, with one's own token (npc-2.13,
    rgmu-2.13). When the last has signed, the record is frozen: archive number, stored PDF
    and its SHA-256; its results can no longer change. Someone not on the commission is
    403; a second signature, a frozen or superseded record 409."""
    attestation, record = _record_of(request, attestation_id, record_id)
    record = services.sign_record(actor=request.auth, record=record)
    return _record(access_record(request.auth, attestation, record.pk), _signers(attestation))


# --- what awaits a signer, and signing all at once (ADR 0115) -----------------------------


class AwaitingAttestationOut(Schema):
    attestation_id: int
    held_on: IsoDate
    programme: Ref
    commission: CommissionRef
    records: list[RecordOut] = Field(
        ..., description="Версии документов, ожидающие подписи, с подписавшими и не подписавшими"
    )


class SignAllIn(Schema):
    record_ids: list[int] = Field(
        ...,
        min_length=1,
        max_length=MAX_ROWS,
        description="Версии документов, которые подписывающий видел (из /signatures/pending): "
        "если ожидающих подписи стало иначе, ничего не подписывается (409 pending_changed)",
    )


class SignAllOut(Schema):
    signed: list[RecordOut]
    frozen_ids: list[int] = Field(..., description="Подписанные всеми и сданные в архив")


@router.get(
    "/signatures/pending",
    response={200: list[AwaitingAttestationOut], **ERRORS},
    auth=bearer,
    summary="Документы, ожидающие моей подписи",
)
def pending_signatures(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """Every version of an attestation record awaiting the caller's signature, by
    attestation (newest first), each with who has signed and who has not (npc-2.13,
    rgmu-2.13). Empty for someone with nothing to sign."""
    found = []
    for group in selectors.pending_signatures(request.auth):
        attestation = group.attestation
        signers = [line.signer for line in group.records[0].lines] if group.records else []
        found.append(
            {
                "attestation_id": attestation.pk,
                "held_on": attestation.held_on,
                "programme": {
                    "id": attestation.cohort.programme_id,
                    "title": attestation.cohort.programme.title,
                },
                "commission": {
                    "id": attestation.commission_id,
                    "title": attestation.commission.title,
                    "specialty": attestation.commission.specialty.name,
                },
                "records": [_record(r.record, signers) for r in group.records],
            }
        )
    return found


@router.post(
    "/attestations/{attestation_id}/sign-all",
    response={200: SignAllOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Подписать все ожидающие моей подписи документы аттестации",
)
def sign_all_records(
    request: AuthenticatedRequest, attestation_id: int, payload: SignAllIn
) -> dict[str, Any]:
    """Sign, in one transaction, every version of the attestation's records awaiting the
    caller's signature — exactly `record_ids`, the versions the caller was shown (npc-2.13,
    rgmu-2.13). Each signature is audited as one signed alone; a record given its last
    signature is frozen (archive number, stored PDF, hash). Someone who does not sign
    this attestation's records is 403; another organisation's attestation 404; nothing
    awaiting is 409 `nothing_to_sign`, a list that changed 409 `pending_changed`."""
    attestation = access_attestation(request.auth, attestation_id)
    done = services.sign_all_records(
        actor=request.auth, attestation=attestation, record_ids=payload.record_ids
    )
    signers = _signers(attestation)
    return {
        "signed": [_record(r, signers) for r in done.signed],
        "frozen_ids": [r.pk for r in done.frozen],
    }


@router.post(
    "/attestations/{attestation_id}/records/{record_id}/correct",
    response={201: RecordOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Исправить подписанный документ (новая версия)",
)
def correct_record(
    request: AuthenticatedRequest, attestation_id: int, record_id: int, payload: ReasonIn
) -> Status:
    """Open a correction of a frozen record: a new version with the reason, signed again;
    the old one stays readable (ADR 0105). A record not yet frozen is 409."""
    attestation, record = _record_of(request, attestation_id, record_id)
    correction = services.correct_record(actor=request.auth, record=record, reason=payload.reason)
    return Status(201, _record(correction, _signers(attestation)))


def _file_name(record: AttestationDocument, extension: str) -> str:
    return selectors.file_name_of(record, extension)


FILE_ERRORS: dict[int, Any] = {200: None, **ERRORS}


@router.get(
    "/attestations/{attestation_id}/records/{record_id}/pdf",
    response={**FILE_ERRORS, 409: ErrorOut},
    auth=bearer,
    summary="PDF документа аттестации",
    openapi_extra=binary_response(
        "PDF: сохранённый файл подписанного документа, иначе черновик", PDF
    ),
)
def record_pdf(request: AuthenticatedRequest, attestation_id: int, record_id: int) -> HttpResponse:
    """The record's PDF: the stored file once signed by all, a marked draft before; a
    stored file or record changed after signing is 409 `document_tampered` (ADR 0024)."""
    _, record = _record_of(request, attestation_id, record_id)
    return file_response(services.render_record_pdf(record), PDF, _file_name(record, "pdf"))


@router.get(
    "/attestations/{attestation_id}/records/{record_id}/docx",
    response=FILE_ERRORS,
    auth=bearer,
    summary="DOCX документа аттестации (форма приложения)",
    openapi_extra=binary_response("Редактируемая форма приложения положения", DOCX),
)
def record_docx(request: AuthenticatedRequest, attestation_id: int, record_id: int) -> HttpResponse:
    """The record as an editable DOCX of its appendix form (npc-app1, rgmu-app1, rgmu-app2)."""
    _, record = _record_of(request, attestation_id, record_id)
    return file_response(services.render_record_docx(record), DOCX, _file_name(record, "docx"))
