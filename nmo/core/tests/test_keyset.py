"""`core.keyset` (ADR 0607): an export reads every row of its query in chunks by key —
each chunk one query with a LIMIT, starting after the last key read — and gets each row
once, in the query's order, however the key's values tie and whichever way it sorts."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nmo.accounts.models import User
from nmo.core.keyset import keyset_chunks, keyset_rows

pytestmark = pytest.mark.django_db

NAMES = ["Иванов", "Петров", "Иванов", "Абрамов", "Петров", "Иванов", "Яковлев", "Иванов"]


@pytest.fixture
def people() -> None:
    day = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
    for n, name in enumerate(NAMES):
        User.objects.create(
            email=f"keyset{n}@example.ru",
            last_name=name,
            first_name="Анна",
            # three share a moment: the id decides between them
            date_joined=day + timedelta(minutes=n % 3),
        )


@pytest.mark.parametrize(
    "order",
    [("last_name", "id"), ("last_name", "-id"), ("-date_joined", "-id"), ("-last_name", "id")],
)
@pytest.mark.parametrize("size", [1, 2, 3, 8, 50])
def test_every_row_once_in_the_querys_order(people, order, size):
    """Chunk by chunk, the rows are those of the whole ordered query — ties on the first
    field crossing chunk borders — with no row twice or missing."""
    users = User.objects.filter(email__startswith="keyset")
    expected = list(users.order_by(*order).values_list("pk", flat=True))
    got = [user.pk for user in keyset_rows(users, order=order, size=size)]
    assert got == expected
    assert len(got) == len(NAMES)


def test_each_chunk_is_one_query_with_a_limit_and_no_offset(people):
    """Eight rows in chunks of three: three queries (the last one short ends it), each
    with LIMIT 3, none with OFFSET, and each chunk a list of at most three rows."""
    users = User.objects.filter(email__startswith="keyset")
    with CaptureQueriesContext(connection) as queries:
        sizes = [len(chunk) for chunk in keyset_chunks(users, order=("id",), size=3)]
    assert sizes == [3, 3, 2]
    assert len(queries.captured_queries) == 3
    assert all("LIMIT 3" in q["sql"] for q in queries.captured_queries)
    assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)


def test_an_empty_query_is_one_read_and_no_chunk(people):
    """Nothing to read: no chunk at all."""
    assert list(keyset_chunks(User.objects.none(), order=("id",), size=10)) == []


def test_it_refuses_a_chunk_of_nothing():
    """A size under 1 or no key would never end or never order: refused at once."""
    with pytest.raises(ValueError, match="chunk size"):
        next(keyset_chunks(User.objects.all(), order=("id",), size=0))
    with pytest.raises(ValueError, match="chunk size"):
        next(keyset_chunks(User.objects.all(), order=(), size=10))
