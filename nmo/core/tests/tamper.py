"""Altering rows behind the application's back, as an attacker with database access would
(ADR 0024): raw SQL, and for the audit log the append-only trigger set aside for the
statement — on PostgreSQL disabled inside the test's transaction (the test database's
owner may), on SQLite dropped and created again."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

_SQLITE_TRIGGERS = {
    "core_auditentry_no_update": "BEFORE UPDATE",
    "core_auditentry_no_delete": "BEFORE DELETE",
}


@contextmanager
def audit_trigger_off() -> Iterator[None]:
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
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount
