"""Benchmark of the public CME catalogue on PostgreSQL with 100,000 accredited activities.

Run from the project root:

    .venv/bin/python bench/bench_catalogue.py [--runs 40] [--reuse] [--keep] [--explain]

It creates its own database (`nmo_bench_catalogue` on postgres://postgres@127.0.0.1:5432/,
override with BENCH_PG_URL), migrates it, bulk-inserts 100,000 accredited activities (plus
10,000 submitted and rejected ones that must stay invisible) with 1–3 specialties each,
then times typical catalogue queries through the selector (`catalogue_page`) and through
the public API (`GET /api/v1/catalogue`), p50/p95 over `--runs` runs.

Each figure is printed next to a floor measured in the same run: a plain single-table
indexed query, `SELECT id, title FROM catalog_activity WHERE status = 'accredited' ORDER
BY starts_on DESC, id DESC LIMIT 20`, and the ratio to it. A catalogue page also gives the
exact number of matches ("total" in api.md), and counting up to 100,000 rows cannot cost
a small multiple of fetching 20, so the target is stated against a second floor as well:
the plain exact total, `SELECT count(*) FROM catalog_activity WHERE status = 'accredited'`.
PASS: p95 ≤ TARGET_FLOOR_FACTOR × (p95 of both floors together) and ≤ TARGET_MS for the
selector, ≤ TARGET_API_MS for the API (which adds request handling and JSON).

`--reuse` keeps an already filled database instead of recreating it; `--keep` leaves the
database in place at the end (it is dropped otherwise); `--explain` prints the
PostgreSQL plans of the catalogue queries.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = "nmo_bench_catalogue"
SQLITE_PATH = Path("/tmp/nmo_bench_catalogue.sqlite3")  # noqa: S108 - a scratch file
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DATABASE_URL"] = f"{PG_URL}/{DB_NAME}"
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["TASKS_BACKEND"] = "immediate"

ACCREDITED = 100_000
OTHERS = 10_000  # submitted and rejected: must never show in the catalogue
SEED = 20_26

# The target (see the module docstring).
TARGET_FLOOR_FACTOR = 4.0
TARGET_MS = 50.0
TARGET_API_MS = 80.0

TOPICS = [
    "кардиологии", "артериальной гипертензии", "сердечной недостаточности", "аритмий",
    "ишемической болезни сердца", "сахарного диабета", "онкологии", "педиатрии",
    "неврологии", "инсульта", "рассеянного склероза", "эпилепсии", "гастроэнтерологии",
    "гепатологии", "нефрологии", "урологии", "офтальмологии", "оториноларингологии",
    "дерматовенерологии", "ревматологии", "пульмонологии", "астмы", "ХОБЛ", "аллергологии",
    "иммунологии", "инфекционных болезней", "ВИЧ-инфекции", "туберкулёза", "анестезиологии",
    "реаниматологии", "хирургии", "травматологии", "ортопедии", "акушерства", "гинекологии",
    "неонатологии", "психиатрии", "наркологии", "психотерапии", "гериатрии", "эндокринологии",
    "гематологии", "трансфузиологии", "лучевой диагностики", "УЗИ-диагностики", "КТ и МРТ",
    "лабораторной диагностики", "клинической фармакологии", "фармации", "стоматологии",
    "ортодонтии", "челюстно-лицевой хирургии", "паллиативной помощи", "реабилитации",
    "спортивной медицины", "диетологии", "гигиены", "эпидемиологии", "организации здравоохранения",
    "общей врачебной практики", "скорой медицинской помощи", "сестринского дела",
]  # fmt: skip
FORMS = [
    "Конференция", "Научно-практическая конференция", "Семинар", "Мастер-класс", "Вебинар",
    "Интернет-лекция", "Школа", "Симпозиум", "Круглый стол", "Курс",
    "Электронный модуль", "Интерактивный модуль", "Клинический разбор",
]  # fmt: skip
ANGLES = [
    "актуальные вопросы", "новые клинические рекомендации", "диагностика и лечение",
    "сложные случаи", "профилактика", "Ёмкие алгоритмы", "современные подходы",
    "доказательная медицина", "междисциплинарный подход", "ошибки и осложнения",
]  # fmt: skip


def _admin_connect():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(f"{PG_URL}/postgres", autocommit=True)


def database_exists() -> bool:
    if _on_sqlite():
        return SQLITE_PATH.exists()
    with _admin_connect() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        return row is not None


def _on_sqlite() -> bool:
    return os.environ["DATABASE_URL"].startswith("sqlite:")


def recreate_database() -> None:
    if _on_sqlite():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    with _admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    if _on_sqlite():
        recreate_database()
        return
    with _admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def fill() -> None:
    """Specialties, 2,000 providers, 110,000 activities with 1–3 specialties each."""
    from django.db import connection, transaction

    from nmo.accounts.models import Organisation, OrganisationKind, User
    from nmo.catalog.models import Activity, Specialty
    from nmo.catalog.rules import search_key
    from nmo.catalog.services import load_specialties
    from nmo.catalog.types import ActivityFormat, ActivityKind, ActivityStatus

    rng = random.Random(SEED)
    load_specialties()
    specialty_ids = list(Specialty.objects.order_by("code").values_list("id", flat=True))
    cardiology = Specialty.objects.get(code="31.08.36").pk
    # A few specialties are much more common than the rest, as in life.
    popular = [cardiology, *rng.sample(specialty_ids, 5)]

    Organisation.objects.bulk_create(
        Organisation(name=f"Провайдер НМО № {i:04d}", kind=OrganisationKind.PROVIDER)
        for i in range(2000)
    )
    provider_ids = list(Organisation.objects.values_list("id", flat=True))
    user = User.objects.create_user("bench@example.ru", "bench-password-123", last_name="Bench")

    first_day = date(2019, 1, 1)
    span = (date(2026, 12, 31) - first_day).days
    through = Activity.specialties.through
    batch = 10_000
    total = ACCREDITED + OTHERS
    started = time.perf_counter()
    for offset in range(0, total, batch):
        activities = []
        for i in range(offset, min(offset + batch, total)):
            kind = ActivityKind.EVENT if rng.random() < 0.6 else ActivityKind.MODULE
            if kind == ActivityKind.EVENT:
                fmt = ActivityFormat.IN_PERSON if rng.random() < 0.5 else ActivityFormat.ONLINE
                length = rng.choice([0, 0, 0, 1, 1, 2, 4])
            else:
                fmt = ActivityFormat.ONLINE
                length = rng.choice([30, 90, 180, 365])
            starts_on = first_day + timedelta(days=rng.randrange(span))
            title = f"{rng.choice(FORMS)}: {rng.choice(ANGLES)} {rng.choice(TOPICS)}"
            if i < ACCREDITED:
                status, credits = ActivityStatus.ACCREDITED, rng.randint(1, 36)
            else:
                status = rng.choice([ActivityStatus.SUBMITTED, ActivityStatus.REJECTED])
                credits = None
            activities.append(
                Activity(
                    provider_id=rng.choice(provider_ids),
                    submitted_by=user,
                    kind=kind,
                    title=title,
                    title_search=search_key(title),
                    format=fmt,
                    starts_on=starts_on,
                    ends_on=starts_on + timedelta(days=length),
                    location="Москва" if fmt == ActivityFormat.IN_PERSON else "",
                    country="RU",
                    hours_requested=36,
                    status=status,
                    credits=credits,
                )
            )
        with transaction.atomic():
            created = Activity.objects.bulk_create(activities)
            links = []
            for activity in created:
                chosen = {
                    rng.choice(popular) if rng.random() < 0.3 else rng.choice(specialty_ids)
                    for _ in range(rng.randint(1, 3))
                }
                links.extend(through(activity_id=activity.pk, specialty_id=s) for s in chosen)
            through.objects.bulk_create(links)
        print(f"  inserted {offset + len(activities):>7,} activities", end="\r", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    print(f"  inserted {total:,} activities in {time.perf_counter() - started:.1f} s")


def timed_interleaved(
    fn: Callable[[], object], *floors: Callable[[], object], runs: int, warmup: int = 3
) -> tuple[list[float], ...]:
    """Time `fn` and each floor query in turn, `runs` times: one list of ms per callable."""
    calls = (fn, *floors)
    for _ in range(warmup):
        for call in calls:
            call()
    samples: tuple[list[float], ...] = tuple([] for _ in calls)
    for _ in range(runs):
        for call, bucket in zip(calls, samples, strict=True):
            started = time.perf_counter()
            call()
            bucket.append((time.perf_counter() - started) * 1000)
    return samples


def _query_role(sql: str) -> str:
    if sql.startswith("SELECT COUNT(*)"):
        return "count"
    if "_prefetch_related_val" in sql:
        return "specialties"
    if 'FROM "catalog_specialty"' in sql:
        return "specialty code lookup"
    return "page"


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help=f"run on a scratch SQLite file ({SQLITE_PATH}) instead, to compare plans",
    )
    args = parser.parse_args()
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"

    total_started = time.perf_counter()
    reuse = args.reuse and database_exists()
    if not reuse:
        print(f"Creating database {SQLITE_PATH if args.sqlite else DB_NAME} …")
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from nmo.catalog.models import Activity
    from nmo.catalog.selectors import catalogue_page
    from nmo.catalog.types import CatalogueFilters

    # Only what the catalogue needs: other apps may be mid-change in the tree.
    for app in ("core", "accounts", "catalog"):
        call_command("migrate", app, verbosity=0)
    if not reuse or not Activity.objects.exists():
        print("Filling …")
        fill()
    counts = {
        status: Activity.objects.filter(status=status).count()
        for status in ("accredited", "submitted", "rejected")
    }
    print(f"Activities: {counts}")

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, title FROM catalog_activity WHERE status = 'accredited' "
                "ORDER BY starts_on DESC, id DESC LIMIT 20"
            )
            cursor.fetchall()

    def count_floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalog_activity WHERE status = 'accredited'")
            cursor.fetchall()

    cases: list[tuple[str, CatalogueFilters, int, dict[str, str]]] = [
        ("no filter, page 1", CatalogueFilters(), 1, {}),
        ("no filter, page 200", CatalogueFilters(), 200, {"page": "200"}),
        ("kind=module, page 1", CatalogueFilters(kind="module"), 1, {"kind": "module"}),
        (
            "specialty 31.08.36, page 1",
            CatalogueFilters(specialty="31.08.36"),
            1,
            {"specialty": "31.08.36"},
        ),
        (
            "specialty (rare) 31.08.20, page 1",
            CatalogueFilters(specialty="31.08.20"),
            1,
            {"specialty": "31.08.20"},
        ),
        ("q='КАРДИОлогии', page 1", CatalogueFilters(q="КАРДИОлогии"), 1, {"q": "КАРДИОлогии"}),
        ("q='ёмкие', page 3", CatalogueFilters(q="ёмкие"), 3, {"q": "ёмкие", "page": "3"}),
        (
            "dates 2025-03-01..2025-03-31",
            CatalogueFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31)),
            1,
            {"date_from": "2025-03-01", "date_to": "2025-03-31"},
        ),
        (
            "specialty+kind+dates (2025)",
            CatalogueFilters(
                specialty="31.08.36",
                kind="event",
                date_from=date(2025, 1, 1),
                date_to=date(2025, 12, 31),
            ),
            1,
            {
                "specialty": "31.08.36",
                "kind": "event",
                "date_from": "2025-01-01",
                "date_to": "2025-12-31",
            },
        ),
    ]

    if args.explain:
        from django.test.utils import CaptureQueriesContext

        prefix = "EXPLAIN QUERY PLAN " if args.sqlite else "EXPLAIN ANALYZE "
        for label, filters, page_no, _ in cases:
            with CaptureQueriesContext(connection) as captured:
                catalogue_page(filters=filters, page=page_no)
            for query in captured.captured_queries:
                print(f"\n=== {label}: {_query_role(query['sql'])}\n{query['sql'][:400]}")
                with connection.cursor() as cursor:
                    cursor.execute(prefix + query["sql"])
                    for row in cursor.fetchall():
                        print("   ", row[-1])

    client = Client()
    print(
        f"\nFloor  = plain indexed SELECT id, title … ORDER BY starts_on DESC LIMIT 20\n"
        f"Floor₂ = plain exact total, SELECT count(*) … WHERE status = 'accredited'\n"
        f"Both are timed interleaved with every measured call, so load on the machine hits\n"
        f"them alike. Target: selector p95 ≤ {TARGET_FLOOR_FACTOR:g} × (floor + floor₂) p95 "
        f"and ≤ {TARGET_MS:g} ms; API p95 ≤ {TARGET_API_MS:g} ms. {args.runs} runs each.\n"
    )
    header = (
        f"{'query':44} {'total':>6} {'p50 ms':>7} {'p95 ms':>7} {'floor':>6} {'×floor':>7} "
        f"{'floor₂':>7} {'bound':>6}"
    )
    print(header)
    print("-" * (len(header) + 6))
    failed = 0
    for label, filters, page_no, params in cases:
        result = catalogue_page(filters=filters, page=page_no)

        def run_selector(filters: CatalogueFilters = filters, page_no: int = page_no) -> None:
            page = catalogue_page(filters=filters, page=page_no)
            for activity in page.items:  # what a page renders, specialties included
                _ = (activity.provider.name, [s.code for s in activity.specialties.all()])

        def run_api(params: dict[str, str] = params) -> None:
            response = client.get("/api/v1/catalogue", params)
            assert response.status_code == 200, response.content
            response.json()

        for name, fn in (("selector", run_selector), ("API", run_api)):
            samples, floors, counts = timed_interleaved(fn, floor, count_floor, runs=args.runs)
            p50, p95 = p(samples, 0.5), p(samples, 0.95)
            floor_p95, count_p95 = p(floors, 0.95), p(counts, 0.95)
            if name == "selector":
                limit = min(TARGET_MS, TARGET_FLOOR_FACTOR * (floor_p95 + count_p95))
            else:
                limit = TARGET_API_MS
            ok = p95 <= limit
            failed += not ok
            verdict = "—" if args.sqlite else ("PASS" if ok else "FAIL")
            print(
                f"{label + ' [' + name + ']':44} {result.total:>6} {p50:>7.2f} {p95:>7.2f} "
                f"{floor_p95:>6.2f} {p95 / floor_p95:>7.1f} {count_p95:>7.2f} {limit:>6.1f}  "
                f"{verdict}"
            )
    took = time.perf_counter() - total_started
    if args.sqlite:
        print(f"\nSQLite: figures for comparison only, no verdict — run took {took:.0f} s")
    else:
        print(f"\n{'PASS' if not failed else f'FAIL ({failed})'} — whole run took {took:.0f} s")
    if not args.keep:
        drop_database()
    return 1 if failed and not args.sqlite else 0


if __name__ == "__main__":
    sys.exit(main())
