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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.dateparse import parse_datetime

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
    return _normal_ip(ip)


@lru_cache(maxsize=4096)  # every line is hashed with it, and a client sends many (ADR 0617)
def _normal_ip(ip: str) -> str:
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


#: The PostgreSQL advisory lock that serialises appends: "NMOAUDIT" as a number.
APPEND_LOCK = 0x4E4D4F4155444954


def partition_name(moment: datetime) -> str:
    """The audit log's partition that holds a moment: one per calendar month in UTC
    (ADR 0602)."""
    utc = moment.astimezone(UTC)
    return f"core_auditentry_p{utc:%Y_%m}"


#: On PostgreSQL, one statement (`core_audit_lock_head`, core migration 0008): the
#: transaction's deferred foreign keys checked now, and the rest of them as they are written
#: (a key checked at COMMIT waits for a row lock while this transaction holds the append
#: lock — and the row's holder may be queueing for the append lock: a deadlock,
#: tests/concurrency/test_audit_lock_order.py); then the append lock, held until the
#: transaction ends; then the chain's end — the one row its trigger keeps (ADR 0609) —
#: read with a snapshot taken once the lock was granted, with whether the month of the
#: entry's time (the parameter) is attached as a partition of the log.
LOCK_HEAD = "SELECT * FROM core_audit_lock_head(%s)"

_LAST = (
    'SELECT seq, entry_hash, created_at FROM "core_auditentry" WHERE seq IS NOT NULL '
    "ORDER BY seq DESC LIMIT 1"
)


def place_after_head(cursor: Any, head: tuple[Any, ...]) -> tuple[int, str, datetime | None]:
    """The place of the next entry, the last one's hash and time, from `LOCK_HEAD`'s row
    read under the append lock (PostgreSQL). A month not attached yet is made (ADR 0602: there
    is no default partition; the daily `audit_partitions` keeps months ahead, this is the
    safety net); a missing head row (a log emptied by hand) is answered by the log."""
    *row, month, attached = head
    if month is not None and not attached:
        cursor.execute("SELECT core_auditentry_ensure_partitions(%s, 1)", [month])
    if row[0] is None:
        cursor.execute(_LAST)
        found = cursor.fetchone()
        if found is None:
            return 1, GENESIS, None
        row = list(found)
    return _place(row)


def _place(row: Any) -> tuple[int, str, datetime | None]:
    last_at = row[2]
    if isinstance(last_at, str):  # SQLite hands back the stored text or a naive UTC time
        last_at = parse_datetime(last_at)
    if last_at is not None and last_at.tzinfo is None:
        last_at = last_at.replace(tzinfo=UTC)
    return int(row[0]) + 1, str(row[1]), last_at


def next_place(
    connection: BaseDatabaseWrapper, moment: datetime | None = None
) -> tuple[int, str, datetime | None]:
    """Take the chain's append lock (held until the transaction ends) and return the
    place of the next entry, the hash of the last one and the last one's time. On
    PostgreSQL the lock is a transaction-level advisory lock and the last entry is read
    after it is granted, in one statement (`LOCK_HEAD`) that also asks whether the month
    of the entry's `moment` is attached (made if not, `place_after_head`); SQLite
    serialises writing transactions itself (they begin IMMEDIATE)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(_LAST)
            row = cursor.fetchone()
            return (1, GENESIS, None) if row is None else _place(row)
        cursor.execute(LOCK_HEAD, [moment])
        return place_after_head(cursor, cursor.fetchone())


# --- Verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first broken link: which entry, and what differs."""

    kind: str  # "hash", "link", "gap", "unchained", "anchor", "place", "missing"
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
    "place": "запись на месте, уже пройденном цепочкой (повтор или перенесённая в архив)",
    "missing": "архивного месяца нет в базе данных",
}


def _exists(table: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return bool(cursor.fetchone()[0])


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_seq: int
    last_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows(batch: int, table: str | None = None) -> Iterator[tuple[Any, ...]]:
    """Every chained entry by place, read in batches by keyset: constant memory. `table`:
    an archived month's table (ADR 0602) instead of the live log."""
    from nmo.core.models import AuditEntry

    after = 0
    fields = ("id", *CONTENT, "prev_hash", "entry_hash")
    while True:
        if table is None:
            rows = list(
                AuditEntry.objects.filter(seq__gt=after)
                .order_by("seq")
                .values_list(*fields)[:batch]
            )
        else:
            rows = [
                tuple(getattr(entry, name) for name in fields)
                for entry in AuditEntry.objects.raw(
                    f"SELECT * FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s",  # noqa: S608
                    [after, batch],
                )
            ]
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
    if seq < expected_seq:
        return (
            "place",
            f"Запись № {seq} (id {entry_id}) стоит на месте, которое цепочка уже прошла "
            f"(ожидалась № {expected_seq}).",
        )
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


def live_length() -> int:
    """How many entries the live log's chain holds: from the boundary of the archive (ADR
    0602) to the last place, read by the place's index (no count over the log)."""
    from nmo.core.models import AuditEntry
    from nmo.core.partitions import boundary

    last = (
        AuditEntry.objects.filter(seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return max(0, (last or 0) - boundary()[0])


def verify_chain(
    *,
    batch: int = BATCH,
    anchor: tuple[int, str] | None = None,
    archive: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ChainReport:
    """Walk the log by place and return how many entries were checked and the first
    broken link: an entry whose content no longer gives its hash, whose `prev_hash` is
    not the hash of the entry before it, a place missing (an entry deleted), a place
    taken twice, an entry outside the chain, or — given an `anchor` (place, hash) noted
    earlier — a log that no longer reaches it with the same hash (entries cut from its
    end).

    Months moved to the archive (ADR 0602) are not in the live log: the walk begins
    after the boundary the latest «audit.archive» line records (its last place and
    hash). With `archive` it begins at the first entry instead and walks the archived
    months' tables first (they must still be in the database, read by the owner), so
    the whole chain is checked from its start across every boundary. `progress(checked)`
    is called after every `batch` entries verified (a background job's page shows it)."""
    from nmo.core.models import AuditEntry
    from nmo.core.partitions import archived_tables, boundary

    expected_seq, prev = 1, GENESIS
    sources: list[str | None] = [None]
    if archive:
        sources = [*archived_tables(), None]
    else:
        start, prev = boundary()
        expected_seq = start + 1
    checked = 0
    for source in sources:
        if source is not None and not _exists(source):
            return ChainReport(
                checked,
                expected_seq - 1,
                prev,
                Break(
                    "missing",
                    None,
                    expected_seq,
                    None,
                    f"Архивного месяца {source} нет в базе данных: восстановите его из "
                    "выгрузки (pg_restore), чтобы проверить цепочку с начала.",
                ),
            )
        for row in _rows(batch, source):
            entry_id, seq, created_at = row[0], row[1], row[2]
            values = dict(zip(CONTENT, row[1 : 1 + len(CONTENT)], strict=True))
            prev_hash, entry_hash = row[-2], row[-1]
            problem = _problem(seq, entry_id, values, prev_hash, entry_hash, expected_seq, prev)
            if (
                problem is None
                and anchor is not None
                and seq == anchor[0]
                and entry_hash != anchor[1]
            ):
                problem = ("anchor", f"Хеш записи № {seq} не совпадает с отмеченным ранее.")
            if problem is not None:
                kind, detail = problem
                return ChainReport(
                    checked, expected_seq - 1, prev, Break(kind, entry_id, seq, created_at, detail)
                )
            prev = entry_hash
            expected_seq += 1
            checked += 1
            if progress is not None and checked % batch == 0:
                progress(checked)
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
