"""Failure throttling in Django's cache, so the counts hold across app servers (Redis in
production; ADR 0006, ADR 0014).

A `Counter` counts the failures of one identity — an account, an address, an account at
an address — in a window that starts with the first failure and ends `window` seconds
later; it is at its limit once it holds `limit` failures. What a caller does at a limit
is the caller's policy (the login's and the activation's are in ADR 0014): this module
only reads the counters (one cache round trip for all of them and for an optional
"known" marker), adds failures, clears counters and remembers markers.

`reserve` makes the decision atomic (ADR 0021): it counts an attempt on every counter
*before* the secret is checked, with the cache's atomic increment, and the caller admits
the attempt only if no counter had reached its limit before it. A refused attempt and a
successful one give their reservation back (`Reservation.refund`); a failed one keeps it
as its failure. Concurrent attempts therefore each see the ones in flight, and at most
`limit` of them reach the check, however many arrive at once.

The store failing (Redis down or not answering) is never taken for "no failures": every
function here raises `ServiceUnavailable` instead (fail closed; the pages and the API
answer 503 with Retry-After, ADR 0021).
"""

import hashlib
import logging
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache

from nmo.core.exceptions import ServiceUnavailable
from nmo.core.russian import in_time

logger = logging.getLogger(__name__)

__all__ = [
    "STORE_ERRORS",
    "Counter",
    "Reservation",
    "Standing",
    "audit_unavailable",
    "hashed",
    "is_known",
    "read_standing",
    "register_failure",
    "remember",
    "reserve",
    "reset_throttle",
    "store_unavailable",
]


def _store_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]
    try:
        from redis.exceptions import RedisError

        errors.append(RedisError)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    try:
        from django_redis.exceptions import ConnectionInterrupted

        errors.append(ConnectionInterrupted)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


STORE_ERRORS = _store_errors()
"""What the cache raises when its store does not answer (Redis refused, timed out, a
cache folder unwritable)."""


def store_unavailable(scope: str) -> ServiceUnavailable:
    """The refusal when the counters cannot be read or written: fail closed, in Russian,
    with the seconds after which to retry."""
    seconds = int(settings.THROTTLE_UNAVAILABLE_RETRY_SECONDS)
    return ServiceUnavailable(
        seconds,
        "Служба учёта попыток временно не отвечает, поэтому ради безопасности действие "
        f"не выполнено. Повторите попытку через {in_time(seconds)}.",
        scope=scope,
    )


@contextmanager
def _store(scope: str) -> Iterator[None]:
    try:
        yield
    except STORE_ERRORS as exc:
        raise store_unavailable(scope) from exc


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
    with _store(scope):
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
    with _store(scope):
        for counter in counters:
            _increment(scope, counter)


def _increment(scope: str, counter: Counter) -> int:
    """Add one to the counter atomically and return its new value; the first one starts
    the counter's window."""
    count_key, start_key = _keys(scope, counter.ident)
    try:
        return int(cache.incr(count_key))
    except ValueError:  # no counter yet (or it just expired)
        pass
    if cache.add(count_key, 1, timeout=counter.window):
        cache.set(start_key, time.time(), timeout=counter.window)
        return 1
    try:  # someone else started it between our incr and add
        return int(cache.incr(count_key))
    except ValueError:  # and it expired at once
        cache.set(count_key, 1, timeout=counter.window)
        cache.set(start_key, time.time(), timeout=counter.window)
        return 1


@dataclass
class Reservation:
    """One attempt counted on its counters before the secret is checked (`reserve`).

    `counts` holds each counter's value *after* this attempt was added: the failures and
    the attempts in flight, this one included. The attempt may go on against a counter
    while `before(counter) < counter.limit`."""

    scope: str
    counters: tuple[Counter, ...]
    counts: dict[str, int]
    _left: dict[str, int] | None = field(default=None, repr=False)

    def before(self, counter: Counter) -> int:
        """Failures and attempts in flight on the counter before this attempt."""
        return self.counts.get(counter.ident, 1) - 1

    def reached(self, counter: Counter) -> bool:
        return self.before(counter) >= counter.limit

    def left(self, counter: Counter) -> int:
        """Seconds until the counter's window ends (one cache read for all counters, the
        first time it is asked: only a refusal needs it)."""
        if self._left is None:
            now = time.time()
            starts = [_keys(self.scope, c.ident)[1] for c in self.counters]
            with _store(self.scope):
                found = cache.get_many(starts)
            self._left = {}
            for c, key in zip(self.counters, starts, strict=True):
                started = float(found.get(key) or now)
                self._left[c.ident] = max(1, math.ceil(started + c.window - now))
        return self._left.get(counter.ident, counter.window)

    def retry_after(self, counter: Counter) -> int | None:
        """Seconds until the counter's window ends if it had reached its limit, else None."""
        return self.left(counter) if self.reached(counter) else None

    def refund(self, counters: Sequence[Counter] | None = None) -> None:
        """Give back this attempt's count (a refusal, a success, an attempt that checked
        nothing). A counter cleared or expired meanwhile is left alone."""
        with _store(self.scope):
            for counter in self.counters if counters is None else counters:
                with suppress(ValueError):
                    cache.decr(_keys(self.scope, counter.ident)[0])

    def clear(self, counters: Sequence[Counter]) -> None:
        """Empty the counters (a success that ends someone's run of failures)."""
        reset_throttle(scope=self.scope, idents=[c.ident for c in counters])


def reserve(*, scope: str, counters: Sequence[Counter]) -> Reservation:
    """Count one attempt on every counter, atomically, before the secret is checked."""
    with _store(scope):
        counts = {counter.ident: _increment(scope, counter) for counter in counters}
    return Reservation(scope=scope, counters=tuple(counters), counts=counts)


def reset_throttle(*, scope: str, idents: Sequence[str]) -> None:
    with _store(scope):
        cache.delete_many([key for ident in idents for key in _keys(scope, ident)])


def remember(*, scope: str, ident: str, ttl: int) -> None:
    """Set the marker `ident` (for instance: this account has signed in from this
    address) for `ttl` seconds."""
    with _store(scope):
        cache.set(_known_key(scope, ident), time.time(), timeout=ttl)


def is_known(*, scope: str, ident: str) -> float | None:
    """When the marker `ident` was set, or None."""
    with _store(scope):
        since = cache.get(_known_key(scope, ident))
    return float(since) if since is not None else None


def audit_unavailable(
    *, exc: ServiceUnavailable, actor: AbstractBaseUser | None, path: str
) -> None:
    """Record a refusal for want of the counters' store (ADR 0021). Written where the
    refusal becomes a response, after the view's transactions have ended; if the
    database fails too, the refusal still goes out and the failure is logged."""
    from nmo.core.services import record_audit

    try:
        record_audit(
            actor=actor,
            action="throttle.unavailable",
            changes={"scope": exc.scope, "path": path[:200]},
        )
    except Exception:  # the refusal is answered whatever happens to its audit line
        logger.exception("could not audit a refusal for want of the throttle's store")
