"""The cabinet's section «Программы ДПП» (ADR 0117) kept in Django's cache (Redis in
production) per specialist for PANEL_SECONDS: the cabinet is the specialist's most
visited page, and reading the applications with their cohorts, programmes and
organisations on every visit was a sixth of it (docs/scale-report.md).

Every change of a specialist's application (`services.applications`) forgets the
section when its transaction commits, so the next visit reads it anew. A visit that read
the old state just before that commit may store it again after the delete: the timeout
bounds that to PANEL_SECONDS, as it bounds the open cohorts suggested beside it and
changes made elsewhere (a cohort's dates, a programme's title)."""

import contextlib
from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.db import transaction

from nmo.core.throttle import STORE_ERRORS

PANEL_SECONDS = 60


def _key(specialist_id: int) -> str:
    return f"programmes:cabinet-panel:{specialist_id}"


def cached_panel(specialist_id: int, specialty_ids: Sequence[int], build: Callable[[], str]) -> str:
    """The section from the cache when it was built for the same specialties, else built
    and stored; built anew when the cache is down (ADR 0021)."""
    wanted = tuple(sorted(set(specialty_ids)))
    with contextlib.suppress(*STORE_ERRORS):
        found = cache.get(_key(specialist_id))
        if found is not None and found[0] == wanted:
            return str(found[1])
    html = build()
    with contextlib.suppress(*STORE_ERRORS):
        cache.set(_key(specialist_id), (wanted, html), timeout=PANEL_SECONDS)
    return html


def forget_panel(specialist_id: int) -> None:
    """Have the specialist's next visit read the section anew, once the caller's
    transaction commits."""

    def forget() -> None:
        with contextlib.suppress(*STORE_ERRORS):
            cache.delete(_key(specialist_id))

    transaction.on_commit(forget)
