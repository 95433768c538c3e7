"""Altering rows behind the application's back, as an attacker with database access would
(ADR 0024): raw SQL, and for the audit log the append-only trigger set aside for the
statement — on PostgreSQL disabled inside the test's transaction (the test database's
owner may), on SQLite dropped and created again.

When the suite runs as the application's role (ADR 0023), that role may neither disable
the trigger nor update the log: `audit_trigger_off` then works through a connection of
its own as the owner, in autocommit, and `raw` inside the block goes through it too. The
tests that use it are transactional, so the owner sees their rows."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection

from nmo.core import db_roles

_owner: list[Any] = []

_SQLITE_TRIGGERS = {
    "core_auditentry_no_update": "BEFORE UPDATE",
    "core_auditentry_no_delete": "BEFORE DELETE",
}


@contextmanager
def _owner_trigger_off() -> Iterator[None]:
    owner = db_roles.owner_credentials() or {}
    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=owner.get("USER"),
        password=owner.get("PASSWORD") or None,
        host=owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        autocommit=True,
    ) as conn:
        conn.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_change")
        _owner.append(conn)
        try:
            yield
        finally:
            _owner.pop()
            conn.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_no_change")


@contextmanager
def audit_trigger_off() -> Iterator[None]:
    if db_roles.split():
        with _owner_trigger_off():
            yield
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_change")
        else:
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_no_change"
                )
            else:
                for name, when in _SQLITE_TRIGGERS.items():
                    cursor.execute(
                        f"CREATE TRIGGER {name} {when} ON core_auditentry "
                        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
                    )


def raw(sql: str, params: list[Any] | None = None) -> int:
    """Run one statement as it is and return how many rows it touched."""
    if _owner:
        return int(_owner[-1].execute(sql, params or []).rowcount)
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def owner_connection() -> psycopg.Connection[Any]:
    """A connection of its own as the schema's owner (or the one role), in autocommit."""
    owner = db_roles.owner_credentials() or {
        key: connection.settings_dict.get(key) for key in db_roles.CREDENTIALS
    }
    return psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=owner.get("USER"),
        password=owner.get("PASSWORD") or None,
        host=owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        autocommit=True,
    )


def drop_archive() -> None:
    """Drop the audit log's archived and detached months (ADR 0602): they outlive a
    transactional test's TRUNCATE, and the next test's archive would collide with them.
    Then attach this month and the next three again."""
    with owner_connection() as conn:
        conn.execute("DROP SCHEMA IF EXISTS audit_archive CASCADE")
        conn.execute("CREATE SCHEMA audit_archive")
        for (name,) in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relispartition "
            "AND c.relname ~ '^core_auditentry_p[0-9]{4}_[0-9]{2}$'"
        ).fetchall():
            conn.execute(f'DROP TABLE "{name}"')
        # An archive test cuts off every month before its own, today's too: make today's
        # and the coming months again for the tests that insert without the model.
        conn.execute(
            "SELECT core_auditentry_ensure_partitions("
            "date_trunc('month', now() AT TIME ZONE 'UTC')::date, 4)"
        )
