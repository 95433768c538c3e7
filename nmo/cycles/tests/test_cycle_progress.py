"""Progress of a cycle under its rule: parts, boundaries, excess, remote share, queries."""

from datetime import date
from decimal import Decimal

import pytest

from nmo.cycles.models import CycleRule
from nmo.cycles.selectors import cycle_progress, progress_for_cycles
from nmo.cycles.services import (
    add_cycle_rule,
    enter_cycle,
    post_credit,
    record_programme_hours,
    reverse_entry,
)
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db

START = date(2025, 3, 1)
END = date(2030, 2, 28)


@pytest.fixture
def cycle(specialist, cardiology):
    return enter_cycle(specialist=specialist, specialty_code=factories.CARDIOLOGY, starts_on=START)


def _credit(specialist, on, *, kind="event", credits=4, **kwargs):
    make = factories.event if kind == "event" else factories.module
    activity = make(credits=credits, starts_on=date(2020, 1, 1), ends_on=date(2031, 1, 1), **kwargs)
    return post_credit(specialist=specialist, activity=activity, source="code", occurred_on=on)


@pytest.mark.clause("faq-cycle-hours")
def test_the_default_rule_is_data_144_108_16_20(cycle):
    """The default rule is a row: 144 h = 108 h programme (≥ 50% remote) + 16 h events +
    20 h modules, five years (faq-cycle-hours)."""
    rule = CycleRule.objects.get(is_default=True)
    assert rule.total_hours == 144
    assert rule.parts == {"programme": 108, "events": 16, "modules": 20}
    assert rule.min_remote_share_of_programme == Decimal("0.50")
    assert rule.years == 5
    progress = cycle_progress(cycle)
    assert progress.total_required == 144
    assert progress.required_by_part == {"programme": 108, "events": 16, "modules": 20}
    assert [p.name for p in progress.parts] == ["programme", "events", "modules"]


@pytest.mark.clause("faq-cycle-hours")
def test_a_custom_rule_changes_the_requirement_without_code(admin_user, specialist, therapy):
    """A rule added as data becomes the default: new cycles take its figures; cycles
    already entered keep theirs (faq-cycle-hours)."""
    old = enter_cycle(specialist=specialist, specialty_code=factories.CARDIOLOGY, starts_on=START)
    add_cycle_rule(
        actor=admin_user,
        name="Пилот: 100 ч",
        total_hours=100,
        parts={"programme": 72, "activity": 28},
        part_kinds={"programme": ["programme"], "activity": ["event", "module"]},
        min_remote_share_of_programme="0.25",
        years=3,
        make_default=True,
    )
    new = enter_cycle(specialist=specialist, specialty_code=factories.THERAPY, starts_on=START)
    assert new.ends_on == date(2028, 2, 29)
    _credit(specialist, date(2025, 10, 1), kind="event", credits=6, specialties=[factories.THERAPY])
    _credit(
        specialist, date(2025, 10, 1), kind="module", credits=4, specialties=[factories.THERAPY]
    )
    progress = cycle_progress(new)
    assert progress.total_required == 100
    assert progress.earned_by_part == {"programme": 0, "activity": 10}
    assert cycle_progress(old).total_required == 144


@pytest.mark.clause("faq-cycle-hours")
def test_entries_on_the_first_and_last_day_count_the_days_around_do_not(specialist, cycle):
    """An entry counts when its date lies in the cycle, both ends included."""
    for day in (date(2025, 2, 28), START, END, date(2030, 3, 1)):
        _credit(specialist, day, credits=1)
    progress = cycle_progress(cycle)
    assert progress.earned_by_part["events"] == 2


def test_an_entry_of_another_specialty_does_not_count(specialist, cycle, therapy):
    _credit(specialist, date(2025, 10, 1), specialties=[factories.THERAPY])
    assert cycle_progress(cycle).earned_by_part["events"] == 0


@pytest.mark.clause("faq-cycle-hours")
def test_excess_is_shown_and_counts_in_the_total_only_if_the_rule_says_so(
    specialist, cycle, admin_user
):
    """20 h of events against 16 required: 16 counted, 4 excess. Under the default rule
    excess does not count in the total; under a rule with `into_total` it does."""
    _credit(specialist, date(2025, 10, 1), credits=12)
    _credit(specialist, date(2025, 11, 1), credits=8)
    events = cycle_progress(cycle).parts[1]
    assert (events.name, events.earned, events.counted, events.excess) == ("events", 20, 16, 4)
    assert events.is_met
    assert cycle_progress(cycle).total_earned == 16
    generous = add_cycle_rule(
        actor=admin_user,
        name="С переносом",
        total_hours=144,
        parts={"programme": 108, "events": 16, "modules": 20},
        part_kinds={"programme": ["programme"], "events": ["event"], "modules": ["module"]},
        overflow={"events": "into_total"},
        min_remote_share_of_programme="0.5",
    )
    cycle.rule = generous
    assert cycle_progress(cycle).total_earned == 20


@pytest.mark.clause("faq-cycle-hours")
@pytest.mark.parametrize(("remote", "met"), [(53, False), (54, True), (55, True)])
def test_the_programme_needs_half_of_it_remote(specialist, cycle, staff, remote, met):
    """At least 50% of the 108 h programme with distance technologies: 53 of 108 fails,
    54 holds, 55 holds (faq-cycle-hours)."""
    record_programme_hours(
        actor=staff,
        specialist=specialist,
        specialty=cycle.specialty,
        hours=108,
        remote_hours=remote,
        completed_on=date(2026, 5, 30),
        reference="Удостоверение 612400012345",
    )
    progress = cycle_progress(cycle)
    assert progress.earned_by_part["programme"] == 108
    assert progress.parts[0].is_met
    assert progress.remote_share_met is met
    assert progress.is_complete is False  # events and modules still missing


def test_a_complete_cycle(specialist, cycle, staff):
    record_programme_hours(
        actor=staff,
        specialist=specialist,
        specialty=cycle.specialty,
        hours=108,
        remote_hours=60,
        completed_on=date(2026, 5, 30),
        reference="Удостоверение 1",
    )
    _credit(specialist, date(2025, 10, 1), credits=16)
    _credit(specialist, date(2025, 10, 1), kind="module", credits=20)
    progress = cycle_progress(cycle)
    assert progress.total_earned == 144
    assert progress.is_complete


def test_a_reversed_entry_no_longer_counts(specialist, cycle, admin_user):
    entry = _credit(specialist, date(2025, 10, 1), credits=6)
    reverse_entry(actor=admin_user, entry=entry, reason="Ошибка")
    assert cycle_progress(cycle).earned_by_part["events"] == 0


def test_all_cycles_progress_comes_from_one_query(
    specialist, cardiology, therapy, django_assert_num_queries
):
    """One aggregate query, however many cycles and entries."""
    cycles = [
        enter_cycle(specialist=specialist, specialty_code=factories.CARDIOLOGY, starts_on=START),
        enter_cycle(specialist=specialist, specialty_code=factories.THERAPY, starts_on=START),
        enter_cycle(
            specialist=specialist, specialty_code=factories.CARDIOLOGY, starts_on=date(2030, 3, 1)
        ),
    ]
    for n in range(30):
        _credit(
            specialist,
            date(2025, 4, 1 + n % 28),
            kind="module" if n % 2 else "event",
            credits=1,
            specialties=[factories.THERAPY if n % 3 else factories.CARDIOLOGY],
        )
    cycles = [type(c).objects.select_related("rule").get(pk=c.pk) for c in cycles]
    with django_assert_num_queries(1):
        progress = progress_for_cycles(cycles)
    assert (
        progress[cycles[0].pk].earned_by_part["events"]
        + progress[cycles[0].pk].earned_by_part["modules"]
        == 10
    )
    assert sum(progress[cycles[1].pk].earned_by_part.values()) == 20
    assert sum(progress[cycles[2].pk].earned_by_part.values()) == 0
