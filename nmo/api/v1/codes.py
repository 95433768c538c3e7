"""Confirmation codes (api.md: Confirmation codes)."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, rendered
from nmo.codes import services
from nmo.codes.access import access_provider_activity
from nmo.codes.exceptions import ActivateOnCreditPortal
from nmo.codes.rules import MAX_CODES_PER_ISSUE
from nmo.core import portal
from nmo.core.middleware import client_ip

router = Router(tags=["Коды подтверждения (ИКП)"])


class IssueCodesIn(Schema):
    count: int = Field(..., ge=1, le=MAX_CODES_PER_ISSUE, description="Сколько кодов выпустить")


class IssuedCodesOut(Schema):
    codes: list[str]


class ActivateIn(Schema):
    code: str = Field(..., max_length=200, description="Код, как его ввёл пользователь")


class ActivityRefOut(Schema):
    id: int
    title: str
    kind: str


class ActivationOut(Schema):
    activity: ActivityRefOut
    credits: int
    activated_at: dt.datetime


@router.post(
    "/activities/{activity_id}/codes",
    response={
        201: IssuedCodesOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=bearer,
    summary="Выпустить коды подтверждения",
)
def issue_codes(request: AuthenticatedRequest, activity_id: int, payload: IssueCodesIn) -> Status:
    """Issue `count` (1–10000) new codes for the provider's accredited event; 409
    `activity_not_accredited_event` for a module or an activity not accredited."""
    activity = access_provider_activity(request.auth, activity_id)
    issued = services.issue_codes(actor=request.auth, activity=activity, count=payload.count)
    return Status(201, {"codes": list(issued.codes)})


@router.post(
    "/codes/activate",
    response={
        200: ActivationOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    auth=bearer,
    summary="Активировать код подтверждения",
)
def activate_code(request: AuthenticatedRequest, payload: ActivateIn) -> HttpResponse:
    """Activate a code as typed (any case, spaces, symbols; "O" for zero). Every failure
    that reveals nothing about the code is 409 `code_not_activated`; the specialist's own
    code again is 409 `code_already_yours`; too many failures are 429 with Retry-After;
    503 `service_unavailable` with Retry-After while the throttle's store is down; 409
    `activate_on_credit_portal` on a deployment without the credit portal's role."""
    if not portal.is_credit_portal():
        raise ActivateOnCreditPortal  # faq-activate-where: 409 on a cycle-only portal
    activation = services.activate_code(
        specialist=request.auth, typed_code=payload.code, ip=client_ip(request)
    )
    # The hot path (ADR 0612): ActivationOut's shape, rendered without a second validation.
    return rendered(
        request,
        200,
        {
            "activity": {
                "id": activation.activity_id,
                "title": activation.activity_title,
                "kind": str(activation.activity_kind),
            },
            "credits": activation.credits,
            "activated_at": activation.activated_at,
        },
    )
