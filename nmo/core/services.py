"""Shared write helpers: the audit log, its export, and tasks (e-mail) after commit."""

import contextlib
import csv
import io
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django_tasks.base import Task

from nmo.core.audit import describe_entries
from nmo.core.cells import as_text
from nmo.core.chain import (
    LOCK_HEAD,
    ChainReport,
    content_digest,
    next_place,
    normal_ip,
    place_after_head,
    verify_chain,
)
from nmo.core.keyset import keyset_chunks
from nmo.core.models import AuditEntry, chained_time
from nmo.core.request_context import current_client_ip
from nmo.core.selectors import newest_audit_id
from nmo.core.sql import insert_select, prepared_cursor

if TYPE_CHECKING:
    import psycopg

    _Held = tuple[psycopg.Connection[Any], tuple[psycopg.Cursor[Any], ...]]


def _json_safe(value: object) -> object:
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value  # the usual case first: every audit line passes here (ADR 0617)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_values(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> dict[str, Any]:
    """One audit line's values, by attribute: who (as an account and as written), what,
    on which object, the changes made JSON-safe and the client address of the request."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)[:300]
    actor_id = getattr(actor, "pk", None)
    return {
        "actor_id": actor_id,
        "actor_repr": (str(actor) if actor_id is not None else "система")[:300],
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "changes": _json_safe(changes or {}),
        "ip": current_client_ip(),
    }


def record_audit(*, actor: AbstractBaseUser | None, action: str, **details: Any) -> AuditEntry:
    """Append one audit line (`audit_values`' arguments: `target`, `changes`,
    `object_type`, `object_id`, `object_repr`). Call it inside the service's transaction so
    the line and the change it records commit or roll back together."""
    entry = AuditEntry(**audit_values(actor=actor, action=action, **details))
    entry.save(force_insert=True)
    return entry


def _audit_line(
    values: dict[str, Any], head: tuple[int, str, datetime | None], moment: datetime
) -> tuple[str, list[Any]]:
    """The INSERT of one audit line at the chain's place `head` (place, previous hash,
    previous time), hashed as `AuditEntry.save` hashes it; no model instance."""
    seq, prev_hash, last_at = head
    values.update(created_at=chained_time(moment, last_at), seq=seq, prev_hash=prev_hash)
    values["entry_hash"] = content_digest(values, prev_hash)
    return insert_select(AuditEntry, values, computed={}, source="(SELECT 1) AS one")


def append_audit(*, actor: AbstractBaseUser | None, action: str, **details: Any) -> None:
    """`record_audit` for a hot path: the same line on the same chain, taken by the same
    lock, but written on PostgreSQL by one prepared INSERT without a model instance — the
    ORM's save built the statement anew every time (ADR 0203). Elsewhere (SQLite) it is
    `record_audit`. Call it inside the service's transaction."""
    if connection.vendor != "postgresql":
        record_audit(actor=actor, action=action, **details)
        return
    values = audit_values(actor=actor, action=action, **details)
    values["ip"] = normal_ip(values["ip"])
    with transaction.atomic(savepoint=False):
        moment = timezone.now()
        sql, params = _audit_line(values, next_place(connection, moment), moment)
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)


def change_with_audit(
    sql: str,
    params: Sequence[Any],
    *,
    changed: tuple[str, Sequence[Any]],
    actor: AbstractBaseUser | None,
    describe: Callable[[tuple[Any, ...]], dict[str, Any]],
) -> tuple[Any, ...] | None:
    """Run one statement that changes something and returns one row — or none when
    nothing changed — and append the audit line `describe(row)` gives (`record_audit`'s
    arguments but the actor), both in one transaction: the hot path's write (the code
    activation, ADR 0203). The statement's text is the same every time, so the
    connection prepares it (`prepared_cursor`). `changed` is a query (and its
    parameters) that finds a row only once the statement has made its change, in the
    same transaction: the chain's lock is taken only then.

    On PostgreSQL outside any transaction the whole of it is one pipeline of two round
    trips (ADR 0610, 0613): BEGIN, the statement and `LOCK_HEAD` (the deferred keys'
    check, the chain's append lock and its end) are sent and their results fetched with
    a flush request; the audit line, hashed in between, the COMMIT and the pipeline's
    one Sync follow. Inside a caller's transaction (and elsewhere) it is the same steps
    one by one, in a savepoint that keeps a failed statement from aborting the caller's
    work."""
    if connection.vendor == "postgresql" and connection.get_autocommit():
        connection.ensure_connection()
        if not connection.in_atomic_block:
            return _change_with_audit_pipelined(
                sql, params, changed=changed, actor=actor, describe=describe
            )
    with transaction.atomic():
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is not None:
            append_audit(actor=actor, **describe(row))  # `record_audit` off PostgreSQL
    return None if row is None else tuple(row)


_BEGIN, _COMMIT = "BEGIN", "COMMIT"
_TEXTS: dict[str, str] = {}
"""The pipeline's statement texts, one object per text: a psycopg cursor keeps its
adaptation of a query (the parameters' dumpers) as long as the same query object comes
back to it (ADR 0617)."""

_CURSORS: "weakref.WeakKeyDictionary[Any, _Held]" = weakref.WeakKeyDictionary()
"""Per Django connection (one thread's): its psycopg connection and the pipeline's five
cursors on it (BEGIN, the statement, the lock, the line, COMMIT), made once rather than
five per activation (ADR 0617); a new psycopg connection gets new ones (a closed one is
held until then, or until the thread ends). A cursor carries nothing into its next use:
psycopg clears its results before it sends anything, and never stores a failed one."""


def _pipeline_cursors(raw: "psycopg.Connection[Any]") -> "tuple[psycopg.Cursor[Any], ...]":
    from psycopg import Cursor  # binds on the server: prepared after `prepare_threshold`

    wrapper = connections[connection.alias]
    held = _CURSORS.get(wrapper)
    if held is None or held[0] is not raw:
        held = _CURSORS[wrapper] = (raw, tuple(Cursor(raw) for _ in range(5)))
    return held[1]


def _same_text(sql: str) -> str:
    if len(_TEXTS) >= 64:  # a handful of texts are expected; never a cache without bound
        return _TEXTS.get(sql, sql)
    return _TEXTS.setdefault(sql, sql)


def _change_with_audit_pipelined(
    sql: str,
    params: Sequence[Any],
    *,
    changed: tuple[str, Sequence[Any]],
    actor: AbstractBaseUser | None,
    describe: Callable[[tuple[Any, ...]], dict[str, Any]],
) -> tuple[Any, ...] | None:
    # Django's cursor wrappers are bypassed here (the debug query log, execute_wrapper),
    # as psycopg's pipeline needs its own cursors; errors are still Django's (ADR 0610).
    from psycopg.pq import TransactionStatus

    raw = connection.connection
    begin, change, head, append, commit = _pipeline_cursors(raw)
    moment = timezone.now()
    check, check_params = changed
    with connection.wrap_database_errors:  # psycopg's errors as Django's (IntegrityError…)
        try:
            # One pipeline (ADR 0613). The first fetch asks for the results with a flush
            # request, not a Sync: BEGIN, the statement and the lock cost one round trip,
            # the line and the COMMIT a second, and the pipeline's single Sync comes
            # last. The explicit BEGIN matters: psycopg sends the Sync even when this
            # block raises (a worker's timeout, an interrupt), and without BEGIN that
            # Sync would commit the change without its line. With it, anything that
            # stops before the COMMIT is queued leaves the transaction open for the
            # handler below to roll back.
            with raw.pipeline():
                begin.execute(_BEGIN, prepare=False)
                change.execute(_same_text(sql), params)
                # The lock only after a change: an uncorrelated EXISTS is a one-time
                # filter, so the function is not called when nothing was changed.
                lock = _same_text(f"{LOCK_HEAD} WHERE EXISTS ({check})")
                head.execute(lock, [moment, *check_params])
                row = change.fetchone()
                end = head.fetchone()
                if row is None:  # nothing changed, nothing written, no lock taken
                    # COMMIT, not ROLLBACK: psycopg forgets its prepared statements at a
                    # ROLLBACK, and the next request would plan these three again.
                    commit.execute(_COMMIT, prepare=False)
                    return None
                if end is None:
                    raise RuntimeError("the change was made but `changed` does not find it")
                values = audit_values(actor=actor, **describe(row))
                values["ip"] = normal_ip(values["ip"])
                place = place_after_head(head, tuple(end))
                line, line_params = _audit_line(values, place, moment)
                append.execute(_same_text(line), line_params)
                commit.execute(_COMMIT, prepare=False)
            return tuple(row)
        except BaseException:
            # A failed statement (a unique key: nothing written), an error of ours, an
            # interrupt or a lost connection: whatever was begun is rolled back, never
            # left open — a connection whose state is not known to be idle is closed, so
            # no request inherits an open transaction holding the chain's lock.
            begun = (TransactionStatus.INTRANS, TransactionStatus.INERROR)
            if raw.info.transaction_status in begun:
                with contextlib.suppress(Exception):
                    raw.execute("ROLLBACK")
            if raw.info.transaction_status != TransactionStatus.IDLE:
                connection.close()
            raise


def report_tampering(
    *,
    target: models.Model,
    bytes_changed: bool,
    changes: dict[str, Any],
) -> None:
    """Record in the audit log that a frozen record no longer matches its hash or seal
    (ADR 0024): `bytes_changed` — its stored file differs from its SHA-256; otherwise its
    data differ from its sealed snapshot. Written in a transaction of its own, once per
    object and kind (a public page hit again and again does not flood the log); the
    administrators' integrity page lists these lines."""
    with transaction.atomic():
        action = "integrity.file_changed" if bytes_changed else "integrity.record_changed"
        already = AuditEntry.objects.filter(
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
        ).exists()
        if not already:
            record_audit(
                actor=None,
                action=action,
                target=target,
                changes=changes,
            )


def verify_audit_chain(
    *, actor: AbstractBaseUser, progress: Callable[[int], None] | None = None
) -> ChainReport:
    """Verify the audit log's hash chain for an administrator's page and record that it
    was verified, with what was found ("audit.verify"). The caller decides who may.
    `progress(checked)` as `verify_chain` calls it (the background job's)."""
    report = verify_chain(progress=progress)
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="audit.verify",
            object_type=AuditEntry._meta.label_lower,
            object_repr="журнал аудита",
            changes={
                "checked": report.checked,
                "broken": report.broken.detail if report.broken else "",
            },
        )
    return report


AUDIT_EXPORT_COLUMNS = ("Время", "Кто", "Действие", "Объект", "Что изменилось", "IP-адрес")
_EXPORT_CHUNK = 500


def _export_rows(entries: "models.QuerySet[AuditEntry]") -> Iterator[tuple[str, ...]]:
    # The page's order made a key (ADR 0607): newest first, id breaking a tie. Read in
    # keyset chunks, not through `.iterator()`, whose cursor PgBouncer cannot keep.
    for chunk in keyset_chunks(entries, order=("-created_at", "-id"), size=_EXPORT_CHUNK):
        for view in describe_entries(chunk):
            entry = view.entry
            yield (
                timezone.localtime(entry.created_at).strftime("%d.%m.%Y %H:%M:%S"),
                entry.actor_repr,
                view.action,
                view.object_text,
                view.changes_text,
                entry.ip or "",
            )


def _csv(rows: Iterator[tuple[str, ...]]) -> tuple[bytes, int]:
    # UTF-8 with a BOM and ";" between columns: what Excel in a Russian locale opens as is.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(AUDIT_EXPORT_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([as_text(value) for value in row])
        count += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


def _xlsx(rows: Iterator[tuple[str, ...]]) -> tuple[bytes, int]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Журнал аудита")
    for letter, width in zip("ABCDEF", (20, 30, 40, 50, 70, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title in AUDIT_EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=as_text(value))
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
        count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


@transaction.atomic
def export_audit(
    *,
    actor: AbstractBaseUser,
    entries: "models.QuerySet[AuditEntry]",
    file_format: Literal["csv", "xlsx"],
    filters: Mapping[str, str],
) -> bytes:
    """The audit entries as a file a person opens in Excel — CSV (UTF-8 with BOM, «;») or
    XLSX — with the columns of the page, read the way the page reads them. The export is
    itself audited as "audit.export" with the filters (as a person wrote them) and the
    number of rows. The caller decides who may export."""
    rows = _export_rows(entries)
    content, count = _csv(rows) if file_format == "csv" else _xlsx(rows)
    record_audit(
        actor=actor,
        action="audit.export",
        object_type=AuditEntry._meta.label_lower,
        object_repr="журнал аудита",
        changes={"format": file_format.upper(), "rows": count, "filters": dict(filters)},
    )
    return content


#: Rows of a CSV export sent to the client at a time.
_STREAM_ROWS = 500


def stream_audit_csv(
    *,
    actor: AbstractBaseUser,
    entries: "models.QuerySet[AuditEntry]",
    filters: Mapping[str, str],
) -> Iterator[bytes]:
    """The audit entries as CSV (UTF-8 with BOM, «;»), streamed chunk by chunk as the
    rows are read (ADR 0025): the first bytes leave at once, so no request timeout
    limits the size of the log. The entries are those present when the export began
    (bounded by the newest id); the export's own audit line, with that count, is written
    before the first byte."""
    entries = entries.filter(pk__lte=newest_audit_id())
    with transaction.atomic():
        count = entries.count()
        record_audit(
            actor=actor,
            action="audit.export",
            object_type=AuditEntry._meta.label_lower,
            object_repr="журнал аудита",
            changes={"format": "CSV", "rows": count, "filters": dict(filters)},
        )

    def chunks() -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(AUDIT_EXPORT_COLUMNS)
        for number, row in enumerate(_export_rows(entries), start=1):
            writer.writerow([as_text(value) for value in row])
            if number % _STREAM_ROWS == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    return chunks()


def queued_task_values(task: Task[Any, Any], **kwargs: Any) -> dict[str, Any] | None:
    """The values of the row the database queue would store for `task(**kwargs)`, so a
    hand-written statement can insert it together with the change it announces (the
    activation's one statement, ADR 0203); None when the queue is not the database (then
    use `enqueue_after_commit`). As django_tasks_db's `enqueue` builds the row, with
    `run_after` as its `pre_save` handler fills it; its `task_enqueued` signal, which
    only writes a debug log line, is not sent."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import get_date_max

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    backend.validate_task(task)
    return {
        "id": backend._get_id(),  # the backend's own id function, as its enqueue calls it
        "args_kwargs": normalize_json({"args": [], "kwargs": kwargs}),
        "priority": task.priority,
        "task_path": task.module_path,
        "queue_name": task.queue_name,
        "run_after": task.run_after or get_date_max(),
        "backend_name": backend.alias,
    }


def enqueue_after_commit(task: Task[Any, Any], **kwargs: Any) -> None:
    """Queue `task(**kwargs)` so that it runs only if the surrounding transaction commits.

    With the database queue (production, `TASKS_BACKEND=database`) the task row is
    written in the surrounding transaction itself: it commits or rolls back with the
    change it announces, and the worker cannot see it before the commit, so there is no
    second commit after the first (ADR 0203). Other queues (the immediate one of
    development and tests) are handed the task after commit."""
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
        return
    transaction.on_commit(lambda: task.enqueue(**kwargs))


def send_email_after_commit(
    *, to: list[str], subject: str, body: str, html: str | None = None
) -> None:
    """Queue an e-mail through the `send_email` task to go out only if the surrounding
    transaction commits (`enqueue_after_commit`)."""
    from nmo.core.tasks import send_email

    enqueue_after_commit(send_email, to=to, subject=subject, body=body, html=html)
