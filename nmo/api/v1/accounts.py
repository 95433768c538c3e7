"""Tokens and public registration (api.md: Authentication)."""

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from nmo.accounts import services
from nmo.accounts.selectors import roles_of
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, IsoDate
from nmo.core.middleware import client_ip

router = Router(tags=["Учётные записи"])


class TokenIn(Schema):
    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=256)


class TokenOut(Schema):
    token: str


class AccountIn(Schema):
    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=256)
    last_name: str = Field(..., max_length=150)
    first_name: str = Field(..., max_length=150)
    middle_name: str = Field("", max_length=150)
    snils: str = Field(..., max_length=20)
    personal_data_consent: bool = False
    # Optional (issue 12): "male" | "female"; when absent, inferred from the patronymic.
    sex: str = Field("", max_length=6)
    birth_date: IsoDate | None = None


class AccountOut(Schema):
    id: int
    email: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]


@router.post(
    "/auth/token",
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    auth=None,
    summary="Получить токен",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    issued = services.issue_token(
        email=payload.email, password=payload.password, ip=client_ip(request)
    )
    return Status(200, {"token": issued.raw})


@router.delete(
    "/auth/token",
    response={204: None, 401: ErrorOut},
    auth=bearer,
    summary="Отозвать текущий токен",
)
def delete_token(request: AuthenticatedRequest) -> Status:
    raw = request.headers.get("Authorization", "").partition(" ")[2].strip()
    services.revoke_token_by_raw(actor=request.auth, raw=raw)
    return Status(204, None)


@router.get("/auth/me", response={200: MeOut, 401: ErrorOut}, auth=bearer, summary="Кто я")
def me(request: AuthenticatedRequest) -> dict[str, object]:
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "roles": sorted(roles_of(user)),
    }


@router.post(
    "/accounts",
    response={201: AccountOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Регистрация специалиста",
)
def register(request: HttpRequest, payload: AccountIn) -> Status:
    user = services.register_specialist(
        data=services.Registration(**payload.dict()), ip=client_ip(request)
    )
    return Status(201, {"id": user.pk, "email": user.email})
