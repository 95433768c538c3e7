"""Benchmark: code activations over HTTP on the production stack, against a floor.

Starts gunicorn (`config.wsgi`, 4 sync workers, `--preload`, DEBUG off, persistent
database connections, as the nmo-web unit of docs/deploy.md) on a free local port against
its own PostgreSQL database `nmo_bench_activation`, creates K specialists with API tokens
and accredited events with one code per (specialist, event), then:

1. floor: concurrent clients POST /bench/floor — the same middleware and bearer-token
   lookup, then one single-row UPDATE (bench/floor_urls.py);
2. activation: the same clients POST /api/v1/codes/activate, every request a valid code;
   floor and activation alternate in 4 rounds, so that a change in the machine's other
   load weighs on both alike;
3. race: each of R fresh codes is sent by 4 different specialists at once: exactly one
   may win.

It prints requests/s and p50/p95/p99 latency of both, the ratio (target >= 0.6) and the
number of double credits, counted in SQL afterwards (must be 0). gunicorn is always
stopped and the database dropped (BENCH_KEEP_DB=1 keeps it). Runs in under a minute on
an idle two-core machine. Exit status 1 on any double credit or lost activation; with
BENCH_STRICT=1 also when the target is missed.
"""

import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = "nmo_bench_activation"
SPECIALISTS = int(os.environ.get("BENCH_SPECIALISTS", "300"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "10"))  # codes: SPECIALISTS x EVENTS
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2400"))  # per measured phase
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
RACE_CODES = 100
ROUNDS = 4  # floor and activation alternate in this many rounds
RACERS = 4
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
"""Sync workers; BENCH_WORKERS overrides (5, gunicorn's (2 x cores) + 1, measured the same
on two cores)."""
TARGET = 0.6

ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
    "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
    "DATABASE_CONN_MAX_AGE": "60",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    # The production stack of docs/deploy.md: throttle state in Redis (shared by the
    # workers), e-mail notices queued in the database for `manage.py db_worker` (not run
    # here: the queued rows are counted instead).
    "REDIS_URL": REDIS_URL,
    "TASKS_BACKEND": "database",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "THROTTLE_ACTIVATION_FAILURES": "1000000",
    "THROTTLE_LOGIN_FAILURES": "1000000",
    "LOG_LEVEL": "WARNING",
    "PYTHONWARNINGS": "ignore::UserWarning",  # whitenoise: no collected static files here
}
os.environ.update(ENV)


def admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare() -> tuple[list[str], list[list[str]], list[str]]:
    """Create the data in-process; return tokens, codes[event][specialist] for the measured
    phase and race codes."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from nmo.accounts.models import ApiToken, Membership, Organisation, User, hash_token
    from nmo.accounts.services import add_user
    from nmo.catalog.models import Activity, Specialty
    from nmo.catalog.services import load_specialties
    from nmo.codes.services import issue_codes

    call_command("migrate", verbosity=0, interactive=False)
    load_specialties()
    provider = add_user(
        email="bench-provider@example.ru",
        password="bench-password-123",  # noqa: S106 - a throw-away database
        role="provider",
        organisation_name="Общество кардиологов",
    )
    organisation = Organisation.objects.get(name="Общество кардиологов")
    specialty = Specialty.objects.order_by("code").first()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench{i}@example.ru",
                    last_name=f"Специалист{i}",
                    first_name="Бенч",
                    password="!",  # noqa: S106 - an unusable password: they use tokens
                )
                for i in range(SPECIALISTS + RACERS)
            ]
        )
        Membership.objects.bulk_create([Membership(user=u, role="specialist") for u in users])
        raws = [secrets.token_urlsafe(32) for _ in users]
        ApiToken.objects.bulk_create(
            [
                ApiToken(user=u, name="bench", prefix=raw[:8], key_hash=hash_token(raw))
                for u, raw in zip(users, raws, strict=True)
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor_row (id bigint PRIMARY KEY, hits bigint)")
        cursor.execute("INSERT INTO bench_floor_row SELECT id, 0 FROM accounts_user")

    def event(title: str) -> Activity:
        activity = Activity.objects.create(
            provider=organisation,
            submitted_by=provider,
            kind="event",
            title=title,
            format="in_person",
            starts_on=dt.date(2025, 3, 12),
            ends_on=dt.date(2025, 3, 13),
            hours_requested=6,
            status="accredited",
            credits=6,
        )
        activity.specialties.set([specialty])
        return activity

    codes = [
        list(
            issue_codes(actor=provider, activity=event(f"Конференция {e}"), count=SPECIALISTS).codes
        )
        for e in range(EVENTS)
    ]
    # One code per race event: a specialist can win only one code of an event.
    race_codes = [
        issue_codes(actor=provider, activity=event(f"Гонка {r}"), count=1).codes[0]
        for r in range(RACE_CODES)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the statistics a production database has
    connection.close()
    return raws, codes, race_codes


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--preload",  # as in production: the app imported once, then the workers forked
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
        start_new_session=True,
    )
    # BENCH_START_TIMEOUT: a machine under other load may need longer to boot the workers.
    limit = float(os.environ.get("BENCH_START_TIMEOUT", "60"))
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(process)  # not left running (and holding the caller's pipes)
    raise RuntimeError(f"gunicorn did not answer within {limit:.0f} s")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


Job = tuple[str, str, bytes]  # path, token, body


def run_clients(
    port: int, jobs: list[Job], clients: int
) -> tuple[float, list[float], dict[int, int]]:
    """Send the jobs from `clients` threads (keep-alive where the server allows it); return
    wall seconds, latencies and a count per status."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    slices = [jobs[i::clients] for i in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def client(mine: list[Job]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local: list[float] = []
        counts: dict[int, int] = {}
        barrier.wait()
        for path, token, body in mine:
            started = time.perf_counter()
            for attempt in range(3):
                try:
                    conn.request(
                        "POST",
                        path,
                        body=body,
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Content-Type": "application/json",
                            "Connection": "keep-alive",
                        },
                    )
                    response = conn.getresponse()
                    response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()  # the server closed the kept-alive connection: reconnect
                    if attempt == 2:
                        raise
            local.append(time.perf_counter() - started)
            counts[response.status] = counts.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(local)
            for status, n in counts.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=client, args=(s,)) for s in slices]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, seconds: float, latencies: list[float], statuses: dict[int, int]) -> float:
    rate = len(latencies) / seconds
    ms = [x * 1000 for x in latencies]
    print(
        f"  {name:<11} {rate:8.1f} req/s   p50 {statistics.median(ms):6.1f} ms   "
        f"p95 {percentile(ms, 95):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms   "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    return rate


def double_credits() -> tuple[int, int, int, int, int]:
    import psycopg

    with psycopg.connect(f"{PG_URL}/{DB_NAME}") as conn:
        per_pair = conn.execute(
            "SELECT count(*) FROM (SELECT specialist_id, activity_id FROM cycles_creditentry "
            "WHERE reverses_id IS NULL GROUP BY 1, 2 HAVING count(*) > 1) AS d"
        ).fetchone()
        per_code = conn.execute(
            "SELECT count(*) FROM (SELECT reference FROM cycles_creditentry "
            "WHERE source = 'code' GROUP BY 1 HAVING count(*) > 1) AS d"
        ).fetchone()
        credits = conn.execute(
            "SELECT count(*) FROM cycles_creditentry WHERE source = 'code'"
        ).fetchone()
        activated = conn.execute(
            "SELECT count(*) FROM codes_confirmationcode WHERE activated_at IS NOT NULL"
        ).fetchone()
        notices = conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'nmo.codes.tasks.send_activation_notice'"
        ).fetchone()
    rows = (per_pair, per_code, credits, activated, notices)
    return tuple(int(row[0]) if row else -1 for row in rows)  # type: ignore[return-value]


def main() -> int:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"')
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # no throttle counts left from an earlier run
    process = None
    try:
        tokens, codes, race_codes = prepare()
        port = free_port()
        process = start_gunicorn(port)

        pairs = [(tokens[s], codes[e][s]) for e in range(EVENTS) for s in range(SPECIALISTS)]
        random.Random(2026).shuffle(pairs)  # mix specialists and events across clients
        activate: list[Job] = [
            ("/api/v1/codes/activate", token, json.dumps({"code": code}).encode())
            for token, code in pairs
        ]
        warm, measured = activate[: CLIENTS * 4], activate[CLIENTS * 4 :][:REQUESTS]
        floor: list[Job] = [
            ("/bench/floor", tokens[i % SPECIALISTS], b"{}") for i in range(REQUESTS)
        ]
        run_clients(port, floor[: CLIENTS * 4], CLIENTS)
        run_clients(port, warm, CLIENTS)

        print(
            f"bench_activation: gunicorn -w {WORKERS} (sync), {CLIENTS} clients, "
            f"{REQUESTS} requests per phase in {ROUNDS} alternating rounds, PostgreSQL"
        )
        # Floor and activation alternate, so that a change in the machine's other load
        # during the run weighs on both alike.
        phases: dict[str, tuple[float, list[float], dict[int, int]]] = {
            "floor": (0.0, [], {}),
            "activation": (0.0, [], {}),
        }
        for r in range(ROUNDS):
            for name, jobs in (("floor", floor), ("activation", measured)):
                seconds, latencies, statuses = run_clients(port, jobs[r::ROUNDS], CLIENTS)
                total, all_latencies, all_statuses = phases[name]
                for status, n in statuses.items():
                    all_statuses[status] = all_statuses.get(status, 0) + n
                phases[name] = (total + seconds, all_latencies + latencies, all_statuses)
        floor_rate = report("floor", *phases["floor"])
        seconds, latencies, statuses = phases["activation"]
        activation_rate = report("activation", seconds, latencies, statuses)
        lost = len(measured) - statuses.get(200, 0)

        racers = tokens[SPECIALISTS : SPECIALISTS + RACERS]
        race: list[Job] = [
            ("/api/v1/codes/activate", token, json.dumps({"code": code}).encode())
            for code in race_codes
            for token in racers
        ]
        _, _, race_statuses = run_clients(port, race, RACERS * 4)
        race_won = race_statuses.get(200, 0)
        print(
            f"  race:       {RACE_CODES} codes x {RACERS} specialists at once -> "
            f"{dict(sorted(race_statuses.items()))} (exactly {RACE_CODES} x 200 expected)"
        )

        ratio = activation_rate / floor_rate
        per_pair, per_code, credits, activated, notices = double_credits()
        print(f"  ratio:      {ratio:.2f}  (activation / floor, target >= {TARGET})")
        print(f"  double credits: {per_pair + per_code}")
        print(
            f"  credits from codes: {credits}, codes activated: {activated}, "
            f"notices queued: {notices}"
        )
        expected = statuses.get(200, 0) + CLIENTS * 4 + race_won
        correct = (
            per_pair == 0
            and per_code == 0
            and credits == activated == expected == notices
            and lost == 0
            and race_won == RACE_CODES
        )
        fast = ratio >= TARGET
        print(
            "  result:     "
            + ("correct" if correct else "INCORRECT (see above)")
            + ("; target met" if fast else f"; BELOW TARGET ({ratio:.2f} < {TARGET})")
        )
        strict = os.environ.get("BENCH_STRICT") == "1"
        return 0 if correct and (fast or not strict) else 1
    finally:
        if process is not None:
            stop_gunicorn(process)
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
