"""Who may see what in the cycles app: a specialist sees only their own cycles, entries
and plan items; a provider only its own activities. What the actor may not see is
NotFound (404), the same as what does not exist; a role that may not act is
PermissionDenied (403)."""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_role
from nmo.accounts.models import Role, User
from nmo.catalog.models import Activity
from nmo.catalog.selectors import activity_for_provider, get_accredited_activity
from nmo.core.exceptions import NotFound
from nmo.cycles.models import CreditEntry, Cycle, PlanItem


def access_cycle(actor: User | AnonymousUser, cycle_id: int) -> Cycle:
    """The actor's own cycle, with specialty, rule and specialist."""
    specialist = require_login(actor)
    cycle = (
        Cycle.objects.select_related("specialty", "rule", "specialist")
        .filter(pk=cycle_id, specialist=specialist)
        .first()
    )
    if cycle is None:
        raise NotFound()
    return cycle


def access_entry(actor: User | AnonymousUser, entry_id: int) -> CreditEntry:
    """The actor's own ledger entry (its notice PDF is the owner's only, faq-keep-proof)."""
    specialist = require_login(actor)
    entry = (
        CreditEntry.objects.select_related(
            "specialist", "activity", "activity__provider", "specialty", "organisation"
        )
        .filter(pk=entry_id, specialist=specialist)
        .first()
    )
    if entry is None:
        raise NotFound()
    return entry


def access_any_entry(actor: User | AnonymousUser, entry_id: int) -> CreditEntry:
    """Any ledger entry, for an administrator's correction."""
    require_role(actor, Role.ADMIN)
    entry = (
        CreditEntry.objects.select_related("specialist", "activity", "specialty")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound()
    return entry


def access_plan_item(actor: User | AnonymousUser, item_id: int) -> PlanItem:
    specialist = require_login(actor)
    item = (
        PlanItem.objects.select_related("cycle", "activity")
        .filter(pk=item_id, cycle__specialist=specialist)
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def access_provider_activity(actor: User | AnonymousUser, activity_id: int) -> Activity:
    """An activity of one of the provider organisations the actor works for."""
    provider = require_role(actor, Role.PROVIDER)
    activity = activity_for_provider(user=provider, activity_id=activity_id)
    if activity is None:
        raise NotFound()
    return activity


def access_catalogue_activity(activity_id: int) -> Activity:
    """An accredited activity of the catalogue, for planning; an application still under
    review is not found. The plan service checks the rest."""
    activity = get_accredited_activity(activity_id)
    if activity is None:
        raise NotFound()
    return activity
