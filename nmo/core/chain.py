"""The audit log's hash chain (ADR 0024): how an entry is hashed, how an append takes its
place, and the verification that walks the whole log in batches and points at the first
broken link.

An entry's hash is the HMAC-SHA256 (`nmo.core.integrity`, purpose "audit-chain") of the
canonical JSON of its content — place, time, actor, action, object, changes, IP — and the
hash of the entry before it. Appends are serialised by a lock held until the
appending transaction ends (`next_place`); a second entry at one place is refused by a
unique constraint besides. The end of the log is not anchored inside the database: the
command prints the last place and hash, and `verify_chain(anchor=…)` checks that the log
still reaches an anchor noted earlier.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper

from nmo.core.integrity import AUDIT_CHAIN, GENESIS, seal

if TYPE_CHECKING:
    from nmo.core.models import AuditEntry

BATCH = 2000

#: The columns an entry's hash covers, besides `prev_hash`, in the order verification reads.
CONTENT = (
    "seq",
    "created_at",
    "actor_id",
    "actor_repr",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "ip",
)


def normal_ip(ip: str | None) -> str | None:
    """The address as the database writes it back (PostgreSQL `inet`: compressed)."""
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip


def content_digest(values: dict[str, Any], prev_hash: str) -> str:
    data = {name: values[name] for name in CONTENT}
    data["ip"] = normal_ip(data["ip"])
    data["prev_hash"] = prev_hash
    return seal(AUDIT_CHAIN, data)


def entry_digest(entry: AuditEntry) -> str:
    entry.ip = normal_ip(entry.ip)
    return content_digest({name: getattr(entry, name) for name in CONTENT}, entry.prev_hash)


def _table(name: str, connection: BaseDatabaseWrapper) -> str:
    return connection.ops.quote_name(name)


#: The PostgreSQL advisory lock that serialises appends: "NMOAUDIT" as a number.
APPEND_LOCK = 0x4E4D4F4155444954


def next_place(connection: BaseDatabaseWrapper) -> tuple[int, str]:
    """Take the chain's append lock (held until the transaction ends) and return the
    place of the next entry and the hash of the last one. On PostgreSQL the lock is a
    transaction-level advisory lock and the last entry is read in the next statement,
    whose snapshot sees every append committed before the lock was granted; SQLite
    serialises writing transactions itself (they begin IMMEDIATE)."""
    table = _table("core_auditentry", connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Check the transaction's deferred foreign keys now, and the rest of them as
            # they are written: a key checked at COMMIT waits for a row lock while this
            # transaction holds the append lock — and the row's holder may be queueing
            # for the append lock (a deadlock; tests/concurrency/test_audit_lock_order.py).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK])
        cursor.execute(
            f"SELECT seq, entry_hash FROM {table} WHERE seq IS NOT NULL "  # noqa: S608
            "ORDER BY seq DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return 1, GENESIS
    return int(row[0]) + 1, str(row[1])


# --- Verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first broken link: which entry, and what differs."""

    kind: str  # "hash", "link", "gap", "unchained", "anchor"
    entry_id: int | None
    seq: int | None
    created_at: datetime | None
    detail: str

    @property
    def kind_label(self) -> str:
        return BREAK_LABELS[self.kind]


BREAK_LABELS = {
    "hash": "содержание записи изменено (хеш не совпадает)",
    "link": "нарушена связь с предыдущей записью",
    "gap": "пропущены записи (удалены)",
    "unchained": "запись вне цепочки",
    "anchor": "журнал не доходит до отмеченной ранее записи",
}


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_seq: int
    last_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows(batch: int) -> Iterator[tuple[Any, ...]]:
    """Every chained entry by place, read in batches by keyset: constant memory."""
    from nmo.core.models import AuditEntry

    after = 0
    fields = ("id", *CONTENT, "prev_hash", "entry_hash")
    while True:
        rows = list(
            AuditEntry.objects.filter(seq__gt=after).order_by("seq").values_list(*fields)[:batch]
        )
        if not rows:
            return
        yield from rows
        after = rows[-1][1]


def _problem(
    seq: int,
    entry_id: int,
    values: dict[str, Any],
    prev_hash: str,
    entry_hash: str,
    expected_seq: int,
    prev: str,
) -> tuple[str, str] | None:
    """What is wrong with one entry read in order, if anything: (kind, detail)."""
    if seq != expected_seq:
        missing = f"№ {expected_seq}" if seq == expected_seq + 1 else f"№ {expected_seq}–{seq - 1}"
        return "gap", f"Нет записей {missing}; следующая запись — № {seq}."
    if content_digest(values, prev_hash) != entry_hash:
        return (
            "hash",
            f"Запись № {seq} (id {entry_id}) изменена после записи: её содержание "
            "не даёт хранимого хеша.",
        )
    if prev_hash != prev:
        return "link", f"Запись № {seq} (id {entry_id}) ссылается не на хеш записи № {seq - 1}."
    return None


def verify_chain(*, batch: int = BATCH, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the log by place and return how many entries were checked and the first
    broken link: an entry whose content no longer gives its hash, whose `prev_hash` is
    not the hash of the entry before it, a place missing (an entry deleted), an entry
    outside the chain, or — given an `anchor` (place, hash) noted earlier — a log that
    no longer reaches it with the same hash (entries cut from its end)."""
    from nmo.core.models import AuditEntry

    expected_seq = 1
    prev = GENESIS
    checked = 0
    for row in _rows(batch):
        entry_id, seq, created_at = row[0], row[1], row[2]
        values = dict(zip(CONTENT, row[1 : 1 + len(CONTENT)], strict=True))
        prev_hash, entry_hash = row[-2], row[-1]
        problem = _problem(seq, entry_id, values, prev_hash, entry_hash, expected_seq, prev)
        if problem is None and anchor is not None and seq == anchor[0] and entry_hash != anchor[1]:
            problem = ("anchor", f"Хеш записи № {seq} не совпадает с отмеченным ранее.")
        if problem is not None:
            kind, detail = problem
            return ChainReport(
                checked, expected_seq - 1, prev, Break(kind, entry_id, seq, created_at, detail)
            )
        prev = entry_hash
        expected_seq += 1
        checked += 1
    last_seq = expected_seq - 1
    unchained = AuditEntry.objects.filter(seq__isnull=True).order_by("id").first()
    if unchained is not None:
        return ChainReport(
            checked,
            last_seq,
            prev,
            Break(
                "unchained",
                unchained.pk,
                None,
                unchained.created_at,
                f"Запись id {unchained.pk} записана в обход цепочки.",
            ),
        )
    if anchor is not None and anchor[0] > last_seq:
        return ChainReport(
            checked,
            last_seq,
            prev,
            Break(
                "anchor",
                None,
                anchor[0],
                None,
                f"Отмечена запись № {anchor[0]}, а последняя запись журнала — № {last_seq}: "
                "записи в конце журнала удалены.",
            ),
        )
    return ChainReport(checked, last_seq, prev, None)
