"""Reversals under real concurrency on PostgreSQL: an entry is reversed once, although
`reverse_entry` reads the original without a row lock (the application's role may not
lock ledger rows, ADR 0023) — the unique `reverses` column lets one reversal in."""

import pytest
from django.db import connection

from nmo.accounts.services import add_user
from nmo.codes.tests.factories import accredited_event, make_specialist, provider_staff
from nmo.cycles.exceptions import EntryAlreadyReversed
from nmo.cycles.models import CreditEntry
from nmo.cycles.services import post_credit, reverse_entry
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_eight_administrators_reverse_one_entry_at_once():
    """8 administrators reverse the same entry at the same moment: one reversal is
    written, the 7 others are told it is already reversed."""
    staff = provider_staff("reversal-provider@example.ru", "Общество кардиологов")
    activity = accredited_event(submitted_by=staff)
    specialist = make_specialist("reversal@example.ru")
    entry = post_credit(
        specialist=specialist, activity=activity, source="code", occurred_on=activity.ends_on
    )
    admins = [
        add_user(email=f"admin{i}@example.ru", password="x" * 12, role="admin") for i in range(8)
    ]

    results = race(8, lambda i: reverse_entry(actor=admins[i], entry=entry, reason="Ошибка"))

    assert [outcome for outcome, _ in results].count("ok") == 1
    assert [type(v) for o, v in results if o == "error"] == [EntryAlreadyReversed] * 7
    assert CreditEntry.objects.filter(reverses=entry).count() == 1
