"""Connections straight to PostgreSQL and through PgBouncer in transaction mode (ADR 0604);
not part of `make bench`: it starts PgBouncer as `make test-pgbouncer` does (PGBOUNCER_PORT,
default 6433) in front of PG_DATABASE_URL's server.

Prints the time of one connect + `SELECT 1` + close (what a request costs with
DATABASE_CONN_MAX_AGE=0), and what 150 clients at once, each running 20 short
transactions, get straight and through the pooler (PostgreSQL's max_connections is 100).
"""

import importlib.util
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
URL = urlsplit(os.environ.get("PG_DATABASE_URL", "postgres://nmo_app@127.0.0.1:5432/nmo"))
PORT = int(os.environ.get("PGBOUNCER_PORT", "6433"))
DIRECT = f"host={URL.hostname} port={URL.port or 5432} user={URL.username} dbname={URL.path[1:]}"
POOLED = f"host=127.0.0.1 port={PORT} user={URL.username} dbname={URL.path[1:]}"


def connect_cycles(dsn: str, n: int = 300) -> float:
    started = time.perf_counter()
    for _ in range(n):
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SELECT 1")
    return (time.perf_counter() - started) / n * 1000


def clients(dsn: str, n: int = 150, transactions: int = 20) -> tuple[int, list[str], float]:
    """n clients connect, wait until every one has tried, then run their transactions:
    all n connections are open at once."""
    done: list[int] = []
    errors: list[str] = []
    tried = threading.Semaphore(0)
    all_tried = threading.Event()

    def run() -> None:
        try:
            conn = psycopg.connect(dsn, prepare_threshold=None)
        except psycopg.Error as exc:
            errors.append(str(exc).replace("\n", " ")[:120])
            tried.release()
            return
        tried.release()
        all_tried.wait()
        with conn:
            for _ in range(transactions):
                with conn.transaction():
                    conn.execute("SELECT pg_sleep(0.002)")
        done.append(1)

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for _ in range(n):
        tried.acquire()
    all_tried.set()
    for thread in threads:
        thread.join()
    return len(done), sorted(set(errors)), time.perf_counter() - started


def main() -> None:
    spec = importlib.util.spec_from_file_location("pooled", ROOT / ".ci" / "pooled_tests.py")
    assert spec is not None
    assert spec.loader is not None
    pooled = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pooled)
    folder = Path(tempfile.mkdtemp(prefix="nmo-pgbouncer-bench-"))
    process = pooled.start(folder)
    try:
        for name, dsn in (("straight", DIRECT), ("PgBouncer", POOLED)):
            print(f"{name}: connect + SELECT 1 + close {connect_cycles(dsn):.1f} ms")
        for name, dsn in (("straight", DIRECT), ("PgBouncer", POOLED)):
            ok, errors, seconds = clients(dsn)
            print(
                f"{name}: 150 clients x 20 transactions: {ok} done in {seconds:.1f} s; {errors[:1]}"
            )
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
