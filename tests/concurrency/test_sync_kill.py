"""A synchronisation killed mid-way ends with each record exactly once (faq-sync-once,
ADR 0501): the task worker (a real `manage.py run_worker` process) is killed with SIGKILL
while it brings over 1,000 credits from the credit portal (a real gunicorn on the test's
PostgreSQL database), then started again: every record is there once, none lost.

One database holds both sides (both roles, the other portal configured, as in
nmo/sync/tests): the feed never hands back what came by synchronisation.
"""

import datetime as dt
import http.client
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model

from nmo.catalog.models import Activity, Specialty
from nmo.codes.tests.factories import accredited_event
from nmo.cycles.models import CreditEntry, CreditKind, CreditSource
from nmo.sync.models import AccountLink, LinkState

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("NMO_SYNC_KILL_PORT", "8845"))  # helper h8d's range by default
RECORDS = 1000
CLIENT_ID = "cycle-portal"
SECRET = "kill-test-client-secret-0123456789abcdef"
# The link's tokens are encrypted (ADR 0502): the worker needs the key the test wrote with.
TOKEN_KEY = "bmVpdGhlci1hLXJlYWwta2V5LWZvci1raWxsLXRlc3Q="


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return (
        f"postgres://{quote(s['USER'])}{password}@{s.get('HOST') or '127.0.0.1'}:"
        f"{s.get('PORT') or 5432}/{s['NAME']}"
    )


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "DATABASE_OWNER_URL": "",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "sync-kill-test",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_BACKEND": "database",
        "NMO_OTHER_PORTAL_URL": f"http://127.0.0.1:{PORT}",
        "NMO_SYNC_CLIENT_ID": CLIENT_ID,
        "NMO_SYNC_CLIENT_SECRET": SECRET,
        "NMO_SYNC_BATCH_SIZE": "10",
        "NMO_SYNC_TOKEN_KEYS": TOKEN_KEY,
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        args, cwd=ROOT, env=_env(), start_new_session=True
    )


def _manage(*args: str) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
    )


def _worker() -> subprocess.Popen[bytes]:
    return _start(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "manage.py",
            "run_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.2",
            "--no-startup-delay",
        ]
    )


def _gunicorn() -> subprocess.Popen[bytes]:
    process = _start(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ]
    )
    deadline = time.monotonic() + 180  # a loaded 2-core machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not answer within 180 s")


def _credits_on_the_credit_portal(specialist, provider) -> list[int]:  # type: ignore[no-untyped-def]
    first = accredited_event(submitted_by=provider)
    specialty = Specialty.objects.get(code="31.08.36")
    clones = []
    for n in range(RECORDS):
        clone = Activity.objects.get(pk=first.pk)
        clone.pk = None
        clone.title = f"Вебинар № {n + 1}"
        clones.append(clone)
    activities = Activity.objects.bulk_create(clones)
    entries = CreditEntry.objects.bulk_create(
        CreditEntry(
            specialist=specialist,
            activity=activity,
            specialty=specialty,
            source=CreditSource.CODE,
            kind=CreditKind.EVENT,
            hours=1,
            occurred_on=dt.date(2025, 3, 12),
        )
        for activity in activities
    )
    return [e.pk for e in entries]


def _synced(specialist):  # type: ignore[no-untyped-def]
    return CreditEntry.objects.filter(specialist=specialist, source=CreditSource.SYNC)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.clause("faq-sync-once")
def test_a_killed_worker_resumes_and_each_record_arrives_once(specialist, provider, settings):
    """faq-sync-once: SIGKILL of the worker mid-synchronisation of 1,000 records, then a
    new worker: every record once, the cursor and the records always agree, the link
    ends «завершена» with 1,000 brought over."""
    settings.SYNC_TOKEN_KEYS = [TOKEN_KEY]
    source_ids = _credits_on_the_credit_portal(specialist, provider)
    application = get_application_model().objects.create(
        name="Портал циклов",
        client_id=CLIENT_ID,
        client_secret=SECRET,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="http://127.0.0.1/sync/link/callback/",
    )
    AccessToken.objects.create(
        user=specialist,
        application=application,
        token="kill-test-access-token",
        expires=timezone.now() + dt.timedelta(hours=1),
        scope="credits",
    )
    link = AccountLink.objects.create(
        specialist=specialist,
        portal_url=f"http://127.0.0.1:{PORT}",
        remote_account=specialist.email,
        access_token="kill-test-access-token",
        token_expires_at=timezone.now() + dt.timedelta(hours=1),
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    server = _gunicorn()
    worker = None
    try:
        _manage("sync_links", "--stale-after", "0")
        worker = _worker()
        deadline = time.monotonic() + 120
        while _synced(specialist).count() < 100:
            assert time.monotonic() < deadline, "the synchronisation did not start"
            assert worker.poll() is None, "the worker died"
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)  # mid-page, mid-transaction perhaps
        worker.wait(timeout=10)
        link.refresh_from_db()
        at_kill = _synced(specialist).count()
        assert at_kill < RECORDS, "finished before the kill: nothing proven"
        # The page and its cursor commit together: what is here is exactly up to the cursor.
        assert at_kill == len([i for i in source_ids if i <= link.cursor])
        assert link.synced_count == at_kill
        assert link.state == LinkState.RUNNING

        _manage("sync_links", "--stale-after", "0")  # the dead run is taken up again
        worker = _worker()
        deadline = time.monotonic() + 300
        while AccountLink.objects.get(pk=link.pk).state != LinkState.DONE:
            assert time.monotonic() < deadline, "the synchronisation did not finish"
            time.sleep(0.2)
    finally:
        if worker is not None:
            _stop(worker)
        _stop(server)
    link.refresh_from_db()
    rows = list(_synced(specialist).values_list("source_id", flat=True))
    assert len(rows) == RECORDS
    assert sorted(int(r) for r in rows) == source_ids  # each once, none lost
    assert link.synced_count == RECORDS
    assert link.remote_total == RECORDS
