"""`manage.py run_worker`: django-tasks' `db_worker` that survives a lost database
connection (ADR 0027).

`db_worker` lets an OperationalError out of its loop when PostgreSQL drops its connection
(a restart, a failover, `pg_terminate_backend`): the process dies with a traceback and
the queue waits for a person. Here the loop is started again: one log line, the broken
connection closed, a wait that doubles from 1 s up to 30 s while the database stays
away, and back to 1 s after a loop that ran. A task that was running when the connection
broke keeps the state the database last saw (its transaction rolled back). A supervisor
(systemd `Restart=always`, docs/deploy.md) still restarts the process for anything else.
"""

import logging
import time
from typing import Any

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("nmo.worker")

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0


def _close_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except (OperationalError, InterfaceError):  # already gone: forget it
            connection.connection = None


class ReconnectingWorker(db_worker.Worker):
    def run(self) -> None:
        wait = FIRST_WAIT
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch or --max-tasks: the loop ended on purpose
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    return
                if time.monotonic() - started > LONGEST_WAIT:
                    wait = FIRST_WAIT  # it ran for a while: a new outage, not the same one
                reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
                logger.warning(
                    "Соединение с базой данных потеряно (%s: %s); новое через %.0f с.",
                    type(error).__name__,
                    reason,
                    wait,
                )
                _close_broken_connections()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)


class Command(db_worker.Command):
    help = (
        "Обработчик фоновых задач (db_worker), который переподключается к базе данных, "
        "если соединение потеряно."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        original = db_worker.Worker
        db_worker.Worker = ReconnectingWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
