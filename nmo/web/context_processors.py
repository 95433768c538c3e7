from django.http import HttpRequest

from nmo.accounts.selectors import roles_of
from nmo.web.navigation import menu_items


def extra_roles(user: object) -> set[str]:
    """Roles held outside memberships (commission member, learner), added by their apps."""
    from django.apps import apps

    found: set[str] = set()
    for config in apps.get_app_configs():
        provider = getattr(config, "navigation_roles", None)
        if provider is not None:
            found |= provider(user)
    return found


def extra_count(user: object, name: str) -> int:
    """A menu count (`NavEntry.count`): the sum of what the apps providing it give
    (`navigation_counts` of their AppConfig: a mapping of names to functions of the user)
    — «На подпись» counts the attestation's records and the appeal protocols; 0 when
    none does."""
    from django.apps import apps

    total = 0
    for config in apps.get_app_configs():
        counters = getattr(config, "navigation_counts", None)
        if counters is not None and name in counters:
            total += int(counters[name](user))
    return total


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main menu for the acting user's roles. A request refused before the user was
    read (an unknown Host header gets the 400 page) is shown the anonymous menu."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    roles: set[str] = set()
    if signed_in:
        roles = roles_of(user) | extra_roles(user)  # type: ignore[arg-type]
    items = menu_items(
        roles=roles,
        signed_in=signed_in,
        counts=(lambda name: extra_count(user, name)) if signed_in else None,
    )
    return {"nav_items": items, "user_roles": roles}
