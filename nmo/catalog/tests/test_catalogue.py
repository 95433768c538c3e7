"""The public catalogue: list_catalogue and catalogue_page (faq-only-listed,
faq-join-steps step 4, faq-catalogue-providers)."""

import datetime

import pytest
from django.db import connection

from nmo.catalog.rules import search_key
from nmo.catalog.selectors import catalogue_page, list_catalogue
from nmo.catalog.services import decide_activity
from nmo.catalog.tests.factories import ActivityFactory, ProviderFactory
from nmo.catalog.types import CatalogueFilters

pytestmark = pytest.mark.django_db

D = datetime.date


def titles(filters: CatalogueFilters | None = None, page: int = 1) -> list[str]:
    return [a.title for a in catalogue_page(filters=filters, page=page).items]


@pytest.mark.clause("faq-only-listed", "faq-catalogue-providers")
def test_only_accredited_activities_are_in_the_catalogue(expert, cardiology):
    """Submitted and rejected applications never appear; an application appears once the
    commission accredits it, with its credits (faq-only-listed, faq-catalogue-providers)."""
    ActivityFactory(title="Подана", specialties=[cardiology])
    ActivityFactory(title="Отклонена", rejected=True, specialties=[cardiology])
    ActivityFactory(title="Аккредитована", accredited=True, specialties=[cardiology])
    pending = ActivityFactory(title="Ждёт решения", specialties=[cardiology])

    assert titles() == ["Аккредитована"]
    assert catalogue_page().total == 1

    decide_activity(actor=expert, activity=pending, decision="accredited", credits=6, comment="")

    page = catalogue_page()
    assert sorted(a.title for a in page.items) == ["Аккредитована", "Ждёт решения"]
    assert {a.title: a.credits for a in page.items}["Ждёт решения"] == 6
    assert all(a.status == "accredited" and a.credits for a in list_catalogue())


@pytest.mark.clause("faq-join-steps")
def test_the_kind_filter_gives_the_events_and_the_modules_catalogues(cardiology):
    """Step 4 of taking part: the specialist picks from the published catalogues
    «Мероприятия» (events) and «Модули» (e-modules) — the kind filter (faq-join-steps)."""
    ActivityFactory(title="Конференция", accredited=True, specialties=[cardiology])
    ActivityFactory(title="Модуль", accredited=True, module=True, specialties=[cardiology])

    assert titles(CatalogueFilters(kind="event")) == ["Конференция"]
    assert titles(CatalogueFilters(kind="module")) == ["Модуль"]
    assert sorted(titles()) == ["Конференция", "Модуль"]


def test_the_specialty_filter_keeps_activities_listing_that_specialty(cardiology, neurology):
    """Filtering by a specialty code keeps the activities for that specialty, also those
    with several specialties, each listed once."""
    ActivityFactory(title="Кардио", accredited=True, specialties=[cardiology])
    ActivityFactory(title="Нейро", accredited=True, specialties=[neurology])
    ActivityFactory(title="Обе", accredited=True, specialties=[cardiology, neurology])

    assert sorted(titles(CatalogueFilters(specialty="31.08.36"))) == ["Кардио", "Обе"]
    assert catalogue_page(filters=CatalogueFilters(specialty="31.08.36")).total == 2
    assert titles(CatalogueFilters(specialty="00.00.00")) == []


def test_the_format_filter(cardiology):
    ActivityFactory(title="Очно", accredited=True, specialties=[cardiology])
    ActivityFactory(
        title="Вебинар", accredited=True, format="online", location="", specialties=[cardiology]
    )

    assert titles(CatalogueFilters(format="online")) == ["Вебинар"]
    assert titles(CatalogueFilters(format="in_person")) == ["Очно"]


def test_dates_keep_the_activities_overlapping_the_period(cardiology):
    """date_from/date_to keep what runs at some time in the period: an activity ending on
    the first day or starting on the last day is in; one ending the day before or
    starting the day after is out."""
    period = CatalogueFilters(date_from=D(2026, 3, 10), date_to=D(2026, 3, 20))
    for title, starts_on, ends_on in [
        ("Заканчивается накануне", D(2026, 3, 1), D(2026, 3, 9)),
        ("Заканчивается в первый день", D(2026, 3, 1), D(2026, 3, 10)),
        ("Внутри", D(2026, 3, 12), D(2026, 3, 13)),
        ("Охватывает период", D(2026, 1, 1), D(2026, 12, 31)),
        ("Начинается в последний день", D(2026, 3, 20), D(2026, 3, 25)),
        ("Начинается на следующий день", D(2026, 3, 21), D(2026, 3, 21)),
    ]:
        ActivityFactory(
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            accredited=True,
            specialties=[cardiology],
        )

    assert sorted(titles(period)) == [
        "Внутри",
        "Заканчивается в первый день",
        "Начинается в последний день",
        "Охватывает период",
    ]
    assert len(titles(CatalogueFilters(date_from=D(2026, 3, 21)))) == 3
    assert len(titles(CatalogueFilters(date_to=D(2026, 3, 9)))) == 3


@pytest.mark.parametrize("q", ["кардио", "КАРДИО", "Кардиология", "  кардиология  ", "РДИОЛ"])
def test_title_search_ignores_case_also_in_cyrillic(cardiology, q):
    """The title search ignores case for Cyrillic on SQLite as on PostgreSQL: it matches
    the folded title (title_search) against the folded query."""
    ActivityFactory(title="Школа «Кардиология для терапевтов»", accredited=True)
    ActivityFactory(title="Неврология сегодня", accredited=True)

    assert titles(CatalogueFilters(q=q)) == ["Школа «Кардиология для терапевтов»"]


def test_title_search_reads_yo_as_ye_and_treats_like_wildcards_literally(cardiology):
    """«ё» and «е» are the same letter to the search, and «%» or «_» typed by a user are
    plain characters, not SQL wildcards."""
    ActivityFactory(title="Ёмкие алгоритмы неотложной помощи", accredited=True)
    ActivityFactory(title="Скидка 100% на всё", accredited=True)
    ActivityFactory(title="Ещё одна конференция", accredited=True)

    assert titles(CatalogueFilters(q="емкие")) == ["Ёмкие алгоритмы неотложной помощи"]
    assert titles(CatalogueFilters(q="ЁМКИЕ")) == ["Ёмкие алгоритмы неотложной помощи"]
    assert titles(CatalogueFilters(q="100%")) == ["Скидка 100% на всё"]
    assert titles(CatalogueFilters(q="_")) == []
    assert search_key("ЕЩЁ") == "еще"


def test_filters_combine(cardiology, neurology):
    ActivityFactory(title="Кардио-модуль", accredited=True, module=True, specialties=[cardiology])
    ActivityFactory(title="Кардио-школа", accredited=True, specialties=[cardiology])
    ActivityFactory(title="Нейро-модуль", accredited=True, module=True, specialties=[neurology])

    assert titles(CatalogueFilters(kind="module", specialty="31.08.36", q="кардио")) == [
        "Кардио-модуль"
    ]


def test_the_catalogue_pages_by_20_newest_dates_first(cardiology):
    """20 activities per page, latest start first (ties by newest id); a page past the
    last one is empty, not an error, and still gives the total."""
    provider = ProviderFactory()
    for n in range(45):
        ActivityFactory(
            title=f"Мероприятие {n:02d}",
            provider=provider,
            starts_on=D(2026, 1, 1) + datetime.timedelta(days=n // 2),
            accredited=True,
            specialties=[cardiology],
        )

    first, third, beyond = (catalogue_page(page=n) for n in (1, 3, 4))

    assert first.total == third.total == beyond.total == 45
    assert first.num_pages == 3
    assert len(first.items) == 20
    assert [a.title for a in first.items[:3]] == [
        "Мероприятие 44",
        "Мероприятие 43",
        "Мероприятие 42",
    ]
    assert [a.title for a in third.items] == [f"Мероприятие {n:02d}" for n in range(4, -1, -1)]
    assert beyond.items == []
    with pytest.raises(ValueError, match="start at 1"):
        catalogue_page(page=0)


def test_a_page_costs_three_queries_whatever_its_length(
    cardiology, neurology, django_assert_max_num_queries
):
    """The rows of a page come in one query with their provider joined, their specialties
    in one more, plus the count: not one query per row. A specialty filter adds one
    lookup of its code."""
    for n in range(25):
        ActivityFactory(
            title=f"Мероприятие {n}",
            provider=ProviderFactory(),
            accredited=True,
            specialties=[cardiology, neurology],
        )

    def render(filters: CatalogueFilters) -> list[tuple[str, str, list[str]]]:
        page = catalogue_page(filters=filters)
        return [
            (a.title, a.provider.name, [s.code for s in a.specialties.all()]) for a in page.items
        ]

    with django_assert_max_num_queries(3):
        rendered = render(CatalogueFilters(q="мероприятие", kind="event"))
    with django_assert_max_num_queries(4):
        by_specialty = render(CatalogueFilters(specialty="31.08.36", q="мероприятие"))

    assert len(rendered) == len(by_specialty) == 20
    assert rendered[0][2] == ["31.08.36", "31.08.42"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_the_catalogue_queries_use_their_indexes_on_sqlite(cardiology):
    """EXPLAIN QUERY PLAN: the page is picked from the (status, starts_on, id) index, the
    kind filter from (status, kind, starts_on, id), a period is counted from (status,
    ends_on, starts_on). (How the specialty filter is planned depends on the table's
    statistics; bench/bench_catalogue.py --sqlite --explain shows it on 100,000 rows.)"""
    ActivityFactory(accredited=True, specialties=[cardiology])

    def plan(filters: CatalogueFilters) -> str:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            catalogue_page(filters=filters)
        lines = []
        for query in captured.captured_queries:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                lines.extend(str(row[-1]) for row in cursor.fetchall())
        return "\n".join(lines)

    assert "activity_status_start_idx" in plan(CatalogueFilters())
    assert "activity_status_kind_idx" in plan(CatalogueFilters(kind="event"))
    assert "activity_status_end_idx" in plan(CatalogueFilters(date_from=D(2026, 1, 1)))


def _index_definition(name: str) -> str:
    """PostgreSQL's CREATE INDEX statement of one of the activity table's indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'catalog_activity' "
            "AND indexname = %s",
            [name],
        )
        (definition,) = cursor.fetchone()
    return str(definition)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_has_the_trigram_index_for_title_search():
    """Migration 0005 adds a pg_trgm GIN index on title_search on PostgreSQL only, so the
    title search does not read the whole table (ADR 0201, catalogue queries)."""
    assert "gin (title_search gin_trgm_ops)" in _index_definition("activity_title_trgm_idx")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_a_combined_filter_counts_on_the_covering_index_alone():
    """Migration 0006 makes `activity_id_status_idx` carry the other filters' columns on
    PostgreSQL, so a specialty combined with a kind and dates is counted by probing the
    index, never the table (ADR 0614: 73 → 18 ms at the national size)."""
    definition = _index_definition("activity_id_status_idx")

    assert "(id, status) INCLUDE (kind, format, starts_on, ends_on)" in definition
