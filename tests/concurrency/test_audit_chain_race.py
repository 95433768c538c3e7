"""The audit log's hash chain under real concurrency on PostgreSQL (ADR 0024): many
transactions appending at once — some with two lines, some in autocommit, some rolled
back after writing — never fork the chain nor leave a hole in it; it verifies afterwards.

Each thread opens its own database connection, waits at a barrier so that all of them
fire together, and closes its connections when done."""

import pytest
from django.db import connection, transaction

from nmo.core.chain import verify_chain
from nmo.core.models import AuditEntry
from nmo.core.services import record_audit
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

THREADS = 16
ROUNDS = 12


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


class Doomed(Exception):
    pass


def writer(index: int) -> int:
    written = 0
    for round_ in range(ROUNDS):
        kind = (index + round_) % 3
        if kind == 0:  # autocommit: the line is its own transaction
            record_audit(actor=None, action="race.one", changes={"t": index, "r": round_})
            written += 1
        elif kind == 1:  # two lines in one transaction
            with transaction.atomic():
                record_audit(actor=None, action="race.first", changes={"t": index})
                record_audit(actor=None, action="race.second", changes={"r": round_})
            written += 2
        else:  # written, then rolled back: its place is taken by the next append
            try:
                with transaction.atomic():
                    record_audit(actor=None, action="race.doomed", changes={"t": index})
                    raise Doomed
            except Doomed:
                pass
    return written


def test_parallel_writers_keep_one_unbroken_chain():
    results = race(THREADS, writer)
    assert all(status == "ok" for status, _ in results), results
    written = sum(count for _, count in results)
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == written
    assert seqs == list(range(1, written + 1))  # no fork (a place twice), no hole
    assert not AuditEntry.objects.filter(action="race.doomed").exists()
    report = verify_chain(batch=50)
    assert report.ok, report.broken
    assert report.checked == written
