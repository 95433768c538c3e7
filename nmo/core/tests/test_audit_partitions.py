"""The audit log partitioned by month on PostgreSQL (ADR 0602): partitions made ahead and on
demand, months detached to the archive, and the append-only rule and the hash chain
holding across partitions and across the archive's boundary.

The PostgreSQL tests are transactional: the archive must run outside a transaction
(DETACH … CONCURRENTLY) and as the owner, on a connection that sees the test's rows.
Time is moved to 2031 so that whole months lie in the past whatever today is."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from nmo.core import db_roles
from nmo.core.chain import live_length, partition_name, verify_chain
from nmo.core.exceptions import DomainError
from nmo.core.models import AuditEntry
from nmo.core.partitions import (
    ARCHIVE_SCHEMA,
    archive_before,
    attached_partitions,
    boundary,
    ensure_partitions,
    months_ahead,
    partitioned,
)
from nmo.core.services import record_audit
from nmo.core.tests.tamper import audit_trigger_off, drop_archive, owner_connection, raw

pytestmark = pytest.mark.django_db(transaction=True)

JAN, FEB, MAR = (datetime(2031, m, 10, 12, tzinfo=UTC) for m in (1, 2, 3))


def _pg() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's; SQLite keeps the plain table")


@pytest.fixture
def clean_archive() -> Iterator[None]:
    """Archived tables outlive the test's TRUNCATE: drop them afterwards."""
    yield
    if connection.vendor == "postgresql":
        drop_archive()


def _write(moment: datetime, count: int, action: str = "grade.change") -> list[AuditEntry]:
    with time_machine.travel(moment, tick=True):
        return [
            record_audit(actor=None, action=action, object_type="test", object_id=str(i))
            for i in range(count)
        ]


def _months_in(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass", [table])
        return int(cursor.fetchone()[0])


def test_sqlite_keeps_the_plain_table_and_time_follows_the_chain():
    """On every database an entry dated a little before the entry ahead of it (it waited
    for the append lock, or its node's clock lags) takes that entry's time: each month
    then holds one run of places. A clock set back by months is no race: that entry
    keeps its own time."""
    first = record_audit(actor=None, action="grade.change")
    late = AuditEntry(action="grade.change", created_at=first.created_at - timedelta(seconds=2))
    late.save(force_insert=True)
    assert late.seq == first.seq + 1
    assert late.created_at == first.created_at
    backdated_to = first.created_at - timedelta(days=60)
    backdated = AuditEntry(action="grade.change", created_at=backdated_to)
    backdated.save(force_insert=True)
    assert backdated.created_at == backdated_to
    assert verify_chain().ok
    if connection.vendor == "sqlite":
        assert not partitioned()
        assert attached_partitions() == []
        assert ensure_partitions() == []


def test_the_log_is_partitioned_by_month_with_months_ahead():
    _pg()
    assert partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef('core_auditentry'::regclass), "
            "(SELECT array_agg(a.attname ORDER BY a.attname) FROM pg_index x "
            " JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey) "
            " WHERE x.indrelid = 'core_auditentry'::regclass AND x.indisprimary)"
        )
        key, pk = cursor.fetchone()
    assert key == "RANGE (created_at)"
    assert pk == ["created_at", "id"]  # the partition key is in the primary key
    assert AuditEntry._meta.pk.name == "id"  # Django still sees `id`
    made = ensure_partitions(ahead=3)
    assert months_ahead() >= 3
    assert ensure_partitions(ahead=3) == []  # idempotent
    if made:
        line = AuditEntry.objects.get(action="audit.partitions")
        assert line.changes == {"made": made}
    # No default partition: it would forbid DETACH … CONCURRENTLY (ADR 0602).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_partitioned_table "
            "WHERE partrelid = 'core_auditentry'::regclass AND partdefid <> 0"
        )
        assert cursor.fetchone()[0] == 0


def test_the_command_makes_and_checks_partitions(capsys):
    _pg()
    call_command("audit_partitions", "--ahead", "2")
    call_command("audit_partitions", "--check")
    assert "Разделов после текущего месяца:" in capsys.readouterr().out
    with pytest.raises(CommandError, match="24 месяца"):
        call_command("audit_partitions", "--ahead", "40")


def test_an_append_into_a_month_without_partition_makes_it():
    """The safety net: the month's partition is made by the append itself (through the
    owner's function, as the application's role) rather than the action failing."""
    _pg()
    attached = {p.name for p in attached_partitions()}
    far = datetime(2033, 7, 1, 0, 0, 5, tzinfo=UTC)
    while partition_name(far) in attached:  # a kept test database has made it before
        far = far.replace(year=far.year + 1)
    (entry,) = _write(far, 1)
    assert entry.created_at.astimezone(UTC).strftime("%m") == "07"
    assert partition_name(far) in {p.name for p in attached_partitions()}
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert verify_chain().ok


def test_update_and_delete_are_refused_on_every_partition():
    """As the application's role (ADR 0023): by privilege on the log and on each
    partition; and by the trigger cloned onto every partition for the owner too."""
    _pg()
    _write(JAN, 2)
    _write(FEB, 2)
    names = [partition_name(JAN), partition_name(FEB)]
    for name in names:
        for sql in (
            f"UPDATE \"{name}\" SET action = 'x'",  # noqa: S608
            f'DELETE FROM "{name}"',  # noqa: S608
            f'TRUNCATE "{name}"',
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)
    with owner_connection() as owner:
        for name in names:
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                owner.execute(f"UPDATE \"{name}\" SET action = 'x'")  # noqa: S608
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                owner.execute(f'DELETE FROM "{name}"')  # noqa: S608
    assert AuditEntry.objects.filter(action="grade.change").count() == 4
    if db_roles.split():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a "
                "WHERE c.relname = ANY(%s) AND a.grantee = "
                "(SELECT oid FROM pg_roles WHERE rolname = current_user)",
                [names],
            )
            assert cursor.fetchone()[0] == 0, "the application holds nothing on a partition"


def test_the_chain_walks_across_partitions_and_finds_tampering_in_any():
    _pg()
    _write(JAN, 3)
    feb = _write(FEB, 3)
    _write(MAR, 3)
    report = verify_chain(batch=2)
    assert report.ok, report.broken
    assert report.checked == AuditEntry.objects.count()
    with audit_trigger_off():
        raw("UPDATE core_auditentry SET object_id = 'подмена' WHERE id = %s", [feb[1].pk])
    broken = verify_chain().broken
    assert broken is not None
    assert (broken.kind, broken.entry_id) == ("hash", feb[1].pk)


def test_archiving_detaches_old_months_and_both_halves_still_verify(clean_archive, capsys):
    _pg()
    jan = _write(JAN, 3)
    feb = _write(FEB, 2)
    mar = _write(MAR, 2)
    with time_machine.travel(datetime(2031, 3, 20, tzinfo=UTC)):
        call_command("audit_archive", "--before", "2031-03")
        out = capsys.readouterr().out
    assert f"2031-01 → {ARCHIVE_SCHEMA}.core_auditentry_p2031_01: записей 3" in out
    assert f"последняя № {feb[-1].seq}, хеш {feb[-1].entry_hash}" in out
    attached = {p.name for p in attached_partitions()}
    assert partition_name(JAN) not in attached
    assert partition_name(FEB) not in attached
    assert partition_name(MAR) in attached
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in jan + feb]).exists()
    # The move is itself in the log, with the boundary the live chain goes on from.
    line = AuditEntry.objects.get(action="audit.archive")
    assert line.changes["boundary"] == {"seq": feb[-1].seq, "hash": feb[-1].entry_hash}
    months = {m["month"]: m for m in line.changes["months"]}
    assert months["2031-01"]["last_hash"] == jan[-1].entry_hash
    assert months["2031-02"]["first_prev_hash"] == jan[-1].entry_hash
    assert boundary() == (feb[-1].seq, feb[-1].entry_hash)
    # The live log verifies from the boundary; the archive from the first entry.
    live = verify_chain(batch=2)
    assert live.ok, live.broken
    assert live.checked == AuditEntry.objects.count()
    assert live_length() == live.checked  # what the page weighs: the live side alone
    call_command("verify_audit_chain", "--archive", "--batch", "2")
    assert "Цепочка журнала аудита цела" in capsys.readouterr().out
    # An archived month keeps the append-only rule and is out of the application's reach.
    with owner_connection() as owner:
        table = f"{ARCHIVE_SCHEMA}.core_auditentry_p2031_01"
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            owner.execute(f"DELETE FROM {table}")  # noqa: S608
        # Tampering inside the archive is found by the archive's walk.
        owner.execute(f"ALTER TABLE {table} DISABLE TRIGGER core_auditentry_no_change")
        owner.execute(f"UPDATE {table} SET action = 'x' WHERE id = %s", [jan[1].pk])  # noqa: S608
    if db_roles.split():
        with (
            pytest.raises(DatabaseError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
    with db_roles.as_owner():
        broken = verify_chain(archive=True).broken
    assert broken is not None
    assert (broken.kind, broken.entry_id) == ("hash", jan[1].pk)
    assert verify_chain().ok  # the live log alone is whole
    assert mar[0].prev_hash == feb[-1].entry_hash  # the boundary is a real link
    # A month taken to cold storage and dropped: the live log still verifies, the walk
    # from the start says what to restore.
    with owner_connection() as owner:
        owner.execute(f"DROP TABLE {table}")
    with db_roles.as_owner():
        missing = verify_chain(archive=True).broken
    assert missing is not None
    assert missing.kind == "missing"
    assert table in missing.detail
    assert verify_chain().ok


def test_an_entry_cut_at_the_live_side_of_the_boundary_is_found(clean_archive):
    _pg()
    _write(JAN, 2)
    feb = _write(FEB, 3)
    with time_machine.travel(datetime(2031, 2, 20, tzinfo=UTC)), db_roles.as_owner():
        archive_before(date(2031, 2, 1))
    with audit_trigger_off():
        raw("DELETE FROM core_auditentry WHERE id = %s", [feb[0].pk])
    broken = verify_chain().broken
    assert broken is not None
    assert broken.kind == "gap"
    assert f"Нет записей № {feb[0].seq};" in broken.detail


def test_the_archive_refuses_the_current_month_and_bad_input():
    _pg()
    with time_machine.travel(datetime(2031, 3, 20, tzinfo=UTC)):
        with pytest.raises(CommandError, match="Текущий месяц"):
            call_command("audit_archive", "--before", "2031-04")
        with pytest.raises(CommandError, match="ГГГГ-ММ"):
            call_command("audit_archive", "--before", "март")
        with pytest.raises(DomainError):
            archive_before(date(2031, 5, 1))


def test_the_migration_moves_a_log_with_rows_into_partitions():
    """Core 0006 run on a database whose plain audit log holds rows of several months:
    back to the plain table (0005) and forward again, every row and link kept."""
    _pg()
    _write(JAN, 2)
    _write(FEB, 2)
    before = list(AuditEntry.objects.order_by("seq").values_list("id", "seq", "entry_hash"))
    with db_roles.as_owner():
        executor = MigrationExecutor(connection)
        executor.migrate([("core", "0005_audit_chain_h_c")])
        try:
            assert not partitioned()
            assert _months_in("core_auditentry") == 0
            assert verify_chain().ok
            executor.loader.build_graph()
            executor.migrate([("core", "0006_audit_partitions_h8f")])
        finally:
            # Forward to the latest migration of core (the chain's head, 0007, too).
            executor.loader.build_graph()
            executor.migrate(executor.loader.graph.leaf_nodes("core"))
        db_roles.grant_app_role()
    assert partitioned()
    assert partition_name(JAN) in {p.name for p in attached_partitions()}
    after = list(AuditEntry.objects.order_by("seq").values_list("id", "seq", "entry_hash"))
    assert after == before
    assert verify_chain().ok
    # Appends go on with fresh ids and the trigger is back.
    entry = record_audit(actor=None, action="grade.change")
    assert entry.pk > before[-1][0]
    with (
        owner_connection() as owner,
        pytest.raises(psycopg.errors.RaiseException, match="append-only"),
    ):
        owner.execute(f'DELETE FROM "{partition_name(JAN)}"')  # noqa: S608


def test_the_archive_refuses_to_cut_across_interleaved_places(clean_archive):
    """A clock set back by a month writes a January line after February's: cutting
    January off would take a place from the middle of the live chain."""
    _pg()
    _write(FEB, 2)
    _write(JAN, 1)  # the clock set back: keeps its January time, takes a later place
    with (
        time_machine.travel(datetime(2031, 3, 5, tzinfo=UTC)),
        db_roles.as_owner(),
        pytest.raises(DomainError, match="перемежаются"),
    ):
        archive_before(date(2031, 2, 1))
    assert partition_name(JAN) in {p.name for p in attached_partitions()}
    assert not AuditEntry.objects.filter(action="audit.archive").exists()
