"""`make test-pgbouncer`: the PostgreSQL race tests (tests/concurrency) and tests/pooler run
with the application's role going through PgBouncer in transaction mode (ADR 0604).

PgBouncer (Debian's package) is started here with its own configuration in a temporary
folder, on PGBOUNCER_PORT (default 6433), in front of the server of PG_DATABASE_URL. It
resets every server connection after every transaction (`server_reset_query_always`,
DISCARD ALL): session state — a prepared statement, a cursor WITH HOLD, a plain SET, a
session advisory lock — is then gone at the next transaction every time, not only when
another client happened to take the connection, so a use of it fails here for certain.

The test database is created and migrated by the owner's role straight on PostgreSQL
(PG_OWNER_URL, as production runs its migrations, docs/deploy.md), the tests connect as the
application's role through PgBouncer with DATABASE_POOLER=pgbouncer. The database is kept
at the end (--reuse-db) and dropped at the start of the next run (--create-db), when no
PgBouncer holds connections to it.

Environment: PG_DATABASE_URL, PG_OWNER_URL, PG_ADMIN_URL (as `make test-pg`),
PGBOUNCER_PORT, PYTEST_ARGS (added to the pytest command), POOLED_TEST_PATHS (default
"tests/concurrency tests/pooler").
"""

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("PGBOUNCER_PORT", "6433"))
DATABASE_URL = os.environ.get("PG_DATABASE_URL", "postgres://nmo_app@127.0.0.1:5432/nmo")
OWNER_URL = os.environ.get("PG_OWNER_URL", "postgres://nmo_owner@127.0.0.1:5432/nmo")
ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PATHS = os.environ.get("POOLED_TEST_PATHS", "tests/concurrency tests/pooler").split()


def pooled(url: str) -> str:
    """The same role and database, through PgBouncer."""
    parts = urlsplit(url)
    user = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
    netloc = f"{user}@127.0.0.1:{PORT}" if user else f"127.0.0.1:{PORT}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def config(folder: Path) -> Path:
    server = urlsplit(DATABASE_URL)
    users = {urlsplit(u).username for u in (DATABASE_URL, OWNER_URL, ADMIN_URL) if u}
    users.discard(None)
    (folder / "userlist.txt").write_text(
        "".join(f'"{user}" ""\n' for user in sorted(u for u in users if u))
    )
    ini = folder / "pgbouncer.ini"
    ini.write_text(
        f"""[databases]
* = host={server.hostname or "127.0.0.1"} port={server.port or 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {PORT}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "userlist.txt"}
pool_mode = transaction
server_reset_query = DISCARD ALL
server_reset_query_always = 1
max_client_conn = 400
default_pool_size = 40
ignore_startup_parameters = extra_float_digits,options
stats_users = {urlsplit(DATABASE_URL).username}
log_connections = 0
log_disconnections = 0
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
"""
    )
    return ini


def start(folder: Path) -> subprocess.Popen[bytes]:
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        sys.exit("pgbouncer is not installed (apt-get install pgbouncer)")
    ini = config(folder)
    command = [binary, str(ini)]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: it drops to postgres
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        for path in folder.iterdir():
            os.chown(path, account.pw_uid, account.pw_gid)
        command = [binary, "-u", "postgres", str(ini)]
    # Its log goes to the file only (the test's output stays readable).
    process = subprocess.Popen(  # noqa: S603 - our own arguments
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(100):
        if process.poll() is not None:
            log = folder / "pgbouncer.log"
            sys.exit(f"pgbouncer exited at start:\n{log.read_text() if log.exists() else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                return process
        time.sleep(0.1)
    process.terminate()
    sys.exit(f"pgbouncer did not listen on {PORT} within 10 s")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="nmo-pgbouncer-"))
    env = {
        **os.environ,
        "DATABASE_URL": pooled(DATABASE_URL),
        "DATABASE_OWNER_URL": OWNER_URL,
        "DATABASE_POOLER": "pgbouncer",
        "PGBOUNCER_PORT": str(PORT),
    }
    if OWNER_URL:
        subprocess.run(  # noqa: S603 - our own arguments
            [
                BIN / "python",
                "manage.py",
                "create_db_roles",
                "--admin-url",
                ADMIN_URL,
                "--settings=config.settings_test",
            ],
            cwd=ROOT,
            env={**env, "DATABASE_URL": DATABASE_URL},
            check=True,
        )
    process = start(folder)
    try:
        command = [
            str(BIN / "pytest"),
            "-p",
            "no:cacheprovider",
            "--create-db",
            "--reuse-db",
            *shlex.split(os.environ.get("PYTEST_ARGS", "")),
            *PATHS,
        ]
        print(f"== through PgBouncer on {PORT}: {' '.join(command)}", flush=True)
        return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
