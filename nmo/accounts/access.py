"""Access checks shared by pages and services: who may see or do what.

A visitor who is not signed in gets NotAuthenticated (pages redirect to the login form,
the API answers 401); a role that may not act gets PermissionDenied (403); something the
actor may not see is NotFound (404), the same as what does not exist.
"""

from typing import Any

from nmo.accounts.selectors import has_role, is_admin
from nmo.core.exceptions import NotAuthenticated, PermissionDenied


def require_login(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()


def require_role(user: Any, role: str) -> None:
    require_login(user)
    if not has_role(user, role):
        raise PermissionDenied()


def require_admin(user: Any) -> None:
    require_login(user)
    if not is_admin(user):
        raise PermissionDenied()
