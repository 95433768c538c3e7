"""The product behind PgBouncer in transaction mode (ADR 0604): `make test-pgbouncer` runs
these and the race tests of tests/concurrency with the application's connections going
through a PgBouncer that resets every server connection after every transaction. Elsewhere
(SQLite, PostgreSQL without the pooler) they are skipped: they need that PgBouncer.
"""

import os

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from nmo.codes.documents import codes_workbook
from nmo.codes.models import ConfirmationCode
from nmo.codes.services import activate_code
from nmo.codes.tests.factories import (
    accredited_event,
    issued_codes,
    make_specialist,
    provider_staff,
)
from nmo.cycles.models import CreditEntry

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _behind_pgbouncer() -> None:
    if getattr(settings, "DATABASE_POOLER", "") != "pgbouncer" or connection.vendor != "postgresql":
        pytest.skip("runs under `make test-pgbouncer` (ADR 0604)")


def raw_connection(**options: object) -> psycopg.Connection:
    """A connection of our own to the database through the same PgBouncer."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
        **options,  # type: ignore[arg-type]
    )


def test_the_application_connects_through_pgbouncer_in_transaction_mode():
    """The tests' connection is PgBouncer's port, and its console says the pool hands
    out server connections per transaction."""
    assert str(connection.settings_dict["PORT"]) == os.environ["PGBOUNCER_PORT"]
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="pgbouncer", autocommit=True
    ) as console:
        cursor = psycopg.ClientCursor(console)
        cursor.execute("SHOW CONFIG")
        found = {row[0]: row[1] for row in cursor.fetchall()}
    assert found["pool_mode"] == "transaction"


def test_session_state_is_gone_at_the_next_transaction():
    """Why the product keeps no session state: a plain SET lasts one transaction here."""
    with raw_connection() as conn:
        conn.execute("SET statement_timeout = '7s'")
        shown = conn.execute("SHOW statement_timeout").fetchone()
    assert shown is not None
    assert shown[0] != "7s"


def test_a_prepared_statement_breaks_without_the_switch():
    """A connection that prepares its statements (what DATABASE_PREPARE_THRESHOLD does,
    ADR 0203) fails behind the pooler at the first reuse; the settings turn it off."""

    def run_twice() -> None:
        with raw_connection(prepare_threshold=0) as conn:
            # Prepared in one exchange, run in the next: the reset between them drops it.
            conn.execute("SELECT %s::int", [1])
            conn.execute("SELECT %s::int", [2])

    with pytest.raises(psycopg.errors.InvalidSqlStatementName):
        run_twice()
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] is None
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True


@pytest.mark.clause("faq-ikp-activation")
def test_the_activation_hot_path_runs_many_times_on_one_connection():
    """Twelve activations on one connection — past the threshold at which the hot statement
    would be prepared — each credit once."""
    staff = provider_staff("pooled-provider@example.ru", "Общество кардиологов")
    activity = accredited_event(submitted_by=staff)
    codes = issued_codes(staff, activity, 12)
    for index, code in enumerate(codes):
        specialist = make_specialist(f"pooled{index}@example.ru")
        activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.7")
    assert CreditEntry.objects.filter(activity=activity).count() == 12


def test_iterating_a_large_query_works_behind_the_pooler():
    """`.iterator()` in autocommit would declare a cursor WITH HOLD, which the next
    transaction's reset closes; with server-side cursors off it reads in one go."""
    staff = provider_staff("pooled-list@example.ru", "Общество кардиологов")
    activity = accredited_event(submitted_by=staff)
    issued_codes(staff, activity, 30)
    assert (
        len(list(ConfirmationCode.objects.filter(activity=activity).iterator(chunk_size=7))) == 30
    )
    assert codes_workbook(activity)[:2] == b"PK"  # the XLSX list of the event's codes
