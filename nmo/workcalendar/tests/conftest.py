import importlib

import pytest
from django.core.cache import cache

from nmo.accounts.services import add_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts and ends with an empty cache, so no calendar leaks between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def administrator():
    return add_user(email="admin@example.org", password="Adm1n-passw0rd!", role="admin")


@pytest.fixture
def specialist():
    return add_user(email="doctor@example.org", password="Sp3c-passw0rd!", role="specialist")


@pytest.fixture
def committed_db(transactional_db):
    """A transactional test database whose append-only audit log can still be flushed.

    SQLite flushes with DELETE, which the audit log's trigger refuses (core migration 0002),
    so the log is emptied with the trigger lifted before pytest-django's flush; PostgreSQL
    flushes with TRUNCATE, which the row trigger lets through. (As tests/e2e/conftest.py.)
    """
    yield
    from django.db import connection

    from nmo.core.models import AuditEntry

    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("nmo.core.migrations.0002_audit_append_only")
    with connection.cursor() as cursor:
        for sql in triggers.SQLITE_DOWN:
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table}")  # noqa: S608
        for sql in triggers.SQLITE:
            cursor.execute(sql)
