"""Who may see and change which regulation.

Preset templates are visible to every signed-in user and changed only by administrators.
An organisation's regulation is visible to, and amended by, that organisation's staff and
administrators; for anybody else it does not exist (NotFound).
"""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.selectors import get_organisation, has_role, is_admin
from nmo.core.exceptions import NotFound
from nmo.regulations.models import Regulation


def can_view_regulation(actor: User | AnonymousUser, regulation: Regulation) -> bool:
    """Return whether the actor may see the regulation."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if regulation.organisation is None:
        return True
    return is_admin(actor) or has_role(actor, Role.ORGANISATION_STAFF, regulation.organisation)


def can_amend_regulation(actor: User | AnonymousUser, regulation: Regulation) -> bool:
    """Return whether the actor may amend the regulation: administrators any, the staff of
    an organisation its own (not the preset templates)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if is_admin(actor):
        return True
    if regulation.organisation is None:
        return False
    return has_role(actor, Role.ORGANISATION_STAFF, regulation.organisation)


def can_manage_organisation(actor: User | AnonymousUser, organisation: Organisation) -> bool:
    """Return whether the actor may choose the organisation's regulation."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return is_admin(actor) or has_role(actor, Role.ORGANISATION_STAFF, organisation)


def access_regulation(actor: User | AnonymousUser, regulation_id: int) -> Regulation:
    """Return the regulation if the actor may see it; NotFound otherwise."""
    regulation = Regulation.objects.select_related("organisation").filter(pk=regulation_id).first()
    if regulation is None or not can_view_regulation(actor, regulation):
        raise NotFound()
    return regulation


def access_organisation(actor: User | AnonymousUser, organisation_id: int) -> Organisation:
    """Return the organisation if the actor is its staff or an administrator; NotFound
    otherwise (its regulation is not the actor's business)."""
    try:
        organisation = get_organisation(organisation_id)
    except Organisation.DoesNotExist:
        raise NotFound() from None
    if not can_manage_organisation(actor, organisation):
        raise NotFound()
    return organisation
