"""Detaching an old month of the audit log while the live log is written (ADR 0602), with
real concurrent clients on PostgreSQL.

A reader holds a transaction open on the log (a long report, say): `DETACH PARTITION …
CONCURRENTLY` must wait for it. While it waits, writers append to the live month — each
with a lock timeout, so a blocked append fails the test rather than hanging it. The
contrast: a plain DETACH queued behind the same reader takes ACCESS EXCLUSIVE on the log,
and the next append times out behind it."""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, connections, transaction

from nmo.core import db_roles
from nmo.core.chain import partition_name, verify_chain
from nmo.core.models import AuditEntry
from nmo.core.partitions import archive_before, attached_partitions
from nmo.core.services import record_audit
from nmo.core.tests.tamper import drop_archive, owner_connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

JAN = datetime(2031, 1, 10, 12, tzinfo=UTC)
FEB = datetime(2031, 2, 10, 12, tzinfo=UTC)
WRITERS = 4
ROUNDS = 5


@pytest.fixture(autouse=True)
def _clean_archive() -> Iterator[None]:
    yield
    if connection.vendor == "postgresql":
        drop_archive()


class Reader(threading.Thread):
    """Holds a transaction that has read the log until released."""

    def __init__(self) -> None:
        super().__init__()
        self.ready = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM core_auditentry")
                self.ready.set()
                self.release.wait(120)
        finally:
            connections.close_all()


def _append(index: int, timeout: str) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
        record_audit(actor=None, action="race.live", changes={"t": index})


def _wait_for(sql: str, params: list[object]) -> None:
    deadline = time.monotonic() + 60
    with owner_connection() as watcher:
        while time.monotonic() < deadline:
            if watcher.execute(sql, params).fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"never happened: {sql}")


def _seed() -> list[AuditEntry]:
    with time_machine.travel(JAN, tick=True):
        old = [record_audit(actor=None, action="race.old") for _ in range(3)]
    with time_machine.travel(FEB, tick=True):
        record_audit(actor=None, action="race.feb")
    return old


def test_appends_go_on_while_an_old_month_is_detached_concurrently():
    old = _seed()
    january = partition_name(JAN)
    with time_machine.travel(FEB.replace(day=20), tick=True):
        reader = Reader()
        reader.start()
        assert reader.ready.wait(30)
        # The writers connect (as the application) before the detacher turns to the owner.
        start = threading.Event()
        results: list[object] = [None] * WRITERS
        appended_while_detaching: list[bool] = [False] * WRITERS
        detach_done = threading.Event()
        detach_result: list[object] = []

        def writer(index: int) -> None:
            try:
                connection.ensure_connection()
                assert start.wait(60)
                for _ in range(ROUNDS):
                    _append(index, "3s")
                appended_while_detaching[index] = not detach_done.is_set()
                results[index] = "ok"
            except Exception as exc:
                results[index] = exc
            finally:
                connections.close_all()

        def detacher() -> None:
            try:
                with db_roles.as_owner():
                    detach_result.append(archive_before(date(2031, 2, 1)))
            except Exception as exc:
                detach_result.append(exc)
            finally:
                detach_done.set()
                connections.close_all()

        writers = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for thread in writers:
            thread.start()
        time.sleep(0.5)  # the writers' connections are open
        detaching = threading.Thread(target=detacher)
        detaching.start()
        try:
            # The detach has begun: a month (the oldest first) is marked pending, and it
            # waits for the reader.
            _wait_for(
                "SELECT count(*) FROM pg_inherits "
                "WHERE inhparent = 'core_auditentry'::regclass AND inhdetachpending",
                [],
            )
            began = time.monotonic()
            start.set()
            for thread in writers:
                thread.join(60)
            took = time.monotonic() - began
            assert results == ["ok"] * WRITERS, results
            assert all(appended_while_detaching), "the detach ended before the appends"
            assert detaching.is_alive(), "the detach should still wait for the reader"
        finally:
            # Whatever happened, let the detach end: it holds the owner's role.
            start.set()
            reader.release.set()
            reader.join(30)
            detaching.join(60)
    assert not detaching.is_alive()
    assert detach_result, "the detacher reported nothing"
    assert isinstance(detach_result[0], list), detach_result
    assert took < 30
    assert january not in {p.name for p in attached_partitions()}
    assert AuditEntry.objects.filter(action="race.live").count() == WRITERS * ROUNDS
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    report = verify_chain()
    assert report.ok, report.broken
    with db_roles.as_owner():
        whole = verify_chain(archive=True)
    assert whole.ok, whole.broken
    assert whole.checked == report.checked + len(old)


def test_a_plain_detach_would_stop_the_live_log():
    """Why CONCURRENTLY: the plain form's ACCESS EXCLUSIVE request queues behind the
    reader, and every append queues behind it."""
    _seed()
    january = partition_name(JAN)
    reader = Reader()
    reader.start()
    assert reader.ready.wait(30)
    owner = owner_connection()
    failure: list[BaseException] = []

    def plain_detach() -> None:
        try:
            owner.execute(f'ALTER TABLE core_auditentry DETACH PARTITION "{january}"')
        except BaseException as exc:
            failure.append(exc)

    detaching = threading.Thread(target=plain_detach)
    try:
        detaching.start()
        _wait_for(
            "SELECT count(*) FROM pg_locks WHERE relation = 'core_auditentry'::regclass "
            "AND mode = 'AccessExclusiveLock' AND NOT granted",
            [],
        )
        with pytest.raises(DatabaseError, match="lock timeout"):
            _append(0, "1s")
    finally:
        reader.release.set()
        reader.join(30)
        detaching.join(60)
        owner.close()
    assert not failure, failure
