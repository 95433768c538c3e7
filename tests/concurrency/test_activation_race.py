"""Activation under real concurrency on PostgreSQL: a code is activated exactly once and a
specialist is credited for an event exactly once (faq-ikp-activation, faq-ikp-error).

Each thread opens its own database connection, waits at a barrier so that all of them
fire together, and closes its connections when done.
"""

from typing import Any

import pytest
from django.db import connection

from nmo.codes.exceptions import CodeAlreadyYours, CodeNotActivated
from nmo.codes.models import ConfirmationCode
from nmo.codes.services import activate_code
from nmo.codes.tests.factories import (
    accredited_event,
    issued_codes,
    make_specialist,
    provider_staff,
)
from nmo.core.models import AuditEntry
from nmo.cycles.models import CreditEntry
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def _generous_throttle(settings):  # type: ignore[no-untyped-def]
    settings.THROTTLE_ACTIVATION_FAILURES = 1000


@pytest.fixture
def event():  # type: ignore[no-untyped-def]
    staff = provider_staff("race-provider@example.ru", "Общество кардиологов")
    return staff, accredited_event(submitted_by=staff)


def errors_of(results: list[tuple[str, Any]]) -> list[type]:
    return [type(value) for outcome, value in results if outcome == "error"]


@pytest.mark.clause("faq-ikp-activation", "faq-ikp-error")
def test_one_code_sixteen_specialists_at_once(event):
    """16 specialists activate the same code at the same moment: exactly one succeeds,
    15 get CodeNotActivated, the ledger holds exactly one credit."""
    staff, activity = event
    code = issued_codes(staff, activity, 1)[0]
    specialists = [make_specialist(f"race{i}@example.ru") for i in range(16)]

    results = race(
        16,
        lambda i: activate_code(
            specialist=specialists[i], typed_code=code.value, ip=f"192.0.2.{i + 1}"
        ),
    )

    winners = [value for outcome, value in results if outcome == "ok"]
    assert len(winners) == 1
    assert errors_of(results) == [CodeNotActivated] * 15
    assert CreditEntry.objects.filter(activity=activity).count() == 1
    code.refresh_from_db()
    credited = CreditEntry.objects.get(activity=activity)
    assert code.activated_by_id == credited.specialist_id
    assert AuditEntry.objects.filter(action="code.activate").count() == 1


@pytest.mark.clause("faq-ikp-activation", "faq-ikp-error")
def test_one_specialist_eight_codes_of_one_event_at_once(event):
    """One specialist fires 8 different codes of the same event at once: one credit; the
    losers' claims are rolled back, so their 7 codes stay unused for their holders."""
    staff, activity = event
    codes = issued_codes(staff, activity, 8)
    specialist = make_specialist("greedy@example.ru")

    results = race(
        8,
        lambda i: activate_code(specialist=specialist, typed_code=codes[i].value, ip="192.0.2.1"),
    )

    assert [outcome for outcome, _ in results].count("ok") == 1
    assert errors_of(results) == [CodeNotActivated] * 7
    assert CreditEntry.objects.filter(specialist=specialist, activity=activity).count() == 1
    used = ConfirmationCode.objects.filter(activity=activity, activated_at__isnull=False)
    assert used.count() == 1
    assert used.get().activated_by_id == specialist.pk
    assert (
        ConfirmationCode.objects.filter(activity=activity, activated_at__isnull=True).count() == 7
    )


@pytest.mark.clause("faq-ikp-activation")
def test_double_submit_of_one_code_by_its_specialist(event):
    """The same specialist submits the same code 8 times at once (a double click): one
    activation, and the others are told kindly that the code is already theirs."""
    staff, activity = event
    code = issued_codes(staff, activity, 1)[0]
    specialist = make_specialist("clicker@example.ru")

    results = race(
        8, lambda i: activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.1")
    )

    assert [outcome for outcome, _ in results].count("ok") == 1
    assert errors_of(results) == [CodeAlreadyYours] * 7
    assert CreditEntry.objects.filter(specialist=specialist, activity=activity).count() == 1
