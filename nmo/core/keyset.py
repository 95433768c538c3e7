"""Every row of a query in constant memory, read by keyset (ADR 0607).

`keyset_chunks(queryset, order=("kind", "number", "id"), size=2000)` runs the query
again and again — ORDER BY the key, WHERE the key is past the last row read, LIMIT
`size` — and yields each chunk as a list. Each step is a short statement of its own:

- no server-side cursor, which PgBouncer in transaction mode cannot keep between
  statements; there Django turns them off and `.iterator()` reads every row at once
  (`DATABASE_POOLER=pgbouncer`, ADR 0604);
- no OFFSET: where an index serves the key's order (the FRDO year's, ADR 0616) each
  chunk starts where the last ended; where none does, each chunk sorts the matching rows
  again, once per chunk rather than once per row;
- no transaction held open while a file is written: behind the pooler a server
  connection is lent for one chunk, not for the whole export.

The key must be unique and never NULL: end it with "id" when its other fields are not.
A field may be descending ("-created_at"). A row changed or added during the read is
seen or not by where its key falls, as with any read in READ COMMITTED."""

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


def _field(name: str) -> str:
    return name.removeprefix("-")


def _value_of(row: Model, name: str) -> Any:
    value: Any = row
    for part in _field(name).split("__"):
        value = getattr(value, part)
    return value


def after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """The rows whose key comes after `values` in `order`: for (a, b, c) past (x, y, z),
    a > x OR (a = x AND b > y) OR (a = x AND b = y AND c > z) — "<" for a "-" field."""
    condition = Q()
    equal: dict[str, Any] = {}
    for name, value in zip(order, values, strict=True):
        lookup = "lt" if name.startswith("-") else "gt"
        condition |= Q(**equal, **{f"{_field(name)}__{lookup}": value})
        equal[_field(name)] = value
    return condition


def keyset_chunks(queryset: QuerySet[M], *, order: Sequence[str], size: int) -> Iterator[list[M]]:
    """The rows of `queryset` in `order` (its own ordering is replaced), `size` at a
    time, each chunk one query with LIMIT `size` and none kept after it is yielded."""
    if size < 1 or not order:
        raise ValueError("keyset_chunks needs a key and a chunk size of at least 1")
    ordered = queryset.order_by(*order)
    page = ordered
    while True:
        chunk = list(page[:size])
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        last = chunk[-1]
        page = ordered.filter(after(order, [_value_of(last, name) for name in order]))


def keyset_rows(queryset: QuerySet[M], *, order: Sequence[str], size: int) -> Iterator[M]:
    """`keyset_chunks`, row by row."""
    for chunk in keyset_chunks(queryset, order=order, size=size):
        yield from chunk
