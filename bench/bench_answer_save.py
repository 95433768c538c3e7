"""Benchmark: saving test answers over HTTP on the production stack, against a floor
(issue 13, point 8; ADR 0301).

Starts gunicorn (`config.wsgi`, 4 sync workers, `--preload`, DEBUG off, persistent
connections, as the nmo-web unit of docs/deploy.md) against its own PostgreSQL database
`nmo_bench_answer_save`, creates an attestation with K admitted learners (API tokens), a
bank, a test form of 10 questions and an open session, starts every learner's attempt,
then:

1. floor: concurrent clients POST /bench/floor — the same middleware and bearer-token
   lookup, then one single-row UPDATE (bench/floor_urls.py);
2. save: the same clients PUT /api/v1/attempts/{id}/answers/{question_id}, every request a
   valid answer of the token's own attempt; floor and save alternate in 4 rounds.

It prints requests/s and p50/p95/p99 of both, the ratio (target >= 0.35), whether p99 of
the save is under 4x the floor's, how many simultaneous candidates the save rate serves at
one save per 30 s, and checks in SQL that every acknowledged save is in the database (the
answers' save counters add up to the 200s). gunicorn is stopped and the database dropped
(BENCH_KEEP_DB=1 keeps it). Exit status 1 on a lost save; with BENCH_STRICT=1 also when a
target is missed.
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
DB_NAME = os.environ.get("BENCH_DB_NAME", "nmo_bench_answer_save")
LEARNERS = int(os.environ.get("BENCH_CANDIDATES", "200"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2400"))  # per measured phase
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
ROUNDS = 4
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
TARGET = 0.35
P99_FACTOR = 4
SAVE_EVERY_SECONDS = 30

ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
    "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
    "DATABASE_CONN_MAX_AGE": "60",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "REDIS_URL": REDIS_URL,
    "TASKS_BACKEND": "database",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "THROTTLE_LOGIN_FAILURES": "1000000",
    "LOG_LEVEL": "WARNING",
    "PYTHONWARNINGS": "ignore::UserWarning",
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


def prepare() -> list[tuple[str, int, list[tuple[int, list[int]]]]]:
    """Create the data in-process; return per learner (token, attempt id, [(question id,
    option ids)])."""
    from datetime import timedelta

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from nmo.accounts.models import ApiToken, hash_token
    from nmo.attestation import services as attestation_services
    from nmo.attestation.tests.factories import (
        Setup,
        attestation_data,
        enrol_admitted,
        make_cohort,
        make_commission,
        make_programme,
        organisation_under,
    )
    from nmo.testing import models, selectors, services
    from nmo.testing.tests.factories import bank_rows, make_form, with_bank

    call_command("migrate", verbosity=0, interactive=False)
    org = organisation_under("npc")
    commission = make_commission(org)
    programme = make_programme(org)
    cohort = make_cohort(org, programme)
    names = [(f"Слушатель{i}", "Бенч", "Тестович") for i in range(LEARNERS)]
    enrolments = enrol_admitted(org, cohort, names=names)
    setup = Setup(org, commission, programme, cohort, enrolments)
    setup.attestation = attestation_services.schedule_attestation(
        actor=org.staff, cohort=cohort, data=attestation_data(setup)
    )
    with_bank(setup, bank_rows(single=30, multiple=5))
    make_form(setup, question_count=10, time_limit_minutes=120)
    now = timezone.now()
    session = models.TestSession.objects.create(
        attestation=setup.attestation,
        form=setup.programme.stages.get(kind="testing").test_form,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=2),
    )
    out = []
    for enrolment in enrolments:
        learner = enrolment.learner
        raw = secrets.token_urlsafe(32)
        ApiToken.objects.create(
            user=learner, name="bench", prefix=raw[:8], key_hash=hash_token(raw)
        )
        attempt, _ = services.start_attempt(actor=learner, session=session)
        questions = [
            (q["id"], [o["id"] for o in q["options"]]) for q in selectors.ticket_of(attempt)
        ]
        out.append((raw, attempt.pk, questions))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor_row (id bigint PRIMARY KEY, hits bigint)")
        cursor.execute("INSERT INTO bench_floor_row SELECT id, 0 FROM accounts_user")
        cursor.execute("ANALYZE")
    connection.close()
    return out


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
    deadline = time.monotonic() + 60
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
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


Job = tuple[str, str, str, bytes]  # method, path, token, body


def run_clients(
    port: int, jobs: list[Job], clients: int
) -> tuple[float, list[float], dict[int, int]]:
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
        for method, path, token, body in mine:
            started = time.perf_counter()
            for attempt in range(3):
                try:
                    conn.request(
                        method,
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
                    conn.close()
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
        f"  {name:<6} {rate:8.1f} req/s   p50 {statistics.median(ms):6.1f} ms   "
        f"p95 {percentile(ms, 95):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms   "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    return rate


def saves_in_database() -> int:
    import psycopg

    with psycopg.connect(f"{PG_URL}/{DB_NAME}") as conn:
        row = conn.execute("SELECT coalesce(sum(saves), 0) FROM testing_answer").fetchone()
    return int(row[0]) if row else -1


def main() -> int:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"')
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    process = None
    try:
        learners = prepare()
        port = free_port()
        process = start_gunicorn(port)
        rng = random.Random(2026)
        saves: list[Job] = []
        while len(saves) < REQUESTS + CLIENTS * 4:
            token, attempt_id, questions = rng.choice(learners)
            question_id, options = rng.choice(questions)
            body = json.dumps({"options": [rng.choice(options)]}).encode()
            saves.append(
                ("PUT", f"/api/v1/attempts/{attempt_id}/answers/{question_id}", token, body)
            )
        warm, measured = saves[: CLIENTS * 4], saves[CLIENTS * 4 :]
        floor: list[Job] = [
            ("POST", "/bench/floor", learners[i % len(learners)][0], b"{}") for i in range(REQUESTS)
        ]
        run_clients(port, floor[: CLIENTS * 4], CLIENTS)
        _, _, warm_statuses = run_clients(port, warm, CLIENTS)
        print(
            f"bench_answer_save: gunicorn -w {WORKERS} (sync), {CLIENTS} clients, {len(learners)} "
            f"learners, {REQUESTS} requests per phase in {ROUNDS} alternating rounds, PostgreSQL"
        )
        phases: dict[str, tuple[float, list[float], dict[int, int]]] = {
            "floor": (0.0, [], {}),
            "save": (0.0, [], {}),
        }
        for r in range(ROUNDS):
            for name, jobs in (("floor", floor), ("save", measured)):
                seconds, latencies, statuses = run_clients(port, jobs[r::ROUNDS], CLIENTS)
                total, all_latencies, all_statuses = phases[name]
                for status, n in statuses.items():
                    all_statuses[status] = all_statuses.get(status, 0) + n
                phases[name] = (total + seconds, all_latencies + latencies, all_statuses)
        floor_rate = report("floor", *phases["floor"])
        save_rate = report("save", *phases["save"])
        floor_p99 = percentile(phases["floor"][1], 99)
        save_p99 = percentile(phases["save"][1], 99)
        acknowledged = phases["save"][2].get(200, 0) + warm_statuses.get(200, 0)
        stored = saves_in_database()
        ratio = save_rate / floor_rate
        print(f"  ratio:  {ratio:.2f}  (save / floor, target >= {TARGET})")
        print(
            f"  p99:    {save_p99 * 1000:.1f} ms vs floor {floor_p99 * 1000:.1f} ms "
            f"(target < {P99_FACTOR}x: {save_p99 / floor_p99:.1f}x)"
        )
        print(
            f"  serves: {int(save_rate * SAVE_EVERY_SECONDS)} simultaneous candidates at one "
            f"save per {SAVE_EVERY_SECONDS} s"
        )
        print(f"  acknowledged saves: {acknowledged}, in the database: {stored}")
        correct = acknowledged == stored and phases["save"][2].get(200, 0) == len(measured)
        fast = ratio >= TARGET and save_p99 < P99_FACTOR * floor_p99
        print(
            "  result: "
            + ("correct" if correct else "INCORRECT (see above)")
            + ("; targets met" if fast else "; BELOW TARGET")
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
