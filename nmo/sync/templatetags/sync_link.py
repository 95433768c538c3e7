"""`{% sync_link_panel %}`: the link's section on «Личные сведения» and its state in the
cabinet (faq-sync-once). A tag, so the pages of the floors below (accounts, cycles) show
it without importing this app."""

from typing import Any

from django import template

from nmo.core import portal
from nmo.sync.selectors import links_of

register = template.Library()


@register.inclusion_tag("sync/_panel.html", takes_context=True)
def sync_link_panel(context: Any, compact: bool = False) -> dict[str, Any]:
    user = context.get("user")
    linkable = portal.links_to_credit_portal()
    links = links_of(user) if linkable and user is not None and user.is_authenticated else []
    live = links[0] if links and links[0].is_live else None
    return {
        "linkable": linkable,
        "configured": bool(portal.other_portal_url()),
        "other_portal_url": portal.other_portal_url(),
        "live": live,
        "ended": [link for link in links if not link.is_live],
        "compact": compact,
        "csrf_token": context.get("csrf_token"),
    }
