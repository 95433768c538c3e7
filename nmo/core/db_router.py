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
from django.db import DatabaseError, connections
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


_routing: ContextVar[Routing | None] = ContextVar("nmo_replica_routing", default=None)
#: time.monotonic() before which this process does not try the replica again.
_replica_down_until = 0.0


class ReplicaRouter:
    """`default` for every write and, outside a replica request, every read."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        routing = _routing.get()
        return REPLICA if routing is not None and routing.replica else PRIMARY

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


def _replica_reachable() -> bool:
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as error:
        _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning(
            "Реплика базы данных не отвечает (%s); чтение с основного сервера %s с.",
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
            settings.REPLICA_RETRY_SECONDS,
        )
        return False
    return True


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


class ReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        routing = Routing()
        token = _routing.set(routing)
        drop_cookie = False
        try:
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
        if routing is None or request.method not in _SAFE_METHODS or match is None:
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
    iterator = iter(content)
    while True:
        token = _routing.set(Routing(replica=True))
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _routing.reset(token)
        yield chunk
