"""The end of the audit chain kept in one row by a trigger (PostgreSQL, ADR 0609): every
append moves it, the next append chains onto it, and a row tampered with or lost neither
goes unnoticed nor stops the log."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection

from nmo.core.chain import verify_chain
from nmo.core.models import AuditChainHead, AuditEntry
from nmo.core.services import record_audit
from nmo.core.tests.tamper import raw

pytestmark = pytest.mark.django_db(transaction=True)


def _pg() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the head row is PostgreSQL's; SQLite asks its one table")


def _append(moment: datetime, count: int) -> list[AuditEntry]:
    with time_machine.travel(moment, tick=True):
        return [
            record_audit(actor=None, action="grade.change", object_type="test", object_id=str(i))
            for i in range(count)
        ]


def test_every_append_moves_the_head_across_months():
    _pg()
    _append(datetime(2031, 1, 10, 12, tzinfo=UTC), 2)
    last = _append(datetime(2031, 2, 10, 12, tzinfo=UTC), 2)[-1]
    head = AuditChainHead.objects.get()
    assert (head.seq, head.entry_hash, head.created_at) == (
        last.seq,
        last.entry_hash,
        last.created_at,
    )
    assert verify_chain().ok


def test_the_next_append_chains_onto_the_head_and_a_forged_head_is_found():
    """The head is what an append reads: one forged in the database makes the next entry
    link to a hash no entry has, and the verification names that entry."""
    _pg()
    _append(datetime(2031, 1, 10, 12, tzinfo=UTC), 2)
    raw("UPDATE core_auditchainhead SET entry_hash = %s", ["f" * 64])
    forked = record_audit(actor=None, action="grade.change", object_type="test")
    assert forked.prev_hash == "f" * 64
    broken = verify_chain().broken
    assert broken is not None
    assert broken.entry_id == forked.pk


def test_without_the_head_the_log_is_asked_and_the_head_comes_back():
    _pg()
    before = _append(datetime(2031, 1, 10, 12, tzinfo=UTC), 2)[-1]
    raw("DELETE FROM core_auditchainhead")
    after = record_audit(actor=None, action="grade.change", object_type="test")
    assert (after.seq, after.prev_hash) == (before.seq + 1, before.entry_hash)
    assert AuditChainHead.objects.get().seq == after.seq
    assert verify_chain().ok
