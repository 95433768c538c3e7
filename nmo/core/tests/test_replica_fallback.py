"""A replica lost in the middle of a request (ADR 0608), in-process on PostgreSQL: the
`replica` alias is a second, real connection to the test database whose server backend
is terminated (`pg_terminate_backend`) after the middleware chose it, so the view's
first read on it fails as a lost replica does. The real streaming replica is
tests/replica/."""

import logging
import time
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection, connections
from django.http import HttpResponse
from django.test import Client

from nmo.catalog.models import Activity
from nmo.catalog.tests.factories import ActivityFactory
from nmo.core import db_router
from nmo.core.db_router import PRIMARY, REPLICA

pytestmark = pytest.mark.django_db

TITLE = "Школа «Потерянная реплика»"


@pytest.fixture
def replica(db, settings, monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The router and its middleware over a `replica` alias: a kept connection (no health
    check) to the test database, opened outside the test's transaction, so it sees none of
    the test's rows — only the primary (`default`, in the transaction) does."""
    if connection.vendor != "postgresql":
        pytest.skip("a lost PostgreSQL connection needs PostgreSQL (make test-pg)")
    # A connection of its own, not a configured alias: the test case allows it.
    connections[REPLICA] = connections[PRIMARY].__class__(
        {**connections[PRIMARY].settings_dict, "CONN_MAX_AGE": None, "CONN_HEALTH_CHECKS": False},
        alias=REPLICA,
    )
    settings.DATABASE_ROUTERS = ["nmo.core.db_router.ReplicaRouter"]
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:4],
        "nmo.core.db_router.ReplicaMiddleware",
        *settings.MIDDLEWARE[4:],
    ]
    assert settings.MIDDLEWARE[5] == "django.contrib.sessions.middleware.SessionMiddleware"
    settings.REPLICA_RETRY_SECONDS = 30
    monkeypatch.setattr(db_router, "_replica_down_until", 0.0)
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]


def _lose_the_replica() -> None:
    """Open the replica's connection and have its server end it, as a stopped or crashed
    replica, or a failover, does."""
    connections[REPLICA].ensure_connection()
    pid = connections[REPLICA].connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
        assert cursor.fetchone()[0]


def test_a_public_page_whose_replica_is_lost_mid_request_is_answered_from_the_primary(
    replica, caplog
):
    """The middleware chose the replica (its connection was open), then the replica's
    backend was terminated: the catalogue's reads on it fail with a lost connection. The
    reader gets the catalogue, 200, with the activity only the primary has (the test's
    uncommitted row), the replica is left alone for REPLICA_RETRY_SECONDS and the loss is
    logged. The next reader is answered from the primary at once."""
    ActivityFactory(title=TITLE, accredited=True)
    _lose_the_replica()
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.WARNING, logger="nmo.replica"):
        response = client.get("/catalogue/", {"q": "Потерянная"})

    assert response.status_code == 200
    assert TITLE in response.content.decode()
    assert any(
        record.name == "nmo.replica" and "посреди запроса" in record.getMessage()
        for record in caplog.records
    )
    assert db_router._replica_down_until > time.monotonic() + 20

    again = client.get(f"/codes/verify/{'ABCD-EFGH1234'}/")
    assert again.status_code == 404  # an unknown code, answered (from the primary)
    assert "Каталог" in client.get("/catalogue/").content.decode()


def test_a_streamed_body_that_loses_its_replica_is_cut_off(replica, caplog):
    """A streamed report reads the replica after its first bytes went out: a lost replica
    then cuts the body off (the error reaches the server, which ends the connection without
    the body's end), never finishes it from elsewhere, and the next request reads the
    primary."""

    def report() -> Iterator[bytes]:
        yield "Реестр\n".encode()
        _lose_the_replica()
        yield from (f"{title}\n".encode() for title in Activity.objects.values_list("title"))

    body = db_router._on_replica(report())
    assert next(body) == "Реестр\n".encode()
    with caplog.at_level(logging.WARNING, logger="nmo.replica"), pytest.raises(OperationalError):
        next(body)
    assert "выгрузка прервана" in caplog.text
    assert db_router._replica_down_until > time.monotonic() + 20


def _read_on_replica(routing: db_router.Routing, *statements: str) -> None:
    """Run `statements` on the replica as the router's read in a replica request does."""
    token = db_router._routing.set(routing)
    try:
        with (
            connections[REPLICA].execute_wrapper(db_router._record_replica_error),
            connections[REPLICA].cursor() as cursor,
        ):
            routing.read_replica = True
            for sql in statements:
                cursor.execute(sql)
    finally:
        db_router._routing.reset(token)


def test_a_query_error_on_a_live_replica_is_not_a_lost_replica(replica, rf):
    """A statement cancelled by its timeout on a replica that is up is the query's own
    failure: re-running it on the primary would move the load the replica was there to
    take. A lost one is run again on the primary, but neither a request that wrote nor an
    unsafe one."""
    failed = HttpResponse(status=500)
    timed_out = db_router.Routing(replica=True)
    with pytest.raises(OperationalError):
        _read_on_replica(timed_out, "SET statement_timeout = 50", "SELECT pg_sleep(5)")
    assert timed_out.replica_error is not None
    assert not db_router._replica_lost(timed_out)
    assert not db_router._retry_on_primary(rf.get("/catalogue/"), timed_out, failed)

    lost = db_router.Routing(replica=True)
    _lose_the_replica()
    with pytest.raises(OperationalError):
        _read_on_replica(lost, "SELECT 1")
    assert db_router._replica_lost(lost)
    assert db_router._retry_on_primary(rf.get("/catalogue/"), lost, failed)
    assert not db_router._retry_on_primary(rf.post("/catalogue/"), lost, failed)
    lost.wrote = True
    assert not db_router._retry_on_primary(rf.get("/catalogue/"), lost, failed)
