from django.http import HttpRequest
from ninja.security import HttpBearer

from nmo.accounts.models import User
from nmo.accounts.selectors import user_for_token


class AuthenticatedRequest(HttpRequest):
    """What an endpoint under `bearer` receives: the token's user, put in `auth` by ninja
    and in `user` by `BearerAuth.authenticate`."""

    auth: User
    user: User


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token is looked up by its hash."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


bearer = BearerAuth()
