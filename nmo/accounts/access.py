"""Access checks shared by pages and services: who may see or do what.

A visitor who is not signed in gets NotAuthenticated (pages redirect to the login form,
the API answers 401); a role that may not act gets PermissionDenied (403); something the
actor may not see is NotFound (404), the same as what does not exist.
"""

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.selectors import has_role, is_admin
from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied

P = ParamSpec("P")
R = TypeVar("R")


class SignedInRequest(HttpRequest):
    """A page request of a signed-in user: what a view under `signed_in` receives."""

    user: User


def is_signed_in(request: HttpRequest) -> TypeGuard[SignedInRequest]:
    """Whether the request's visitor is signed in (then `request.user` is a User)."""
    return request.user.is_authenticated


def signed_in(
    view: Callable[Concatenate[SignedInRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R]:
    """Refuse an anonymous visitor with NotAuthenticated (the login form) before the view
    runs, so that the view sees `request.user` as a User. Put it under the HTTP-method
    decorators: a wrong method is still refused first."""

    @functools.wraps(view)
    def checked(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if not is_signed_in(request):
            raise NotAuthenticated()
        return view(request, *args, **kwargs)

    return checked


def require_login(user: User | AnonymousUser) -> User:
    """The signed-in user; NotAuthenticated for an anonymous visitor."""
    if not user.is_authenticated:
        raise NotAuthenticated()
    return user


def require_role(user: User | AnonymousUser, role: str) -> User:
    account = require_login(user)
    if not has_role(account, role):
        raise PermissionDenied()
    return account


def require_admin(user: User | AnonymousUser) -> User:
    account = require_login(user)
    if not is_admin(account):
        raise PermissionDenied()
    return account


def require_staff(user: User | AnonymousUser) -> User:
    """403 for anyone who is not organisation staff somewhere (lists, create forms)."""
    return require_role(user, Role.ORGANISATION_STAFF)


def require_staff_of(user: User | AnonymousUser, organisation: Organisation) -> User:
    """Only the organisation's own staff act for it: 403 without the staff role at all,
    404 for the staff of another organisation (its affairs are not theirs to see)."""
    staff = require_role(user, Role.ORGANISATION_STAFF)
    if not has_role(staff, Role.ORGANISATION_STAFF, organisation):
        raise NotFound()
    return staff


def access_staff_organisation(user: User | AnonymousUser, organisation_id: int) -> Organisation:
    """The organisation the user is staff of, or 404."""
    require_role(user, Role.ORGANISATION_STAFF)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not has_role(user, Role.ORGANISATION_STAFF, organisation):
        raise NotFound()
    return organisation


def access_administered_organisation(
    user: User | AnonymousUser, organisation_id: int
) -> Organisation:
    """The organisation the user administers: 403 without the organisation administrator's
    role at all, 404 for another organisation (or none with that id)."""
    require_role(user, Role.ORGANISATION_ADMIN)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not has_role(user, Role.ORGANISATION_ADMIN, organisation):
        raise NotFound()
    return organisation
