"""The cabinet's rendered sections in Django's cache (Redis in production, shared by every
app server), under a version per specialist.

The version is a row in the database (`CabinetStamp`): every change of what a
specialist's cabinet shows (a credit, a reversal, programme hours, a cycle, a plan item)
gives it a new random value in the change's own transaction (`invalidate_cabinet`, or
the SQL of `stamp_upsert` inside the code activation's one statement, ADR 0203). The
cabinet reads it with one primary-key lookup, so it sees a new version exactly when the
change is committed; sections cached under an old version are never read again. The
timeout only bounds how long a change made elsewhere (an activity's title, a
specialty's name) can take to show.
"""

import contextlib
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection

from nmo.core.throttle import STORE_ERRORS
from nmo.cycles.models import CabinetStamp

CABINET_TIMEOUT = 10 * 60
"""Seconds a rendered cabinet section is kept: a bound for changes outside the ledger."""


def cabinet_version(specialist_id: int) -> str:
    """The specialist's current cabinet version ("-" before the first change)."""
    found = CabinetStamp.objects.filter(pk=specialist_id).values_list("version", flat=True)
    return next(iter(found), "-")


def new_version() -> str:
    return secrets.token_hex(8)


def stamp_upsert(*, source: str = "") -> str:
    """The statement giving a specialist's cabinet a new version: parameters the
    specialist's id and the new version; `source` (a CTE that yields a row only when
    the change happened) turns `VALUES` into `SELECT … FROM source`. PostgreSQL and
    SQLite. Names come from the model; `source` is the caller's own SQL."""
    qn = connection.ops.quote_name
    table = qn(CabinetStamp._meta.db_table)
    key = qn(str(CabinetStamp._meta.get_field("specialist").column))
    # SQLite parses `SELECT … FROM x ON CONFLICT` only with a WHERE between them.
    rows = f"SELECT %s, %s FROM {source} WHERE true" if source else "VALUES (%s, %s)"  # noqa: S608
    return (
        f"INSERT INTO {table} ({key}, version) {rows} "
        f"ON CONFLICT ({key}) DO UPDATE SET version = excluded.version"
    )


def section_key(specialist_id: int, version: str, name: str) -> str:
    return f"cycles:cabinet:{specialist_id}:{version}:{name}"


def cached_sections(specialist_id: int, builders: dict[str, Callable[[], str]]) -> dict[str, str]:
    """The named sections of the specialist's cabinet, from the cache where present and
    built (and stored) where not."""
    version = cabinet_version(specialist_id)
    keys = {name: section_key(specialist_id, version, name) for name in builders}
    try:
        found = cache.get_many(list(keys.values()))
    except STORE_ERRORS:  # the cache is down: build every section (ADR 0021)
        return {name: build() for name, build in builders.items()}
    sections: dict[str, str] = {}
    missing: dict[str, str] = {}
    for name, key in keys.items():
        if key in found:
            sections[name] = found[key]
        else:
            sections[name] = builders[name]()
            missing[key] = sections[name]
    if missing:
        with contextlib.suppress(*STORE_ERRORS):
            cache.set_many(missing, timeout=CABINET_TIMEOUT)
    return sections


def invalidate_cabinet(specialist_id: int) -> None:
    """Show the specialist's changed data on the next visit: a new cabinet version, in
    the caller's transaction (it commits, or rolls back, with the change)."""
    with connection.cursor() as cursor:
        cursor.execute(stamp_upsert(), [specialist_id, new_version()])
