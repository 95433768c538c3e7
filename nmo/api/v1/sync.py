"""API v1: the credit portal's feed for the link between the two portals (ADR 0501,
faq-sync-why). Only a client the specialist consented to (OAuth 2.0 access token of
django-oauth-toolkit, scope `credits`) reads it; the ordinary API tokens do not."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core

from nmo.accounts.models import User
from nmo.api.v1.schemas import ErrorOut
from nmo.core import portal
from nmo.core.exceptions import NotFound
from nmo.cycles.selectors import credits_feed

router = Router(tags=["Синхронизация порталов"])

PAGE_MAX = 500


class LinkedClientAuth(HttpBearer):
    """A bearer token issued by this portal's OAuth 2.0 provider with scope `credits`:
    valid, not expired, not revoked (django-oauth-toolkit checks all three)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=["credits"])
        if not valid:
            return None
        user: User = oauth_request.user
        request.user = user
        return user


linked_client = LinkedClientAuth()


class SyncFeedQuery(Schema):
    after: int = Field(0, ge=0, description="Курсор: номер последней полученной записи")
    limit: int = Field(100, ge=1, le=PAGE_MAX)


class SyncSpecialtyOut(Schema):
    code: str
    name: str


class SyncFeedItemOut(Schema):
    id: int = Field(..., description="Номер записи на портале учёта кредитов")
    kind: str = Field(..., description="event или module")
    hours: int = Field(..., description="Кредиты; отрицательные у исправления")
    occurred_on: date
    title: str
    specialty: SyncSpecialtyOut
    reverses: int | None = Field(None, description="Номер исправляемой записи")


class SyncFeedOut(Schema):
    items: list[SyncFeedItemOut]
    next: int = Field(..., description="Курсор для следующего запроса")
    has_more: bool
    remaining: int
    total: int


class SyncAccountOut(Schema):
    name: str
    email: str


def _credit_portal() -> None:
    if not portal.is_credit_portal():
        raise NotFound()


@router.get(
    "/sync/account",
    response={200: SyncAccountOut, 401: ErrorOut, 404: ErrorOut},
    auth=linked_client,
    summary="Аккаунт, давший согласие на синхронизацию",
)
def account(request: HttpRequest) -> dict[str, Any]:
    """The account on this credit portal whose owner consented: the cycle portal shows it
    beside the link."""
    _credit_portal()
    user: User = request.auth  # type: ignore[attr-defined]
    return {"name": user.full_name, "email": user.email}


@router.get(
    "/sync/credits",
    response={200: SyncFeedOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=linked_client,
    summary="Записи о кредитах специалиста для портала циклов",
)
def credits(request: HttpRequest, query: Query[SyncFeedQuery]) -> dict[str, Any]:
    """The specialist's credits (codes, modules, support decisions and their corrections)
    after the cursor `after`, oldest first. Pass `next` back as `after` until `has_more`
    is false; new credits come later with higher numbers."""
    _credit_portal()
    user: User = request.auth  # type: ignore[attr-defined]
    page = credits_feed(user, after=query.after, limit=query.limit)
    return {
        "items": [
            {
                "id": entry.pk,
                "kind": entry.kind,
                "hours": entry.hours,
                "occurred_on": entry.occurred_on,
                "title": entry.activity.title if entry.activity else "",
                "specialty": {"code": entry.specialty.code, "name": entry.specialty.name},
                "reverses": entry.reverses_id,
            }
            for entry in page.items
        ],
        "next": page.items[-1].pk if page.items else query.after,
        "has_more": page.remaining > 0,
        "remaining": page.remaining,
        "total": page.total,
    }
