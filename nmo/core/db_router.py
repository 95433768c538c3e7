"""Reads of public pages from a streaming replica, a writer's own reads from the primary
(ADR 0605). Installed only when REPLICA_DATABASE_URL is set (config/settings.py); without
it nothing here runs and every query goes to `default`.

- `ReplicaRouter` sends a read to the `replica` alias only while the current request is
  one of REPLICA_READ_VIEWS (the public catalogue, the verification pages, the reports)
  and nothing in it has written; every write, and every read of any other request or of a
  task or command, goes to `default`.
- `ReplicaMiddleware` decides per request. A request that writes (an unsafe method, or a
  write the router saw) leaves a cookie with the primary's WAL position after it; while
  the replica has not replayed up to that position, that browser's reads stay on the
  primary, so its user always reads their own writes however far the replica lags (a
  paused or stuck replica included). Once the replica has caught up the cookie is dropped.
  A replica that does not answer is left alone for REPLICA_RETRY_SECONDS: reads go to
  the primary meanwhile, never an error page.
- A replica lost in the middle of a request (its server stopped or crashed, its backend
  terminated, a failover) is the same (ADR 0608): a safe request that read from it, wrote
  nothing and ended in a server error is run once more, whole, on the primary, and the
  replica is left alone for REPLICA_RETRY_SECONDS. A streamed body that loses the replica
  after it began is cut off, never finished from elsewhere.
"""

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from django.conf import settings
from django.db import DatabaseError, Error, InterfaceError, OperationalError, connections
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

logger = logging.getLogger("nmo.replica")

PRIMARY = "default"
REPLICA = "replica"
#: The cookie that keeps a writer on the primary: the WAL position of their last write.
COOKIE = "nmo_wal"
_LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Routing:
    """What the current request may read from: set by the middleware, changed by the
    router at the first write."""

    replica: bool = False
    wrote: bool = False
    #: The router sent at least one read to the replica.
    read_replica: bool = False
    #: The replica's last error in this request (ADR 0608).
    replica_error: Error | None = None
    #: The second run of a request whose replica was lost: the primary only.
    primary_only: bool = False


_routing: ContextVar[Routing | None] = ContextVar("nmo_replica_routing", default=None)
#: time.monotonic() before which this process does not try the replica again.
_replica_down_until = 0.0


class ReplicaRouter:
    """`default` for every write and, outside a replica request, every read."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        routing = _routing.get()
        if routing is not None and routing.replica:
            routing.read_replica = True
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type, **hints: Any) -> str:
        # Explicit: left to Django, an object read from the replica would be saved there.
        routing = _routing.get()
        if routing is not None:
            routing.wrote = True
            routing.replica = False  # what follows the write reads it back from the primary
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def replica_view(view_name: str) -> bool:
    """Whether a view (its `namespace:name`) is one the replica may serve."""
    return any(fnmatchcase(view_name, pattern) for pattern in settings.REPLICA_READ_VIEWS)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _mark_replica_down(message: str, error: BaseException | None) -> None:
    """Leave the replica alone for REPLICA_RETRY_SECONDS in this process, and say so."""
    global _replica_down_until
    _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    logger.warning(
        message,
        _first_line(error) if error is not None else "соединение потеряно",
        settings.REPLICA_RETRY_SECONDS,
    )


def _replica_reachable() -> bool:
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as error:
        _mark_replica_down(
            "Реплика базы данных не отвечает (%s); чтение с основного сервера %s с.", error
        )
        return False
    return True


#: SQLSTATEs of a lost server whatever the client's socket says (a pooler in front of the
#: replica keeps the client's connection open): connection exceptions (class 08), the
#: server shut down or crashed, or not accepting connections yet (57P01-57P03).
_LOST_STATES = ("08", "57P01", "57P02", "57P03")


def _sqlstate(error: BaseException | None) -> str:
    while error is not None:
        state = getattr(error, "sqlstate", None)
        if state:
            return str(state)
        error = error.__cause__
    return ""


def _replica_lost(routing: Routing) -> bool:
    """Whether this request lost its replica: it read from it, and the replica's connection
    is gone or its last error says the server is. A query error on a live replica (a
    statement timeout, a conflict with recovery, a bad query) is not a lost replica."""
    if not routing.read_replica:
        return False
    error = routing.replica_error
    if error is not None and not isinstance(error, (OperationalError, InterfaceError)):
        return False
    if _sqlstate(error).startswith(_LOST_STATES):
        return True
    connection = connections[REPLICA].connection
    return connection is None or bool(getattr(connection, "closed", False))


def _record_replica_error(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    try:
        return execute(sql, params, many, context)
    except Error as error:
        routing = _routing.get()
        if routing is not None:
            routing.replica_error = error
        raise


def _replayed(position: str) -> bool:
    """Whether the replica has replayed the primary's WAL up to `position` (a replica
    that is not in recovery, or does not answer, has not)."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            row = cursor.fetchone()
    except DatabaseError:
        return False
    return bool(row and row[0])


def _primary_position() -> str | None:
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return str(row[0]) if row else None


def _retry_on_primary(
    request: HttpRequest, routing: Routing, response: HttpResponse | None
) -> bool:
    """Whether a request is to be run again on the primary: it read from the replica and
    lost it, ended in a server error, and cannot have changed anything by running (a safe
    method, no write the router saw)."""
    return (
        (response is None or response.status_code >= 500)
        and request.method in _SAFE_METHODS
        and not routing.wrote
        and _replica_lost(routing)
    )


class ReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        routing = Routing()
        token = _routing.set(routing)
        drop_cookie = False
        try:
            first: HttpResponse | None = None
            try:
                with connections[REPLICA].execute_wrapper(_record_replica_error):
                    first = self.get_response(request)
            except Error:
                # Django's own error page failed too (it read the lost replica as well).
                if not _retry_on_primary(request, routing, None):
                    raise
            if first is not None and not _retry_on_primary(request, routing, first):
                response = first
            else:
                # The replica went away under this request: answer it from the primary,
                # whole, once. The failed response is dropped, not closed: closing it
                # would end the request (request_finished) before the second run.
                _mark_replica_down(
                    "Реплика базы данных потеряна посреди запроса (%s); запрос повторён на "
                    "основном сервере, чтение с него %s с.",
                    routing.replica_error,
                )
                routing = Routing(primary_only=True)
                _routing.set(routing)
                response = self.get_response(request)
            drop_cookie = getattr(request, "_nmo_replica_caught_up", False)
        finally:
            _routing.reset(token)
        if request.method not in _SAFE_METHODS or routing.wrote:
            position = _primary_position()
            if position is not None:
                response.set_cookie(
                    COOKIE,
                    position,
                    max_age=settings.REPLICA_PIN_MAX_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        elif drop_cookie:
            response.delete_cookie(COOKIE, samesite="Lax")
        if (
            isinstance(response, StreamingHttpResponse)
            and not isinstance(response, FileResponse)
            and routing.replica
        ):
            # A streamed report reads while the server sends it, after this call returned.
            response.streaming_content = _on_replica(response.streaming_content)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        routing = _routing.get()
        match = request.resolver_match
        if (
            routing is None
            or routing.primary_only
            or request.method not in _SAFE_METHODS
            or match is None
        ):
            return
        if not replica_view(match.view_name) or not _replica_reachable():
            return
        position = request.COOKIES.get(COOKIE, "")
        if position:
            if _LSN.match(position) and not _replayed(position):
                return  # the replica has not yet seen this browser's last write
            request._nmo_replica_caught_up = True  # type: ignore[attr-defined]
        routing.replica = True


def _on_replica(content: Iterator[bytes]) -> Iterator[bytes]:
    """A streamed body read from the replica. Its first bytes have gone to the client
    when the replica may be lost: the body is cut off (the exception reaches the server,
    which closes the connection without the body's end, so the client sees a broken
    download, never a short file that looks whole) and the replica is left alone, so the
    user's next try is read from the primary (ADR 0608)."""
    iterator = iter(content)
    while True:
        routing = Routing(replica=True)
        token = _routing.set(routing)
        try:
            with connections[REPLICA].execute_wrapper(_record_replica_error):
                chunk = next(iterator)
        except StopIteration:
            return
        except Error as error:
            routing.read_replica = True
            routing.replica_error = routing.replica_error or error
            if _replica_lost(routing):
                _mark_replica_down(
                    "Реплика базы данных потеряна посреди выгрузки (%s); выгрузка прервана, "
                    "чтение с основного сервера %s с.",
                    error,
                )
            raise
        finally:
            _routing.reset(token)
        yield chunk
