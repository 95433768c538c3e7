"""Failure throttling in Django's cache, so the count holds across app servers (Redis in
production). A key is blocked once it reaches `limit` failures within `window` seconds."""

import math
import time

from django.core.cache import cache

from nmo.core.exceptions import RateLimited


def _keys(scope: str, ident: str) -> tuple[str, str]:
    base = f"throttle:{scope}:{ident}"
    return base + ":n", base + ":t"


def check_throttle(*, scope: str, idents: list[str], limit: int, window: int) -> None:
    """Raise RateLimited if any of the identities has used up its failures."""
    now = time.time()
    for ident in idents:
        count_key, start_key = _keys(scope, ident)
        count = cache.get(count_key) or 0
        if count >= limit:
            started = cache.get(start_key) or now
            retry_after = max(1, math.ceil(started + window - now))
            raise RateLimited(retry_after)


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
