"""Benchmark of the public CME catalogue on PostgreSQL with 100,000 accredited activities
and 5,000 published programmes (ДПП) with their cohorts (ADR 0116).

Run from the project root:

    .venv/bin/python bench/bench_catalogue.py [--runs 40] [--reuse] [--keep] [--explain]

It creates its own database (`nmo_bench_catalogue` on postgres://postgres@127.0.0.1:5432/,
override with BENCH_PG_URL), migrates it, bulk-inserts 100,000 accredited activities (plus
10,000 submitted and rejected ones that must stay invisible) with 1–3 specialties each,
then times typical catalogue queries through the selector (`catalogue_page`) and through
the public API (`GET /api/v1/catalogue`), p50/p95 over `--runs` runs. Beside them it
bulk-inserts 300 educational organisations with 6,000 programmes (5,000 published), about
15,000 cohorts (past and upcoming, most upcoming ones with seats) and 60,000 enrolments,
and times the programmes' part of the catalogue (`catalogue_programmes_page`: open cohorts
and seats left included) against the same floors, and the catalogue's HTML page (`/catalogue/`
with its «Все» tab joining events, modules and programmes, and `?kind=programme`) against
TARGET_PAGE_MS.

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
import secrets
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("BENCH_DB_NAME", "nmo_bench_catalogue")
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
TARGET_PAGE_MS = 150.0  # the whole HTML page: both parts, the form, the template

PROGRAMMES = 6_000
PUBLISHED = 5_000
EDUCATIONAL_ORGANISATIONS = 300
LEARNERS = 20_000
ENROLMENTS = 60_000

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


def fill_programmes() -> None:
    """300 educational organisations under the РостГМУ preset's regulation, 6,000
    programmes (5,000 published) with 1–2 specialties and 1–4 cohorts each, from two years
    back to a year ahead; 80% of the upcoming cohorts offer 10–40 seats; 60,000 enrolments
    of 20,000 learners take some of them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from nmo.accounts.models import Organisation, OrganisationKind, Unit, UnitKind, User
    from nmo.accounts.services import add_user
    from nmo.catalog.models import Specialty
    from nmo.catalog.rules import search_key
    from nmo.programmes.models import Cohort, Enrolment, Programme
    from nmo.regulations.models import RegulationVersion
    from nmo.regulations.services import apply_preset
    from nmo.regulations.types import AttestationForm, AttestationPlace, ProgrammeKind

    rng = random.Random(SEED + 1)
    today = timezone.localdate()
    staff = add_user(
        email="bench-staff@example.ru",
        password=secrets.token_urlsafe(16),
        role="organisation_staff",
        organisation_name="Образовательная организация № 0000",
    )
    first = Organisation.objects.get(name="Образовательная организация № 0000")
    apply_preset(actor=staff, organisation=first, preset_code="rostgmu")
    version = RegulationVersion.objects.order_by("pk").first()
    assert version is not None
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Образовательная организация № {i:04d}", kind=OrganisationKind.EDUCATIONAL
        )
        for i in range(1, EDUCATIONAL_ORGANISATIONS)
    )
    organisations = list(
        Organisation.objects.filter(name__startswith="Образовательная").values_list("id", flat=True)
    )
    Unit.objects.bulk_create(
        Unit(organisation_id=o, name="Кафедра", kind=UnitKind.DEPARTMENT) for o in organisations
    )
    unit_of = dict(
        Unit.objects.filter(organisation_id__in=organisations).values_list("organisation_id", "id")
    )
    specialty_ids = list(Specialty.objects.order_by("code").values_list("id", flat=True))
    started = time.perf_counter()
    programmes = []
    for i in range(PROGRAMMES):
        organisation = rng.choice(organisations)
        title = f"{rng.choice(ANGLES).capitalize()} {rng.choice(TOPICS)} ({i})"
        kind = (
            ProgrammeKind.QUALIFICATION_UPGRADE
            if rng.random() < 0.8
            else ProgrammeKind.PROFESSIONAL_RETRAINING
        )
        programmes.append(
            Programme(
                organisation_id=organisation,
                unit_id=unit_of[organisation],
                kind=kind,
                title=title,
                title_search=search_key(title),
                hours=rng.choice([18, 36, 72, 144])
                if kind == ProgrammeKind.QUALIFICATION_UPGRADE
                else rng.choice([252, 504]),
                remote_share_percent=rng.choice([0, 0, 30, 50, 70, 100, 100]),
                attestation_form=AttestationForm.EXAM,
                attestation_hours=2,
                published=i < PUBLISHED,
                summary="Программа для бенчмарка каталога.",
                price=rng.choice([None, 9_500, 12_000, 25_000, 48_000]),
                by_certificate=rng.random() < 0.4,
            )
        )
    with transaction.atomic():
        created = Programme.objects.bulk_create(programmes, batch_size=2000)
        through = Programme.specialties.through
        through.objects.bulk_create(
            (
                through(programme_id=programme.pk, specialty_id=s)
                for programme in created
                for s in set(rng.sample(specialty_ids, rng.randint(1, 2)))
            ),
            batch_size=5000,
        )
        cohorts = []
        for programme in created:
            for _ in range(rng.randint(1, 4)):
                starts_on = today + timedelta(days=rng.randrange(-730, 365))
                ends_on = starts_on + timedelta(days=rng.choice([6, 13, 27, 90]))
                upcoming = starts_on >= today
                cohorts.append(
                    Cohort(
                        programme_id=programme.pk,
                        unit_id=programme.unit_id,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        attestation_date=ends_on,
                        place=AttestationPlace.ORGANISATION,
                        regulation_version=version,
                        seats=rng.randint(10, 40) if upcoming and rng.random() < 0.8 else None,
                    )
                )
        created_cohorts = Cohort.objects.bulk_create(cohorts, batch_size=5000)
        User.objects.bulk_create(
            (
                User(email=f"learner{i}@bench.example.ru", last_name=f"Слушатель {i}")
                for i in range(LEARNERS)
            ),
            batch_size=5000,
        )
        learners = list(
            User.objects.filter(email__endswith="@bench.example.ru").values_list("id", flat=True)
        )
        pairs = set()
        while len(pairs) < ENROLMENTS:
            pairs.add((rng.choice(created_cohorts).pk, rng.choice(learners)))
        Enrolment.objects.bulk_create(
            (Enrolment(cohort_id=c, learner_id=u) for c, u in pairs), batch_size=5000
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    print(
        f"  inserted {PROGRAMMES:,} programmes, {len(created_cohorts):,} cohorts, "
        f"{ENROLMENTS:,} enrolments in {time.perf_counter() - started:.1f} s"
    )


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
    from django.utils import timezone

    from nmo.catalog.models import Activity
    from nmo.catalog.selectors import catalogue_page
    from nmo.catalog.types import CatalogueFilters
    from nmo.programmes.models import Programme
    from nmo.programmes.selectors import catalogue_programmes_page
    from nmo.programmes.types import ProgrammeCatalogueFilters

    # Only what the catalogue needs: other apps may be mid-change in the tree.
    for app in ("core", "accounts", "catalog", "regulations", "programmes"):
        call_command("migrate", app, verbosity=0)
    if not reuse or not Activity.objects.exists():
        print("Filling …")
        fill()
    if not reuse or not Programme.objects.exists():
        fill_programmes()
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
    programme_cases: list[tuple[str, ProgrammeCatalogueFilters, int]] = [
        ("programmes: no filter, page 1", ProgrammeCatalogueFilters(), 1),
        ("programmes: no filter, page 50", ProgrammeCatalogueFilters(), 50),
        ("programmes: specialty 31.08.36", ProgrammeCatalogueFilters(specialty="31.08.36"), 1),
        ("programmes: q='КАРДИОлогии'", ProgrammeCatalogueFilters(q="КАРДИОлогии"), 1),
        (
            "programmes: kind=ПП, online",
            ProgrammeCatalogueFilters(kind="professional_retraining", format="online"),
            1,
        ),
        (
            "programmes: dates next month",
            ProgrammeCatalogueFilters(
                date_from=timezone.localdate() + timedelta(days=30),
                date_to=timezone.localdate() + timedelta(days=60),
            ),
            1,
        ),
    ]
    if args.explain:
        from django.test.utils import CaptureQueriesContext

        prefix = "EXPLAIN QUERY PLAN " if args.sqlite else "EXPLAIN ANALYZE "
        for label, pfilters, page_no in programme_cases:
            with CaptureQueriesContext(connection) as captured:
                catalogue_programmes_page(filters=pfilters, page=page_no)
            for query in captured.captured_queries:
                print(f"\n=== {label}\n{query['sql'][:400]}")
                with connection.cursor() as cursor:
                    cursor.execute(prefix + query["sql"])
                    for row in cursor.fetchall():
                        print("   ", row[-1])
    print()
    for label, pfilters, page_no in programme_cases:
        presult = catalogue_programmes_page(filters=pfilters, page=page_no)

        def run_programmes(f: ProgrammeCatalogueFilters = pfilters, n: int = page_no) -> None:
            page = catalogue_programmes_page(filters=f, page=n)
            for programme in page.items:  # what a page renders
                _ = (
                    programme.organisation.name,
                    [s.code for s in programme.specialties.all()],
                    [(c.starts_on, c.seats_left) for c in programme.open_cohorts],
                )

        samples, floors, counts = timed_interleaved(
            run_programmes, floor, count_floor, runs=args.runs
        )
        p50, p95 = p(samples, 0.5), p(samples, 0.95)
        floor_p95, count_p95 = p(floors, 0.95), p(counts, 0.95)
        limit = min(TARGET_MS, TARGET_FLOOR_FACTOR * (floor_p95 + count_p95))
        ok = p95 <= limit
        failed += not ok
        verdict = "—" if args.sqlite else ("PASS" if ok else "FAIL")
        print(
            f"{label + ' [selector]':44} {presult.total:>6} {p50:>7.2f} {p95:>7.2f} "
            f"{floor_p95:>6.2f} {p95 / floor_p95:>7.1f} {count_p95:>7.2f} {limit:>6.1f}  {verdict}"
        )
    print()
    for label, params in (
        ("HTML page /catalogue/ (Все)", {}),
        ("HTML page ?kind=programme", {"kind": "programme"}),
        ("HTML page ?q=кардиологии", {"q": "кардиологии"}),
        ("HTML page ?specialty=31.08.36", {"specialty": "31.08.36"}),
    ):

        def run_page(params: dict[str, str] = params) -> None:
            response = client.get("/catalogue/", params)
            assert response.status_code == 200

        samples, floors, counts = timed_interleaved(run_page, floor, count_floor, runs=args.runs)
        p50, p95 = p(samples, 0.5), p(samples, 0.95)
        ok = p95 <= TARGET_PAGE_MS
        failed += not ok
        verdict = "—" if args.sqlite else ("PASS" if ok else "FAIL")
        print(
            f"{label + ' [page]':44} {'':>6} {p50:>7.2f} {p95:>7.2f} "
            f"{p(floors, 0.95):>6.2f} {p95 / p(floors, 0.95):>7.1f} {p(counts, 0.95):>7.2f} "
            f"{TARGET_PAGE_MS:>6.1f}  {verdict}"
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
