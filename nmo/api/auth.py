from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from nmo.accounts.selectors import user_for_token


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token is looked up by its hash."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


bearer = BearerAuth()
