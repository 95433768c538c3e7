"""Hand-written SQL built from the models, for the few hot paths that must be one statement
(the code activation, ADR 0203). Table and column names always come from the models,
values always go as parameters."""

import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.db.backends.utils import CursorWrapper
from django.db.models import signals


@functools.cache
def _insert_select_sql(
    model: type[models.Model], computed: tuple[tuple[str, str], ...], source: str, with_pk: bool
) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    """The statement's text and the fields whose values go as parameters, in order: the
    same for every row of the model, so built once per process."""
    meta = model._meta
    qn = connection.ops.quote_name
    expressions = dict(computed)
    unknown = set(expressions) - {f.name for f in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    columns: list[str] = []
    values: list[str] = []
    bound: list[models.Field[Any, Any]] = []
    for field in meta.concrete_fields:
        if field.primary_key and not with_pk:
            continue
        columns.append(qn(str(field.column)))
        if field.name in expressions:
            values.append(expressions[field.name])
        else:
            values.append("%s")
            bound.append(field)
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - model names
        f"SELECT {', '.join(values)} FROM {source}"
    )
    return sql, tuple(bound)


def insert_select(
    row: models.Model, *, computed: Mapping[str, str], source: str, returning: str = ""
) -> tuple[str, list[Any]]:
    """`INSERT INTO <row's table> (…) SELECT … FROM <source>`: the unsaved `row`'s values,
    prepared by Django's own fields (defaults, `auto_now_add`, JSON), as parameters, except
    the fields named in `computed`, whose values are SQL expressions over `source`. One row
    is inserted per row of `source`, so an empty source (a CTE that matched nothing)
    inserts nothing. The primary key is left to the database unless the row has one.

    `pre_save` is sent as `save()` sends it (django_tasks_db fills the queue row's
    `run_after` there); `post_save` is not, since the row is not saved yet."""
    signals.pre_save.send(
        sender=type(row), instance=row, raw=False, using=connection.alias, update_fields=None
    )
    sql, bound = _insert_select_sql(
        type(row), tuple(sorted(computed.items())), source, row.pk is not None
    )
    if returning:
        sql += f" RETURNING {returning}"
    return sql, [field.get_db_prep_save(field.pre_save(row, True), connection) for field in bound]


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
