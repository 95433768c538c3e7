"""A throwaway PostgreSQL primary with a real streaming replica, and the app in front of
both (ADR 0605). Nothing here touches the machine's own cluster: the primary is `initdb`
into a temporary directory, the standby is `pg_basebackup -R` of it into another, each
server listens on 127.0.0.1 at its own port (REPLICA_TEST_PORTS, default 5440 and
5441) with its socket in its own directory, and everything is removed at the end.

PostgreSQL refuses to run as root: as root the servers run as the `postgres` user
(`runuser`), in directories given to it.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PORTS = [int(p) for p in os.environ.get("REPLICA_TEST_PORTS", "5440,5441").split(",")]
APP_PORT = int(os.environ.get("REPLICA_TEST_APP_PORT", "8890"))
DB_NAME = "nmo"
#: The seeded accounts' password and the applications the tests accredit (seed.py).
PASSWORD = "replica-password-123"
TITLE = "Конференция «Реплика и запись»"
SECOND_TITLE = "Семинар «Реплика после сбоя»"
#: A confirmation code of the first application: its public verification page.
CODE = "REPL-1CA00001"
#: How long a worker leaves a replica that failed it (REPLICA_RETRY_SECONDS), short here.
RETRY_SECONDS = 3


def pg_bin() -> Path | None:
    """The directory of PostgreSQL's server programs: PG_BIN, else the newest version
    under /usr/lib/postgresql, else wherever initdb is on the PATH."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(re.sub(r"\D", "", p.parent.parent.name) or 0),
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - PostgreSQL's own programs
        _as_server_user(command), check=True, capture_output=True, text=True, **kwargs
    )


@dataclass
class Server:
    bin: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data.parent}"
        _run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.data.parent / f"{self.data.name}.log"),
                "-o",
                options,
                "-w",
                "-t",
                "120",
                "start",
            ]
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])

    def query(self, sql: str, params: Any = None, dbname: str = DB_NAME) -> Any:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True
        ) as connection:
            cursor = connection.execute(sql, params)
            row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None

    def log(self) -> str:
        path = self.data.parent / f"{self.data.name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


@dataclass
class Replicated:
    primary: Server
    standby: Server
    app_url: str
    activity_id: int
    second_activity_id: int
    app_log: Path

    def pause_replay(self) -> None:
        self.standby.query("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while self.standby.query("SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                raise TimeoutError("the standby did not pause its replay")
            time.sleep(0.05)

    def resume_replay(self) -> None:
        self.standby.query("SELECT pg_wal_replay_resume()")

    def app_output(self) -> str:
        """What the app server wrote to its stderr (its log: LOG_LEVEL=WARNING)."""
        return self.app_log.read_text(errors="replace") if self.app_log.exists() else ""

    def start_standby(self) -> None:
        """Start the standby again (after a stop) and wait until it answers queries."""
        if not (self.standby.data / "postmaster.pid").exists():
            self.standby.start()
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.standby.query("SELECT pg_is_in_recovery()"):
                    return
            except psycopg.OperationalError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the standby did not come back")
            time.sleep(0.1)

    @contextmanager
    def replay_holds(self, tables: list[str]) -> Iterator[psycopg.Connection[Any]]:
        """An ACCESS EXCLUSIVE lock on `tables` taken in an open transaction on the
        primary, replayed by the standby: its readers of these tables wait, in the middle
        of their request, until the transaction ends (rolled back on leaving)."""
        with psycopg.connect(
            host="127.0.0.1", port=self.primary.port, user="postgres", dbname=DB_NAME
        ) as holder:
            holder.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
            # Another transaction's commit flushes the WAL, the lock's record with it.
            self.primary.query("SELECT txid_current()")
            deadline = time.monotonic() + 30
            while self.standby.query(
                "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' "
                "AND relation = ANY(%s::regclass[])",
                [tables],
            ) < len(tables):
                if time.monotonic() > deadline:
                    raise TimeoutError("the standby did not replay the lock")
                time.sleep(0.05)
            try:
                yield holder
            finally:
                holder.rollback()

    def waiting_readers(self, count: int, timeout: float = 60) -> list[int]:
        """The standby's backends of the app that wait on a replayed lock, once there are
        `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            with psycopg.connect(
                host="127.0.0.1", port=self.standby.port, user="postgres", dbname=DB_NAME
            ) as connection:
                pids = [
                    row[0]
                    for row in connection.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                        "AND backend_type = 'client backend' AND wait_event_type = 'Lock'",
                        [DB_NAME],
                    )
                ]
            if len(pids) >= count:
                return pids
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(pids)} readers wait on the standby, not {count}")
            time.sleep(0.05)

    def wait_caught_up(self, timeout: float = 30) -> None:
        position = self.primary.query("SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self.standby.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]):
            if time.monotonic() > deadline:
                raise TimeoutError("the standby did not catch up")
            time.sleep(0.05)


def app_environment(primary: Server, standby: Server, media: Path) -> dict[str, str]:
    """The app's environment: the production settings on the throwaway cluster, nothing
    inherited that would point elsewhere (the CI's DATABASE_URL, REDIS_URL…)."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TZ"}}
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.replica.server_settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "replica-harness-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_PROXY_SSL_HEADER": "",
        "DATABASE_URL": primary.url,
        "REPLICA_DATABASE_URL": standby.url,
        "TASKS_BACKEND": "immediate",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "MEDIA_ROOT": str(media),
        "LOG_LEVEL": "WARNING",
        "REPLICA_RETRY_SECONDS": str(RETRY_SECONDS),
    }


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app server exited ({process.returncode})")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"the app server did not answer at {url}")


@contextmanager
def replicated_app() -> Iterator[Replicated]:
    """Primary, standby and app server, up; all gone afterwards."""
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    base = Path(tempfile.mkdtemp(prefix="nmo-replica-"))
    primary = Server(binaries, base / "primary", PORTS[0])
    standby = Server(binaries, base / "standby", PORTS[1])
    app: subprocess.Popen[bytes] | None = None
    try:
        if os.geteuid() == 0:
            shutil.chown(base, "postgres", "postgres")
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(primary.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        with (primary.data / "postgresql.conf").open("a") as conf:
            # A throwaway cluster: no fsync; the standby streams and allows reads.
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\nfsync = off\nfull_page_writes = off\n"
                "shared_buffers = 32MB\nmax_connections = 40\nwal_level = replica\n"
                "max_wal_senders = 4\nhot_standby = on\n"
            )
        primary.start()
        primary.query(f'CREATE DATABASE "{DB_NAME}"', dbname="postgres")
        media = base / "media"
        media.mkdir()
        env = app_environment(primary, standby, media)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
        seeded = subprocess.run(
            [sys.executable, "-m", "tests.replica.seed"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        activity_id, second_activity_id = map(int, seeded.stdout.strip().splitlines()[-2:])
        _run(
            [
                str(binaries / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(standby.data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
        standby.start()
        if not standby.query("SELECT pg_is_in_recovery()"):
            raise RuntimeError("the copy is not a standby")
        app_log = base / "app.log"
        app = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{APP_PORT}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stderr=app_log.open("wb"),
        )
        app_url = f"http://127.0.0.1:{APP_PORT}"
        _wait_http(f"{app_url}/catalogue/", app)
        yield Replicated(primary, standby, app_url, activity_id, second_activity_id, app_log)
    finally:
        if app is not None:
            app.terminate()
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                app.kill()
        for server in (standby, primary):
            with suppress(subprocess.CalledProcessError):
                server.stop()
        shutil.rmtree(base, ignore_errors=True)
