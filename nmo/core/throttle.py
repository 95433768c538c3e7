"""Failure throttling in Django's cache, so the count holds across app servers (Redis in
production). A key is blocked once it reaches `limit` failures within `window` seconds."""

import math
import time

from django.core.cache import cache

from nmo.core.exceptions import RateLimited


def _keys(scope: str, ident: str) -> tuple[str, str]:
    base = f"throttle:{scope}:{ident}"
    return base + ":n", base + ":t"


def check_throttle(*, scope: str, idents: list[str], limit: int, window: int) -> dict[str, int]:
    """Raise RateLimited if any of the identities has used up its failures; otherwise
    return the failures each identity has so far (one cache round trip for all of them),
    so a caller can skip resetting a count that is zero."""
    now = time.time()
    keys = {ident: _keys(scope, ident) for ident in idents}
    found = cache.get_many([key for pair in keys.values() for key in pair])
    counts: dict[str, int] = {}
    for ident, (count_key, start_key) in keys.items():
        count = int(found.get(count_key) or 0)
        counts[ident] = count
        if count >= limit:
            started = found.get(start_key) or now
            retry_after = max(1, math.ceil(started + window - now))
            raise RateLimited(retry_after)
    return counts


def register_failure(*, scope: str, idents: list[str], window: int) -> None:
    now = time.time()
    for ident in idents:
        count_key, start_key = _keys(scope, ident)
        if cache.add(count_key, 0, timeout=window):
            cache.set(start_key, now, timeout=window)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, timeout=window)
            cache.set(start_key, now, timeout=window)


def reset_throttle(*, scope: str, idents: list[str]) -> None:
    for ident in idents:
        cache.delete_many(list(_keys(scope, ident)))
