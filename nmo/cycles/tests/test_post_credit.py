"""post_credit: only catalogue activities carry credits, once, under a chosen specialty."""

from datetime import date

import pytest

from nmo.catalog.models import ActivityStatus
from nmo.core.models import AuditEntry
from nmo.cycles.exceptions import ActivityNotInCatalogue, AlreadyCredited
from nmo.cycles.models import CreditEntry, CreditKind
from nmo.cycles.services import enter_cycle, post_credit
from nmo.cycles.tests import factories
from nmo.cycles.tests.factories import set_foreign_credits

pytestmark = pytest.mark.django_db


def _post(specialist, activity, on=date(2025, 10, 1)):
    return post_credit(specialist=specialist, activity=activity, source="code", occurred_on=on)


@pytest.mark.clause("faq-only-listed", "faq-ikp-activation")
def test_an_accredited_activity_is_credited_once(specialist):
    """An accredited catalogue event adds one immutable entry with its credits; a second
    credit of the same activity is refused and nothing is added (faq-only-listed)."""
    event = factories.event(credits=6)
    entry = _post(specialist, event)
    assert (entry.hours, entry.kind, entry.source) == (6, CreditKind.EVENT, "code")
    assert entry.specialty.code == factories.CARDIOLOGY
    assert AuditEntry.objects.filter(action="credit.post", object_id=str(entry.pk)).exists()
    with pytest.raises(AlreadyCredited):
        _post(specialist, event)
    assert CreditEntry.objects.count() == 1


@pytest.mark.clause("faq-only-listed")
@pytest.mark.parametrize("status", [ActivityStatus.SUBMITTED, ActivityStatus.REJECTED])
def test_an_activity_not_in_the_catalogue_posts_nothing(specialist, status):
    """An application under review or rejected carries no credits, whatever its own
    material claims (faq-only-listed)."""
    activity = factories.event(status=status, credits=None)
    with pytest.raises(ActivityNotInCatalogue) as caught:
        _post(specialist, activity)
    assert caught.value.code == "activity_not_in_catalogue"
    assert not CreditEntry.objects.exists()


@pytest.mark.clause("faq-foreign")
def test_a_foreign_activity_posts_nothing_while_the_switch_is_off(specialist, settings):
    """Credits of foreign CME systems are not counted (faq-foreign)."""
    set_foreign_credits(allowed=False)
    abroad = factories.event(country="DE")
    with pytest.raises(ActivityNotInCatalogue) as caught:
        _post(specialist, abroad)
    assert caught.value.code == "foreign_credits_not_counted"
    assert not CreditEntry.objects.exists()


@pytest.mark.clause("faq-foreign")
def test_the_switch_allows_foreign_credits(specialist, settings):
    """The rule is switchable, not hard-wired: with the switch on a foreign accredited
    activity is credited (faq-foreign)."""
    set_foreign_credits(allowed=True)
    entry = _post(specialist, factories.event(country="DE"))
    assert entry.hours == 6


def test_the_specialty_is_that_of_the_cycle_including_the_date(specialist, cardiology, therapy):
    """With several specialties, the entry carries the one of the specialist's cycle that
    includes the date, even if another sorts first by name."""
    enter_cycle(specialist=specialist, specialty_code=factories.THERAPY, starts_on=date(2025, 1, 1))
    event = factories.event(specialties=[factories.CARDIOLOGY, factories.THERAPY])
    assert _post(specialist, event).specialty == therapy


def test_without_a_covering_cycle_a_specialty_with_any_cycle_is_chosen(specialist, therapy):
    """A cycle in one of the activity's specialties that does not include the date still
    decides the specialty."""
    enter_cycle(specialist=specialist, specialty_code=factories.THERAPY, starts_on=date(2026, 1, 1))
    event = factories.event(specialties=[factories.CARDIOLOGY, factories.THERAPY])
    assert _post(specialist, event, on=date(2025, 10, 1)).specialty == therapy


def test_without_cycles_the_first_specialty_by_name_is_chosen(specialist, cardiology):
    """No cycle at all: the activity's first specialty by name («Кардиология» before
    «Терапия»)."""
    event = factories.event(specialties=[factories.THERAPY, factories.CARDIOLOGY])
    assert _post(specialist, event).specialty == cardiology


def test_an_entry_cannot_be_edited_or_deleted(specialist):
    """The ledger is append-only: corrections are reversing entries."""
    entry = _post(specialist, factories.event())
    entry.hours = 100
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_the_database_refuses_to_edit_or_delete_an_entry(specialist):
    """Past the model, a bulk UPDATE or DELETE is refused by the database: a trigger on
    SQLite and PostgreSQL, and on PostgreSQL the application's role has no such privilege
    (ADR 0023)."""
    from django.db import DatabaseError, transaction

    entry = _post(specialist, factories.event(credits=6))
    with pytest.raises(DatabaseError), transaction.atomic():
        CreditEntry.objects.filter(pk=entry.pk).update(hours=100)
    with pytest.raises(DatabaseError), transaction.atomic():
        CreditEntry.objects.filter(pk=entry.pk).delete()
    assert CreditEntry.objects.get(pk=entry.pk).hours == 6


def test_a_second_credit_leaves_the_callers_transaction_usable(specialist):
    """AlreadyCredited is raised with nothing written and no aborted statement, so a caller
    that catches it (record_completion) goes on in the same transaction."""
    from django.db import transaction

    event = factories.event()
    with transaction.atomic():
        first = _post(specialist, event)
        with pytest.raises(AlreadyCredited):
            _post(specialist, event)
        assert list(CreditEntry.objects.values_list("pk", flat=True)) == [first.pk]


def test_without_audit_the_caller_records_the_credit(specialist):
    """`audit=False` (the code activation, which audits the credit in its own line) posts
    the entry without a `credit.post` line."""
    entry = post_credit(
        specialist=specialist,
        activity=factories.event(),
        source="code",
        occurred_on=date(2025, 10, 1),
        audit=False,
    )
    assert CreditEntry.objects.filter(pk=entry.pk).exists()
    assert not AuditEntry.objects.filter(action="credit.post").exists()
