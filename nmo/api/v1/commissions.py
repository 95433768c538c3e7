"""API v1: attestation commissions of an organisation — the order, the specialty and the
seats (chair, deputy chair, members, secretary) — for the organisation's staff, as on the
commission pages (ADR 0019). A member is named by the e-mail of their account; the
composition is checked against the organisation's regulation by the service (npc-4.1,
npc-4.4, npc-4.8, npc-4.9, rgmu-4.4, rgmu-4.7, rgmu-4.9). Another organisation's
commission is 404, a caller without the staff role 403."""

from typing import Any

from ninja import Field, Router, Schema, Status

from nmo.accounts.access import access_staff_organisation, require_staff
from nmo.accounts.selectors import user_for_email
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, IsoDate, specialty_ids
from nmo.attestation import selectors, services
from nmo.attestation.access import access_commission
from nmo.attestation.exceptions import CommissionInvalid
from nmo.attestation.models import Commission
from nmo.attestation.types import CommissionData, SeatData
from nmo.core.exceptions import ValidationFailed
from nmo.regulations.types import CommissionRole, Post

router = Router(tags=["Аттестационные комиссии"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
CHANGE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut, 422: ErrorOut}
MAX_SEATS = 30


class SeatIn(Schema):
    email: str = Field(..., max_length=254, description="Электронная почта учётной записи")
    role: CommissionRole = Field(
        ...,
        description="chair — председатель, deputy_chair — заместитель, member — член, "
        "secretary — секретарь",
    )
    post: str = Field("", max_length=300, description="Должность, как в приказе")
    posts: list[Post] = Field(
        [], max_length=10, description="Кем является в организации (для правил назначения)"
    )


class CommissionIn(Schema):
    organisation_id: int
    specialty: str = Field(..., max_length=20, description="Код специальности номенклатуры")
    unit_id: int | None = None
    title: str = Field(..., max_length=300)
    order_number: str = Field(..., max_length=50, description="Номер приказа об утверждении")
    order_date: IsoDate
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    seats: list[SeatIn] = Field(..., min_length=1, max_length=MAX_SEATS)


class SeatOut(Schema):
    id: int
    person_id: int
    full_name: str
    email: str
    role: str
    role_label: str
    post: str
    posts: list[str]


class CommissionOut(Schema):
    id: int
    organisation_id: int
    specialty: str
    specialty_name: str
    unit_id: int | None
    title: str
    order_number: str
    order_date: IsoDate
    valid_from: IsoDate
    valid_to: IsoDate | None
    seats: list[SeatOut]


def _out(commission: Commission) -> dict[str, Any]:
    return {
        "id": commission.pk,
        "organisation_id": commission.organisation_id,
        "specialty": commission.specialty.code,
        "specialty_name": commission.specialty.name,
        "unit_id": commission.unit_id,
        "title": commission.title,
        "order_number": commission.order_number,
        "order_date": commission.order_date,
        "valid_from": commission.valid_from,
        "valid_to": commission.valid_to,
        "seats": [
            {
                "id": seat.pk,
                "person_id": seat.person_id,
                "full_name": seat.person.full_name,
                "email": seat.person.email,
                "role": seat.role,
                "role_label": CommissionRole(seat.role).label,
                "post": seat.post,
                "posts": list(seat.posts or []),
            }
            for seat in selectors.active_seats(commission)
        ],
    }


def _data(payload: CommissionIn) -> CommissionData:
    """The service's input; members are found by the e-mail of their accounts (422 by
    seat for an e-mail nobody has, as the page's form says)."""
    seats: list[SeatData] = []
    errors: dict[str, list[str]] = {}
    for index, seat in enumerate(payload.seats):
        person = user_for_email(seat.email)
        if person is None:
            errors[f"seats.{index}.email"] = ["Нет пользователя с такой электронной почтой."]
            continue
        seats.append(SeatData(person.pk, seat.role, seat.post, tuple(seat.posts)))
    specialty_id = 0
    try:
        [specialty_id] = specialty_ids([payload.specialty], field="specialty")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise CommissionInvalid(errors=errors)
    return CommissionData(
        specialty_id=specialty_id,
        unit_id=payload.unit_id,
        title=payload.title,
        order_number=payload.order_number,
        order_date=payload.order_date,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        seats=tuple(seats),
    )


@router.get(
    "/commissions",
    response={200: list[CommissionOut], 401: ErrorOut, 403: ErrorOut},
    auth=bearer,
    summary="Аттестационные комиссии организации",
)
def list_commissions(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """The commissions of the caller's organisations with their current seats."""
    require_staff(request.auth)
    return [_out(c) for c in selectors.list_commissions(request.auth)]


@router.post(
    "/commissions",
    response={201: CommissionOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Сформировать аттестационную комиссию",
)
def form_commission(request: AuthenticatedRequest, payload: CommissionIn) -> Status:
    """Form a standing commission for a specialty (npc-4.1) by the order the regulation
    names (npc-4.3), with its seats. The composition must satisfy the regulation: one
    chair; a deputy chair at НПЦ ДЗМ (npc-4.4); a secretary who is not a member (npc-4.9,
    rgmu-4.9); at least 3 persons without the secretary (npc-4.8, rgmu-4.7); else 422
    with the reasons. Another commission covering the specialty at the same time is 422."""
    organisation = access_staff_organisation(request.auth, payload.organisation_id)
    commission = services.form_commission(
        actor=request.auth, organisation=organisation, data=_data(payload)
    )
    return Status(201, _out(access_commission(request.auth, commission.pk)))


@router.get(
    "/commissions/{commission_id}",
    response={200: CommissionOut, **ERRORS},
    auth=bearer,
    summary="Аттестационная комиссия и её состав",
)
def get_commission(request: AuthenticatedRequest, commission_id: int) -> dict[str, Any]:
    """One commission of the caller's organisations with its current seats."""
    return _out(access_commission(request.auth, commission_id))


@router.put(
    "/commissions/{commission_id}",
    response={200: CommissionOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Изменить приказ или состав комиссии",
)
def update_commission(
    request: AuthenticatedRequest, commission_id: int, payload: CommissionIn
) -> dict[str, Any]:
    """Change the order or the composition with the checks of forming it; a seat left out
    leaves the commission (a member who already sat stays on record). The organisation of
    a commission does not change."""
    commission = access_commission(request.auth, commission_id)
    if payload.organisation_id != commission.organisation_id:
        raise CommissionInvalid(errors={"organisation_id": ["Организация комиссии не меняется."]})
    services.update_commission(actor=request.auth, commission=commission, data=_data(payload))
    return _out(access_commission(request.auth, commission_id))
