"""`make chaos`: code activations on the production stack while it is broken on purpose.

Not a benchmark and not part of `make test`, `make bench` or CI (it kills processes and
takes about two minutes). It starts the production stack of docs/deploy.md on this
machine — gunicorn with CHAOS_WORKERS sync workers on PostgreSQL (its own database,
CHAOS_DB), its own Redis (`redis-server --port CHAOS_REDIS_PORT --save ''`, never the
machine's) and the task worker (`manage.py run_worker`) — reuses the data set-up of
bench_activation.py (specialists with API tokens, accredited events, one code per
specialist and event), and drives CHAOS_CLIENTS concurrent clients that activate codes
while, in CHAOS_ROUNDS rounds, one fault after another is injected:

- `kill -9` of one gunicorn worker (gunicorn's master starts another);
- `pg_terminate_backend` of every connection to the database (the web workers' kept
  connections and the task worker's);
- Redis killed (`kill -9`), down for CHAOS_REDIS_DOWN seconds, started again, empty.

A client that gets no answer or a 5xx sends the same code again (up to 60 times, 0.25 s
apart): an activation is idempotent for its specialist (a second try answers 200 or «код
вы уже активировали»). Figures at the end:

- acknowledged but lost: codes answered 200 (or «уже активировали») with no credit entry
  for that specialist — must be 0;
- double credits: a (specialist, activity) or a code credited twice — must be 0;
- the time each fault took to heal: until 2 × workers probes in a row got their normal
  answer (an activation of a wrong code: it reads the database and the throttle counters
  in Redis), gunicorn had all its workers again and — after a terminated connection —
  the task worker had done a task queued after the fault;
- answers that were not normal (5xx, dropped connections) per fault, and whether every
  queued notice was sent by the end (the task worker survived).

There is no testing system (answers to test questions) in the product yet, so the load
is code activations only. Exit status 1 on a lost acknowledgement, a double credit, a
notice never sent or a fault that did not heal within CHAOS_RECOVERY_LIMIT seconds.
"""

import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_activation as setup  # noqa: E402 - the data set-up of the activation bench

PG_URL = os.environ.get("CHAOS_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("CHAOS_DB", "nmo_chaos")
REDIS_PORT = int(os.environ.get("CHAOS_REDIS_PORT", "6391"))
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
WORKERS = int(os.environ.get("CHAOS_WORKERS", "4"))
CLIENTS = int(os.environ.get("CHAOS_CLIENTS", "8"))
SPECIALISTS = int(os.environ.get("CHAOS_SPECIALISTS", "400"))
EVENTS = int(os.environ.get("CHAOS_EVENTS", "10"))
ROUNDS = int(os.environ.get("CHAOS_ROUNDS", "3"))
PAUSE = float(os.environ.get("CHAOS_PAUSE", "4"))  # seconds of calm after each recovery
REDIS_DOWN = float(os.environ.get("CHAOS_REDIS_DOWN", "1"))
RECOVERY_LIMIT = float(os.environ.get("CHAOS_RECOVERY_LIMIT", "30"))
THINK = 0.01  # a client's pause between two activations

ENV = {
    **setup.ENV,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
    "DATABASE_CONN_MAX_AGE": "60",  # kept connections, as in docs/deploy.md
    "REDIS_URL": REDIS_URL,
    "THROTTLE_ADDRESS_FAILURES": "1000000000",  # every client and probe shares 127.0.0.1
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
}
os.environ.update(ENV)
setup.PG_URL, setup.DB_NAME = PG_URL, DB_NAME
setup.SPECIALISTS, setup.EVENTS, setup.RACE_CODES = SPECIALISTS, EVENTS, 1


def now() -> float:
    return time.monotonic()


# --- processes -------------------------------------------------------------------------


class Redis:
    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [binary, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = now() + 10
        while now() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not listen on {REDIS_PORT}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
        stderr=(ROOT / "var" / "chaos-gunicorn.log").open("wb"),  # the 500s' tracebacks
        start_new_session=True,
    )
    deadline = now() + 90
    while now() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200 and len(children(process.pid)) == WORKERS:
                conn.close()
                return process
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 90 s")


def start_task_worker(log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
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
        env={**os.environ, **ENV, "LOG_LEVEL": "WARNING"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def sql(query: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
    import psycopg

    with psycopg.connect(f"{PG_URL}/{DB_NAME}", autocommit=True) as conn:
        return list(conn.execute(query, params).fetchall())


# --- clients ---------------------------------------------------------------------------

NORMAL = "normal"


def post(conn: http.client.HTTPConnection, token: str, code: str) -> tuple[int, str]:
    conn.request(
        "POST",
        "/api/v1/codes/activate",
        body=json.dumps({"code": code}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


@dataclass
class Load:
    port: int
    jobs: list[tuple[str, str]]
    acknowledged: set[str] = field(default_factory=set)
    unanswered: list[str] = field(default_factory=list)  # gave up: outcome unknown
    abnormal: list[tuple[float, str]] = field(default_factory=list)  # (when, what)
    answers: Counter[str] = field(default_factory=Counter)
    running: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_job(self) -> tuple[str, str] | None:
        with self.lock:
            return self.jobs.pop() if self.jobs and self.running else None

    def client(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while (job := self.next_job()) is not None:
            token, code = job
            for _attempt in range(60):
                try:
                    status, body = post(conn, token, code)
                except (http.client.HTTPException, OSError) as error:
                    conn.close()
                    status, body = 0, type(error).__name__
                if status == 200 or (status == 409 and "уже активировали" in body):
                    with self.lock:
                        self.acknowledged.add(code)
                        self.answers[str(status)] += 1
                    break
                with self.lock:
                    self.answers[str(status or body)] += 1
                    self.abnormal.append((now(), str(status or body)))
                if status and status < 500 and status != 429:
                    break  # a refusal, not a fault: not retried
                time.sleep(0.25)
            else:
                with self.lock:
                    self.unanswered.append(code)
            time.sleep(THINK)
        conn.close()


def probe(port: int, token: str) -> bool:
    """An activation of a code that does not exist: the database and the throttle counters
    in Redis are read and written, the normal answer is 409."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        status, _ = post(conn, token, "ZZZZ-ZZZZZZZZ")
        return status == 409
    except (http.client.HTTPException, OSError):
        return False
    finally:
        conn.close()


# --- faults ----------------------------------------------------------------------------


@dataclass
class Fault:
    kind: str
    at: float
    detail: str = ""
    healed: float | None = None
    abnormal: int = 0


def kill_a_web_worker(gunicorn: subprocess.Popen[bytes]) -> str:
    victim = random.choice(children(gunicorn.pid))
    os.kill(victim, signal.SIGKILL)
    return f"pid {victim}"


def terminate_connections() -> str:
    rows = sql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        DB_NAME,
    )
    return f"{rows[0][0]} connections"


def heal_time(
    fault: Fault, port: int, gunicorn: subprocess.Popen[bytes], probe_token: str
) -> float | None:
    """Seconds from the fault until everything answers normally again: the start of a
    streak of 2 x workers normal probe answers, gunicorn back to its workers and (after
    terminated connections) a task finished by the task worker, whichever comes last."""
    streak_needed = 2 * WORKERS
    streak, streak_started = 0, None
    workers_back = task_done = None
    deadline = fault.at + RECOVERY_LIMIT
    while now() < deadline:
        started = now()
        if probe(port, probe_token):
            streak += 1
            streak_started = streak_started or started
        else:
            streak, streak_started = 0, None
        if workers_back is None and len(children(gunicorn.pid)) == WORKERS:
            workers_back = now()
        if task_done is None and (
            fault.kind != "pg_terminate_backend"
            or sql(
                "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL' "
                "AND finished_at > now() - make_interval(secs => %s) LIMIT 1",
                now() - fault.at,
            )
        ):
            task_done = now()
        if streak >= streak_needed and streak_started and workers_back and task_done:
            return max(streak_started, workers_back, task_done) - fault.at
        time.sleep(0.05)
    return None


# --- the run ---------------------------------------------------------------------------


def main() -> int:
    setup.admin_sql(
        f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"'
    )
    redis = Redis()
    gunicorn = worker = None
    log = ROOT / "var" / "chaos-worker.log"
    log.parent.mkdir(exist_ok=True)
    try:
        redis.start()
        print(f"chaos: preparing {SPECIALISTS * EVENTS} codes in {DB_NAME} …", flush=True)
        tokens, codes, _ = setup.prepare()
        probe_token = tokens[SPECIALISTS]
        port = setup.free_port()
        gunicorn = start_gunicorn(port)
        worker = start_task_worker(log)

        jobs = [(tokens[s], codes[e][s]) for e in range(EVENTS) for s in range(SPECIALISTS)]
        random.Random(2026).shuffle(jobs)
        load = Load(port=port, jobs=jobs)
        clients = [threading.Thread(target=load.client) for _ in range(CLIENTS)]
        started = now()
        for thread in clients:
            thread.start()
        print(
            f"chaos: gunicorn -w {WORKERS} (sync) on PostgreSQL, Redis :{REDIS_PORT}, "
            f"run_worker; {CLIENTS} clients activating codes; {ROUNDS} rounds of faults",
            flush=True,
        )
        time.sleep(PAUSE)
        faults: list[Fault] = []
        for _round in range(ROUNDS):
            for kind in ("kill -9 gunicorn worker", "pg_terminate_backend", "Redis restart"):
                if not load.jobs:
                    break
                fault = Fault(kind=kind, at=now())
                if kind == "kill -9 gunicorn worker":
                    fault.detail = kill_a_web_worker(gunicorn)
                elif kind == "pg_terminate_backend":
                    fault.detail = terminate_connections()
                else:
                    redis.kill()
                    time.sleep(REDIS_DOWN)
                    redis.start()
                    fault.detail = f"down {REDIS_DOWN:.1f} s"
                fault.healed = heal_time(fault, port, gunicorn, probe_token)
                faults.append(fault)
                healed = "NOT HEALED" if fault.healed is None else f"{fault.healed:.2f} s"
                print(f"  {kind:<24} {fault.detail:<16} healed in {healed}", flush=True)
                time.sleep(PAUSE)
        load.running = False
        for thread in clients:
            thread.join()
        seconds = now() - started
        for fault, following in zip(faults, [*faults[1:], None], strict=True):
            end = following.at if following else now()
            fault.abnormal = sum(1 for at, _ in load.abnormal if fault.at <= at < end)

        # The notices queued with the credits: the task worker must send every one.
        deadline = now() + 60
        while now() < deadline:
            pending = sql(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status IN ('READY', 'RUNNING')"
            )[0][0]
            if pending == 0:
                break
            time.sleep(0.5)
        tasks = dict(
            sql("SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1")
        )
        worker_alive = worker.poll() is None
        reconnects = log.read_text(errors="replace").count("Соединение с базой данных потеряно")

        credited = {
            row[0]
            for row in sql(
                "SELECT e.reference FROM cycles_creditentry e "
                "JOIN codes_confirmationcode c ON c.value = e.reference "
                "AND c.activated_by_id = e.specialist_id WHERE e.source = 'code'"
            )
        }
        lost = sorted(load.acknowledged - credited)
        per_pair, per_code, credits, activated, _ = setup.double_credits()
        doubles = per_pair + per_code
        slowest = max((f.healed or RECOVERY_LIMIT) for f in faults) if faults else 0.0
        print(
            f"chaos: {len(load.acknowledged)} activations acknowledged in {seconds:.0f} s "
            f"({len(load.acknowledged) / seconds:.0f}/s); answers {dict(load.answers)}"
        )
        for kind in dict.fromkeys(f.kind for f in faults):
            mine = [f for f in faults if f.kind == kind]
            times = ", ".join("—" if f.healed is None else f"{f.healed:.2f}" for f in mine)
            bad = ", ".join(str(f.abnormal) for f in mine)
            print(f"  {kind:<24} healed in {times} s; abnormal answers {bad}")
        print(f"  acknowledged but lost:  {len(lost)}")
        print(f"  double credits:         {doubles}")
        print(
            f"  credits from codes: {credits}, codes activated: {activated}, "
            f"outcome unknown (gave up): {len(load.unanswered)}"
        )
        print(
            f"  task worker: {'alive' if worker_alive else 'DEAD'}, reconnected {reconnects}×; "
            f"notices {tasks}"
        )
        healthy = all(f.healed is not None for f in faults)
        ok = (
            not lost
            and doubles == 0
            and worker_alive
            and set(tasks) <= {"SUCCESSFUL"}
            and healthy
            and credits == activated
        )
        print(
            "  result: "
            + ("correct" if ok else "INCORRECT (see above)")
            + f"; slowest recovery {slowest:.2f} s"
        )
        return 0 if ok else 1
    finally:
        stop(worker)
        stop(gunicorn)
        redis.kill()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            setup.admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
