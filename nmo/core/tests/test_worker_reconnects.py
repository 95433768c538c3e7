"""The task worker of production (`manage.py run_worker`, ADR 0027) survives PostgreSQL
dropping its connection: queued work is still done, without a restart by hand."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from nmo.core.tasks import send_email

ROOT = Path(__file__).resolve().parents[3]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}{password}@{host}/{s['NAME']}"


def _wait_until_done(result_id, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    status = ""
    while time.monotonic() < deadline:
        status = DBTaskResult.objects.get(pk=result_id).status
        if status in ("SUCCESSFUL", "FAILED"):
            return status
        time.sleep(0.2)
    return status


def _worker_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
@pytest.mark.parametrize("health_checks", ["false", "true"], ids=["bare", "health-checked"])
def test_the_worker_reconnects_after_its_connection_is_terminated(tmp_path, health_checks):
    """Without connection health checks the query on the dead connection fails and
    run_worker starts its loop again (one log line); with them (the default) Django
    replaces the connection before the query. Either way the next task is done."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: pg_terminate_backend")
    mail = tmp_path / "mail"
    log = (tmp_path / "worker.log").open("w+")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "600",  # as in production: the connection is kept
        "DATABASE_CONN_HEALTH_CHECKS": health_checks,
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "nmo.core.mail.EmlFileBackend",
        "EMAIL_FILE_PATH": str(mail),
        "REDIS_URL": "",
        "DATABASE_OWNER_URL": "",  # the worker needs no DDL (ADR 0023)
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--no-reload",
            "--queue-name",
            "*",
            "--interval",
            "0.2",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        first = send_email.enqueue(to=["a@example.ru"], subject="Первое", body="1")
        assert _wait_until_done(first.id, 60) == "SUCCESSFUL"
        backends = _worker_backends()
        assert backends, "the worker keeps a connection"

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [backends]
            )
        second = send_email.enqueue(to=["b@example.ru"], subject="Второе", body="2")

        assert _wait_until_done(second.id, 60) == "SUCCESSFUL"
        assert worker.poll() is None, "the worker is still running"
        assert len(list(mail.glob("*.eml"))) == 2
        log.seek(0)
        output = log.read()
        if health_checks == "false":
            assert "Соединение с базой данных потеряно" in output
        assert "Traceback" not in output
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
