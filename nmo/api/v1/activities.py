"""Providers' applications and the commission's decisions (api.md: Activities).

`POST /activities` (provider) submits an event or e-module; `GET` and `PATCH
/activities/{id}` read and change an application (its provider's staff; experts may read);
`POST /activities/{id}/decision` is the accreditation commission's decision (expert).
"""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema, Status

from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, IsoDate
from nmo.catalog import services
from nmo.catalog.access import (
    access_application,
    access_own_activity,
    access_provider,
    access_review,
)
from nmo.catalog.models import Activity
from nmo.catalog.rules import (
    DESCRIPTION_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    SPECIALTIES_MAX,
    TITLE_MAX_LENGTH,
)
from nmo.catalog.selectors import get_catalogue_activity
from nmo.catalog.types import ActivityData
from nmo.core.exceptions import NotFound

router = Router(tags=["Мероприятия и модули: заявки на оценку"])


class ActivityIn(Schema):
    kind: Literal["event", "module"]
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    specialties: list[str] = Field(..., max_length=SPECIALTIES_MAX)
    format: Literal["in_person", "online"]
    starts_on: IsoDate
    ends_on: IsoDate
    location: str = Field("", max_length=LOCATION_MAX_LENGTH)
    country: str = Field("RU", max_length=10, description="ISO 3166-1 alpha-2, например RU")
    hours_requested: int
    description: str = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    provider_id: int | None = Field(
        None,
        description="Обязателен, только если пользователь представляет нескольких провайдеров",
    )


class ActivityPatchIn(Schema):
    kind: Literal["event", "module"] | None = None
    title: str | None = Field(None, max_length=TITLE_MAX_LENGTH)
    specialties: list[str] | None = Field(None, max_length=SPECIALTIES_MAX)
    format: Literal["in_person", "online"] | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    location: str | None = Field(None, max_length=LOCATION_MAX_LENGTH)
    country: str | None = Field(None, max_length=10)
    hours_requested: int | None = None
    description: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH)


class ProviderOut(Schema):
    id: int
    name: str


class ActivityOut(Schema):
    id: int
    status: str
    kind: str
    title: str
    provider: ProviderOut
    specialties: list[str]
    format: str
    starts_on: IsoDate
    ends_on: IsoDate
    location: str
    country: str
    hours_requested: int
    description: str
    credits: int | None
    decided_at: datetime | None


class DecisionIn(Schema):
    decision: Literal["accredited", "rejected"]
    credits: int | None = None
    comment: str = Field("", max_length=5000)


class DecisionOut(Schema):
    id: int
    status: str
    credits: int | None


def _out(activity: Activity) -> dict[str, object]:
    return {
        "id": activity.pk,
        "status": activity.status,
        "kind": activity.kind,
        "title": activity.title,
        "provider": {"id": activity.provider.pk, "name": activity.provider.name},
        "specialties": sorted(s.code for s in activity.specialties.all()),
        "format": activity.format,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "location": activity.location,
        "country": activity.country,
        "hours_requested": activity.hours_requested,
        "description": activity.description,
        "credits": activity.credits,
        "decided_at": activity.decided_at,
    }


def _reloaded(activity: Activity) -> Activity:
    fresh = get_catalogue_activity(activity.pk)
    if fresh is None:  # pragma: no cover - just written in this request
        raise NotFound()
    return fresh


@router.post(
    "/activities",
    response={201: ActivityOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Подать заявку на оценку мероприятия или модуля (провайдер)",
)
def submit_activity(request: AuthenticatedRequest, payload: ActivityIn) -> Status:
    """Submit an application; it is «submitted» until the commission decides and only then,
    if accredited, appears in the catalogue (faq-catalogue-providers)."""
    provider = access_provider(request.auth, payload.provider_id)
    data = ActivityData(
        kind=payload.kind,
        title=payload.title,
        specialties=tuple(payload.specialties),
        format=payload.format,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        location=payload.location,
        country=payload.country,
        hours_requested=payload.hours_requested,
        description=payload.description,
    )
    activity = services.submit_activity(actor=request.auth, provider=provider, data=data)
    return Status(201, _out(_reloaded(activity)))


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, 401: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Заявка (провайдер — свои; эксперт комиссии — любые)",
)
def get_activity(request: AuthenticatedRequest, activity_id: int) -> dict[str, object]:
    return _out(access_application(request.auth, activity_id))


@router.patch(
    "/activities/{activity_id}",
    response={200: ActivityOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Изменить заявку, пока комиссия не приняла решение (провайдер)",
)
def patch_activity(
    request: AuthenticatedRequest, activity_id: int, payload: ActivityPatchIn
) -> dict[str, object]:
    """Only the fields sent change; 409 `activity_not_editable` once decided."""
    activity = access_own_activity(request.auth, activity_id)
    given = payload.dict(exclude_unset=True)
    current = {
        "kind": activity.kind,
        "title": activity.title,
        "specialties": tuple(s.code for s in activity.specialties.all()),
        "format": activity.format,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "location": activity.location,
        "country": activity.country,
        "hours_requested": activity.hours_requested,
        "description": activity.description,
    }
    for field, value in given.items():
        if value is None:
            continue  # null means "unchanged", like an absent field
        current[field] = tuple(value) if field == "specialties" else value
    updated = services.update_activity(
        actor=request.auth,
        activity=activity,
        data=ActivityData(**current),  # type: ignore[arg-type]
    )
    return _out(_reloaded(updated))


@router.post(
    "/activities/{activity_id}/decision",
    response={
        200: DecisionOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=bearer,
    summary="Решение комиссии по заявке (эксперт)",
)
def decide_activity(
    request: AuthenticatedRequest, activity_id: int, payload: DecisionIn
) -> dict[str, object]:
    """`accredited` needs whole `credits` from 1 to the hours requested; `rejected` needs
    the reason in `comment`. 409 `activity_already_decided` for a decided application,
    409 `foreign_credits_not_counted` for credits abroad while they are not counted
    (faq-foreign)."""
    activity = access_review(request.auth, activity_id)
    decided = services.decide_activity(
        actor=request.auth,
        activity=activity,
        decision=payload.decision,
        credits=payload.credits,
        comment=payload.comment,
    )
    return {"id": decided.pk, "status": decided.status, "credits": decided.credits}
