"""The cabinet's rendered sections in Django's cache (Redis in production, shared by every
app server), under a version per specialist.

Every service that changes what a specialist's cabinet shows (a credit, a reversal,
programme hours, a cycle, a plan item) calls `invalidate_cabinet`, which moves the
specialist to a new random version at once and again after commit; sections cached
under an old version are never read again. The timeout only bounds how long a change
made elsewhere (an activity's title, a specialty's name) can take to show.
"""

import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

CABINET_TIMEOUT = 10 * 60
"""Seconds a rendered cabinet section is kept: a bound for changes outside the ledger."""


def _version_key(specialist_id: int) -> str:
    return f"cycles:cabinet:{specialist_id}:version"


def cabinet_version(specialist_id: int) -> str:
    """The specialist's current cabinet version, starting a random one if there is none."""
    key = _version_key(specialist_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(8), timeout=CABINET_TIMEOUT)
        version = cache.get(key) or "-"
    return str(version)


def section_key(specialist_id: int, version: str, name: str) -> str:
    return f"cycles:cabinet:{specialist_id}:{version}:{name}"


def cached_sections(specialist_id: int, builders: dict[str, Callable[[], str]]) -> dict[str, str]:
    """The named sections of the specialist's cabinet, from the cache where present and
    built (and stored) where not."""
    version = cabinet_version(specialist_id)
    keys = {name: section_key(specialist_id, version, name) for name in builders}
    found = cache.get_many(list(keys.values()))
    sections: dict[str, str] = {}
    missing: dict[str, str] = {}
    for name, key in keys.items():
        if key in found:
            sections[name] = found[key]
        else:
            sections[name] = builders[name]()
            missing[key] = sections[name]
    if missing:
        cache.set_many(missing, timeout=CABINET_TIMEOUT)
    return sections


def invalidate_cabinet(specialist_id: int) -> None:
    """Show the specialist's changed data on the next visit: new version now (so the
    writer's own next page is fresh) and again after commit (so nothing read before the
    commit stays cached)."""

    def bump() -> None:
        cache.set(_version_key(specialist_id), secrets.token_hex(8), timeout=CABINET_TIMEOUT)

    bump()
    transaction.on_commit(bump)
