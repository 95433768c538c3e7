"""Failure throttling in Django's cache, so the counts hold across app servers (Redis in
production; ADR 0006, ADR 0014).

A `Counter` counts the failures of one identity — an account, an address, an account at
an address — in a window that starts with the first failure and ends `window` seconds
later; it is at its limit once it holds `limit` failures. What a caller does at a limit
is the caller's policy (the login's and the activation's are in ADR 0014): this module
only reads the counters (one cache round trip for all of them and for an optional
"known" marker), adds failures, clears counters and remembers markers.
"""

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache

__all__ = [
    "Counter",
    "Standing",
    "hashed",
    "read_standing",
    "register_failure",
    "remember",
    "reset_throttle",
]


@dataclass(frozen=True)
class Counter:
    """Failures of one identity: `ident` names it (`user:7`, `ip:10.0.0.1`, …)."""

    ident: str
    limit: int
    window: int


@dataclass(frozen=True)
class Standing:
    """The counters as read at one moment: failures so far, seconds left in each window
    that has started, and whether the marker asked about is set."""

    counts: dict[str, int]
    left: dict[str, int]
    known: bool = False
    known_since: float | None = None

    def count(self, counter: Counter) -> int:
        return self.counts.get(counter.ident, 0)

    def retry_after(self, counter: Counter) -> int | None:
        """Seconds until the counter's window ends if it is at its limit, else None."""
        if self.count(counter) < counter.limit:
            return None
        return self.left.get(counter.ident, counter.window)


def hashed(value: str) -> str:
    """A short fixed-length stand-in for a value that becomes part of a key (an e-mail
    address: any length, any symbols; the cache stores no personal data in clear)."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _keys(scope: str, ident: str) -> tuple[str, str]:
    base = f"throttle:{scope}:{ident}"
    return base + ":n", base + ":t"


def _known_key(scope: str, ident: str) -> str:
    return f"throttle:{scope}:known:{ident}"


def read_standing(*, scope: str, counters: Sequence[Counter], known: str | None = None) -> Standing:
    """Every counter's failures and window, and the `known` marker, in one round trip."""
    now = time.time()
    keys = [key for counter in counters for key in _keys(scope, counter.ident)]
    if known is not None:
        keys.append(_known_key(scope, known))
    found = cache.get_many(keys)
    counts: dict[str, int] = {}
    left: dict[str, int] = {}
    for counter in counters:
        count_key, start_key = _keys(scope, counter.ident)
        count = int(found.get(count_key) or 0)
        counts[counter.ident] = count
        if count:
            started = float(found.get(start_key) or now)
            left[counter.ident] = max(1, math.ceil(started + counter.window - now))
    since = found.get(_known_key(scope, known)) if known is not None else None
    return Standing(
        counts=counts,
        left=left,
        known=since is not None,
        known_since=float(since) if since is not None else None,
    )


def register_failure(*, scope: str, counters: Sequence[Counter]) -> None:
    """Add one failure to each counter; the first failure starts the counter's window."""
    now = time.time()
    for counter in counters:
        count_key, start_key = _keys(scope, counter.ident)
        if cache.add(count_key, 0, timeout=counter.window):
            cache.set(start_key, now, timeout=counter.window)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, timeout=counter.window)
            cache.set(start_key, now, timeout=counter.window)


def reset_throttle(*, scope: str, idents: Sequence[str]) -> None:
    cache.delete_many([key for ident in idents for key in _keys(scope, ident)])


def remember(*, scope: str, ident: str, ttl: int) -> None:
    """Set the marker `ident` (for instance: this account has signed in from this
    address) for `ttl` seconds."""
    cache.set(_known_key(scope, ident), time.time(), timeout=ttl)
