"""Who may see and act on codes, certificates and support requests.

A provider's staff see their own organisation's activities only: another provider's
activity is NotFound (as if it did not exist); a person without the provider role gets
PermissionDenied.
"""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_role
from nmo.accounts.models import Role, User
from nmo.accounts.selectors import is_admin, organisations_for
from nmo.catalog.models import Activity
from nmo.catalog.selectors import activity_for_provider
from nmo.codes.models import SupportRequest, SupportRoute
from nmo.core.exceptions import NotFound, PermissionDenied


def is_provider_staff(actor: User, activity: Activity) -> bool:
    """Whether the actor holds the provider role in the activity's provider."""
    return organisations_for(actor, Role.PROVIDER).filter(pk=activity.provider_id).exists()


def check_provider_staff(actor: User | AnonymousUser, activity: Activity) -> None:
    """Refuse anyone but the staff of the activity's provider."""
    provider_staff = require_role(actor, Role.PROVIDER)
    if not is_provider_staff(provider_staff, activity):
        raise NotFound()


def access_provider_activity(actor: User | AnonymousUser, activity_id: int) -> Activity:
    """The activity, for the staff of its provider."""
    provider_staff = require_role(actor, Role.PROVIDER)
    activity = activity_for_provider(user=provider_staff, activity_id=activity_id)
    if activity is None:
        raise NotFound()
    return activity


def can_decide_support_request(actor: User, request: SupportRequest) -> bool:
    """The provider the request is routed to decides it; administrators decide the
    requests that matched no provider."""
    if request.routed_to_id is not None:
        return organisations_for(actor, Role.PROVIDER).filter(pk=request.routed_to_id).exists()
    return request.route == SupportRoute.UNMATCHED and is_admin(actor)


def check_support_request_decider(actor: User | AnonymousUser, request: SupportRequest) -> None:
    decider = require_login(actor)
    if not (is_admin(decider) or organisations_for(decider, Role.PROVIDER).exists()):
        raise PermissionDenied()
    if not can_decide_support_request(decider, request):
        raise NotFound()


def access_support_request(actor: User | AnonymousUser, request_id: int) -> SupportRequest:
    """A support request, for the specialist who filed it, the provider it is routed to,
    or an administrator."""
    user = require_login(actor)
    request = (
        SupportRequest.objects.select_related(
            "specialist", "activity", "activity__provider", "routed_to", "participant"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    if request.specialist_id == user.pk or is_admin(user):
        return request
    if can_decide_support_request(user, request):
        return request
    raise NotFound()
