"""`make bench-scale`: generate the country's data at a scale factor and run the existing
benchmarks on it, in the same run (issue 16, ADR 0601).

    .venv/bin/python bench/scale/run.py --scale 0.01            # generate, then measure
    .venv/bin/python bench/scale/run.py --scale 0.01 --reuse    # measure the loaded database
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5433 \
        .venv/bin/python bench/scale/run.py --part cabinet --db nmo_bench_scale_0_01  # one part

On bench/scale/server.py's PostgreSQL, configured as the national server (ADR 0614), which
it starts if it is not running; `--server url` measures on BENCH_PG_URL's server as it is.

Parts, each in its own process (each bench sets its own Django settings):

- `activation`: bench_activation.py's stack (gunicorn, Redis, the database queue), its
  specialists, events and codes added to the national data; floor and activation
  alternating; the race; double credits counted over the whole ledger.
- `cabinet`: bench_cabinet.py's measured specialist (300 entries, two cycles) added among
  the national ledger; its `measure()`.
- `catalogue`: bench_catalogue.py's queries on the national catalogue (`--reuse`).
- `documents`: the register page of the big organisation (a year, a holder's name, a
  deep page) and its FRDO check of a year, against the cabinet's floor view; the FRDO
  export of that organisation's year, in a process of its own, with its peak RSS.
- `audit`: the audit log page searched by a person and a period, against the floor view;
  and the whole chain verified (`verify_chain`), entries/s.

Writes reports/scale/run-<scale>.txt (everything printed) and run-<scale>.json (the
figures), next to generate-<scale>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# This project's share of the machine (docs/decisions/0601): Redis database 15, port 8860.
os.environ.setdefault("BENCH_START_TIMEOUT", "300")
# Under the shared machine's load the first request (the OpenAPI schema) outlasts 30 s.
os.environ.setdefault("GUNICORN_CMD_ARGS", "--timeout 300")
os.environ["BENCH_REDIS_URL"] = os.environ.get("BENCH_SCALE_REDIS_URL", "redis://127.0.0.1:6379/15")
PORT = int(os.environ.get("BENCH_SCALE_PORT", "8860"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REPORTS = ROOT / "reports" / "scale"
PARTS = ("cabinet", "catalogue", "documents", "audit", "activation")
SECRET = "bench-only-secret-key-not-for-production-0123456789"  # noqa: S105 - throw-away
STAFF = "npc-staff@nmo.local"  # the demo's staff of the organisation with the documents
ADMIN = "admin@nmo.local"
SAMPLES = int(os.environ.get("BENCH_SCALE_SAMPLES", "60"))
FRDO_YEAR = 2025
PAGE_LIMIT_MS = 1000.0
VERIFY_MAX = int(os.environ.get("BENCH_SCALE_VERIFY_MAX", "2500000"))
"""The whole chain is verified up to this many entries: 1/100 and 1/10 (about a minute
for 2M), so that its rate is known at two sizes; scale 1 (20M, about ten minutes) only
when asked."""
SETTLE_MAX = float(os.environ.get("BENCH_SCALE_SETTLE_MAX", "1200"))
"""How long the driver waits at most, before measuring, for the server to settle (`settle`)."""


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def use_db(db: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG_URL}/{db}"


# --- the parts, each run in its own process -------------------------------------------------


def part_cabinet(db: str) -> int:
    import bench_cabinet as bench  # sets its own environment: then point it at `db`

    use_db(db)
    import django

    django.setup()
    add_cabinet_target(bench)
    ok = bench.measure()
    # For docs/capacity.md: the CPU one cabinet page costs the app and PostgreSQL.
    print("  CPU of the cabinet and the catalogue (for the capacity model):")
    _compare(
        _floor_client(bench.TARGET_EMAIL),
        [
            ("cabinet (repeat visit)", "/cabinet/", {}),
            ("catalogue API, specialty", "/api/v1/catalogue", {"specialty": "31.08.36"}),
        ],
        3.0,
        absolute_ms=10_000,
    )
    return 0 if ok else 1


def add_cabinet_target(bench: Any) -> None:
    from django.db import transaction

    with transaction.atomic():  # all of it or nothing: a failed run leaves no half target
        _add_cabinet_target(bench)


def _add_cabinet_target(bench: Any) -> None:
    """bench_cabinet's measured specialist, among the national data: two cycles, 297
    entries from codes and modules of the specialist's specialties and 3 programmes."""
    from datetime import date as day

    from django.db import connection, transaction

    from nmo.accounts.models import Membership, Organisation, Role, User
    from nmo.catalog.models import Activity, Specialty
    from nmo.cycles.models import PlanItem
    from nmo.cycles.services import enter_cycle

    cardiology = Specialty.objects.get(code="31.08.36")
    therapy = Specialty.objects.get(code="31.08.49")
    college = Organisation.objects.filter(kind="educational").order_by("id").first()
    staff = User.objects.get(email=STAFF)
    with transaction.atomic():
        target = User.objects.filter(email=bench.TARGET_EMAIL).first()
        if target is not None:
            return
        target = User.objects.create_user(
            bench.TARGET_EMAIL,
            None,
            last_name="Иванова",
            first_name="Мария",
            middle_name="Петровна",
        )
        Membership.objects.create(user=target, role=Role.SPECIALIST)
        cycle = enter_cycle(
            specialist=target, specialty_code="31.08.36", starts_on=day(2022, 1, 10)
        )
        enter_cycle(specialist=target, specialty_code="31.08.49", starts_on=day(2023, 9, 1))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cycles_creditentry
              (created_at, specialist_id, activity_id, specialty_id, source, kind, hours,
               remote_hours, occurred_on, reference, organisation_id, reverses_id, reason,
               created_by_id, document_key, document_url, programme_title, source_portal,
               source_id, source_title)
            SELECT now(), %s, a.id, a.spec,
                   CASE WHEN a.kind = 'module' THEN 'module' ELSE 'code' END, a.kind,
                   a.credits, NULL, DATE '2022-01-10' + (n * 5),
                   CASE WHEN a.kind = 'module' THEN '' ELSE 'BENCH-' || n END,
                   NULL, NULL, '', NULL, '', '', '', '', '', ''
            FROM generate_series(0, %s) AS n
            JOIN (SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, * FROM (
                    SELECT DISTINCT ON (a.id) a.id, a.kind, a.credits, s.specialty_id AS spec
                    FROM catalog_activity a
                    JOIN catalog_activity_specialties s ON s.activity_id = a.id
                    WHERE s.specialty_id IN (%s, %s) AND a.status = 'accredited'
                    ORDER BY a.id LIMIT 400) d) a ON a.idx = n
            """,
            [target.pk, bench.TARGET_ENTRIES - 4, cardiology.pk, therapy.pk],
        )
        cursor.execute(
            """
            INSERT INTO cycles_creditentry
              (created_at, specialist_id, activity_id, specialty_id, source, kind, hours,
               remote_hours, occurred_on, reference, organisation_id, reverses_id, reason,
               created_by_id, document_key, document_url, programme_title, source_portal,
               source_id, source_title)
            SELECT now(), %s, NULL, %s, 'programme', 'programme', 36, 20,
                   DATE '2024-05-01' + n * 30, 'Удостоверение ' || n, %s, NULL, '', %s,
                   'УД' || n, '', 'Кардиология', '', '', ''
            FROM generate_series(0, 2) AS n
            """,
            [target.pk, cardiology.pk, college.pk, staff.pk],
        )
    planned = Activity.objects.filter(specialties=cardiology, status="accredited").order_by("-id")[
        :12
    ]
    PlanItem.objects.bulk_create([PlanItem(cycle=cycle, activity=a) for a in planned])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cycles_creditentry")


def part_catalogue(db: str) -> int:
    import bench_catalogue as bench

    bench.DB_NAME = db
    use_db(db)
    os.environ["DJANGO_DEBUG"] = "false"
    sys.argv = ["bench_catalogue.py", "--reuse", "--keep", "--runs", "30"]
    return int(bench.main())


def _floor_client(user_email: str) -> Any:
    """A test Client signed in as `user_email`, with bench_cabinet's floor view installed
    (auth and one single-row UPDATE)."""
    import bench_cabinet

    bench_cabinet.install_floor_urlconf()
    from django.test import Client

    from nmo.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=user_email))
    return client


def _timed(client: Any, url: str, params: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    response = client.get(url, params or {})
    took = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, params, response.status_code)
    return took


def _compare(
    client: Any,
    cases: list[tuple[str, str, dict[str, str]]],
    limit: float,
    absolute_ms: float | None = None,
) -> bool:
    """Each case's p95 against the floor view's, interleaved; PASS at ≤ `limit` × floor,
    or — given `absolute_ms` — at a p95 ≤ that many milliseconds (the ratio printed too)."""
    ok = True
    for label, url, params in cases:
        for _ in range(3):
            _timed(client, url, params)
            _timed(client, "/bench/floor/")
        floor: list[float] = []
        measured: list[float] = []
        app_cpu = db_ticks = 0.0
        for _ in range(SAMPLES):
            floor.append(_timed(client, "/bench/floor/"))
            backend = _backend_pid()
            cpu, ticks = time.process_time(), _proc_ticks(backend)
            measured.append(_timed(client, url, params))
            app_cpu += time.process_time() - cpu
            db_ticks += _proc_ticks(backend) - ticks
        ratio = p95(measured) / p95(floor)
        passed = p95(measured) <= absolute_ms if absolute_ms else ratio <= limit
        verdict = "PASS" if passed else "FAIL"
        ok &= passed
        print(
            f"  {label:44} median {statistics.median(measured):7.1f} ms  p95 "
            f"{p95(measured):7.1f} ms  floor p95 {p95(floor):6.1f} ms  ×{ratio:5.2f}  {verdict}"
        )
        tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
        print(
            f"    CPU per request: app {app_cpu * 1000 / SAMPLES:.1f} ms, "
            f"PostgreSQL {db_ticks * tick_ms / SAMPLES:.1f} ms"
        )
    return ok


def _backend_pid() -> int:
    from django.db import connection

    connection.ensure_connection()
    return int(connection.connection.info.backend_pid)


def part_documents(db: str) -> int:
    import bench_cabinet  # noqa: F401 - its environment (production settings, Redis cache)

    use_db(db)
    import django

    django.setup()
    from nmo.accounts.models import User
    from nmo.documents.models import QualificationDocument

    staff = User.objects.get(email=STAFF)
    organisation = staff.memberships.filter(organisation__isnull=False).first().organisation
    total = QualificationDocument.objects.filter(organisation=organisation).count()
    year_rows = QualificationDocument.objects.filter(
        organisation=organisation, issued_on__year=FRDO_YEAR
    ).count()
    print(f"  {organisation.name}: {total:,} documents, {year_rows:,} issued in {FRDO_YEAR}")
    client = _floor_client(STAFF)
    pages = max(1, total // 25)
    cases = [
        ("register, page 1", "/documents/", {}),
        (f"register, year {FRDO_YEAR}", "/documents/", {"year": str(FRDO_YEAR)}),
        ("register, holder «степанов»", "/documents/", {"q": "степанов"}),
        ("register, last page", "/documents/", {"page": str(pages)}),
        # The check staff run before the year's export: the year counted, only its
        # incomplete documents read (none in the generated data).
        (
            f"FRDO check of {FRDO_YEAR}",
            "/documents/register/frdo-check/",
            {"year": str(FRDO_YEAR), "organisation": str(organisation.pk)},
        ),
    ]
    # The page renders 25 documents with their links and the filter and export forms:
    # about 3–5 × the floor at any size (2.1 × with the 7 documents of the demo), so
    # its bound is the person's wait; the growth between scales is read off the report.
    ok = _compare(client, cases, 3.0, absolute_ms=PAGE_LIMIT_MS)
    # The FRDO export in a process of its own: its peak RSS is the export's.
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--part", "frdo", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    print(result.stdout, end="")
    print(result.stderr[-2000:], end="", file=sys.stderr)
    return 0 if ok and result.returncode == 0 else 1


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def part_frdo(db: str) -> int:
    import bench_cabinet  # noqa: F401

    use_db(db)
    import django

    django.setup()
    client = _floor_client(STAFF)
    from nmo.accounts.models import User

    organisation = (
        User.objects.get(email=STAFF).memberships.filter(organisation__isnull=False).first()
    ).organisation
    _timed(client, "/documents/")  # templates, URL conf and connections warm
    before = _rss_mib()
    started = time.perf_counter()
    query = {"year": str(FRDO_YEAR), "organisation": organisation.pk}
    response = client.get("/documents/register/frdo.xlsx", query)
    job = ""
    if response.get("Content-Type", "").startswith("text/html"):
        # A year of FRDO_EXPORT_JOB_THRESHOLD documents or more is a background job (ADR
        # 0607): the button's POST starts it (the immediate backend here runs it in the
        # request), then the owner downloads the result from the job's page.
        started_job = client.post(f"/documents/register/frdo.xlsx?year={FRDO_YEAR}"
                                  f"&organisation={organisation.pk}")  # fmt: skip
        location = started_job.get("Location", "")
        job = f"; as a background job ({location})"
        response = client.get(location.rstrip("/") + "/file/")
    # The export streams a finished file from disk (ADR 0607): it is read to its end
    # into a temporary file, as a browser would save it, so the RSS is the export's own.
    import tempfile

    streamed = getattr(response, "streaming", False)
    saved = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    if streamed:
        for chunk in response.streaming_content:
            saved.write(chunk)
    else:
        saved.write(response.content)
    size = saved.tell()
    took = time.perf_counter() - started
    after = _rss_mib()
    if response.status_code != 200:
        print(f"  FRDO export: HTTP {response.status_code}")
        return 1
    from openpyxl import load_workbook

    saved.seek(0)
    sheet = load_workbook(saved, read_only=True).worksheets[0]
    rows = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    saved.close()
    print(
        f"  FRDO export {FRDO_YEAR}: {rows:,} rows, {size / 1024:,.0f} kB in {took:.2f} s "
        f"({rows / took:,.0f} rows/s); streamed: {streamed}{job}; "
        f"peak RSS {before:,.0f} MiB before, {after:,.0f} MiB after "
        f"(+{after - before:,.0f} MiB)"
    )
    return 0


def part_audit(db: str) -> int:
    import bench_cabinet  # noqa: F401

    use_db(db)
    import django

    django.setup()
    from nmo.core.chain import verify_chain
    from nmo.core.models import AuditEntry

    total = AuditEntry.objects.count()
    # A specialist who acted in the log: the surname is common (the search by person
    # looks accounts up by name, e-mail or SNILS), the e-mail picks one account.
    actor = AuditEntry.objects.filter(action="cycles.plan_add").order_by("-seq").first()
    from nmo.accounts.models import User

    person = User.objects.get(pk=actor.actor_id)
    day = actor.created_at.date()
    print(f"  audit log: {total:,} entries; person {person.email}, around {day}")
    client = _floor_client(ADMIN)
    month = {"date_from": date(day.year, day.month, 1).isoformat(), "date_to": day.isoformat()}
    cases = [
        ("audit, person (e-mail) + month", "/audit/", {"person": person.email, **month}),
        ("audit, person (e-mail), all time", "/audit/", {"person": person.email}),
        ("audit, person (surname) + month", "/audit/", {"person": person.last_name, **month}),
        ("audit, a month, everyone", "/audit/", month),
    ]
    # The page renders 50 entries in words (ADR 0018), costlier than the floor at any
    # size: its target is absolute, an administrator's search answered within a second.
    ok = _compare(client, cases, 3.0, absolute_ms=PAGE_LIMIT_MS)
    if total > VERIFY_MAX:
        # The walk is linear (one HMAC per entry): its rate is measured on a smaller log.
        print(f"  chain verification skipped: {total:,} entries > {VERIFY_MAX:,}")
        return 0 if ok else 1
    started = time.perf_counter()
    report = verify_chain()
    took = time.perf_counter() - started
    print(
        f"  chain verified: {report.checked:,} entries in {took:.1f} s "
        f"({report.checked / took:,.0f}/s), intact: {report.ok}"
    )
    return 0 if ok and report.ok else 1


def _proc_ticks(pid: int) -> int:
    """User + system CPU clock ticks of a process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent:
                found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU time spent by gunicorn (master and workers) and by the PostgreSQL backends
    of the database, per phase: what one request costs each tier, for docs/capacity.md."""

    def __init__(self, gunicorn_pid: int, db: str) -> None:
        import psycopg

        self.gunicorn_pid = gunicorn_pid
        self.db = db
        self.admin = psycopg.connect(f"{PG_URL}/postgres", autocommit=True)
        self.ms: dict[str, list[float]] = {}
        self.tick_ms = 1000 / os.sysconf("SC_CLK_TCK")

    def pids(self) -> tuple[list[int], list[int]]:
        app = [self.gunicorn_pid, *_children(self.gunicorn_pid)]
        rows = self.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.db],
        ).fetchall()
        return app, [int(r[0]) for r in rows]

    def snapshot(self) -> dict[int, int]:
        app, db = self.pids()
        return {**{p: _proc_ticks(p) for p in app}, **{-p: _proc_ticks(p) for p in db}}

    def add(self, phase: str, before: dict[int, int], after: dict[int, int], n: int) -> None:
        app = sum(t - before.get(p, 0) for p, t in after.items() if p > 0)
        db = sum(t - before.get(p, 0) for p, t in after.items() if p < 0)
        total = self.ms.setdefault(phase, [0.0, 0.0, 0])
        total[0] += app * self.tick_ms
        total[1] += db * self.tick_ms
        total[2] += n

    def report(self) -> None:
        for phase, (app, db, n) in self.ms.items():
            print(
                f"  CPU per request, {phase:<10}: app {app / n:5.2f} ms, "
                f"PostgreSQL {db / n:5.2f} ms ({n} requests)"
            )


def double_credits(db: str) -> tuple[int, ...]:
    """bench_activation's counts, with the pairs counted over activities only: the
    national ledger also holds programme credits (no activity, one per document by
    their own unique index), which its query would take for doubles."""
    import psycopg

    with psycopg.connect(f"{PG_URL}/{db}") as conn:
        queries = (
            "SELECT count(*) FROM (SELECT specialist_id, activity_id FROM cycles_creditentry "
            "WHERE reverses_id IS NULL AND activity_id IS NOT NULL GROUP BY 1, 2 "
            "HAVING count(*) > 1) AS d",
            "SELECT count(*) FROM (SELECT reference FROM cycles_creditentry "
            "WHERE source = 'code' GROUP BY 1 HAVING count(*) > 1) AS d",
            "SELECT count(*) FROM cycles_creditentry WHERE source = 'code'",
            "SELECT count(*) FROM codes_confirmationcode WHERE activated_at IS NOT NULL",
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'nmo.codes.tasks.send_activation_notice'",
        )
        return tuple(int(conn.execute(q).fetchone()[0]) for q in queries)


def _migrated(db: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_URL}/{db}") as conn:
        row = conn.execute("SELECT to_regclass('django_tasks_database_dbtaskresult')").fetchone()
    return bool(row and row[0])


def _forget_earlier_activation_bench(db: str) -> None:
    """Remove what an earlier activation run on this database added (its specialists,
    provider, events, codes, credits and floor table), so that `prepare` can add them
    again; the audit lines and queued notices stay (the counts are differences)."""
    import psycopg

    people = (
        "SELECT id FROM accounts_user WHERE email ~ '^bench[0-9]+@example[.]ru$' "
        "OR email = 'bench-provider@example.ru'"
    )
    events = (
        "SELECT id FROM catalog_activity WHERE provider_id IN (SELECT id FROM "
        "accounts_organisation WHERE name = 'Общество кардиологов')"
    )
    with psycopg.connect(f"{PG_URL}/{db}", autocommit=True) as conn:
        migrated = conn.execute("SELECT to_regclass('accounts_user')").fetchone()
        if migrated is None or migrated[0] is None or not conn.execute(people).fetchone():
            return
        conn.execute("SET session_replication_role = replica")  # past the append-only guards
        for sql in (
            f"DELETE FROM cycles_creditentry WHERE specialist_id IN ({people})",  # noqa: S608
            f"DELETE FROM cycles_cabinetstamp WHERE specialist_id IN ({people})",  # noqa: S608
            f"DELETE FROM codes_confirmationcode WHERE activity_id IN ({events})",  # noqa: S608
            f"DELETE FROM catalog_activity_specialties WHERE activity_id IN ({events})",  # noqa: S608
            f"DELETE FROM catalog_activity WHERE id IN ({events})",  # noqa: S608
            f"DELETE FROM accounts_apitoken WHERE user_id IN ({people})",  # noqa: S608
            f"DELETE FROM accounts_membership WHERE user_id IN ({people})",  # noqa: S608
            f"DELETE FROM accounts_user WHERE id IN ({people})",  # noqa: S608
            "DELETE FROM accounts_membership WHERE organisation_id IN (SELECT id FROM "
            "accounts_organisation WHERE name = 'Общество кардиологов')",
            "DELETE FROM accounts_organisation WHERE name = 'Общество кардиологов'",
            "DROP TABLE IF EXISTS bench_floor_row",
        ):
            conn.execute(sql)


def part_activation(db: str) -> int:
    """bench_activation.main() on the national data: the same stack and phases, without
    re-creating the database; the correctness counts are the bench's own (its codes and
    events), double credits counted over the whole ledger."""
    import json as jsonlib
    import random

    import bench_activation as bench
    import redis

    bench.DB_NAME = db
    bench.ENV["DATABASE_URL"] = f"{PG_URL}/{db}"
    # One secret key for every part: the audit chain's HMAC key derives from it, and
    # lines appended under the activation bench's own key ("bench") would not verify.
    bench.ENV["DJANGO_SECRET_KEY"] = os.environ["DJANGO_SECRET_KEY"] = SECRET
    use_db(db)
    redis.Redis.from_url(bench.REDIS_URL).flushdb()
    _forget_earlier_activation_bench(db)
    before = double_credits(db) if _migrated(db) else (0, 0, 0, 0, 0)
    process = None
    try:
        tokens, codes, race_codes = bench.prepare()
        port = PORT
        process = bench.start_gunicorn(port)
        pairs = [
            (tokens[s], codes[e][s]) for e in range(bench.EVENTS) for s in range(bench.SPECIALISTS)
        ]
        random.Random(2026).shuffle(pairs)
        activate = [
            ("/api/v1/codes/activate", token, jsonlib.dumps({"code": code}).encode())
            for token, code in pairs
        ]
        clients = bench.CLIENTS
        warm, measured = activate[: clients * 4], activate[clients * 4 :][: bench.REQUESTS]
        floor = [
            ("/bench/floor", tokens[i % bench.SPECIALISTS], b"{}") for i in range(bench.REQUESTS)
        ]
        bench.run_clients(port, floor[: clients * 4], clients)
        bench.run_clients(port, warm, clients)
        print(
            f"  gunicorn -w {bench.WORKERS} (sync), {clients} clients, {bench.REQUESTS} requests "
            f"per phase in {bench.ROUNDS} alternating rounds"
        )
        phases: dict[str, tuple[float, list[float], dict[int, int]]] = {
            "floor": (0.0, [], {}),
            "activation": (0.0, [], {}),
        }
        meter = CpuMeter(process.pid, db)
        for r in range(bench.ROUNDS):
            for name, jobs in (("floor", floor), ("activation", measured)):
                before_cpu = meter.snapshot()
                seconds, latencies, statuses = bench.run_clients(
                    port, jobs[r :: bench.ROUNDS], clients
                )
                meter.add(name, before_cpu, meter.snapshot(), len(latencies))
                total, all_latencies, all_statuses = phases[name]
                for status, n in statuses.items():
                    all_statuses[status] = all_statuses.get(status, 0) + n
                phases[name] = (total + seconds, all_latencies + latencies, all_statuses)
        floor_rate = bench.report("floor", *phases["floor"])
        seconds, latencies, statuses = phases["activation"]
        rate = bench.report("activation", seconds, latencies, statuses)
        meter.report()
        racers = tokens[bench.SPECIALISTS : bench.SPECIALISTS + bench.RACERS]
        race = [
            ("/api/v1/codes/activate", token, jsonlib.dumps({"code": code}).encode())
            for code in race_codes
            for token in racers
        ]
        _, _, race_statuses = bench.run_clients(port, race, bench.RACERS * 4)
        race_won = race_statuses.get(200, 0)
        print(
            f"  race:       {bench.RACE_CODES} codes x {bench.RACERS} specialists at once -> "
            f"{dict(sorted(race_statuses.items()))}"
        )
        after = double_credits(db)
        per_pair, per_code = after[0], after[1]
        credits, activated, notices = (a - b for a, b in zip(after[2:], before[2:], strict=True))
        expected = statuses.get(200, 0) + clients * 4 + race_won
        ratio = rate / floor_rate
        print(f"  ratio:      {ratio:.2f}  (activation / floor, target >= {bench.TARGET})")
        print(f"  double credits: {per_pair + per_code} (whole ledger)")
        print(
            f"  this run: credits from codes {credits}, codes activated {activated}, "
            f"notices queued {notices}, successful answers {expected}"
        )
        correct = (
            per_pair == 0
            and per_code == 0
            and credits == activated == expected == notices
            and statuses.get(200, 0) == len(measured)
            and race_won == bench.RACE_CODES
        )
        print(
            "  result:     "
            + ("correct" if correct else "INCORRECT")
            + ("; target met" if ratio >= bench.TARGET else "; BELOW TARGET")
        )
        return 0 if correct else 1
    finally:
        if process is not None:
            bench.stop_gunicorn(process)


# --- the driver -----------------------------------------------------------------------------


def settle(db: str, *, limit: float = SETTLE_MAX, poll: float = 5.0) -> str:
    """Let the server finish what a load leaves behind before anything is measured: an
    immediate CHECKPOINT (the load's dirty pages written and synced now, not spread over
    the next quarter of an hour under the measured queries), then wait, at most `limit`
    seconds, while autovacuum works on this database. Session 18's first run right after
    a load missed two bounds that the same server met ten minutes later (ADR 0614).
    Returns what was waited for, as the log prints it."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(f"{PG_URL}/{db}", autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        checkpoint = time.perf_counter() - started
        waited, seen = 0.0, 0
        while True:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE backend_type = 'autovacuum worker' AND datname = current_database()"
            ).fetchone()
            busy = int(row[0]) if row else 0
            seen = max(seen, busy)
            if busy == 0 or waited >= limit:
                break
            time.sleep(poll)
            waited = time.perf_counter() - started - checkpoint
    state = "settled" if busy == 0 else f"still {busy} autovacuum worker(s) after {limit:.0f} s"
    return (
        f"settle: CHECKPOINT {checkpoint:.1f} s; autovacuum waited {waited:.0f} s "
        f"(at most {seen} worker(s) at once); {state}\n"
    )


FIGURES = {
    "cabinet_ratio": r"ratio p95 cabinet / floor: ([\d.]+)",
    "cabinet_p95_ms": r"cabinet \(300 entries, 2 cycles\): median +[\d.]+ ms +p95 +([\d.]+)",
    "activation_ratio": r"ratio: +([\d.]+)",
    "activation_rps": r"activation +([\d.]+) req/s",
    "floor_rps": r"floor +([\d.]+) req/s",
    "double_credits": r"double credits: (\d+)",
    "frdo_rows": r"FRDO export \d+: ([\d,]+) rows",
    "frdo_seconds": r"FRDO export .* in ([\d.]+) s",
    "frdo_rss_growth_mib": r"\(\+([\d,]+) MiB\)",
    "chain_per_s": r"chain verified: [\d,]+ entries in [\d.]+ s \(([\d,]+)/s\)",
}


def figures(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, pattern in FIGURES.items():
        match = re.search(pattern, text)
        if match:
            found[name] = float(match.group(1).replace(",", ""))
    found["lines"] = [
        line.strip()
        for line in text.splitlines()
        if (re.search(r"(PASS|FAIL)\s*$", line) and "×" in line)
        or "[selector]" in line
        or "[API]" in line
        or any(
            key in line
            for key in (
                "CPU per request",
                "FRDO export",
                "chain verif",
                "ratio",
                "double credits",
                "race:",
                "req/s",
                "this run:",
                "result:",
                "audit log:",
                "documents, ",
            )
        )
    ]
    return found


def drive(scale: float, db: str, reuse: bool, parts: list[str]) -> int:
    REPORTS.mkdir(parents=True, exist_ok=True)
    tag = f"{scale:g}"
    log_path = REPORTS / f"run-{tag}.txt"
    json_path = REPORTS / f"run-{tag}.json"
    results: dict[str, Any] = {"scale": scale, "database": db, "parts": {}}
    if reuse and json_path.exists():  # parts measured again replace theirs, others stay
        results = json.loads(json_path.read_text())
    failed = 0
    with log_path.open("a" if reuse else "w") as log:

        def out(text: str) -> None:
            print(text, end="", flush=True)
            log.write(text)
            log.flush()

        if not reuse:
            started = time.perf_counter()
            proc = subprocess.run(  # noqa: S603 - our own script
                [
                    sys.executable,
                    str(ROOT / "bench" / "scale" / "generate.py"),
                    "--scale",
                    str(scale),
                    "--db",
                    db,
                    "--json",
                    str(REPORTS / f"generate-{tag}.json"),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            out(proc.stdout + proc.stderr[-3000:])
            out(f"generate: exit {proc.returncode}, {time.perf_counter() - started:.0f} s\n")
            if proc.returncode:
                return 1
        out(settle(db))
        for part in parts:
            out(f"\n=== {part} (scale {tag}, database {db})\n")
            started = time.perf_counter()
            proc = subprocess.run(  # noqa: S603 - our own script
                [sys.executable, __file__, "--part", part, "--db", db],
                capture_output=True,
                text=True,
                check=False,
            )
            took = time.perf_counter() - started
            out(proc.stdout)
            if proc.returncode:
                out(proc.stderr[-3000:])
            out(f"--- {part}: exit {proc.returncode}, {took:.0f} s\n")
            failed += proc.returncode != 0
            results["parts"][part] = {
                "exit": proc.returncode,
                "seconds": round(took, 1),
                **figures(proc.stdout),
            }
    if json_path.exists():  # another driver may have written its parts meanwhile
        merged = json.loads(json_path.read_text())
        merged["parts"].update(results["parts"])
        results = merged
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"\nWritten: {log_path}, {REPORTS / f'run-{tag}.json'}")
    return 1 if failed else 0


# --- the report ---------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f}"


def _load(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def _last_section(log: Path, part: str) -> str:
    """The output of the last run of `part` in a driver's log (parts measured again are
    appended to it)."""
    if not log.exists():
        return ""
    text = log.read_text()
    start = text.rfind(f"=== {part} (")
    if start < 0:
        return ""
    end = text.find(f"--- {part}: exit", start)
    section = text[start : end if end > 0 else len(text)]
    other = section.rfind("\n--- ")  # another driver's part ended inside this one
    if other >= 0:
        section = section[section.find("\n", other + 1) + 1 :]
    return section


def _scale(s: float) -> str:
    """A scale as the report names it: 1/100, 1/10, and 1 for the national size."""
    return "1" if s >= 1 else f"1/{round(1 / s)}"


def _server_lines() -> list[str]:
    """Where the runs were measured: the machine and the PostgreSQL server's settings
    (bench/scale/server.py records them as it starts the dedicated server, ADR 0614)."""
    recorded = _load(REPORTS / "server.json")
    if not recorded:
        return ["Machine: 2 cores, 23 GB of RAM; PostgreSQL with its default settings.", ""]
    shown = ", ".join(f"`{k}` {v}" for k, v in recorded["settings"].items())
    if not recorded.get("dedicated", True):
        return [
            f"Machine: {recorded['cores']} cores, {recorded['ram_mb'] / 1024:.0f} GB of RAM. "
            f"PostgreSQL: the server of BENCH_PG_URL as it is ({recorded['url']}): {shown}.",
            "",
        ]
    return [
        f"Machine: {recorded['cores']} cores, {recorded['ram_mb'] / 1024:.0f} GB of RAM. "
        "PostgreSQL: a server of its own (`bench/scale/server.py`, ADR 0614), configured",
        f"as docs/deploy.md §2 configures the national server, memory scaled to this machine: "
        f"{shown}.",
        "",
    ]


def write_report(target: Path) -> None:
    """docs/scale-report.md from reports/scale/generate-*.json and run-*.json: the load
    time, the sizes, the measured figures per scale and how each grows between scales."""
    scales = sorted(float(p.stem.split("-", 1)[1]) for p in REPORTS.glob("generate-*.json"))
    gen = {s: _load(REPORTS / f"generate-{s:g}.json") for s in scales}
    run = {s: _load(REPORTS / f"run-{s:g}.json") for s in scales}
    lines = [
        "# The country's data on PostgreSQL: sizes, load time and the benchmarks on it",
        "",
        "Generated by `make bench-scale` (`bench/scale/run.py --report` writes this file",
        "from `reports/scale/*.json`; ADR 0601). Scale 1 is the national size: 2M",
        "specialists, 50M ledger entries, 20M codes, 500k activities, 200k documents, 20M",
        "audit entries.",
        "",
        *_server_lines(),
        "How loaded the machine was during the runs is in the notes at the end.",
        "",
        "## Load",
        "",
        "| step | " + " | ".join(f"{_scale(s)} s" for s in scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]
    steps = list(next(iter(g for g in gen.values() if g))["steps_seconds"])
    for step in steps:
        lines.append(
            f"| {step} | "
            + " | ".join(
                f"{(gen[s] or {}).get('steps_seconds', {}).get(step, 0):,.1f}" for s in scales
            )
            + " |"
        )
    lines.append(
        "| **total** | "
        + " | ".join(f"**{(gen[s] or {}).get('load_seconds', 0):,.0f}**" for s in scales)
        + " |"
    )
    lines += [
        "",
        "Rows generated:",
        "",
        "| table | " + " | ".join(_scale(s) for s in scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]
    for name in NATIONAL_NAMES:
        lines.append(
            f"| {name} | "
            + " | ".join(f"{(gen[s] or {}).get('counts', {}).get(name, 0):,}" for s in scales)
            + " |"
        )
    lines += [
        "",
        "Consistency checks after the load (all must be 0): "
        + "; ".join(
            f"{_scale(s)}: "
            + ", ".join(f"{k} {v}" for k, v in (gen[s] or {}).get("consistency", {}).items())
            for s in scales
        ),
        "",
    ]
    lines += [
        "## Sizes",
        "",
        "| | " + " | ".join(f"{_scale(s)} MB" for s in scales) + " | growth |",
        "|---|" + "---:|" * (len(scales) + 1),
    ]

    def growth(values: list[float]) -> str:
        return f"× {values[-1] / values[0]:.1f}" if len(values) > 1 and values[0] else ""

    db_sizes = [(gen[s] or {}).get("database_bytes", 0) for s in scales]
    lines.append(
        "| **database** | "
        + " | ".join(f"**{_mb(v)}**" for v in db_sizes)
        + f" | {growth(db_sizes)} |"
    )
    biggest = [t["table"] for t in (gen[scales[-1]] or {}).get("tables", [])[:12]]
    for table in biggest:
        for label, key in (("", "table_bytes"), (" (indexes)", "index_bytes")):
            values = [
                next((t[key] for t in (gen[s] or {}).get("tables", []) if t["table"] == table), 0)
                for s in scales
            ]
            lines.append(
                f"| {table}{label} | "
                + " | ".join(_mb(v) for v in values)
                + f" | {growth(values)} |"
            )
    lines += [
        "",
        "The twenty largest indexes:",
        "",
        "| index | table | " + " | ".join(f"{_scale(s)} MB" for s in scales) + " |",
        "|---|---|" + "---:|" * len(scales),
    ]
    for index in (gen[scales[-1]] or {}).get("indexes", [])[:20]:
        values = [
            next(
                (
                    i["bytes"]
                    for i in (gen[s] or {}).get("indexes", [])
                    if i["index"] == index["index"]
                ),
                0,
            )
            for s in scales
        ]
        lines.append(
            f"| {index['index']} | {index['table']} | " + " | ".join(_mb(v) for v in values) + " |"
        )
    lines += ["", "## The benchmarks on it", ""]
    for part in PARTS:
        lines += [f"### {part}", ""]
        for s in scales:
            figures_ = ((run[s] or {}).get("parts") or {}).get(part)
            if not figures_:
                lines.append(f"- {_scale(s)}: not run")
                continue
            shown = {k: v for k, v in figures_.items() if k not in ("lines", "exit", "seconds")}
            lines.append(
                f"- {_scale(s)}: exit {figures_['exit']} in {figures_['seconds']:.0f} s; "
                + ", ".join(f"{k} {v:g}" for k, v in shown.items())
            )
            section = _last_section(REPORTS / f"run-{s:g}.txt", part)
            shown_lines = figures(section)["lines"] if section else figures_.get("lines", [])
            lines += [f"    - `{line}`" for line in shown_lines]
        lines.append("")
    notes = REPORTS / "notes.md"  # what happened in these runs, written by who ran them
    if notes.exists():
        lines += [notes.read_text(), ""]
    control = REPORTS / "control-activation.txt"
    if control.exists():  # `run.py --part activation --db <an empty database>`
        lines += [
            "### activation on an empty database (control, the same hour)",
            "",
            *[f"    {line}" for line in control.read_text().splitlines() if line.strip()],
            "",
        ]
    target.write_text("\n".join(lines) + "\n")
    print(f"Written: {target}")


NATIONAL_NAMES = ("specialists", "ledger", "codes", "activities", "documents", "audit")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--db", default="")
    parser.add_argument("--reuse", action="store_true", help="measure the loaded database")
    parser.add_argument("--part", choices=[*PARTS, "frdo"], help="run one part in this process")
    parser.add_argument("--parts", default=",".join(PARTS), help="the parts the driver runs")
    parser.add_argument("--report", type=Path, help="write the Markdown report here and stop")
    parser.add_argument(
        "--server",
        choices=["dedicated", "url"],
        default=os.environ.get("BENCH_SCALE_SERVER", "dedicated"),
        help="dedicated: bench/scale/server.py's PostgreSQL, configured as the national "
        "server (ADR 0614); url: the server of BENCH_PG_URL as it is",
    )
    args = parser.parse_args()
    if args.report:
        write_report(args.report)
        return 0
    if not args.part:
        global PG_URL  # every part and the generator read BENCH_PG_URL
        import server  # bench/scale/server.py, beside this script

        if args.server == "dedicated":
            PG_URL = os.environ["BENCH_PG_URL"] = server.start()
            os.environ["BENCH_SCALE_SERVER"] = "url"  # the parts use the URL they are given
        else:
            server.record(PG_URL, dedicated=False)  # the report names the server measured
    db = args.db or f"nmo_bench_scale_{str(args.scale).replace('.', '_')}"
    os.environ.setdefault("DJANGO_SECRET_KEY", SECRET)
    if args.part:
        return int(globals()[f"part_{args.part}"](db))
    return drive(args.scale, db, args.reuse, args.parts.split(","))


if __name__ == "__main__":
    sys.exit(main())
