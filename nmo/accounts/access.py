"""Access checks shared by pages and services: who may see or do what.

A visitor who is not signed in gets NotAuthenticated (pages redirect to the login form,
the API answers 401); a role that may not act gets PermissionDenied (403); something the
actor may not see is NotFound (404), the same as what does not exist.
"""

from typing import Any

from nmo.accounts.models import Organisation, Role
from nmo.accounts.selectors import has_role, is_admin
from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied


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


def require_staff(user: Any) -> None:
    """403 for anyone who is not organisation staff somewhere (lists, create forms)."""
    require_role(user, Role.ORGANISATION_STAFF)


def require_staff_of(user: Any, organisation: Organisation) -> None:
    """Only the organisation's own staff act for it: 403 without the staff role at all,
    404 for the staff of another organisation (its affairs are not theirs to see)."""
    require_role(user, Role.ORGANISATION_STAFF)
    if not has_role(user, Role.ORGANISATION_STAFF, organisation):
        raise NotFound()


def access_staff_organisation(user: Any, organisation_id: int) -> Organisation:
    """The organisation the user is staff of, or 404."""
    require_role(user, Role.ORGANISATION_STAFF)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not has_role(user, Role.ORGANISATION_STAFF, organisation):
        raise NotFound()
    return organisation
