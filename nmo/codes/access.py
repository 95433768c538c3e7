"""Who may see and act on codes, certificates and support requests.

A provider's staff see their own organisation's activities only: another provider's
activity is NotFound (as if it did not exist); a person without the provider role gets
PermissionDenied.
"""

from typing import Any

from nmo.accounts.access import require_login, require_role
from nmo.accounts.models import Role
from nmo.accounts.selectors import is_admin, organisations_for
from nmo.catalog.models import Activity
from nmo.codes.models import SupportRequest, SupportRoute
from nmo.core.exceptions import NotFound, PermissionDenied


def is_provider_staff(actor: Any, activity: Activity) -> bool:
    """Whether the actor holds the provider role in the activity's provider."""
    return organisations_for(actor, Role.PROVIDER).filter(pk=activity.provider_id).exists()


def check_provider_staff(actor: Any, activity: Activity) -> None:
    """Refuse anyone but the staff of the activity's provider."""
    require_role(actor, Role.PROVIDER)
    if not is_provider_staff(actor, activity):
        raise NotFound()


def access_provider_activity(actor: Any, activity_id: int) -> Activity:
    """The activity, for the staff of its provider."""
    require_role(actor, Role.PROVIDER)
    activity = (
        Activity.objects.select_related("provider")
        .filter(pk=activity_id, provider__in=organisations_for(actor, Role.PROVIDER))
        .first()
    )
    if activity is None:
        raise NotFound()
    return activity


def can_decide_support_request(actor: Any, request: SupportRequest) -> bool:
    """The provider the request is routed to decides it; administrators decide the
    requests that matched no provider."""
    if request.routed_to_id is not None:
        return organisations_for(actor, Role.PROVIDER).filter(pk=request.routed_to_id).exists()
    return request.route == SupportRoute.UNMATCHED and is_admin(actor)


def check_support_request_decider(actor: Any, request: SupportRequest) -> None:
    require_login(actor)
    if not (is_admin(actor) or organisations_for(actor, Role.PROVIDER).exists()):
        raise PermissionDenied()
    if not can_decide_support_request(actor, request):
        raise NotFound()


def access_support_request(actor: Any, request_id: int) -> SupportRequest:
    """A support request, for the specialist who filed it, the provider it is routed to,
    or an administrator."""
    require_login(actor)
    request = (
        SupportRequest.objects.select_related(
            "specialist", "activity", "activity__provider", "routed_to", "participant"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    if request.specialist_id == actor.pk or is_admin(actor):
        return request
    if can_decide_support_request(actor, request):
        return request
    raise NotFound()
