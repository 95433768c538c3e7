"""API v1: appeals against a result of the final attestation (chapter 5 of both
regulations; shape fixed by shared/spec/api.md).

The learner files an appeal against their own decided result (dated today); the
organisation's staff file a paper one on the learner's behalf with `filed_on` (the day it
arrived) and `proxy` (who brought it). Refusals come from the service: after the window
422 `appeal_late` (the message names the rule and the last day), a second appeal of the
same result 409 `appeal_exists`, an appeal against an appeal decision 409
`appeal_final`, bad input 422 `appeal_invalid`. A result or appeal the caller may not
see is 404.
"""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, IsoDate
from nmo.appeals import selectors, services
from nmo.appeals.access import access_appeal
from nmo.appeals.models import Appeal
from nmo.appeals.services.filing import NAME_MAX, TEXT_MAX
from nmo.appeals.types import AppealFiling, ProxyData
from nmo.attestation.access import access_learner_result_for_applicant

router = Router(tags=["Апелляции"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class ProxyIn(Schema):
    full_name: str = Field(..., max_length=NAME_MAX, description="ФИО доверенного лица")
    power_of_attorney: str = Field(
        ..., max_length=NAME_MAX, description="Доверенность: номер, дата, кем удостоверена"
    )


class AppealIn(Schema):
    subject: str = Field(..., description="procedure | grade | both")
    text: str = Field(..., max_length=TEXT_MAX, description="Содержание претензии")
    filed_on: IsoDate | None = Field(
        None,
        description=(
            "Дата поступления бумажного заявления (только сотрудник организации); "
            "слушатель подаёт апелляцию сегодняшним днём"
        ),
    )
    proxy: ProxyIn | None = Field(
        None, description="Доверенное лицо, подавшее заявление (только сотрудник)"
    )
    phone: str = Field("", max_length=40, description="Контактный телефон")
    postal_address: str = Field(
        "", max_length=500, description="Почтовый адрес для уведомления о решении"
    )


class AppealOut(Schema):
    id: int
    learner_result: int
    status: str = Field(..., description="filed | scheduled | heard | decided | withdrawn")
    filed_on: IsoDate
    hearing_due_on: IsoDate
    hearing_on: IsoDate | None
    outcome: str | None = Field(None, description="null | rejected | new_result | retake")
    new_grade: str | None
    notice_due_on: IsoDate | None
    notice_posted_on: IsoDate | None
    subject: str
    status_label: str
    filing_deadline: IsoDate
    commission_due_on: IsoDate | None = Field(
        None, description="Комиссия по апелляции утверждается не позднее (РостГМУ)"
    )
    retake_on: IsoDate | None
    on_behalf: bool
    decided_at: dt.datetime | None


def _out(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "learner_result": appeal.learner_result_id,
        "status": appeal.status,
        "filed_on": appeal.filed_on,
        "hearing_due_on": appeal.hearing_due_on,
        "hearing_on": appeal.hearing_on,
        "outcome": appeal.outcome or None,
        "new_grade": appeal.new_grade or None,
        "notice_due_on": appeal.notice_due_on,
        "notice_posted_on": appeal.notice_posted_on,
        "subject": appeal.subject,
        "status_label": appeal.status_label,
        "filing_deadline": appeal.filing_deadline,
        "commission_due_on": appeal.commission_due_on,
        "retake_on": appeal.retake_on,
        "on_behalf": appeal.on_behalf,
        "decided_at": appeal.decided_at,
    }


@router.post(
    "/learner-results/{result_id}/appeals",
    response={201: AppealOut, **ERRORS, 409: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Подать апелляцию на результат итоговой аттестации",
)
def file_appeal(request: AuthenticatedRequest, result_id: int, payload: AppealIn) -> Status:
    """File an appeal against a decided result: the learner for their own result, or
    the organisation's staff from a paper application with `filed_on` and `proxy`. No
    later than the next working day after the results were announced (npc-5.10,
    rgmu-5.10): otherwise 422 `appeal_late`. A second appeal of the same result: 409
    `appeal_exists`; against an appeal decision: 409 `appeal_final`."""
    result = access_learner_result_for_applicant(request.auth, result_id)
    proxy = None
    if payload.proxy is not None:
        proxy = ProxyData(payload.proxy.full_name, payload.proxy.power_of_attorney)
    appeal = services.file_appeal(
        actor=request.auth,
        learner_result=result,
        filing=AppealFiling(
            subject=payload.subject,
            text=payload.text,
            phone=payload.phone,
            postal_address=payload.postal_address,
            filed_on=payload.filed_on,
            proxy=proxy,
        ),
    )
    return Status(201, _out(selectors.get_appeal(appeal.pk)))


@router.get(
    "/appeals",
    response={200: list[AppealOut], **ERRORS},
    auth=bearer,
    summary="Апелляции",
)
def list_appeals(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """Return the appeals the caller may see: the staff's organisations', the learner's
    own, those heard by a commission the caller sits on; latest filed first."""
    return [_out(a) for a in selectors.list_appeals(request.auth)]


@router.get(
    "/appeals/{appeal_id}",
    response={200: AppealOut, **ERRORS},
    auth=bearer,
    summary="Апелляция",
)
def get_appeal(request: AuthenticatedRequest, appeal_id: int) -> dict[str, Any]:
    """Return one appeal with its deadlines, hearing, outcome and notice; another
    organisation's or another learner's appeal is 404."""
    return _out(access_appeal(request.auth, appeal_id))
