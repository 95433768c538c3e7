"""Least privilege in the database (ADR 0023): the application's PostgreSQL role reads and
writes rows and nothing more; the audit log and the credit ledger only grow.

The suite runs connected as the application's role when `DATABASE_OWNER_URL` names the
owner (`make test-pg`, `.ci/run`); these tests are skipped elsewhere, and CI fails if
they are skipped on PostgreSQL."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from nmo.core import db_roles
from nmo.core.models import AuditEntry
from nmo.core.services import record_audit
from nmo.cycles.models import CreditEntry
from nmo.cycles.services import post_credit, reverse_entry
from nmo.cycles.tests import factories

APPEND_ONLY = ["core_auditentry", "cycles_creditentry"]
TRIGGER_FUNCTIONS = {
    "core_auditentry": "core_auditentry_append_only",
    "cycles_creditentry": "cycles_creditentry_append_only",
}


@pytest.fixture(autouse=True)
def _as_the_application() -> None:
    if connection.vendor != "postgresql" or not db_roles.split():
        pytest.skip("needs PostgreSQL with DATABASE_OWNER_URL: the roles are PostgreSQL's")


def _refused(sql: str, message: str) -> None:
    """The statement fails for lack of privilege, and the test's transaction goes on."""
    with (
        pytest.raises(DatabaseError, match=message),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


@pytest.fixture
def entry(specialist):  # type: ignore[no-untyped-def]
    record_audit(actor=specialist, action="credit.post", object_type="test", object_id="1")
    return post_credit(
        specialist=specialist,
        activity=factories.event(credits=6),
        source="code",
        occurred_on=date(2025, 10, 1),
    )


@pytest.mark.django_db
def test_the_tests_run_as_the_application_role() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == db_roles.app_role()
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone()[0] == 0, "the application's role owns nothing"


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_application_cannot_rewrite_an_append_only_table(entry, table):
    """UPDATE, DELETE and TRUNCATE are refused by privilege, before any trigger."""
    _refused(f"UPDATE {table} SET id = id", "permission denied")  # noqa: S608
    _refused(f"DELETE FROM {table}", "permission denied")  # noqa: S608
    _refused(f"TRUNCATE {table}", "permission denied")
    assert AuditEntry.objects.exists()
    assert CreditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_the_ledger_cannot_be_edited_through_the_orm(entry):
    _refused_orm = [
        lambda: CreditEntry.objects.filter(pk=entry.pk).update(hours=100),
        lambda: CreditEntry.objects.filter(pk=entry.pk).delete(),
    ]
    for change in _refused_orm:
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert CreditEntry.objects.get(pk=entry.pk).hours == 6


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_application_cannot_lift_or_replace_the_guard(table):
    """Only the owner may disable a trigger or replace its function."""
    _refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner")
    _refused(
        f"CREATE OR REPLACE FUNCTION {TRIGGER_FUNCTIONS[table]}() RETURNS trigger AS $$ "
        "BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql",
        "must be owner|permission denied",
    )


@pytest.mark.django_db
def test_the_application_has_no_ddl():
    _refused("CREATE TABLE intruder (id int)", "permission denied")
    _refused("CREATE FUNCTION intruder() RETURNS int AS 'SELECT 1' LANGUAGE sql", "denied")
    _refused("ALTER TABLE accounts_user ADD COLUMN intruder int", "must be owner")
    _refused("DROP TABLE django_session", "must be owner")
    _refused("TRUNCATE django_session", "permission denied")


@pytest.mark.django_db
def test_the_application_appends_and_corrects_by_reversal(entry, admin_user):
    """A normal insert works on both tables, and so does a correction: a reversing entry
    (which reads the original without locking it)."""
    before = AuditEntry.objects.count()
    reversal = reverse_entry(actor=admin_user, entry=entry, reason="Ошибка в коде")
    assert reversal.hours == -6
    assert reversal.reverses_id == entry.pk
    assert AuditEntry.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_grant_app_role_is_idempotent_and_covers_new_tables():
    """`manage.py grant_app_role` (also run after every migrate) gives the same privileges
    each time, and the owner's default privileges cover tables it creates later."""
    call_command("grant_app_role", verbosity=0)
    call_command("grant_app_role", verbosity=0)
    app = db_roles.app_role()
    with connection.cursor() as cursor:
        for table in APPEND_ONLY:
            for privilege, held in [
                ("SELECT", True), ("INSERT", True), ("UPDATE", False), ("DELETE", False),
                ("TRUNCATE", False), ("TRIGGER", False),
            ]:  # fmt: skip
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app, table, privilege])
                assert cursor.fetchone()[0] is held, (table, privilege)
        cursor.execute("SELECT has_table_privilege(%s, 'accounts_user', 'UPDATE')", [app])
        assert cursor.fetchone()[0] is True
        cursor.execute("SELECT has_table_privilege(%s, 'accounts_user', 'TRUNCATE')", [app])
        assert cursor.fetchone()[0] is False
    with db_roles.as_owner(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id serial PRIMARY KEY)")
        try:
            cursor.execute("SELECT has_table_privilege(%s, 'later_table', 'INSERT')", [app])
            assert cursor.fetchone()[0] is True
            cursor.execute("SELECT has_table_privilege(%s, 'later_table', 'TRUNCATE')", [app])
            assert cursor.fetchone()[0] is False
            cursor.execute(
                "SELECT has_sequence_privilege(%s, 'later_table_id_seq', 'USAGE')", [app]
            )
            assert cursor.fetchone()[0] is True
        finally:
            cursor.execute("DROP TABLE later_table")
