"""Which of the two portals this deployment plays (ADR 0501): the cycle portal (cycles,
plan, programmes), the credit portal (events, modules, codes) or both, and where the other
one is (faq-activate-where, faq-sync-why). Read from settings at call time, so a test or a
second instance may switch it."""

from django.conf import settings

CYCLES = "cycles"
CREDITS = "credits"


def roles() -> frozenset[str]:
    configured = {str(r).strip().lower() for r in settings.PORTAL_ROLES if str(r).strip()}
    return frozenset(configured & {CYCLES, CREDITS}) or frozenset({CYCLES, CREDITS})


def is_cycle_portal() -> bool:
    return CYCLES in roles()


def is_credit_portal() -> bool:
    return CREDITS in roles()


def other_portal_url(path: str = "") -> str:
    """The other portal's address (with `path` appended), or "" when none is configured."""
    base = str(settings.OTHER_PORTAL_URL or "").rstrip("/")
    return base + path if base else ""


def other_portal_name() -> str:
    configured = str(settings.OTHER_PORTAL_NAME or "").strip()
    if configured:
        return configured
    return "портал учёта кредитов" if not is_credit_portal() else "портал циклов"


def links_to_credit_portal() -> bool:
    """May a specialist link this deployment to a credit portal elsewhere? A cycle-only
    portal always offers it; one with both roles only when another portal is configured
    (the default, both roles and none, stays as it was)."""
    return is_cycle_portal() and (not is_credit_portal() or bool(other_portal_url()))
