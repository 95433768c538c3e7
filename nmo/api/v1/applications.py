"""API v1: applications for cohorts (заявки на обучение, faq-join-steps steps 1–2,
faq-portal-cycles; ADR 0117). A specialist applies for a cohort offered in the catalogue,
lists and withdraws their applications; the staff of the cohort's organisation list the
cohort's applications, accept (enrolling the same account), decline with a reason and
record the contract. Each endpoint calls the service the page calls: a cohort or
application of another organisation is 404, a caller without the role 403, no seat left or
a decided application 409, bad input 422 — in Russian."""

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from nmo.accounts.access import require_role
from nmo.accounts.models import Role
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, IsoDate
from nmo.core.exceptions import NotFound
from nmo.programmes import selectors, services
from nmo.programmes.access import (
    access_cohort,
    access_own_application,
    access_programme_application,
)
from nmo.programmes.exceptions import ApplicationInvalid
from nmo.programmes.models import ApplicationStatus, ProgrammeApplication
from nmo.programmes.types import ApplicationRequest, ContractData

router = Router(tags=["Заявки на обучение по программам ДПП"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
CHANGE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut, 422: ErrorOut}


class ApplicationIn(Schema):
    payment_basis: str = Field(
        ...,
        max_length=30,
        description="education_voucher — образовательный сертификат, specialist_contract — "
        "договор со специалистом, employer_contract — договор с работодателем",
    )
    voucher_number: str = Field("", max_length=100, description="Номер сертификата")
    employer_name: str = Field("", max_length=1000, description="Наименование работодателя")
    comment: str = Field("", max_length=4000)


class ContractIn(Schema):
    contract_number: str = Field("", max_length=200)
    contract_date: IsoDate | None = None
    contract_payer: str = Field(
        "", max_length=1000, description="Пусто — специалист или работодатель из заявки"
    )


class DeclineIn(Schema):
    reason: str = Field(..., max_length=4000, description="Причина отказа (от 10 символов)")


class ApplicationCohortOut(Schema):
    id: int
    programme_id: int
    programme: str
    organisation: str
    starts_on: IsoDate
    ends_on: IsoDate


class ApplicationSpecialistOut(Schema):
    id: int
    full_name: str
    email: str


class ApplicationOut(Schema):
    id: int
    cohort: ApplicationCohortOut
    specialist: ApplicationSpecialistOut
    payment_basis: str
    voucher_number: str
    employer_name: str
    comment: str
    status: str = Field(..., description="filed, accepted, declined, withdrawn")
    status_label: str
    decision_reason: str
    filed_at: dt.datetime
    decided_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    contract_number: str
    contract_date: IsoDate | None
    contract_payer: str
    enrolment_id: int | None


class ApplicationFilter(Schema):
    status: str | None = Field(None, max_length=20, description="filed, accepted, …")


def _out(application: ProgrammeApplication) -> dict[str, Any]:
    cohort = application.cohort
    specialist = application.specialist
    return {
        "id": application.pk,
        "cohort": {
            "id": cohort.pk,
            "programme_id": cohort.programme_id,
            "programme": cohort.programme.title,
            "organisation": str(cohort.programme.organisation),
            "starts_on": cohort.starts_on,
            "ends_on": cohort.ends_on,
        },
        "specialist": {
            "id": specialist.pk,
            "full_name": specialist.full_name,
            "email": specialist.email,
        },
        "payment_basis": application.payment_basis,
        "voucher_number": application.voucher_number,
        "employer_name": application.employer_name,
        "comment": application.comment,
        "status": application.status,
        "status_label": application.get_status_display(),
        "decision_reason": application.decision_reason,
        "filed_at": application.created_at,
        "decided_at": application.decided_at,
        "withdrawn_at": application.withdrawn_at,
        "contract_number": application.contract_number,
        "contract_date": application.contract_date,
        "contract_payer": application.contract_payer,
        "enrolment_id": application.enrolment_id,
    }


def _reload(application: ProgrammeApplication) -> dict[str, Any]:
    return _out(selectors.get_programme_application(application.pk))


def _contract(payload: ContractIn) -> ContractData:
    return ContractData(
        number=payload.contract_number,
        concluded_on=payload.contract_date,
        payer=payload.contract_payer,
    )


# --- the specialist ----------------------------------------------------------------------


@router.post(
    "/cohorts/{cohort_id}/applications",
    response={201: ApplicationOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Подать заявку на обучение в группе",
)
def apply_for_cohort(
    request: AuthenticatedRequest, cohort_id: int, payload: ApplicationIn
) -> Status:
    """A specialist applies for a cohort offered in the catalogue (faq-join-steps):
    409 when no seat is left, the cohort is closed or an application is already active."""
    require_role(request.auth, Role.SPECIALIST)
    cohort = selectors.cohort_open_for_applications(cohort_id)
    if cohort is None:
        raise NotFound("Группа не найдена или не принимает заявок.")
    application = services.apply_for_cohort(
        actor=request.auth,
        cohort=cohort,
        request=ApplicationRequest(
            payment_basis=payload.payment_basis,
            voucher_number=payload.voucher_number,
            employer_name=payload.employer_name,
            comment=payload.comment,
        ),
    )
    return Status(201, _reload(application))


@router.get(
    "/applications",
    response={200: list[ApplicationOut], **ERRORS},
    auth=bearer,
    summary="Мои заявки на обучение",
)
def my_applications(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """The specialist's own applications, newest first."""
    require_role(request.auth, Role.SPECIALIST)
    return [
        _out(a)
        for a in selectors.applications_of_specialist(request.auth).select_related("specialist")
    ]


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Отозвать заявку на обучение",
)
def withdraw_application(request: AuthenticatedRequest, application_id: int) -> dict[str, Any]:
    """Withdraw one's own application before the decision (409 after it)."""
    application = access_own_application(request.auth, application_id)
    return _reload(services.withdraw_application(actor=request.auth, application=application))


# --- the organisation's staff ------------------------------------------------------------


@router.get(
    "/cohorts/{cohort_id}/applications",
    response={200: list[ApplicationOut], **ERRORS, 422: ErrorOut},
    auth=bearer,
    summary="Заявки на обучение в группе",
)
def cohort_applications(
    request: AuthenticatedRequest, cohort_id: int, filters: Query[ApplicationFilter]
) -> list[dict[str, Any]]:
    """The cohort's applications for its organisation's staff, filed ones first."""
    cohort = access_cohort(request.auth, cohort_id)
    status = filters.status or ""
    if status and status not in ApplicationStatus.values:
        raise ApplicationInvalid(
            errors={"status": ["Состояние: filed, accepted, declined или withdrawn."]}
        )
    return [
        _out(a)
        for a in selectors.list_programme_applications(
            request.auth, status=status, cohort_id=cohort.pk
        )
    ]


@router.post(
    "/applications/{application_id}/accept",
    response={200: ApplicationOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Принять заявку и зачислить специалиста",
)
def accept_application(
    request: AuthenticatedRequest, application_id: int, payload: ContractIn
) -> dict[str, Any]:
    """Accept a filed application; the specialist's own account becomes a learner of the
    cohort, with the contract when given."""
    application = access_programme_application(request.auth, application_id)
    return _reload(
        services.accept_application(
            actor=request.auth, application=application, contract=_contract(payload)
        )
    )


@router.post(
    "/applications/{application_id}/decline",
    response={200: ApplicationOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Отклонить заявку с указанием причины",
)
def decline_application(
    request: AuthenticatedRequest, application_id: int, payload: DeclineIn
) -> dict[str, Any]:
    """Decline a filed application; the reason is required and e-mailed to the
    specialist."""
    application = access_programme_application(request.auth, application_id)
    return _reload(
        services.decline_application(
            actor=request.auth, application=application, reason=payload.reason
        )
    )


@router.post(
    "/applications/{application_id}/contract",
    response={200: ApplicationOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Записать договор по принятой заявке",
)
def record_contract(
    request: AuthenticatedRequest, application_id: int, payload: ContractIn
) -> dict[str, Any]:
    """Record or correct the contract (number, date, payer) of an accepted application."""
    application = access_programme_application(request.auth, application_id)
    return _reload(
        services.record_contract(
            actor=request.auth, application=application, contract=_contract(payload)
        )
    )
