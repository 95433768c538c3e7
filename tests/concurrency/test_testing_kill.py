"""An acknowledged answer is never lost (issue 13, point 2; ADR 0301): the application
server is killed with SIGKILL (gunicorn's master and its workers at once) while learners
are saving answers under load, and every answer it acknowledged with 200 is in the
database.

A real gunicorn on the test's PostgreSQL database; each client thread owns its own
(attempt, question) pairs, so "the last acknowledged answer" of a pair is well defined.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from nmo.accounts.services import issue_token_for_user
from nmo.testing import models, selectors, services
from nmo.testing.models import Answer, AttemptEvent
from nmo.testing.tests.factories import make_testing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 6


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return (
        f"postgres://{quote(s['USER'])}{password}@{s.get('HOST') or '127.0.0.1'}:"
        f"{s.get('PORT') or 5432}/{s['NAME']}"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "DATABASE_OWNER_URL": "",
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "kill-test",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": os.environ.get("KILL_TEST_REDIS_URL", ""),
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not answer within 60 s")


def test_every_acknowledged_answer_survives_a_sigkill_of_the_app_server():
    t = make_testing("npc")
    now = timezone.now()
    models.TestSession.objects.filter(pk=t.session.pk).update(
        opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(hours=1)
    )
    t.session.refresh_from_db()
    pairs: list[list[tuple[str, int, int, list[int]]]] = [[] for _ in range(CLIENTS)]
    n = 0
    for enrolment in t.setup.enrolments:
        learner = enrolment.learner
        token = issue_token_for_user(actor=learner, name="kill").raw
        attempt, _ = services.start_attempt(actor=learner, session=t.session)
        for question in selectors.ticket_of(attempt):
            ids = [o["id"] for o in question["options"]]
            pairs[n % CLIENTS].append((token, attempt.pk, question["id"], ids))
            n += 1
    port = _free_port()
    process = _start_gunicorn(port)
    acknowledged: dict[tuple[int, int], tuple[list[int], int]] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def client(mine: list[tuple[str, int, int, list[int]]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = 0
        while not stop.is_set():
            token, attempt_id, question_id, ids = mine[i % len(mine)]
            choice = [ids[(i // len(mine)) % len(ids)]]
            try:
                conn.request(
                    "PUT",
                    f"/api/v1/attempts/{attempt_id}/answers/{question_id}",
                    body=json.dumps({"options": choice}),
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                response = conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                return  # the server is gone: what it acknowledged is what counts
            if response.status == 200:
                with lock:
                    count = acknowledged.get((attempt_id, question_id), ([], 0))[1]
                    acknowledged[(attempt_id, question_id)] = (choice, count + 1)
            i += 1

    threads = [threading.Thread(target=client, args=(p,)) for p in pairs]
    try:
        for thread in threads:
            thread.start()
        time.sleep(3)
        os.killpg(process.pid, signal.SIGKILL)  # master and workers, mid-request
        process.wait(timeout=10)
    finally:
        stop.set()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=30)
    assert sum(count for _, count in acknowledged.values()) > 20, "no load before the kill"
    stored = {(a.attempt_id, a.question_id): a for a in Answer.objects.all()}
    for key, (choice, count) in acknowledged.items():
        answer = stored.get(key)
        assert answer is not None, key
        # the last acknowledged answer is stored, or a later one the server committed
        # without answering before it died (then it has counted more saves)
        assert answer.chosen == choice or answer.saves > count, (key, answer.chosen, choice)
        assert answer.saves >= count
        saved_events = AttemptEvent.objects.filter(
            attempt_id=key[0], kind="answer_saved", details__question=key[1]
        ).count()
        assert saved_events >= count
