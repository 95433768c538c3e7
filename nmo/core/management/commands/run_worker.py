"""`manage.py run_worker`: django-tasks' `db_worker` that survives a lost database
connection (ADR 0027).

`db_worker` lets an OperationalError out of its loop when PostgreSQL drops its connection
(a restart, a failover, `pg_terminate_backend`): the process dies with a traceback and
the queue waits for a person. Here the loop is started again: one log line, the broken
connection closed, a wait that doubles from 1 s up to 30 s while the database stays
away, and back to 1 s after a loop that ran. A task that was running when the connection
broke goes back to the queue (at least once: it may run twice). A supervisor
(systemd `Restart=always`, docs/deploy.md) still restarts the process for anything else.
"""

import logging
import time
from typing import Any

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

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
    interrupted: Any = None  # the id of the task whose run the lost connection broke

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.interrupted = db_task_result.pk
        super().run_task(db_task_result)
        self.interrupted = None

    def _requeue_interrupted(self) -> None:
        """A task whose run the lost connection broke stays RUNNING in the database (its
        end could not be written) and no worker would take it again: it goes back to the
        queue. Tasks run at least once: one may run twice if the connection broke after
        its work and before its end was recorded (ADR 0027)."""
        if self.interrupted is None:
            return
        requeued = DBTaskResult.objects.filter(
            pk=self.interrupted, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY, started_at=None)
        if requeued:
            logger.warning(
                "Задача %s, прерванная потерей соединения, снова в очереди.", self.interrupted
            )
        self.interrupted = None

    def run(self) -> None:
        wait = FIRST_WAIT
        while self.running:
            started = time.monotonic()
            try:
                self._requeue_interrupted()
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
