"""The database task queue is its own transactional outbox (ADR 0606): the task row is
written in the transaction of the change it announces, so a connection lost before the
commit leaves neither, and a commit cannot stand without its task, which the production
worker then delivers."""

import threading

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from nmo.core.services import send_email_after_commit

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _change_and_notice(key: str) -> None:
    """A change (a row) and the notice that announces it, in one transaction."""
    Session.objects.create(session_key=key, session_data="", expire_date=timezone.now())
    send_email_after_commit(to=["a@example.ru"], subject=f"Изменение {key}", body="—")


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_connection_killed_before_the_commit_leaves_no_task_and_no_change():
    """The writer's backend is terminated (as a crashed app server's would be) after it
    has written the change and queued its notice, before COMMIT: neither survives."""
    written, release = threading.Event(), threading.Event()
    outcome: list[BaseException | None] = []
    pids: list[int] = []

    def writer() -> None:
        try:
            with transaction.atomic():
                _change_and_notice("killed")
                # The backend's pid is read inside the transaction: behind PgBouncer in
                # transaction mode (make test-pgbouncer) another transaction of this
                # client may run on another server connection.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pids.append(cursor.fetchone()[0])
                written.set()
                release.wait(30)
            outcome.append(None)
        except BaseException as exc:  # the commit on a dead connection
            outcome.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pids[0]])
    release.set()
    thread.join(30)
    assert outcome
    assert outcome[0] is not None
    assert not Session.objects.filter(session_key="killed").exists()
    assert not DBTaskResult.objects.exists()


@override_settings(
    TASKS=DATABASE_QUEUE, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
)
def test_a_committed_change_has_its_task_and_the_worker_delivers_it_once():
    """Committed: the change and exactly one task row exist from the same instant (the
    worker cannot see the task earlier, nor the change without it); `run_worker`
    delivers the notice once, and a second run finds nothing."""
    with transaction.atomic():
        _change_and_notice("committed")
    assert Session.objects.filter(session_key="committed").exists()
    assert DBTaskResult.objects.count() == 1
    mail.outbox = []
    call_command("run_worker", batch=True, startup_delay=False, verbosity=0, reload=False)
    call_command("run_worker", batch=True, startup_delay=False, verbosity=0, reload=False)
    assert [m.subject for m in mail.outbox] == ["Изменение committed"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
