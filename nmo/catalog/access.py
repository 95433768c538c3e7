"""Who may see which activity, and on behalf of which provider one applies.

An application that is not (yet) in the catalogue is seen only by its provider's staff and
by the commission's experts; to everybody else it does not exist (NotFound, 404), the same
as a missing id. A provider's staff see only their own provider's applications.
"""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_role
from nmo.accounts.models import Organisation, Role, User
from nmo.catalog.exceptions import ProviderRequired
from nmo.catalog.models import Activity
from nmo.catalog.selectors import (
    can_see_application,
    get_catalogue_activity,
    is_provider_staff,
    providers_for,
)
from nmo.core.exceptions import NotFound, PermissionDenied


def _activity(activity_id: int) -> Activity:
    activity = get_catalogue_activity(activity_id)
    if activity is None:
        raise NotFound()
    return activity


def access_catalogue_activity(actor: User | AnonymousUser, activity_id: int) -> Activity:
    """An accredited activity for anyone (the public catalogue, faq-only-listed); any other
    only for its provider's staff and the commission's experts."""
    activity = _activity(activity_id)
    if activity.is_in_catalogue or can_see_application(actor, activity):
        return activity
    raise NotFound()


def access_application(actor: User | AnonymousUser, activity_id: int) -> Activity:
    """The application, whatever its status, for its provider's staff and for experts."""
    require_login(actor)
    activity = _activity(activity_id)
    if not can_see_application(actor, activity):
        raise NotFound()
    return activity


def access_own_activity(actor: User | AnonymousUser, activity_id: int) -> Activity:
    """An application of a provider the actor is staff of; someone else's is NotFound."""
    require_login(actor)
    activity = _activity(activity_id)
    if not is_provider_staff(actor, activity):
        raise NotFound()
    return activity


def access_review(actor: User | AnonymousUser, activity_id: int) -> Activity:
    """An application as the commission reviews it: experts only (403 for other roles)."""
    require_role(actor, Role.ACCREDITATION_EXPERT)
    return _activity(activity_id)


def access_provider(actor: User | AnonymousUser, provider_id: int | None = None) -> Organisation:
    """The provider on whose behalf the actor applies.

    A user without the provider role may not apply at all (403). Staff of one provider
    need not say which; staff of several must give `provider_id` (ProviderRequired, 422),
    and an id of a provider they are not staff of is refused the same way.
    """
    provider_staff = require_role(actor, Role.PROVIDER)
    providers = list(providers_for(provider_staff))
    if not providers:  # the role without an organisation: nobody to apply for
        raise PermissionDenied()
    if provider_id is None:
        if len(providers) == 1:
            return providers[0]
        raise ProviderRequired(
            errors={
                "provider_id": [
                    "Вы представляете нескольких провайдеров: укажите, от чьего имени "
                    "подаётся заявка."
                ]
            }
        )
    for provider in providers:
        if provider.pk == provider_id:
            return provider
    raise ProviderRequired(
        errors={"provider_id": ["Вы не представляете этого провайдера."]},
    )
