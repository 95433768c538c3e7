"""Hand-written SQL built from the models, for the few hot paths that must be one statement
(the code activation, ADR 0203). Table and column names always come from the models,
values always go as parameters."""

import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import OperationalError, connection, connections, models, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

#: Fields whose own preparation (`get_db_prep_save`) hands back a value of this Python
#: type as it is on PostgreSQL and SQLite: such a value is bound without asking the field.
_PLAIN: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    **{
        kind: int
        for kind in (
            models.IntegerField,
            models.SmallIntegerField,
            models.BigIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.PositiveBigIntegerField,
        )
    },
}


def _plain_type(field: models.Field[Any, Any]) -> type | None:
    """The one Python type a value of this field may have to be bound as it is, if any:
    the exact field classes of `_PLAIN` (a subclass may prepare its values its own way),
    and a foreign key to an integer key."""
    if type(field) is models.DateTimeField and connection.vendor == "postgresql":
        return datetime  # an aware time, as PostgreSQL's adapter takes it (checked below)
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        integer = isinstance(target, models.AutoField | models.BigAutoField | models.IntegerField)
        return int if integer else None
    return _PLAIN.get(type(field))


#: A parameter's value when the caller gives none and the field's default is a constant.
_NO_CONSTANT = object()


def _constant_default(field: models.Field[Any, Any]) -> Any:
    """The prepared value of the field's default when it is the same on every call (not a
    callable, not a time set on save), else `_NO_CONSTANT`."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return _NO_CONSTANT
    if field.has_default() and callable(field.default):
        return _NO_CONSTANT
    return field.get_db_prep_save(field.get_default(), connection)


@functools.cache
def _insert_select_sql(
    model: type[models.Model],
    computed: tuple[tuple[str, str], ...],
    source: str,
    with_pk: bool,
) -> tuple[str, tuple[tuple[models.Field[Any, Any], type | None, Any], ...]]:
    """The statement's text and the fields whose values go as parameters, in order, each
    with the type its values may be bound as they are (`_plain_type`) and its constant
    default's prepared value (`_constant_default`): the same for every row of the model,
    so built once per process."""
    meta = model._meta
    qn = connection.ops.quote_name
    expressions = dict(computed)
    unknown = set(expressions) - {f.attname for f in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    columns: list[str] = []
    values: list[str] = []
    bound: list[tuple[models.Field[Any, Any], type | None, Any]] = []
    for field in meta.concrete_fields:
        if field.primary_key and not with_pk:
            continue
        columns.append(qn(str(field.column)))
        if field.attname in expressions:
            values.append(expressions[field.attname])
        else:
            values.append("%s")
            bound.append((field, _plain_type(field), _constant_default(field)))
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - model names
        f"SELECT {', '.join(values)} FROM {source}"
    )
    return sql, tuple(bound)


def insert_select(
    model: type[models.Model],
    values: Mapping[str, Any],
    *,
    computed: Mapping[str, str],
    source: str,
    returning: str = "",
) -> tuple[str, list[Any]]:
    """`INSERT INTO <model's table> (…) SELECT … FROM <source>`: one row per row of
    `source`, so an empty source (a CTE that matched nothing) inserts nothing.

    Columns are named by attribute (`specialist_id` for a foreign key). A column in
    `computed` takes that SQL expression over `source`; every other one goes as a
    parameter, prepared by its own field as `save()` prepares it: its value from
    `values`, else its default, or the current time for `auto_now`/`auto_now_add`. The
    primary key is left to the database unless `values` has it. No model instance is
    built and no signal sent: this is the hot path's insert (ADR 0203)."""
    pk = model._meta.pk
    with_pk = pk is not None and pk.attname in values
    sql, bound = _insert_select_sql(model, tuple(sorted(computed.items())), source, with_pk)
    if returning:
        sql += f" RETURNING {returning}"
    db = connections[connection.alias]  # the wrapper itself: each field reads it a few times
    now = timezone.now()
    params = []
    for field, plain, constant in bound:
        if field.attname in values:
            value = values[field.attname]
        elif constant is not _NO_CONSTANT:
            params.append(constant)  # most of a hot row's columns keep their default
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        # Most of the hot path's values are plain strings and numbers, which the field
        # would hand back unchanged after several calls each (ADR 0203).
        if plain is not None and (value is None or type(value) is plain):
            if isinstance(value, datetime) and value.tzinfo is None:
                params.append(field.get_db_prep_save(value, db))  # naive: the field warns
            else:
                params.append(value)
        else:
            params.append(field.get_db_prep_save(value, db))
    return sql, params


@contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    """A cursor for a hot statement sent with the same text every time: on PostgreSQL its
    parameters are bound by the server, so the connection prepares the statement once it
    has run `prepare_threshold` times (DATABASES OPTIONS, config/settings.py) with the
    same parameter types, and plans it no more (until a ROLLBACK on the connection, which
    makes psycopg forget its prepared statements). Django's own cursors bind on the
    client and never prepare; elsewhere (SQLite) this is the usual cursor. Queries are
    logged and errors wrapped as usual."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    # django-stubs describe this class without psycopg's constructor.
    raw: Any = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        yield cursor


class TooLong(Exception):
    """A statement cut off by `time_limited`."""


@contextmanager
def time_limited(alias: str, seconds: float) -> Iterator[None]:
    """The statements inside on database `alias`, in a transaction (a savepoint inside a
    caller's) in which each may run at most `seconds` on PostgreSQL: `statement_timeout`
    set local to the transaction, so it holds behind PgBouncer and on a replica, and the
    caller's own limit is put back when the block ends. One statement cut off raises
    TooLong once the block has rolled back. Elsewhere only the transaction (ADR 0618)."""
    database = connections[alias]
    nested = database.in_atomic_block
    try:
        with transaction.atomic(using=alias):
            previous = None
            if database.vendor == "postgresql":
                with database.cursor() as cursor:
                    limit = f"{max(1, int(seconds * 1000))}ms"
                    cursor.execute(
                        "SELECT current_setting('statement_timeout'), "
                        "set_config('statement_timeout', %s, true)",
                        [limit],
                    )
                    previous = cursor.fetchone()[0]
            yield
            if nested and previous is not None:  # a released savepoint keeps a SET LOCAL
                with database.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise TooLong from exc
        raise
