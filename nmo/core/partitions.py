"""The audit log's monthly partitions on PostgreSQL (ADR 0602): made ahead, and detached to
the archive without stopping the live log.

- `ensure_partitions` keeps the coming months attached (run daily by `manage.py
  audit_partitions`); it works through the owner's SECURITY DEFINER function of migration
  core 0006, so the application's role may run it.
- `archive_before` detaches every month before a given one with `DETACH PARTITION …
  CONCURRENTLY` (appends and reads of the live months go on meanwhile), puts each table
  in the schema `audit_archive`, out of the application's reach, with the append-only
  trigger on it, and records in the log itself what left and where the chain goes on
  («audit.archive»: per month its rows, first and last place, last hash, and the
  boundary). Needs the owner's role (`manage.py audit_archive` switches to it).

On SQLite there are no partitions: every function here does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from django.db import connection
from django.utils import timezone

from nmo.core.exceptions import DomainError
from nmo.core.integrity import GENESIS

ARCHIVE_SCHEMA = "audit_archive"
ARCHIVE_ACTION = "audit.archive"
PARTITIONS_ACTION = "audit.partitions"
DEFAULT_AHEAD = 3


def partitioned() -> bool:
    """True when the audit log is a partitioned table (PostgreSQL after core 0006)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass('core_auditentry')"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def this_month() -> date:
    return timezone.now().astimezone(UTC).date().replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Partition:
    name: str
    month: date


def attached_partitions() -> list[Partition]:
    """The months attached to the log, oldest first."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'core_auditentry'::regclass AND NOT i.inhdetachpending "
            "ORDER BY c.relname"
        )
        names = [row[0] for row in cursor.fetchall()]
    return [Partition(name, _month_of(name)) for name in names]


def _month_of(name: str) -> date:
    year, month = name.removeprefix("core_auditentry_p").split("_")
    return date(int(year), int(month), 1)


def ensure_partitions(*, ahead: int = DEFAULT_AHEAD, actor: Any = None) -> list[str]:
    """Attach the partitions of this month and the `ahead` months after it that are
    missing; return the names made (and record them in the log when there are any)."""
    if not partitioned():
        return []
    if not 0 <= ahead <= 24:
        raise DomainError("Заранее можно создать разделы не более чем на 24 месяца.")
    before = {p.name for p in attached_partitions()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT core_auditentry_ensure_partitions(%s, %s)", [this_month(), ahead + 1]
        )
    made = sorted({p.name for p in attached_partitions()} - before)
    if made:
        from nmo.core.services import record_audit

        record_audit(
            actor=actor,
            action="audit.partitions",
            object_type="core.auditentry",
            object_repr="журнал аудита",
            changes={"made": made},
        )
    return made


def months_ahead() -> int:
    """How many whole months after this one are already attached (a monitor alerts
    below 1: the next month's first append would then make its partition itself)."""
    attached = {p.month for p in attached_partitions()}
    month, count = add_months(this_month(), 1), 0
    while month in attached:
        count += 1
        month = add_months(month, 1)
    return count


# --- The archive ------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedMonth:
    month: date
    table: str
    rows: int
    first_seq: int | None
    first_prev_hash: str
    last_seq: int | None
    last_hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "month": f"{self.month:%Y-%m}",
            "table": self.table,
            "rows": self.rows,
            "first_seq": self.first_seq,
            "first_prev_hash": self.first_prev_hash,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
        }


def boundary() -> tuple[int, str]:
    """Where the live log's chain begins: the place and hash of the last entry moved to
    the archive, as the latest «audit.archive» line says; (0, genesis) with no archive."""
    from nmo.core.models import AuditEntry

    latest = (
        AuditEntry.objects.filter(action=ARCHIVE_ACTION, seq__isnull=False)
        .order_by("-seq")
        .values_list("changes", flat=True)
        .first()
    )
    if not latest or not isinstance(latest.get("boundary"), dict):
        return 0, GENESIS
    edge = latest["boundary"]
    return int(edge.get("seq") or 0), str(edge.get("hash") or GENESIS)


def archived_tables() -> list[str]:
    """The archived months' tables, in the order of the chain, as the «audit.archive»
    lines name them."""
    from nmo.core.models import AuditEntry

    tables: list[str] = []
    for changes in (
        AuditEntry.objects.filter(action=ARCHIVE_ACTION, seq__isnull=False)
        .order_by("seq")
        .values_list("changes", flat=True)
    ):
        tables += [m["table"] for m in changes.get("months", []) if m.get("rows")]
    return tables


def _summary(cursor: Any, table: str, month: date) -> ArchivedMonth:
    cursor.execute(
        f"SELECT count(*), min(seq), max(seq) FROM {table}"  # noqa: S608 — our own name
    )
    rows, first_seq, last_seq = cursor.fetchone()
    first_prev = last_hash = ""
    if rows:
        cursor.execute(f"SELECT prev_hash FROM {table} WHERE seq = %s", [first_seq])  # noqa: S608
        first_prev = cursor.fetchone()[0]
        cursor.execute(f"SELECT entry_hash FROM {table} WHERE seq = %s", [last_seq])  # noqa: S608
        last_hash = cursor.fetchone()[0]
    return ArchivedMonth(month, table, rows, first_seq, first_prev, last_seq, last_hash)


def parse_month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError as error:
        raise DomainError(
            f"Месяц «{text}» не понят: укажите его как ГГГГ-ММ, например 2026-01."
        ) from error


def archive_before(before: date, *, move: bool = True, actor: Any = None) -> list[ArchivedMonth]:
    """Detach every attached month before `before` (concurrently: the live months stay
    open to appends), move each to `audit_archive` unless `move` is False, and record the
    move in the log with the chain's boundary. Runs outside any transaction (DETACH …
    CONCURRENTLY must), as the owner of the log."""
    if connection.in_atomic_block:
        raise RuntimeError("DETACH PARTITION CONCURRENTLY cannot run inside a transaction")
    if not partitioned():
        raise DomainError("Журнал аудита не разделён по месяцам (нужен PostgreSQL).")
    if before > this_month():
        raise DomainError(
            f"Текущий месяц ({this_month():%Y-%m}) и следующие в архив не переносятся: "
            "укажите месяц не позже текущего."
        )
    _finish_interrupted()
    months = [p for p in attached_partitions() if p.month < before]
    if not months:
        return []
    quote = connection.ops.quote_name
    done: list[ArchivedMonth] = []
    with connection.cursor() as cursor:
        summaries = [_summary(cursor, quote(p.name), p.month) for p in months]
        last_archived = max((s.last_seq for s in summaries if s.last_seq), default=None)
        if last_archived is not None:
            cursor.execute(
                "SELECT min(seq) FROM core_auditentry WHERE tableoid <> ALL(%s::regclass[])",
                [[p.name for p in months]],
            )
            first_live = cursor.fetchone()[0]
            if first_live is not None and first_live < last_archived:
                raise DomainError(
                    f"Записи до {before:%Y-%m} и после перемежаются в цепочке (запись "
                    f"№ {first_live} позже по месту, но раньше по времени): такой месяц "
                    "нельзя отрезать, не разорвав цепочку."
                )
        for part, summary in zip(months, summaries, strict=True):
            name = quote(part.name)
            cursor.execute(f"ALTER TABLE core_auditentry DETACH PARTITION {name} CONCURRENTLY")
            _guard(cursor, name)
            table = f"public.{part.name}"
            if move:
                cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {ARCHIVE_SCHEMA}")
                cursor.execute(f"ALTER TABLE {name} SET SCHEMA {ARCHIVE_SCHEMA}")
                table = f"{ARCHIVE_SCHEMA}.{part.name}"
            done.append(
                ArchivedMonth(
                    summary.month,
                    table,
                    summary.rows,
                    summary.first_seq,
                    summary.first_prev_hash,
                    summary.last_seq,
                    summary.last_hash,
                )
            )
    _record(done, actor)
    return done


def _guard(cursor: Any, name: str) -> None:
    """A detached month is no partition any more: it keeps the append-only trigger of its
    own, and nobody but the owner holds a privilege on it."""
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass "
        "AND tgname = 'core_auditentry_no_change'",
        [name],
    )
    if cursor.fetchone() is None:
        cursor.execute(
            f"CREATE TRIGGER core_auditentry_no_change BEFORE UPDATE OR DELETE ON {name} "
            "FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()"
        )
    cursor.execute(f"REVOKE ALL ON {name} FROM PUBLIC")
    cursor.execute(
        "SELECT DISTINCT pg_get_userbyid(a.grantee) FROM pg_class c, aclexplode(c.relacl) a "
        "WHERE c.oid = %s::regclass AND a.grantee NOT IN (0, c.relowner)",
        [name],
    )
    for (grantee,) in cursor.fetchall():
        cursor.execute(f"REVOKE ALL ON {name} FROM {connection.ops.quote_name(grantee)}")


def _finish_interrupted() -> None:
    """A DETACH … CONCURRENTLY cancelled half-way leaves its partition pending: finish it
    (FINALIZE) before anything else, so the log is never left in between."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'core_auditentry'::regclass AND i.inhdetachpending"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(
                f"ALTER TABLE core_auditentry DETACH PARTITION "
                f"{connection.ops.quote_name(name)} FINALIZE"
            )


def _record(done: list[ArchivedMonth], actor: Any) -> None:
    from django.db import transaction

    from nmo.core.services import record_audit

    previous = boundary()
    last = max(
        ((m.last_seq, m.last_hash) for m in done if m.last_seq is not None),
        default=previous,
    )
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="audit.archive",
            object_type="core.auditentry",
            object_repr="журнал аудита",
            changes={
                "months": [m.as_json() for m in done],
                "boundary": {"seq": last[0], "hash": last[1]},
            },
        )
