"""A PostgreSQL server of its own for `make bench-scale`, configured as docs/deploy.md §2
configures the national server, its memory scaled to this machine (ADR 0614).

    .venv/bin/python bench/scale/server.py start    # initdb if needed, start; prints the URL
    .venv/bin/python bench/scale/server.py stop
    .venv/bin/python bench/scale/server.py status

The machine's own cluster keeps PostgreSQL's defaults (128 MB of shared buffers,
autovacuum off here), which no team would run the country's 35 GB on. This one is
`initdb` into BENCH_SCALE_PGDATA (default /var/tmp/nmo-bench-scale-pg), listens on
127.0.0.1:BENCH_SCALE_PGPORT (default 5433) and is left running between runs, so that a
loaded database can be measured again (`run.py --reuse`); `stop` stops it, and removing
the directory removes everything. As root it runs as the `postgres` user, as
tests/replica/cluster.py does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.replica.cluster import _as_server_user, _run, pg_bin  # noqa: E402 - as root too

REPORTS = ROOT / "reports" / "scale"
DATA = Path(os.environ.get("BENCH_SCALE_PGDATA", "/var/tmp/nmo-bench-scale-pg"))  # noqa: S108
PORT = int(os.environ.get("BENCH_SCALE_PGPORT", "5433"))
URL = f"postgres://postgres@127.0.0.1:{PORT}"


def settings(ram_bytes: int) -> dict[str, str]:
    """docs/deploy.md §2's postgresql.conf of the national server (128 GB of RAM): the two
    caches the same share of this machine's RAM, maintenance_work_mem 1/16 of it up to the
    national 2 GB, work_mem the national 16 MB."""
    mb = ram_bytes // (1024 * 1024)
    return {
        # Memory: a quarter for PostgreSQL's own cache, three quarters counted on in all.
        "shared_buffers": f"{mb // 4}MB",
        "effective_cache_size": f"{mb * 3 // 4}MB",
        "maintenance_work_mem": f"{min(2048, mb // 16)}MB",
        "work_mem": "16MB",
        # Writes: checkpoints spread out, full-page images compressed (durability kept:
        # fsync, full_page_writes and synchronous_commit stay on).
        "wal_compression": "lz4",
        "max_wal_size": "16GB",
        "min_wal_size": "2GB",
        "checkpoint_timeout": "15min",
        # SSD; no JIT for an OLTP service (a count over the catalogue would compile).
        "random_page_cost": "1.1",
        "effective_io_concurrency": "200",
        "jit": "off",
        "autovacuum": "on",
        "listen_addresses": "127.0.0.1",
        "max_connections": "200",
    }


def _ram() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def running() -> bool:
    """Whether the server runs: asked of `pg_ctl status`, since a stale postmaster.pid
    survives a crash or a reboot."""
    binary = pg_bin()
    if binary is None or not (DATA / "PG_VERSION").exists():
        return False
    return (
        subprocess.run(  # noqa: S603 - PostgreSQL's own program
            _as_server_user([str(binary / "pg_ctl"), "-D", str(DATA), "status"]),
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )


def start() -> str:
    """Start the server (creating its cluster first if there is none); return its URL."""
    binary = pg_bin()
    if binary is None:
        raise SystemExit("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    if not (DATA / "PG_VERSION").exists():
        DATA.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(DATA, "postgres", "postgres")
            DATA.chmod(0o700)
        _run([str(binary / "initdb"), "-D", str(DATA), "-U", "postgres", "--auth=trust",
              "-E", "UTF8", "--locale=C.UTF-8"])  # fmt: skip
        conf = "\n".join(f"{k} = '{v}'" for k, v in settings(_ram()).items())
        with (DATA / "postgresql.auto.conf").open("a") as auto:
            auto.write(f"\n# bench/scale/server.py (ADR 0614)\n{conf}\n")
    if not running():
        _run([str(binary / "pg_ctl"), "-D", str(DATA), "-l", str(DATA / "server.log"),
              "-o", f"-p {PORT} -k {DATA}", "-w", "-t", "300", "start"])  # fmt: skip
    record(URL, dedicated=True)
    return URL


#: The settings the report states (reports/scale/server.json, then docs/scale-report.md).
SHOWN = (
    "server_version", "shared_buffers", "effective_cache_size", "work_mem",
    "maintenance_work_mem", "wal_compression", "max_wal_size", "checkpoint_timeout",
    "random_page_cost", "jit", "autovacuum", "synchronous_commit", "fsync",
    "full_page_writes",
)  # fmt: skip


def record(url: str, *, dedicated: bool) -> None:
    """Write the settings of the server at `url` where `run.py --report` finds them."""
    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
            [list(SHOWN)],
        ).fetchall()
    REPORTS.mkdir(parents=True, exist_ok=True)
    found = dict(rows)
    figures = {
        "url": url,
        "dedicated": dedicated,
        "ram_mb": _ram() // (1024 * 1024),
        "cores": os.cpu_count(),
    }
    settings_ = {name: found[name] for name in SHOWN if name in found}
    (REPORTS / "server.json").write_text(json.dumps({**figures, "settings": settings_}, indent=1))


def stop() -> None:
    binary = pg_bin()
    if binary is not None and running():
        _run([str(binary / "pg_ctl"), "-D", str(DATA), "-m", "fast", "-t", "300", "stop"])


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "status"
    if command == "start":
        print(start())
    elif command == "stop":
        stop()
    elif command == "status":
        print(f"{URL} {'running' if running() else 'stopped'} ({DATA})")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
