"""enter_cycle: a specialist opts in to a five-year cycle per specialty."""

from datetime import date, timedelta

import pytest

from nmo.core.exceptions import PermissionDenied
from nmo.core.models import AuditEntry
from nmo.cycles.exceptions import CycleInvalid, CycleOverlaps
from nmo.cycles.models import Cycle
from nmo.cycles.selectors import cycles_with_progress, default_rule
from nmo.cycles.services import enter_cycle, post_credit
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db


def _enter(specialist, code=factories.CARDIOLOGY, starts_on=date(2025, 3, 1)):
    return enter_cycle(specialist=specialist, specialty_code=code, starts_on=starts_on)


@pytest.mark.clause("faq-portal-cycles", "faq-cycle-hours")
def test_a_specialist_enters_a_five_year_cycle(specialist, cardiology):
    """The cycle runs five years to the day before the anniversary, under the default
    rule, and the entry is audited (faq-portal-cycles)."""
    cycle = _enter(specialist)
    assert (cycle.specialty, cycle.starts_on, cycle.ends_on) == (
        cardiology,
        date(2025, 3, 1),
        date(2030, 2, 28),
    )
    assert cycle.rule == default_rule()
    assert AuditEntry.objects.filter(action="cycle.enter", object_id=str(cycle.pk)).exists()


def test_a_cycle_starting_on_29_february_ends_on_28_february(specialist, cardiology):
    cycle = _enter(specialist, starts_on=date(2024, 2, 29))
    assert cycle.ends_on == date(2029, 2, 28)


@pytest.mark.clause("faq-voluntary")
def test_nothing_counts_for_a_specialist_who_has_not_entered_a_cycle(specialist, cardiology):
    """Taking part is voluntary: credits stay in the ledger, but no cycle counts them
    until the specialist enters one; then they count (faq-voluntary)."""
    post_credit(
        specialist=specialist,
        activity=factories.event(credits=6),
        source="code",
        occurred_on=date(2025, 10, 1),
    )
    assert cycles_with_progress(specialist) == []
    _enter(specialist)
    [only] = cycles_with_progress(specialist)
    assert only.progress.earned_by_part == {"programme": 0, "events": 6, "modules": 0}


@pytest.mark.clause("faq-portal-cycles")
def test_one_cycle_per_specialty_and_period(specialist, cardiology, therapy):
    """Cycles in one specialty may not overlap (409); the next one may start the day
    after the last; another specialty may run at the same time (faq-portal-cycles)."""
    first = _enter(specialist)
    with pytest.raises(CycleOverlaps):
        _enter(specialist, starts_on=date(2029, 1, 1))
    with pytest.raises(CycleOverlaps):
        _enter(specialist, starts_on=date(2021, 6, 16))
    nxt = _enter(specialist, starts_on=date(2030, 3, 1))
    assert nxt.starts_on - first.ends_on == timedelta(days=1)
    assert _enter(specialist, code=factories.THERAPY).specialty == therapy
    assert Cycle.objects.filter(specialist=specialist).count() == 3


@pytest.mark.parametrize("code", ["", "00.00.00", "КАРДИОЛОГИЯ"])
def test_an_unknown_specialty_is_refused(specialist, cardiology, code):
    with pytest.raises(CycleInvalid) as caught:
        _enter(specialist, code=code)
    assert "specialty" in caught.value.errors


def test_a_withdrawn_specialty_is_refused(specialist, cardiology):
    cardiology.is_active = False
    cardiology.save(update_fields=["is_active"])
    with pytest.raises(CycleInvalid):
        _enter(specialist)


def test_a_cycle_that_has_already_ended_is_refused(specialist, cardiology):
    """Today is 15.06.2026: a cycle from 15.06.2021 ended on 14.06.2026 (N+1 refused),
    one from 16.06.2021 ends today (N, allowed)."""
    with pytest.raises(CycleInvalid) as caught:
        _enter(specialist, starts_on=date(2021, 6, 15))
    assert "starts_on" in caught.value.errors
    assert _enter(specialist, starts_on=date(2021, 6, 16)).ends_on == date(2026, 6, 15)


def test_it_checks_access(provider, admin_user, cardiology):
    """Only specialists enter cycles (403 for other roles)."""
    for actor in (provider, admin_user):
        with pytest.raises(PermissionDenied):
            _enter(actor)
    assert not Cycle.objects.exists()
