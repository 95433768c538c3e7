"""API v1: retakes of the final attestation (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10).

A learner files their own application (dated today); the organisation's staff file a
paper one on the learner's behalf with the day it arrived, list the applications of their
organisations and grant or refuse them. A result or application the caller may not see is
404, a caller without the staff role 403 on the staff endpoints. The refusals of the rules
come from the service: a late application is 409 `retake_application_late`, a learner who
may not apply 409 `retake_not_allowed`, wrong dates or document 422 `retake_invalid`, each
with the Russian message that names the rule and its clause.
"""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from nmo.accounts.access import require_staff
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, IsoDate
from nmo.attestation import selectors, services
from nmo.attestation.access import (
    access_learner_result_for_applicant,
    access_retake_application,
)
from nmo.attestation.models import RetakeApplication
from nmo.attestation.services.retakes import (
    DESCRIPTION_MAX,
    ORDER_NUMBER_MAX,
    REASON_MAX,
    SCHEDULE_MAX,
)
from nmo.attestation.types import RetakeKind, ValidReasonDocument

router = Router(tags=["Повторная итоговая аттестация"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class RetakeLearnerRef(Schema):
    id: int
    full_name: str


class DeadlinesOut(Schema):
    application_deadline: IsoDate = Field(..., description="Последний день подачи заявления")
    document_deadline: IsoDate | None = Field(
        None, description="Последний день представления оправдательного документа"
    )
    latest_attestation_date: IsoDate | None = Field(
        None, description="Аттестация не позднее; null — положение срока не устанавливает"
    )


class RetakeDocumentOut(Schema):
    description: str
    presented_on: IsoDate
    reason_ended_on: IsoDate | None


class RetakeOut(Schema):
    id: int
    learner: RetakeLearnerRef
    enrolment_id: int
    learner_result_id: int
    attestation_id: int
    programme: str
    attestation_held_on: IsoDate
    kind: str = Field(..., description="no_valid_reason | valid_reason | appeal")
    kind_label: str
    status: str = Field(
        ..., description="filed | granted | refused | referred_to_dispute_commission"
    )
    status_label: str
    status_reason: str
    filed_on: IsoDate
    on_behalf: bool = Field(..., description="Подано сотрудником от имени слушателя")
    document: RetakeDocumentOut | None
    deadlines: DeadlinesOut
    retake_on: IsoDate | None = Field(None, description="Назначенная дата аттестации")
    retake_attestation_id: int | None
    individual_schedule: str
    schedule_order_number: str
    schedule_order_date: IsoDate | None
    decided_at: dt.datetime | None


class RetakeIn(Schema):
    filed_on: IsoDate | None = Field(
        None,
        description=(
            "Дата поступления бумажного заявления (только сотрудник организации); "
            "слушатель подаёт заявление сегодняшним днём"
        ),
    )
    document_description: str = Field(
        "",
        max_length=DESCRIPTION_MAX,
        description="Оправдательный документ (для неявки по уважительной причине)",
    )
    document_presented_on: IsoDate | None = Field(
        None, description="Дата предъявления оправдательного документа"
    )
    reason_ended_on: IsoDate | None = Field(
        None,
        description="Дата окончания уважительной причины; по умолчанию — дата предъявления",
    )


class GrantIn(Schema):
    date: IsoDate = Field(..., description="Дата повторной аттестации")
    individual_schedule: str = Field("", max_length=SCHEDULE_MAX)
    schedule_order_number: str = Field(
        "", max_length=ORDER_NUMBER_MAX, description="Номер распоряжения об индивидуальном графике"
    )
    schedule_order_date: IsoDate | None = None


class RefuseIn(Schema):
    reason: str = Field(..., max_length=REASON_MAX, description="Причина отказа")


def _out(application: RetakeApplication) -> dict[str, Any]:
    learner = application.enrolment.learner
    document = None
    if application.document_presented_on is not None:
        document = {
            "description": application.document_description,
            "presented_on": application.document_presented_on,
            "reason_ended_on": application.reason_ended_on,
        }
    return {
        "id": application.pk,
        "learner": {"id": learner.pk, "full_name": learner.full_name},
        "enrolment_id": application.enrolment_id,
        "learner_result_id": application.learner_result_id,
        "attestation_id": application.attestation_id,
        "programme": application.attestation.cohort.programme.title,
        "attestation_held_on": application.attestation.held_on,
        "kind": application.kind,
        "kind_label": application.kind_label,
        "status": application.status,
        "status_label": application.status_label,
        "status_reason": application.status_reason,
        "filed_on": application.filed_on,
        "on_behalf": application.on_behalf,
        "document": document,
        "deadlines": {
            "application_deadline": application.application_deadline,
            "document_deadline": application.document_deadline,
            "latest_attestation_date": application.latest_attestation_date,
        },
        "retake_on": application.retake_on,
        "retake_attestation_id": application.retake_attestation_id,
        "individual_schedule": application.individual_schedule,
        "schedule_order_number": application.schedule_order_number,
        "schedule_order_date": application.schedule_order_date,
        "decided_at": application.decided_at,
    }


def _reloaded(application: RetakeApplication) -> RetakeApplication:
    return selectors.get_retake_application(application.pk)


@router.get(
    "/retakes",
    response={200: list[RetakeOut], **ERRORS},
    auth=bearer,
    summary="Заявления о повторной итоговой аттестации организации",
)
def list_retakes(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """Return the retake applications of the caller's organisations (organisation staff),
    latest filed first, with the deadlines computed when each was filed, whether staff
    filed it on the learner's behalf, and the decision."""
    require_staff(request.auth)
    applications = selectors.list_retake_applications(request.auth)
    return [_out(a) for a in applications]


@router.post(
    "/learner-results/{result_id}/retakes",
    response={201: RetakeOut, **ERRORS, 409: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Подать заявление о повторной итоговой аттестации",
)
def file_retake(request: AuthenticatedRequest, result_id: int, payload: RetakeIn) -> Status:
    """File the application for a decided result: the learner for their own result (dated
    today, `filed_on` is not theirs to give), or the organisation's staff on the learner's
    behalf with the day the paper application arrived (`filed_on`, today by default). The
    ground follows the decision: a failure or an absence without a valid reason is due
    within the regulation's working days of the attestation (npc-2.9: 10, rgmu-2.9: 5); an
    absence for a valid reason needs the document (`document_description`,
    `document_presented_on`, `reason_ended_on`) and is due within the working days of
    presenting it (npc-2.10: 10, rgmu-2.10: 5). Late: 409 `retake_application_late`; not
    allowed (passed, already filed, retake used up): 409 `retake_not_allowed`; wrong dates
    or document: 422 `retake_invalid`."""
    result = access_learner_result_for_applicant(request.auth, result_id)
    # A passed or undecided result has no ground; the service refuses it with its message.
    kind = selectors.retake_kind_for(result) or RetakeKind.NO_VALID_REASON
    document = None
    if kind == RetakeKind.VALID_REASON and payload.document_presented_on is not None:
        document = ValidReasonDocument.given(
            description=payload.document_description,
            presented_on=payload.document_presented_on,
            reason_ended_on=payload.reason_ended_on,
        )
    application = services.apply_for_retake(
        actor=request.auth,
        learner_result=result,
        kind=kind,
        filed_on=payload.filed_on,
        document=document,
    )
    return Status(201, _out(_reloaded(application)))


@router.post(
    "/retakes/{retake_id}/grant",
    response={200: RetakeOut, **ERRORS, 409: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Удовлетворить заявление и назначить дату повторной аттестации",
)
def grant_retake(request: AuthenticatedRequest, retake_id: int, payload: GrantIn) -> dict[str, Any]:
    """Grant an open application (organisation staff) with the day of the attestation:
    after the missed one and no later than 3 months after it (npc-2.9, rgmu-2.9), or 12
    months for a valid reason at РостГМУ, where the vice-rector's order number and date of
    the individual schedule are required (rgmu-2.10). The learner is admitted to the retake
    and e-mailed. A decided application: 409 `retake_not_allowed`; a date out of bounds:
    422 `retake_invalid`."""
    application = access_retake_application(request.auth, retake_id)
    granted = services.grant_retake(
        actor=request.auth,
        application=application,
        date=payload.date,
        individual_schedule=payload.individual_schedule,
        schedule_order_number=payload.schedule_order_number,
        schedule_order_date=payload.schedule_order_date,
    )
    return _out(_reloaded(granted))


@router.post(
    "/retakes/{retake_id}/refuse",
    response={200: RetakeOut, **ERRORS, 409: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Отказать в повторной итоговой аттестации",
)
def refuse_retake(
    request: AuthenticatedRequest, retake_id: int, payload: RefuseIn
) -> dict[str, Any]:
    """Refuse an open application (organisation staff) with a written reason of 10 to 2000
    characters; the learner is e-mailed and may apply again while the window is open. A
    decided application: 409 `retake_not_allowed`; a short reason: 422 `retake_invalid`."""
    application = access_retake_application(request.auth, retake_id)
    refused = services.refuse_retake(
        actor=request.auth, application=application, reason=payload.reason
    )
    return _out(_reloaded(refused))
