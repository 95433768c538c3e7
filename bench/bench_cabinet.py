"""Benchmark: the cabinet page of a specialist with 300 ledger entries, on a ledger of
1,000,000 entries, against a floor view measured the same way in the same run.

Standalone: creates (drops and re-creates) its own PostgreSQL database
`nmo_bench_cabinet`, migrates it, bulk-loads the data in SQL (INSERT … SELECT from
generate_series, foreign-key triggers off for the load), then measures p95 latency of
GET /cabinet/ and of the floor view through Django's test Client, in process (no
network, no WSGI server: both paths pay the same middleware, session and user lookups).
The floor view is a minimal authenticated view doing one single-row UPDATE.

    .venv/bin/python bench/bench_cabinet.py            # load and measure
    .venv/bin/python bench/bench_cabinet.py --reuse    # measure on the loaded database

Target: p95(cabinet) ≤ 3 × p95(floor). Exit code 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "nmo_bench_cabinet"
SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"
os.environ["DATABASE_CONN_MAX_AGE"] = "600"
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ["TASKS_BACKEND"] = "immediate"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The cache as in production: Redis, shared by app servers (a database of its own, emptied
# before measuring). BENCH_REDIS_URL= (empty) measures with the local-memory cache.
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")

SPECIALISTS = 10_000
ENTRIES_EACH = 100  # 10,000 × 100 = 1,000,000 entries, plus the measured specialist's
ACTIVITIES = 3_000
TARGET_ENTRIES = 300
TARGET_EMAIL = "bench-target@example.ru"
WARMUP = 30
SAMPLES = 300
TARGET_RATIO = 3.0


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def database_exists() -> bool:
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
    return row is not None


def load() -> None:
    """Specialties, a provider, 3,000 accredited activities, 10,000 specialists with 100
    entries each (1,000,000), and the measured specialist: two cycles, 300 entries,
    programme hours and a learning plan."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from nmo.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from nmo.catalog.models import Activity, ActivityStatus, Specialty
    from nmo.catalog.services import load_specialties
    from nmo.cycles.models import PlanItem
    from nmo.cycles.services import enter_cycle

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_specialties()
    print(f"  migrated, nomenclature loaded: {time.perf_counter() - started:.1f} s")

    specialties = list(Specialty.objects.order_by("code")[:20])
    cardiology = Specialty.objects.get(code="31.08.36")
    therapy = Specialty.objects.get(code="31.08.49")
    others = [s for s in specialties if s not in (cardiology, therapy)]
    pool = [cardiology, therapy, *others][:20]  # 150 activities each
    provider = Organisation.objects.create(
        name="Общество кардиологов (бенчмарк)", kind=OrganisationKind.PROVIDER
    )
    college = Organisation.objects.create(
        name="Медицинский университет (бенчмарк)", kind=OrganisationKind.EDUCATIONAL
    )
    staff = User.objects.create_user(
        "bench-staff@example.ru", None, last_name="Учебный", first_name="Отдел"
    )
    Membership.objects.create(user=staff, role=Role.ORGANISATION_STAFF, organisation=college)

    t = time.perf_counter()
    now = timezone.now()
    activities = []
    for i in range(ACTIVITIES):
        kind = "module" if i % 2 else "event"
        activities.append(
            Activity(
                provider=provider,
                submitted_by=staff,
                kind=kind,
                title=f"{'Модуль' if kind == 'module' else 'Конференция'} № {i:04d}",
                format="online" if kind == "module" else "in_person",
                starts_on=date(2021, 1, 1),
                ends_on=date(2027, 12, 31),
                country="RU",
                hours_requested=i % 8 + 1,
                status=ActivityStatus.ACCREDITED,
                credits=i % 8 + 1,
                decided_at=now,
            )
        )
    Activity.objects.bulk_create(activities, batch_size=1000)
    activity_ids = list(Activity.objects.order_by("id").values_list("id", flat=True))
    through = Activity.specialties.through
    through.objects.bulk_create(
        [
            through(activity_id=aid, specialty_id=pool[i % len(pool)].pk)
            for i, aid in enumerate(activity_ids)
        ],
        batch_size=5000,
    )
    password = make_password(None)
    users = [
        User(
            email=f"bench-{n:05d}@example.ru",
            password=password,
            last_name=f"Специалист{n:05d}",
            first_name="Бенч",
            date_joined=now,
        )
        for n in range(SPECIALISTS)
    ]
    User.objects.bulk_create(users, batch_size=5000)
    print(f"  {ACTIVITIES} activities, {SPECIALISTS} specialists: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Rows are consistent by construction; skip the per-row foreign-key triggers.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            """
            CREATE TEMP TABLE bench_acts ON COMMIT DROP AS
            SELECT (row_number() OVER (ORDER BY a.id) - 1)::int AS idx, a.id, a.kind,
                   a.credits, s.specialty_id AS spec
            FROM catalog_activity a JOIN catalog_activity_specialties s ON s.activity_id = a.id
            """
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_acts (idx)")
        cursor.execute(
            """
            INSERT INTO cycles_creditentry
              (created_at, specialist_id, activity_id, specialty_id, source, kind, hours,
               remote_hours, occurred_on, reference, organisation_id, reverses_id, reason,
               created_by_id, document_key, document_url, programme_title, source_portal,
               source_id, source_title)
            SELECT now(), u.id, a.id, a.spec,
                   CASE WHEN a.kind = 'module' THEN 'module' ELSE 'code' END, a.kind,
                   a.credits, NULL, DATE '2021-01-01' + ((u.idx * 31 + n * 17) %% 2000),
                   '', NULL, NULL, '', NULL, '', '', '', '', '', ''
            FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS idx
                  FROM accounts_user WHERE email LIKE 'bench-0%%') u
            CROSS JOIN generate_series(0, %s) AS n
            JOIN bench_acts a ON a.idx = (u.idx * 7 + n * 13) %% %s
            """,
            [ENTRIES_EACH - 1, ACTIVITIES],
        )
        loaded = cursor.rowcount
    print(f"  {loaded:,} ledger entries: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    target = User.objects.create_user(
        TARGET_EMAIL,
        None,
        last_name="Иванова",
        first_name="Мария",
        middle_name="Петровна",
        snils="11223344595",
    )
    Membership.objects.create(user=target, role=Role.SPECIALIST)
    cycle = enter_cycle(specialist=target, specialty_code="31.08.36", starts_on=date(2022, 1, 10))
    enter_cycle(specialist=target, specialty_code="31.08.49", starts_on=date(2023, 9, 1))
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
                   a.credits, NULL, DATE '2022-01-10' + (n * 5), '', NULL, NULL, '', NULL,
                   '', '', '', '', '', ''
            FROM generate_series(0, %s) AS n
            JOIN (SELECT (row_number() OVER (ORDER BY a.id) - 1)::int AS idx, a.id, a.kind,
                         a.credits, s.specialty_id AS spec
                  FROM catalog_activity a
                  JOIN catalog_activity_specialties s ON s.activity_id = a.id
                  WHERE s.specialty_id IN (%s, %s)) a ON a.idx = n
            """,
            [target.pk, TARGET_ENTRIES - 4, cardiology.pk, therapy.pk],
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
    planned = Activity.objects.filter(specialties=cardiology).order_by("-id")[:12]
    PlanItem.objects.bulk_create([PlanItem(cycle=cycle, activity=a) for a in planned])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = target.credit_entries.count()
    print(f"  measured specialist: {total} entries, 2 cycles, 12 plan items: "
          f"{time.perf_counter() - t:.1f} s")  # fmt: skip
    print(f"  load total: {time.perf_counter() - started:.1f} s")


def install_floor_urlconf() -> None:
    """A URLconf with the project's URLs plus the floor view, as a module made here."""
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.urls import clear_url_caches, path
    from django.utils import timezone

    import config.urls
    from nmo.accounts.access import require_login
    from nmo.accounts.models import User

    def floor(request: HttpRequest) -> HttpResponse:
        """Authenticated, one single-row UPDATE, a tiny response."""
        require_login(request.user)
        User.objects.filter(pk=request.user.pk).update(last_login=timezone.now())
        return HttpResponse("ok", content_type="text/plain")

    module = types.ModuleType("bench_cabinet_urls")
    module.urlpatterns = [path("bench/floor/", floor), *config.urls.urlpatterns]  # type: ignore[attr-defined]
    for handler in ("handler400", "handler403", "handler404", "handler500"):
        setattr(module, handler, getattr(config.urls, handler))
    sys.modules["bench_cabinet_urls"] = module
    settings.ROOT_URLCONF = "bench_cabinet_urls"
    clear_url_caches()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def measure() -> bool:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nmo.accounts.models import User
    from nmo.cycles.cache import invalidate_cabinet

    install_floor_urlconf()
    cache.clear()
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    target = User.objects.get(email=TARGET_EMAIL)
    client = Client()
    client.force_login(target)

    def timed(url: str) -> float:
        t = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/cabinet/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="progressbar"' in html
    print(
        f"  /cabinet/ first visit: {len(ctx.captured_queries)} queries, {len(page.content):,} bytes"
    )
    with CaptureQueriesContext(connection) as ctx:
        client.get("/cabinet/")
    print(f"  /cabinet/ repeat visit: {len(ctx.captured_queries)} queries (cache: {backend})")

    for _ in range(WARMUP):
        timed("/bench/floor/")
        timed("/cabinet/")
    floor_ms: list[float] = []
    cabinet_ms: list[float] = []
    for _ in range(SAMPLES):  # interleaved, so both see the same machine state
        floor_ms.append(timed("/bench/floor/"))
        cabinet_ms.append(timed("/cabinet/"))

    cold_ms: list[float] = []
    for _ in range(SAMPLES // 3):  # the first visit after a change: nothing cached
        invalidate_cabinet(target.pk)
        cold_ms.append(timed("/cabinet/"))

    floor_p95, cabinet_p95 = p95(floor_ms), p95(cabinet_ms)
    ratio = cabinet_p95 / floor_p95
    print()
    print(f"Django test Client, in process, PostgreSQL; {SAMPLES} samples each, interleaved,")
    print(f"after {WARMUP} warm-up requests each")
    for label, samples, worst in (
        ("floor   (auth + 1-row UPDATE)", floor_ms, floor_p95),
        ("cabinet (300 entries, 2 cycles)", cabinet_ms, cabinet_p95),
        ("cabinet after a change (cold)  ", cold_ms, p95(cold_ms)),
    ):
        print(f"  {label}: median {statistics.median(samples):6.2f} ms   p95 {worst:6.2f} ms")
    print(f"  ratio p95 cabinet / floor: {ratio:.2f} (target ≤ {TARGET_RATIO:.0f}×)")
    print(f"  (informational) ratio p95 cold cabinet / floor: {p95(cold_ms) / floor_p95:.2f}")
    ok = ratio <= TARGET_RATIO
    print("PASS" if ok else "FAIL")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="measure on the loaded database")
    args = parser.parse_args()
    reuse = args.reuse and database_exists()
    if not reuse:
        print(f"Creating database {DB_NAME} …")
        recreate_database()
    import django

    django.setup()
    if not reuse:
        load()
    return 0 if measure() else 1


if __name__ == "__main__":
    sys.exit(main())
