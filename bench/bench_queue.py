"""Benchmark: the database task queue (django-tasks' DB backend) against the national peak
of 200 tasks/s (issue 16 point 6, ADR 0606). On demand, not in CI: `make bench-queue`.

Every task is a real notice: `nmo.core.tasks.send_email`, queued the way the product queues
it (`enqueue_after_commit` inside a transaction: the task row commits with the change it
announces), delivered by `manage.py run_worker` processes (the production worker, `make
worker`) through the `.eml` file backend.

1. Peak: PRODUCERS processes queue RATE tasks/s in all for SECONDS, each task in its own
   transaction, while WORKERS workers run them. Printed: the enqueue rate reached, the
   enqueue call's p50/p95, the completion rate (tasks finished / time from the first
   enqueue to the last finish), the latency enqueue → finished p50/p95/max, and the
   backlog left when the producers stopped. **Target: completion ≥ 0.95 × RATE, latency
   p95 ≤ 2 s, no task lost or failed.**
2. Capacity: BACKLOG tasks queued with no worker running, then WORKERS workers drain it:
   the queue's ceiling in tasks/s on this machine.
3. Floor: the same number of processes drain BACKLOG rows of a scratch table with the bare
   SQL a database queue cannot do without (per task: `SELECT … FOR UPDATE SKIP LOCKED
   LIMIT 1` and `UPDATE` to running in one transaction, `UPDATE` to done in another),
   psycopg in autocommit, no Django, no task body. Capacity / floor is printed.

Run: `.venv/bin/python bench/bench_queue.py`. It creates (and at the end drops) its own
database BENCH_QUEUE_DB (default nmo_bench_queue) on BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432). Knobs (environment): BENCH_RATE (200), BENCH_SECONDS
(20), BENCH_QUEUE_WORKERS (4), BENCH_PRODUCERS (4), BENCH_BACKLOG (3000),
BENCH_CONN_MAX_AGE (600: the workers keep their connection; 0 opens one a task).
Exit status 1 when a task is lost or failed; with BENCH_STRICT=1 also when a target is
missed.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("BENCH_QUEUE_DB", "nmo_bench_queue")
RATE = int(os.environ.get("BENCH_RATE", "200"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_QUEUE_WORKERS", "4"))
PRODUCERS = int(os.environ.get("BENCH_PRODUCERS", "4"))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", "3000"))
CONN_MAX_AGE = os.environ.get("BENCH_CONN_MAX_AGE", "600")
LATENCY_TARGET = 2.0
COMPLETION_TARGET = 0.95
DRAIN_TIMEOUT = 120.0


def _environment(mail_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"{PG_URL}/{DB_NAME}",
        DATABASE_CONN_MAX_AGE=CONN_MAX_AGE,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "bench"),
        TASKS_BACKEND="database",
        EMAIL_BACKEND="nmo.core.mail.EmlFileBackend",
        EMAIL_FILE_PATH=mail_dir,
        LOG_LEVEL="WARNING",
    )
    return env


os.environ.update(_environment(os.environ.get("BENCH_MAIL_DIR", tempfile.gettempdir())))


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- one producer (a child process: `bench_queue.py --producer <n> <count> <rate> <t0>`) ---


def produce(number: int, count: int, rate: float) -> None:
    """Queue `count` notices at `rate` a second from the start it is given, each in
    its own transaction as a request would; print the enqueue calls' durations."""
    import django

    django.setup()
    from django.db import connection, transaction

    from nmo.core.services import send_email_after_commit

    connection.ensure_connection()
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())  # the common start, once every producer is ready
    durations = []
    while time.time() < start_at:
        time.sleep(0.001)
    for n in range(count):
        due = start_at + n / rate if rate else 0.0
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        started = time.perf_counter()
        with transaction.atomic():
            send_email_after_commit(
                to=[f"bench{number}-{n}@example.ru"],
                subject="Уведомление НМО",
                body=f"Заявка {number}-{n} принята.",
            )
        durations.append(time.perf_counter() - started)
    print(json.dumps(durations))


# --- the coordinator ----------------------------------------------------------------------


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def start_workers(env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """WORKERS `run_worker` processes, returned once each holds its connection (they keep
    it with CONN_MAX_AGE > 0; otherwise after a fixed wait)."""
    import psycopg

    workers = [
        subprocess.Popen(  # noqa: S603 - our own manage.py
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "run_worker",
                "--queue-name",
                "*",
                "--no-reload",
                "--no-startup-delay",
            ],
            env=env,
            cwd=ROOT,
        )
        for _ in range(WORKERS)
    ]
    deadline = time.monotonic() + 60
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        while time.monotonic() < deadline:
            row = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (DB_NAME,)
            ).fetchone()
            # the workers, and this process's own connection
            if row and row[0] >= WORKERS + 1 and CONN_MAX_AGE != "0":
                break
            time.sleep(0.2)
    time.sleep(1.0)
    return workers


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def run_producers(env: dict[str, str], total: int, rate: float) -> tuple[list[float], float]:
    """Queue `total` tasks from PRODUCERS processes at `rate` in all (0: as fast as they
    can); the enqueue calls' durations and the wall time from the common start."""
    share = total // PRODUCERS
    producers = [
        subprocess.Popen(  # noqa: S603 - this script
            [
                sys.executable,
                __file__,
                "--producer",
                str(n),
                str(share + (1 if n < total % PRODUCERS else 0)),
                str(rate / PRODUCERS),
            ],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for n in range(PRODUCERS)
    ]
    for producer in producers:
        assert producer.stdout is not None
        producer.stdout.readline()  # "ready": Django set up, connected
    start_at = time.time() + 0.2
    for producer in producers:
        assert producer.stdin is not None
        producer.stdin.write(f"{start_at}\n".encode())
        producer.stdin.close()
    durations: list[float] = []
    for producer in producers:
        assert producer.stdout is not None
        out = producer.stdout.read()
        producer.wait()
        if producer.returncode != 0:
            raise SystemExit(f"a producer failed ({producer.returncode})")
        durations.extend(json.loads(out))
    return durations, time.time() - start_at


def counts() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    return dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")))


def wait_drained(total: int) -> bool:
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while time.monotonic() < deadline:
        by_status = counts()
        if by_status.get("SUCCESSFUL", 0) + by_status.get("FAILED", 0) >= total:
            return True
        time.sleep(0.2)
    return False


def timings() -> tuple[list[float], float, float, float]:
    """Latencies enqueue → finished, and the first enqueue, last enqueue and last finish
    (epoch seconds) of the tasks in the table."""
    from django_tasks_db.models import DBTaskResult

    rows = list(DBTaskResult.objects.values_list("enqueued_at", "finished_at"))
    latencies = [(f - e).total_seconds() for e, f in rows if f is not None]
    first = min(e for e, _ in rows).timestamp()
    last_enqueued = max(e for e, _ in rows).timestamp()
    last_finished = max((f for _, f in rows if f is not None), default=None)
    return latencies, first, last_enqueued, last_finished.timestamp() if last_finished else 0.0


def clear_tasks() -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()


def peak(env: dict[str, str]) -> tuple[bool, bool]:
    total = RATE * SECONDS
    workers = start_workers(env)
    try:
        durations, wall = run_producers(env, total, RATE)
        backlog = counts().get("READY", 0)
        drained = wait_drained(total)
    finally:
        stop(workers)
    by_status = counts()
    latencies, first, last_enqueued, last_finished = timings()
    enqueue_rate = total / max(last_enqueued - first, 1e-9)
    completion_rate = len(latencies) / max(last_finished - first, 1e-9)
    correct = (
        drained and by_status.get("SUCCESSFUL", 0) == total and total == sum(by_status.values())
    )
    fast = (
        completion_rate >= COMPLETION_TARGET * RATE
        and percentile(latencies, 0.95) <= LATENCY_TARGET
    )
    print(f"1. peak: {RATE} tasks/s for {SECONDS} s ({total:,} notices), {WORKERS} workers")
    print(
        f"   enqueue:    {enqueue_rate:7.1f} tasks/s reached; the call (transaction with the "
        f"task row) p50 {statistics.median(durations) * 1000:.1f} ms, "
        f"p95 {percentile(durations, 0.95) * 1000:.1f} ms"
    )
    print(
        f"   completion: {completion_rate:7.1f} tasks/s; backlog when the producers stopped "
        f"{backlog}; last task done {max(0.0, last_finished - last_enqueued):.2f} s after the "
        "last enqueue"
    )
    print(
        f"   latency enqueue -> done: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    print(
        f"   {by_status}; target completion >= {COMPLETION_TARGET * RATE:.0f}/s and p95 <= "
        f"{LATENCY_TARGET:.0f} s: {'met' if fast else 'MISSED'}; "
        f"{'correct' if correct else 'INCORRECT'}"
    )
    del wall
    return correct, fast


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def capacity(env: dict[str, str]) -> tuple[bool, float]:
    clear_tasks()
    cpu_before = _children_cpu()
    stop(start_workers(env))  # on an empty queue: the CPU of the workers' start alone
    startup = _children_cpu() - cpu_before
    run_producers(env, BACKLOG, 0)
    cpu_before = _children_cpu()
    workers = start_workers(env)
    try:
        drained = wait_drained(BACKLOG)
    finally:
        stop(workers)
    # The workers' own CPU (user + system, Django's start included): what sizes the worker
    # machines, whatever else this machine is running.
    cpu = max(_children_cpu() - cpu_before - startup, 1e-9)
    by_status = counts()
    correct = drained and by_status.get("SUCCESSFUL", 0) == BACKLOG
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    span = DBTaskResult.objects.aggregate(first=Min("started_at"), last=Max("finished_at"))
    rate = BACKLOG / max((span["last"] - span["first"]).total_seconds(), 1e-9)
    print(f"2. capacity: {BACKLOG:,} queued notices drained by {WORKERS} workers")
    print(
        f"   {rate:7.1f} tasks/s (first start to last finish); "
        f"{'correct' if correct else 'INCORRECT'}"
    )
    from nmo.core.tasks import send_email

    body_started = time.process_time()
    for n in range(200):  # the task's own work, in this process, without any queue
        send_email.call(to=[f"body{n}@example.ru"], subject="Уведомление НМО", body="Принято.")
    body = (time.process_time() - body_started) / 200
    print(
        f"   worker CPU: {cpu / BACKLOG * 1000:.1f} ms a task (their start apart) = "
        f"{BACKLOG / cpu:.0f} tasks/s per core; {RATE} tasks/s need "
        f"{RATE * cpu / BACKLOG:.1f} cores of workers"
    )
    print(
        f"   of which the notice itself (MIME letter, .eml file): {body * 1000:.1f} ms; "
        f"the queue's own share {max(cpu / BACKLOG - body, 0) * 1000:.1f} ms"
    )
    return correct, rate


FLOOR_WORKER = """
import sys, time, psycopg
url = sys.argv[1]
with psycopg.connect(url, autocommit=True) as c:
    while True:
        with c.transaction():
            row = c.execute("SELECT id FROM bench_floor_queue WHERE status = 'READY' "
                            "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED").fetchone()
            if row is None:
                break
            c.execute("UPDATE bench_floor_queue SET status = 'RUNNING', started_at = now() "
                      "WHERE id = %s", row)
        c.execute("UPDATE bench_floor_queue SET status = 'DONE', finished_at = now() "
                  "WHERE id = %s", row)
"""


def floor() -> float:
    import psycopg

    url = f"{PG_URL}/{DB_NAME}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_floor_queue")
        connection.execute(
            "CREATE TABLE bench_floor_queue (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " status varchar(10) NOT NULL, payload jsonb NOT NULL, started_at timestamptz,"
            " finished_at timestamptz)"
        )
        connection.execute(
            "CREATE INDEX bench_floor_ready ON bench_floor_queue (id) WHERE status = 'READY'"
        )
        connection.execute(
            "INSERT INTO bench_floor_queue (status, payload) SELECT 'READY', "
            "jsonb_build_object('to', 'bench' || n || '@example.ru') "
            "FROM generate_series(1, %s) n",
            (BACKLOG,),
        )
    cpu_before = _children_cpu()
    started = time.perf_counter()
    drainers = [
        subprocess.Popen([sys.executable, "-c", FLOOR_WORKER, url])  # noqa: S603
        for _ in range(WORKERS)
    ]
    for drainer in drainers:
        drainer.wait()
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    with psycopg.connect(url, autocommit=True) as connection:
        done = connection.execute(
            "SELECT count(*) FROM bench_floor_queue WHERE status = 'DONE'"
        ).fetchone()
        connection.execute("DROP TABLE bench_floor_queue")
    rate = BACKLOG / elapsed
    print(f"3. floor: bare SQL queue, {WORKERS} processes draining {BACKLOG:,} rows")
    print(
        f"   {rate:7.1f} tasks/s (with the processes' start); {done and done[0]} done; "
        f"client CPU {cpu / BACKLOG * 1000:.1f} ms a task"
    )
    return rate


def main() -> int:
    mail_dir = tempfile.mkdtemp(prefix="nmo-bench-queue-")
    os.environ.update(_environment(mail_dir))
    env = dict(os.environ)
    env["BENCH_MAIL_DIR"] = mail_dir
    admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        cores = os.cpu_count()
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"bench_queue: the database task queue (PostgreSQL, {cores} cores, load {load}, "
            f"CONN_MAX_AGE={CONN_MAX_AGE})"
        )
        phases = os.environ.get("BENCH_PHASES", "peak,capacity,floor").split(",")
        peak_correct, fast = peak(env) if "peak" in phases else (True, False)
        capacity_correct, ceiling = capacity(env) if "capacity" in phases else (True, 0.0)
        if "floor" in phases:
            floor_rate = floor()
            print(f"   capacity / floor: {ceiling / floor_rate:.2f}")
        letters = len(list(Path(mail_dir).glob("*.eml")))
        # the capacity phase also times 200 notices without a queue
        expected = RATE * SECONDS * ("peak" in phases) + (BACKLOG + 200) * ("capacity" in phases)
        delivered = letters == expected
        print(f"letters written: {letters:,} of {expected:,}")
        connection.close()
        correct = peak_correct and capacity_correct and delivered
        verdict = f"the database queue holds {RATE} tasks/s" if fast else f"{RATE} tasks/s MISSED"
        print(f"result: {'correct' if correct else 'INCORRECT'}; {verdict}")
        strict = os.environ.get("BENCH_STRICT") == "1"
        return 0 if correct and (fast or not strict) else 1
    finally:
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--producer":
        produce(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
