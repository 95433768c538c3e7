"""The ledger's rules in SQL (nmo/cycles/sql.py, used by the code activation's one
statement on PostgreSQL) agree with their Python originals, case by case.

PostgreSQL only: the SQL is PostgreSQL's (CI fails if these are skipped there).
"""

from datetime import date

import pytest
from django.db import connection

from nmo.catalog.models import Activity, Specialty
from nmo.cycles import sql as ledger_sql
from nmo.cycles.models import Cycle
from nmo.cycles.selectors import default_rule
from nmo.cycles.services.ledger import _specialty_for, credit_refusal
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db

ON = date(2025, 10, 2)


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the SQL twins are PostgreSQL's")


def _sql_choice(specialist, activity: Activity) -> int | None:  # type: ignore[no-untyped-def]
    sql, params = ledger_sql.chosen_specialty(
        specialist_id=specialist.pk, activity="%s", on="%s::date"
    )
    # The subquery's placeholders, in order: the specialist, the activity, the date twice.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [*params, activity.pk, ON, ON])
        row = cursor.fetchone()
    return row[0] if row else None


def _cycle(specialist, specialty: Specialty, starts_on: date, ends_on: date) -> None:  # type: ignore[no-untyped-def]
    Cycle.objects.create(
        specialist=specialist,
        specialty=specialty,
        rule=default_rule(),
        starts_on=starts_on,
        ends_on=ends_on,
    )


COVERING = (date(2025, 1, 1), date(2029, 12, 31))
EARLIER = (date(2019, 1, 1), date(2023, 12, 31))


@pytest.mark.clause("faq-ikp-activation")
@pytest.mark.parametrize(
    "cycles",
    [
        {},
        {"31.08.49": [COVERING]},
        {"31.08.49": [EARLIER]},
        {"31.08.36": [EARLIER], "31.08.49": [COVERING]},
        {"31.08.36": [COVERING], "31.08.49": [COVERING]},
        {"31.08.36": [EARLIER], "31.08.49": [EARLIER]},
        {"31.08.36": [EARLIER, COVERING]},
        {"31.08.02": [COVERING]},  # a cycle in a specialty the event does not carry
    ],
    ids=[
        "none",
        "covering",
        "earlier",
        "covering-beats-earlier",
        "tie",
        "earlier-tie",
        "two-cycles",
        "other-specialty",
    ],
)
def test_the_sql_specialty_choice_is_the_rules(specialist, cycles):  # type: ignore[no-untyped-def]
    """An activation books its credits under the specialty `rules.choose_specialty` picks:
    a cycle including the date first, then any cycle, then the first by name."""
    event = factories.event(specialties=[factories.THERAPY, factories.CARDIOLOGY])
    for code, spans in cycles.items():
        specialty = factories.specialty(code)
        for starts_on, ends_on in spans:
            _cycle(specialist, specialty, starts_on, ends_on)
    assert _sql_choice(specialist, event) == _specialty_for(specialist, event, ON)


def test_the_sql_specialty_choice_breaks_ties_by_name_not_by_id(specialist):  # type: ignore[no-untyped-def]
    """With no cycle, the first specialty by name wins, not the first created. (The name
    is compared in code-point order, `COLLATE "C"`, as Python sorts; on this database's
    collation the two agree, so that part is stated, not proven, here.)"""
    later_by_name = Specialty.objects.create(code="99.99.01", name="Ягоды")
    first_by_name = Specialty.objects.create(code="99.99.02", name="Абрикосы")
    event = factories.event()
    event.specialties.set([later_by_name, first_by_name])
    assert _specialty_for(specialist, event, ON) == first_by_name.pk
    assert _sql_choice(specialist, event) == first_by_name.pk


def _sql_creditable(activity: Activity) -> bool:
    condition, params = ledger_sql.creditable_activity("a")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM catalog_activity a WHERE a.id = %s AND {condition})",  # noqa: S608
            [activity.pk, *params],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


@pytest.mark.clause("faq-only-listed", "faq-foreign")
@pytest.mark.parametrize("foreign_allowed", [False, True])
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"status": "rejected", "credits": None},
        {"status": "submitted", "credits": None},
        {"credits": 1},
        {"country": "DE"},
        {"country": "de"},
        {"country": "ru"},
        {"country": ""},
    ],
    ids=[
        "accredited",
        "rejected",
        "submitted",
        "one-credit",
        "abroad",
        "abroad-lower",
        "home-lower",
        "no-country",
    ],
)
def test_the_sql_credit_condition_is_the_rules(changes, foreign_allowed):  # type: ignore[no-untyped-def]
    """An activity earns credits in the one statement exactly when `post_credit` would
    credit it: accredited (the database keeps credits above zero for those, none for the
    rest), held at home or abroad while the policy allows."""
    factories.set_foreign_credits(allowed=foreign_allowed)
    event = factories.event()
    Activity.objects.filter(pk=event.pk).update(**changes)
    event.refresh_from_db()
    assert _sql_creditable(event) == (credit_refusal(event) is None)


def test_an_activity_without_specialties_earns_nothing_in_sql():  # type: ignore[no-untyped-def]
    """With no specialty to book the credits under, `post_credit` refuses; so does SQL."""
    event = factories.event()
    event.specialties.clear()
    assert _sql_creditable(event) is False
