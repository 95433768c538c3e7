"""Issuing confirmation codes for an accredited event (faq-certificate, faq-ikp-format)."""

import random

import pytest
from django.db import IntegrityError, transaction

from nmo.catalog.models import ActivityKind, ActivityStatus
from nmo.codes.exceptions import ActivityNotAccreditedEvent, CodeCountInvalid
from nmo.codes.models import ConfirmationCode
from nmo.codes.rules import MAX_CODES_PER_ISSUE, is_valid_code
from nmo.codes.services import issue, issue_codes
from nmo.codes.tests.factories import accredited_event
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.clause("faq-certificate", "faq-ikp-format")
def test_provider_issues_unique_codes_of_the_format(provider, event):
    """The event's provider gets N new codes XXXX-XXXXXXXX, all different, stored for the
    event and not activated; the issue is audited."""
    issued = issue_codes(actor=provider, activity=event, count=25)
    values = list(issued.codes)
    assert issued.activity_id == event.pk
    assert len(values) == len(set(values)) == 25
    assert all(is_valid_code(v) for v in values)
    stored = ConfirmationCode.objects.filter(activity=event)
    assert set(stored.values_list("value", flat=True)) == set(values)
    assert not stored.filter(activated_at__isnull=False).exists()
    entry = AuditEntry.objects.get(action="codes.issue")
    assert entry.actor == provider
    assert entry.object_id == str(event.pk)
    assert entry.changes["count"] == 25


def test_more_than_one_batch_is_issued(provider, event, monkeypatch):
    """Counts beyond one insert batch are issued in several batches."""
    monkeypatch.setattr(issue, "CODE_BATCH", 7)
    issued = issue_codes(actor=provider, activity=event, count=20)
    assert ConfirmationCode.objects.filter(activity=event).count() == 20
    assert len(set(issued.codes)) == 20


@pytest.mark.clause("faq-ikp-format")
def test_colliding_values_are_drawn_again(provider, event, monkeypatch):
    """A value already in the system is never issued twice: only the colliding ones are
    drawn again."""
    taken = list(issue_codes(actor=provider, activity=event, count=3).codes)
    draws = iter([*taken, "ZZZZ-ZZZZ0001", "ZZZZ-ZZZZ0002", "ZZZZ-ZZZZ0003", "ZZZZ-ZZZZ0004"])
    monkeypatch.setattr(issue, "generate_code_value", lambda rng: next(draws))
    issued = issue_codes(actor=provider, activity=event, count=3)
    assert sorted(issued.codes) == ["ZZZZ-ZZZZ0001", "ZZZZ-ZZZZ0002", "ZZZZ-ZZZZ0003"]


def test_a_value_taken_between_check_and_insert_is_retried(provider, event, monkeypatch):
    """If a concurrent issue takes a value after the check, the insert fails inside its
    savepoint and only the colliding value is drawn again."""
    sneaky = "ZZZZ-ZZZZ0009"
    draws = iter([sneaky, "ZZZZ-ZZZZ0010"])
    monkeypatch.setattr(issue, "generate_code_value", lambda rng: next(draws))
    real_taken = issue._taken
    calls = {"n": 0}

    def taken_then_race(values):
        calls["n"] += 1
        if calls["n"] == 1:  # the check passes, then "someone else" inserts the value
            result = real_taken(values)
            with transaction.atomic():
                ConfirmationCode.objects.create(
                    value=sneaky, activity=event, issued_at=event.created_at
                )
            return result
        return real_taken(values)

    monkeypatch.setattr(issue, "_taken", taken_then_race)
    issued = issue_codes(actor=provider, activity=event, count=1)
    assert issued.codes == ("ZZZZ-ZZZZ0010",)


def test_the_database_refuses_a_duplicate_value(event):
    """The unique constraint is the backstop of uniqueness."""
    ConfirmationCode.objects.create(
        value="ABCD-EFGH1234", activity=event, issued_at=event.created_at
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConfirmationCode.objects.create(
            value="ABCD-EFGH1234", activity=event, issued_at=event.created_at
        )


def test_the_database_refuses_a_half_activation(event, specialist):
    """activated_by and activated_at are both set or both empty."""
    with pytest.raises(IntegrityError), transaction.atomic():
        ConfirmationCode.objects.create(
            value="ABCD-EFGH1235",
            activity=event,
            issued_at=event.created_at,
            activated_by=specialist,
        )


@pytest.mark.parametrize("count", [0, -1, MAX_CODES_PER_ISSUE + 1])
def test_count_outside_the_limits_is_refused(provider, event, count):
    with pytest.raises(CodeCountInvalid):
        issue_codes(actor=provider, activity=event, count=count)
    assert not ConfirmationCode.objects.exists()


@pytest.mark.clause("faq-certificate", "faq-module-auto")
@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (ActivityKind.MODULE, ActivityStatus.ACCREDITED),
        (ActivityKind.EVENT, ActivityStatus.SUBMITTED),
        (ActivityKind.EVENT, ActivityStatus.REJECTED),
    ],
)
def test_only_an_accredited_event_gets_codes(provider, kind, status):
    """A module (credited automatically) or an activity not accredited gets no codes:
    Conflict "activity_not_accredited_event"."""
    activity = accredited_event(submitted_by=provider, kind=kind, status=status)
    with pytest.raises(ActivityNotAccreditedEvent) as caught:
        issue_codes(actor=provider, activity=activity, count=1)
    assert caught.value.code == "activity_not_accredited_event"
    assert caught.value.status == 409
    assert not ConfirmationCode.objects.exists()


@pytest.mark.clause("faq-cert-from-provider")
def test_it_checks_access(event, other_provider, specialist, admin_user):
    """Only the event's provider issues codes: another provider does not see the event
    (NotFound), other roles may not act (PermissionDenied)."""
    with pytest.raises(NotFound):
        issue_codes(actor=other_provider, activity=event, count=1)
    for actor in (specialist, admin_user):
        with pytest.raises(PermissionDenied):
            issue_codes(actor=actor, activity=event, count=1)
    assert not ConfirmationCode.objects.exists()


def test_values_come_from_the_cryptographic_source(provider, event, monkeypatch):
    """issue_codes draws from secrets.SystemRandom, not the predictable `random`."""
    used = []
    real = issue.generate_code_value

    def spy(rng):
        used.append(type(rng))
        return real(rng)

    monkeypatch.setattr(issue, "generate_code_value", spy)
    issue_codes(actor=provider, activity=event, count=2)
    assert used
    assert all(issubclass(t, random.SystemRandom) for t in used)
