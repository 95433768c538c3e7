"""The country's data in PostgreSQL (issue 16, ADR 0601): specialists with cycles, the
credit ledger, confirmation codes, activities, qualification documents and the audit log,
at a scale factor of the national size.

    .venv/bin/python bench/scale/generate.py --scale 0.01 [--db nmo_bench_scale]

At scale 1: 2,000,000 specialists (each a cycle, one in five a second one), 50,000,000
ledger entries, 20,000,000 confirmation codes, 500,000 activities, 200,000 qualification
documents, 20,000,000 audit entries. Everything but the audit log is written by
`INSERT … SELECT … FROM generate_series` inside PostgreSQL (no ORM, no rows through
Python); the audit log goes through `COPY` from Python because each entry's hash is the
HMAC of the one before it (`nmo.core.chain`), computed by the project's own function so
that `verify_chain` accepts the whole log.

The database is created, migrated and given the demo data first (`load_demo`): its
organisations, programmes, cohorts, registers and staff are the templates the bulk rows
are cloned from, so every row satisfies the models' constraints and foreign keys. Foreign
-key triggers are off during the bulk load (`session_replication_role = replica`): the
rows are consistent by construction, and `check()` counts the orphans afterwards.

Prints the time of each step, then the database's, each table's and each index's size;
`--json` writes them to a file (run.py does).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DEFAULT_DB = "nmo_bench_scale"

#: The national figures at scale 1 (issue 16).
NATIONAL = {
    "specialists": 2_000_000,
    "ledger": 50_000_000,
    "codes": 20_000_000,
    "activities": 500_000,
    "documents": 200_000,
    "audit": 20_000_000,
}
#: Of a specialist's ledger entries (25 on average), how many came from codes: the codes
#: activated are 16M of the 20M issued; the other 4M were never activated.
CODE_ENTRIES_EACH = 8
SECOND_CYCLE_EVERY = 5  # one specialist in five has a second specialty's cycle
ACCREDITED_SHARE = 0.9  # the rest submitted or rejected: never in the catalogue
EVENT_SHARE = 0.6
#: The big organisation whose year the FRDO export measures gets half the documents, all
#: issued in that year (100,000 rows at scale 1).
FRDO_YEAR = 2025
SECRET = "bench-only-secret-key-not-for-production-0123456789"  # noqa: S105 - a throw-away database


def django_env(db: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"{PG_URL}/{db}"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", SECRET)
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning")


def counts_for(scale: float) -> dict[str, int]:
    return {name: max(1, round(n * scale)) for name, n in NATIONAL.items()}


class Steps:
    """Each step's wall time, printed as it ends."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def run(self, name: str, fn: Any, *args: Any) -> Any:
        started = time.perf_counter()
        result = fn(*args)
        took = time.perf_counter() - started
        self.times[name] = round(took, 2)
        rows = f" — {result:,} rows" if isinstance(result, int) else ""
        print(f"  {name:<34} {took:8.1f} s{rows}", flush=True)
        return result


def recreate(db: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def migrate_and_demo() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    os.environ["ALLOW_DEMO_DATA"] = "true"
    call_command("load_demo", "--force", stdout=io.StringIO())


def catalogue_words() -> tuple[list[str], list[str], list[str]]:
    """The catalogue bench's title vocabulary, so that its text searches mean the same."""
    import ast

    tree = ast.parse((ROOT / "bench" / "bench_catalogue.py").read_text())
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("TOPICS", "FORMS", "ANGLES"):
                found[name] = list(ast.literal_eval(node.value))
    return found["TOPICS"], found["FORMS"], found["ANGLES"]


SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
]  # fmt: skip
FIRST_NAMES = ["Анна", "Мария", "Елена", "Ольга", "Сергей", "Андрей", "Дмитрий", "Алексей"]
MIDDLE_NAMES = ["Ивановна", "Сергеевна", "Петровна", "Андреевич", "Олегович", "Юрьевич"]


class Loader:
    def __init__(self, db: str, counts: dict[str, int]) -> None:
        import psycopg

        self.conn = psycopg.connect(f"{PG_URL}/{db}", autocommit=True)
        self.n = counts
        self.conn.execute("SET session_replication_role = replica")  # no per-row FK triggers
        self.conn.execute("SET maintenance_work_mem = '512MB'")
        self.conn.execute("SET work_mem = '64MB'")

    def one(self, sql: str, params: Any = None) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def exec(self, sql: str, params: Any = None) -> int:
        return self.conn.execute(sql, params).rowcount

    # --- specialists and cycles ------------------------------------------------------

    def specialists(self) -> int:
        n = self.n["specialists"]
        rows = self.exec(
            """
            INSERT INTO accounts_user (password, is_superuser, email, last_name, first_name,
                middle_name, snils, phone, personal_data_consent_version, is_active, is_staff,
                date_joined, birth_date, sex, sex_inferred)
            SELECT '!', false, 'scale' || g || '@example.ru',
                   (%(surnames)s::text[])[1 + g %% 24] || CASE WHEN g %% 8 < 4 THEN 'а' ELSE '' END,
                   (%(first)s::text[])[1 + g %% 8], (%(middle)s::text[])[1 + g %% 6],
                   '8' || lpad(g::text, 10, '0'), '', '', true, false,
                   timestamptz '2021-01-01' + (g %% 1800) * interval '1 day',
                   date '1960-01-01' + (g * 7 %% 14000),
                   CASE WHEN g %% 8 < 4 THEN 'female' ELSE 'male' END, false
            FROM generate_series(1, %(n)s) AS g
            """,
            {"n": n, "surnames": SURNAMES, "first": FIRST_NAMES, "middle": MIDDLE_NAMES},
        )
        self.exec(
            """
            CREATE UNLOGGED TABLE scale_people AS
            SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id
            FROM accounts_user WHERE email LIKE 'scale%%@example.ru'
            """
        )
        self.exec("ALTER TABLE scale_people ADD PRIMARY KEY (idx)")
        self.exec(
            """
            INSERT INTO accounts_membership (created_at, updated_at, role, user_id, organisation_id)
            SELECT now(), now(), 'specialist', id, NULL FROM scale_people
            """
        )
        return rows

    def cycles(self) -> int:
        self.exec(
            """
            CREATE UNLOGGED TABLE scale_specialties AS
            SELECT (row_number() OVER (ORDER BY code) - 1)::int AS idx, id, code
            FROM catalog_specialty
            """
        )
        rule = self.one("SELECT id FROM cycles_cyclerule WHERE is_default")
        specialties = self.one("SELECT count(*) FROM scale_specialties")
        # Cycles started between 2021 and 2025 run five years; the main specialty of a
        # specialist is idx mod the nomenclature, a second one for every fifth.
        return self.exec(
            """
            INSERT INTO cycles_cycle (created_at, updated_at, starts_on, ends_on, specialist_id,
                                      specialty_id, rule_id)
            SELECT now(), now(), d.starts_on, (d.starts_on + interval '5 years')::date, p.id,
                   s.id, %(rule)s
            FROM scale_people p
            CROSS JOIN LATERAL (VALUES (0), (1)) AS c(nth)
            JOIN scale_specialties s
              ON s.idx = (p.idx * 7 + c.nth * 31) %% %(specialties)s
            CROSS JOIN LATERAL (SELECT date '2021-01-11' + (p.idx * 13 + c.nth * 200) %% 1800
                                AS starts_on) d
            WHERE c.nth = 0 OR p.idx %% %(every)s = 0
            """,
            {"rule": rule, "specialties": specialties, "every": SECOND_CYCLE_EVERY},
        )

    # --- activities ----------------------------------------------------------------------

    def activities(self) -> int:
        topics, forms, angles = catalogue_words()
        n = self.n["activities"]
        providers = max(20, n // 250)  # 2,000 providers at scale 1
        self.exec(
            """
            INSERT INTO accounts_organisation (created_at, updated_at, name, short_name, kind,
                                               inn, address, is_active)
            SELECT now(), now(), 'Провайдер НМО (масштаб) № ' || lpad(g::text, 5, '0'), '',
                   'provider', '', '', true
            FROM generate_series(1, %s) AS g
            ON CONFLICT (name) DO NOTHING
            """,
            [providers],
        )
        submitter = self.one(
            "SELECT id FROM accounts_user WHERE NOT is_superuser ORDER BY id LIMIT 1"
        )
        accredited = round(n * ACCREDITED_SHARE)
        rows = self.exec(
            """
            INSERT INTO catalog_activity (created_at, updated_at, kind, title, title_search,
                description, format, starts_on, ends_on, location, country, hours_requested,
                status, credits, decided_at, provider_id, submitted_by_id)
            SELECT now(), now(), t.kind, t.title, lower(replace(t.title, 'ё', 'е')), '',
                   CASE WHEN t.kind = 'module' OR g %% 2 = 0 THEN 'online' ELSE 'in_person' END,
                   t.starts_on,
                   t.starts_on + CASE WHEN t.kind = 'module'
                                      THEN (ARRAY[30, 90, 180, 365])[1 + g %% 4]
                                      ELSE (ARRAY[0, 0, 0, 1, 1, 2, 4])[1 + g %% 7] END,
                   CASE WHEN t.kind = 'event' AND g %% 2 = 1 THEN 'Москва' ELSE '' END, 'RU', 36,
                   CASE WHEN g <= %(accredited)s THEN 'accredited'
                        WHEN g %% 2 = 0 THEN 'submitted' ELSE 'rejected' END,
                   CASE WHEN g <= %(accredited)s THEN 1 + (g * 7) %% 36 END,
                   CASE WHEN g <= %(accredited)s THEN now() END,
                   o.id, %(submitter)s
            FROM generate_series(1, %(n)s) AS g
            CROSS JOIN LATERAL (
                SELECT CASE WHEN (g * 37) %% 100 < %(events)s THEN 'event' ELSE 'module' END
                         AS kind,
                       (%(forms)s::text[])[1 + (g * 3) %% cardinality(%(forms)s::text[])]
                       || ': ' ||
                       (%(angles)s::text[])[1 + (g * 5) %% cardinality(%(angles)s::text[])]
                       || ' ' ||
                       (%(topics)s::text[])[1 + (g * 11) %% cardinality(%(topics)s::text[])]
                         AS title,
                       date '2019-01-01' + ((g::bigint * 48271) %% 2921)::int AS starts_on) t
            JOIN (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS idx
                  FROM accounts_organisation WHERE name LIKE 'Провайдер НМО (масштаб)%%') o
              ON o.idx = g %% %(providers)s
            """,
            {
                "n": n,
                "accredited": accredited,
                "events": round(EVENT_SHARE * 100),
                "forms": forms,
                "angles": angles,
                "topics": topics,
                "submitter": submitter,
                "providers": providers,
            },
        )
        # 1–3 specialties each; three in ten of them among six common ones.
        self.exec(
            """
            INSERT INTO catalog_activity_specialties (activity_id, specialty_id)
            SELECT DISTINCT a.id, s.id
            FROM catalog_activity a
            CROSS JOIN generate_series(0, 2) AS k
            JOIN scale_specialties s ON s.idx = CASE
                 WHEN (a.id * 13 + k * 7) %% 10 < 3 THEN ((a.id + k) %% 6) * 17 %% %(n)s
                 ELSE (a.id * 31 + k * 17) %% %(n)s END
            WHERE k < 1 + a.id %% 3
              AND a.provider_id IN (SELECT id FROM accounts_organisation
                                    WHERE name LIKE 'Провайдер НМО (масштаб)%%')
            ON CONFLICT DO NOTHING
            """,
            {"n": self.one("SELECT count(*) FROM scale_specialties")},
        )
        for kind in ("event", "module"):
            self.exec(
                f"""
                CREATE UNLOGGED TABLE scale_{kind}s AS
                SELECT (row_number() OVER (ORDER BY a.id) - 1)::int AS idx, a.id, a.credits,
                       a.starts_on
                FROM catalog_activity a
                WHERE a.status = 'accredited' AND a.kind = %s
                  AND a.provider_id IN (SELECT id FROM accounts_organisation
                                        WHERE name LIKE 'Провайдер НМО (масштаб)%%')
                """,  # noqa: S608 - kind is one of two literals
                [kind],
            )
            self.exec(f"ALTER TABLE scale_{kind}s ADD PRIMARY KEY (idx)")
        return rows

    # --- codes and the ledger ------------------------------------------------------------

    def ledger_and_codes(self) -> int:
        people = self.n["specialists"]
        each = max(CODE_ENTRIES_EACH + 1, round(self.n["ledger"] / people))
        events = self.one("SELECT count(*) FROM scale_events")
        modules = self.one("SELECT count(*) FROM scale_modules")
        # A code's value from its number: 12 hex digits (a bijection: times an odd number,
        # well below 16^12), in the format AAAA-AAAAAAAA of the check constraint.
        self.exec(
            """
            CREATE OR REPLACE FUNCTION pg_temp.scale_code(n bigint) RETURNS text
            LANGUAGE sql IMMUTABLE AS $$
              SELECT substr(h, 1, 4) || '-' || substr(h, 5, 8)
              FROM (SELECT lpad(upper(to_hex(n * 9999991 + 68719476736)), 12, '0') AS h) x
            $$
            """
        )
        # The entries of one specialist: `codes` events confirmed by a code, then
        # e-modules; consecutive activities of a list, so never one twice (the lists are
        # longer than a specialist's entries at every scale but the smallest, where the
        # counts are cut to fit); in the specialist's main specialty, on days of the
        # cycle. The code entries' reference is the value of the code activated.
        codes = min(CODE_ENTRIES_EACH, events)
        each = codes + min(each - codes, modules)
        self.code_entries_each = codes
        self.exec(
            """
            CREATE UNLOGGED TABLE scale_entries AS
            SELECT p.idx AS pidx, p.id AS specialist_id, k,
                   CASE WHEN k < %(codes)s THEN e.id ELSE m.id END AS activity_id,
                   CASE WHEN k < %(codes)s THEN e.credits ELSE m.credits END AS hours,
                   c.specialty_id, c.starts_on + (k * 67 + p.idx) %% 1800 AS occurred_on,
                   (p.idx::bigint * %(codes)s + k) AS code_no
            FROM scale_people p
            CROSS JOIN generate_series(0, %(each)s - 1) AS k
            JOIN LATERAL (SELECT specialty_id, starts_on FROM cycles_cycle
                          WHERE specialist_id = p.id ORDER BY starts_on LIMIT 1) c ON true
            LEFT JOIN scale_events e
              ON k < %(codes)s AND e.idx = (p.idx * 7 + k) %% %(events)s
            LEFT JOIN scale_modules m
              ON k >= %(codes)s AND m.idx = (p.idx * 11 + k - %(codes)s) %% %(modules)s
            """,
            {"codes": codes, "each": each, "events": events, "modules": modules},
        )
        rows = self.exec(
            """
            INSERT INTO cycles_creditentry (created_at, source, hours, occurred_on, reference,
                reason, activity_id, created_by_id, reverses_id, specialist_id, specialty_id,
                kind, organisation_id, remote_hours, document_key, document_url,
                programme_title, source_portal, source_id, source_title)
            SELECT occurred_on + time '10:00',
                   CASE WHEN k < %(codes)s THEN 'code' ELSE 'module' END,
                   hours, occurred_on,
                   CASE WHEN k < %(codes)s THEN pg_temp.scale_code(code_no) ELSE '' END, '',
                   activity_id, NULL, NULL, specialist_id, specialty_id,
                   CASE WHEN k < %(codes)s THEN 'event' ELSE 'module' END, NULL, NULL,
                   '', '', '', '', '', ''
            FROM scale_entries ORDER BY specialist_id, k
            """,
            {"codes": codes},
        )
        activated = self.exec(
            """
            INSERT INTO codes_confirmationcode (value, issued_at, activated_at, activated_by_id,
                                                activity_id, participant_id)
            SELECT pg_temp.scale_code(code_no), occurred_on - interval '1 day',
                   occurred_on + time '10:00', specialist_id, activity_id, NULL
            FROM scale_entries WHERE k < %s
            """,
            [codes],
        )
        spare = max(0, self.n["codes"] - activated)
        start = people * codes
        self.exec(
            """
            INSERT INTO codes_confirmationcode (value, issued_at, activated_at, activated_by_id,
                                                activity_id, participant_id)
            SELECT pg_temp.scale_code(%(start)s + g), e.starts_on - interval '1 day', NULL, NULL,
                   e.id, NULL
            FROM generate_series(0, %(spare)s - 1) AS g
            JOIN scale_events e ON e.idx = g %% %(events)s
            """,
            {"start": start, "spare": spare, "events": events},
        )
        return rows

    # --- documents -------------------------------------------------------------------------

    def documents(self) -> int:
        n = self.n["documents"]
        template = self.one(
            "SELECT id FROM documents_qualificationdocument WHERE kind = "
            "'qualification_certificate' AND status = 'issued' ORDER BY id LIMIT 1"
        )
        enrolment, cohort, organisation, register = self.conn.execute(
            "SELECT d.enrolment_id, e.cohort_id, d.organisation_id, d.register_id "
            "FROM documents_qualificationdocument d JOIN programmes_enrolment e "
            "ON e.id = d.enrolment_id WHERE d.id = %s",
            [template],
        ).fetchone()
        # One cohort per month and year, cloned from the demo's cohort, holding the
        # learners of that month; the documents are issued at the cohort's end.
        self.exec(
            """
            CREATE UNLOGGED TABLE scale_cohorts AS
            SELECT (row_number() OVER (ORDER BY y, m) - 1)::int AS idx, y, m
            FROM generate_series(2021, 2026) AS y CROSS JOIN generate_series(1, 12) AS m
            """
        )
        cohort_columns = [
            r[0]
            for r in self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = "
                "'programmes_cohort' AND column_name NOT IN ('id', 'title', 'starts_on', "
                "'ends_on', 'attestation_date') ORDER BY ordinal_position"
            )
        ]
        cols = ", ".join(cohort_columns)
        self.exec(
            f"""
            INSERT INTO programmes_cohort (title, starts_on, ends_on, attestation_date, {cols})
            SELECT 'Группа (масштаб) ' || s.y || '-' || lpad(s.m::text, 2, '0'),
                   make_date(s.y, s.m, 1), make_date(s.y, s.m, 25), make_date(s.y, s.m, 25),
                   {", ".join("c." + c for c in cohort_columns)}
            FROM scale_cohorts s CROSS JOIN programmes_cohort c WHERE c.id = %s
            """,  # noqa: S608 - column names from the catalogue
            [cohort],
        )
        self.exec(
            """
            ALTER TABLE scale_cohorts ADD COLUMN id bigint;
            UPDATE scale_cohorts s SET id = c.id FROM programmes_cohort c
            WHERE c.title = 'Группа (масштаб) ' || s.y || '-' || lpad(s.m::text, 2, '0')
            """
        )
        # Half the documents in the FRDO year (the export measured), the rest spread
        # over 2021–2026; learner i is the specialist of index i * 7 mod the people.
        enrolment_columns = [
            r[0]
            for r in self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = "
                "'programmes_enrolment' AND column_name NOT IN ('id', 'cohort_id', "
                "'learner_id', 'diploma_number') ORDER BY ordinal_position"
            )
        ]
        ecols = ", ".join(enrolment_columns)
        people = self.n["specialists"]
        self.exec(
            """
            CREATE UNLOGGED TABLE scale_learners AS
            SELECT g, p.id AS learner_id, s.id AS cohort_id, s.y, s.m
            FROM generate_series(0, %(n)s - 1) AS g
            JOIN scale_people p ON p.idx = (g * 7) %% %(people)s
            JOIN scale_cohorts s ON s.idx = CASE WHEN g %% 2 = 0
                 THEN (%(year)s - 2021) * 12 + (g / 2) %% 12 ELSE g %% 72 END
            """,
            {"n": n, "people": people, "year": FRDO_YEAR},
        )
        self.exec(
            f"""
            INSERT INTO programmes_enrolment (cohort_id, learner_id, diploma_number, {ecols})
            SELECT l.cohort_id, l.learner_id, lpad(l.g::text, 7, '0'),
                   {", ".join("e." + c for c in enrolment_columns)}
            FROM scale_learners l CROSS JOIN programmes_enrolment e WHERE e.id = %s
            ON CONFLICT DO NOTHING
            """,  # noqa: S608 - column names from the catalogue
            [enrolment],
        )
        doc_columns = [
            r[0]
            for r in self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = "
                "'documents_qualificationdocument' AND column_name NOT IN ('id', 'number', "
                "'registration_number', 'holder_name', 'holder_search', 'period_from', "
                "'period_to', 'issued_on', 'verification_token', 'enrolment_id', "
                "'created_at', 'updated_at') ORDER BY ordinal_position"
            )
        ]
        dcols = ", ".join(doc_columns)
        start = self.one(
            "SELECT next_number FROM documents_documentregister WHERE id = %s", [register]
        )
        rows = self.exec(
            f"""
            INSERT INTO documents_qualificationdocument (number, registration_number,
                holder_name, holder_search, period_from, period_to, issued_on,
                verification_token, enrolment_id, created_at, updated_at, {dcols})
            SELECT %(start)s + x.rn - 1, 'ПК-' || (%(start)s + x.rn - 1),
                   x.holder, lower(replace(x.holder, 'ё', 'е')),
                   x.starts_on, x.ends_on, x.ends_on,
                   md5('scale-document-' || x.enrolment_id), x.enrolment_id,
                   x.ends_on + time '12:00', x.ends_on + time '12:00',
                   {", ".join("d." + c for c in doc_columns)}
            FROM (SELECT row_number() OVER (ORDER BY c.ends_on, e.id) AS rn, e.id AS enrolment_id,
                         c.starts_on, c.ends_on,
                         u.last_name || ' ' || u.first_name || ' ' || u.middle_name AS holder
                  FROM programmes_enrolment e
                  JOIN programmes_cohort c ON c.id = e.cohort_id
                  JOIN accounts_user u ON u.id = e.learner_id
                  WHERE c.title LIKE 'Группа (масштаб)%%') x
            CROSS JOIN documents_qualificationdocument d WHERE d.id = %(template)s
            """,  # noqa: S608 - column names from the catalogue
            {"start": start, "template": template},
        )
        self.exec(
            "UPDATE documents_documentregister SET next_number = next_number + %s WHERE id = %s",
            [rows, register],
        )
        self.organisation = organisation
        return rows

    # --- the audit log ---------------------------------------------------------------------

    def audit(self) -> int:
        """Append the entries to the demo's chain: place, previous hash and HMAC computed
        per entry by `nmo.core.chain.content_digest`, streamed through COPY."""
        from nmo.core.chain import content_digest

        n = self.n["audit"]
        seq, prev = self.conn.execute(
            "SELECT seq, entry_hash FROM core_auditentry ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        people = [
            (pid, f"{last} {first}")
            for pid, last, first in self.conn.execute(
                "SELECT p.id, u.last_name, u.first_name FROM scale_people p "
                "JOIN accounts_user u ON u.id = p.id ORDER BY p.idx"
            )
        ]
        actions = [
            ("codes.activate", "codes.confirmationcode"),
            ("cycles.credit", "cycles.creditentry"),
            ("accounts.login", "accounts.user"),
            ("cycles.plan_add", "cycles.planitem"),
            ("documents.issue", "documents.qualificationdocument"),
        ]
        # Six years of entries in time order, about 20M at scale 1.
        first = datetime(2021, 1, 1, tzinfo=UTC)
        step = timedelta(seconds=6 * 365 * 86400 / n)
        # The log is partitioned by month (ADR 0602): the months of the six years are
        # attached first, through the migration's own function.
        now = datetime.now(UTC)
        months = (now.year - first.year) * 12 + now.month - first.month + 2
        self.conn.execute(
            "SELECT core_auditentry_ensure_partitions(%s, %s)", [first.date(), months]
        )
        batch = 50_000
        written = 0
        with (
            self.conn.cursor() as cursor,
            cursor.copy(
                "COPY core_auditentry (created_at, actor_repr, action, object_type, object_id, "
                "object_repr, changes, ip, actor_id, entry_hash, prev_hash, seq) FROM STDIN"
            ) as copy,
        ):
            for i in range(n):
                seq += 1
                actor_id, actor_repr = people[(i * 7919) % len(people)]
                action, object_type = actions[i % len(actions)]
                values = {
                    "seq": seq,
                    "created_at": first + step * i,
                    "actor_id": actor_id,
                    "actor_repr": actor_repr,
                    "action": action,
                    "object_type": object_type,
                    "object_id": str(i + 1),
                    "object_repr": f"№ {i + 1}",
                    "changes": {"hours": 1 + i % 36},
                    "ip": f"10.{i % 250}.{(i // 250) % 250}.{1 + i % 200}",
                }
                digest = content_digest(values, prev)
                copy.write_row(
                    (
                        values["created_at"],
                        actor_repr,
                        action,
                        object_type,
                        values["object_id"],
                        values["object_repr"],
                        json.dumps(values["changes"]),
                        values["ip"],
                        actor_id,
                        digest,
                        prev,
                        seq,
                    )
                )
                prev = digest
                written += 1
                last_at = values["created_at"]
                if written % batch == 0:
                    print(f"    audit {written:,}/{n:,}", end="\r", flush=True)
        if written:
            # The trigger that moves the chain's end (ADR 0609) does not fire while the load
            # runs as a replica: the end is set here, or the next append would take a place
            # the COPY already filled (a fork that `verify_chain` reports).
            self.conn.execute(
                "INSERT INTO core_auditchainhead (id, seq, entry_hash, created_at) "
                "VALUES (1, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, "
                "entry_hash = EXCLUDED.entry_hash, created_at = EXCLUDED.created_at",
                [seq, prev, last_at],
            )
        return written

    def finish(self) -> None:
        for table in ("scale_entries", "scale_learners", "scale_cohorts", "scale_events",
                      "scale_modules", "scale_specialties", "scale_people"):  # fmt: skip
            self.exec(f"DROP TABLE IF EXISTS {table}")
        self.exec("SET session_replication_role = DEFAULT")
        self.exec("VACUUM ANALYZE")

    def check(self) -> dict[str, int]:
        """Orphans and broken invariants that the skipped foreign-key triggers would have
        caught, and the ledger/code agreement: all must be 0."""
        checks = {
            "ledger rows without specialist": "SELECT count(*) FROM cycles_creditentry c "
            "LEFT JOIN accounts_user u ON u.id = c.specialist_id WHERE u.id IS NULL",
            "ledger rows without activity": "SELECT count(*) FROM cycles_creditentry c "
            "LEFT JOIN catalog_activity a ON a.id = c.activity_id "
            "WHERE c.activity_id IS NOT NULL AND a.id IS NULL",
            "code credits without their code": "SELECT count(*) FROM cycles_creditentry c "
            "LEFT JOIN codes_confirmationcode k ON k.value = c.reference "
            "AND k.activated_by_id = c.specialist_id AND k.activity_id = c.activity_id "
            "WHERE c.source = 'code' AND k.id IS NULL",
            "activated codes without credit": "SELECT (SELECT count(*) FROM "
            "codes_confirmationcode WHERE activated_at IS NOT NULL) - (SELECT count(*) "
            "FROM cycles_creditentry WHERE source = 'code')",
            "specialists without a cycle": "SELECT count(*) FROM accounts_user u "
            "WHERE u.email LIKE 'scale%%' AND NOT EXISTS (SELECT 1 FROM cycles_cycle c "
            "WHERE c.specialist_id = u.id)",
            "documents without enrolment": "SELECT count(*) FROM "
            "documents_qualificationdocument d LEFT JOIN programmes_enrolment e "
            "ON e.id = d.enrolment_id WHERE e.id IS NULL",
            "audit places not 1..n": "SELECT count(*) - max(seq) FROM core_auditentry",
            "audit chain end behind the log": "SELECT max(seq) - (SELECT seq FROM "
            "core_auditchainhead WHERE id = 1) FROM core_auditentry",
        }
        return {name: int(self.one(sql)) for name, sql in checks.items()}


def sizes(db: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(f"{PG_URL}/{db}") as conn:
        database = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        tables = conn.execute(
            """
            SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid),
                   pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
            ORDER BY pg_total_relation_size(c.oid) DESC
            """
        ).fetchall()
        indexes = conn.execute(
            """
            SELECT t.relname, i.relname, pg_relation_size(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' ORDER BY pg_relation_size(i.oid) DESC
            """
        ).fetchall()
    return {
        "database_bytes": database,
        "tables": [
            {"table": t, "rows": r, "table_bytes": tb, "index_bytes": ib, "total_bytes": tot}
            for t, r, tb, ib, tot in tables
        ],
        "indexes": [{"table": t, "index": i, "bytes": b} for t, i, b in indexes],
    }


def human(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def print_sizes(info: dict[str, Any], top: int = 15) -> None:
    print(f"\nDatabase size: {human(info['database_bytes'])}")
    print(f"{'table':40} {'rows':>12} {'table':>10} {'indexes':>10} {'total':>10}")
    for t in info["tables"][:top]:
        print(
            f"{t['table']:40} {t['rows']:>12,} {human(t['table_bytes']):>10} "
            f"{human(t['index_bytes']):>10} {human(t['total_bytes']):>10}"
        )
    print(f"\n{'index':60} {'size':>10}")
    for i in info["indexes"][: top * 2]:
        print(f"{i['index'][:60]:60} {human(i['bytes']):>10}")


def generate(
    scale: float, db: str, resume: str = "", previous: dict[str, float] | None = None
) -> dict[str, Any]:
    django_env(db)
    counts = counts_for(scale)
    print(
        f"Generating scale {scale:g} into {db}: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )
    steps = Steps()
    loader: Loader | None = None

    def bulk(name: str) -> Any:
        nonlocal loader
        if loader is None:
            import django

            django.setup()
            loader = Loader(db, counts)
        return getattr(loader, name)()

    plan: list[tuple[str, Any, tuple[Any, ...]]] = [
        ("create database", recreate, (db,)),
        ("migrate + demo data", migrate_and_demo, ()),
        ("specialists (+ roles)", bulk, ("specialists",)),
        ("cycles", bulk, ("cycles",)),
        ("activities (+ specialties)", bulk, ("activities",)),
        ("ledger + confirmation codes", bulk, ("ledger_and_codes",)),
        ("enrolments + documents", bulk, ("documents",)),
        ("audit log (HMAC chain, COPY)", bulk, ("audit",)),
        ("vacuum analyze", bulk, ("finish",)),
    ]
    names = [name for name, _, _ in plan]
    # `resume`: after a failed step, go on from it on the same database (the earlier
    # steps' times are read back from the previous run's figures when given).
    first = names.index(resume) if resume else 0
    if previous:
        steps.times.update({k: v for k, v in previous.items() if names.index(k) < first})
    for name, fn, args in plan[first:]:
        steps.run(name, fn, *args)
    assert loader is not None
    load_seconds = round(sum(steps.times.values()), 1)
    problems = loader.check()
    loader.conn.close()
    print(f"  load total: {load_seconds} s")
    print("  consistency: " + ", ".join(f"{k}: {v}" for k, v in problems.items()))
    info = sizes(db)
    print_sizes(info)
    return {
        "scale": scale,
        "database": db,
        "counts": counts,
        "steps_seconds": steps.times,
        "load_seconds": load_seconds,
        "consistency": problems,
        **info,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01, help="fraction of the national size")
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--resume", default="", help="go on from this step (same database)")
    parser.add_argument(
        "--previous", default="", help="step times already spent, as JSON (with --resume)"
    )
    args = parser.parse_args()
    previous = json.loads(args.previous) if args.previous else None
    result = generate(args.scale, args.db, args.resume, previous)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    return 1 if any(result["consistency"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
