"""Where the loaded calendar lives in Django's cache, shared by every app server.

The calendar is cached under a key that carries a version number; each edit bumps the
version, so every server stops using the old entry at once without having to delete it.
"""

import secrets

from django.core.cache import cache

VERSION_KEY = "workcalendar:version"
CALENDAR_TIMEOUT = 60 * 60 * 24
"""Seconds a loaded calendar is kept: a safety net only, edits bump the version."""


def current_version() -> int:
    """Return the calendar's cache version, starting one if the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # A random start: if the version key was evicted, the new numbers cannot meet
        # calendar entries cached under the old ones.
        cache.add(VERSION_KEY, secrets.randbits(40), timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version) if version is not None else 0


def calendar_key(version: int) -> str:
    return f"workcalendar:calendar:{version}"


def bump_version() -> None:
    """Move the calendar to a new cache version, so the next read loads it afresh."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key is missing (never set or evicted)
        current_version()
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, secrets.randbits(40), timeout=None)
