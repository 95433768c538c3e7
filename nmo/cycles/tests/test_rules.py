"""Pure rules of cycles: cycle dates, the credit refusal, the specialty choice, progress."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmo.cycles import rules
from nmo.cycles.types import CreditKind, RuleTerms

DEFAULT = RuleTerms(
    total=144,
    parts={"programme": 108, "events": 16, "modules": 20},
    part_kinds={"programme": ("programme",), "events": ("event",), "modules": ("module",)},
    overflow={},
    min_remote_share=Decimal("0.5"),
    years=5,
)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 10))
def test_a_cycle_ends_the_day_before_its_anniversary(start, years):
    end = rules.cycle_end(start, years)
    anniversary = end + timedelta(days=1)
    assert anniversary.year == start.year + years
    if (start.month, start.day) == (2, 29):
        assert (anniversary.month, anniversary.day) in {(2, 29), (3, 1)}
    else:
        assert (anniversary.month, anniversary.day) == (start.month, start.day)


def test_cycle_end_examples():
    assert rules.cycle_end(date(2025, 3, 1), 5) == date(2030, 2, 28)
    assert rules.cycle_end(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert rules.cycle_end(date(2024, 2, 29), 4) == date(2028, 2, 28)
    assert rules.cycle_end(date(2025, 1, 1), 5) == date(2029, 12, 31)


def test_credit_refusal():
    """faq-only-listed and faq-foreign as a pure rule."""
    ok = {"is_accredited": True, "credits": 4, "country": "RU", "foreign_allowed": False}
    assert rules.credit_refusal(**ok) is None
    assert rules.credit_refusal(**{**ok, "is_accredited": False}) == rules.NOT_ACCREDITED
    assert rules.credit_refusal(**{**ok, "credits": None}) == rules.NOT_ACCREDITED
    assert rules.credit_refusal(**{**ok, "country": "US"}) == rules.FOREIGN
    assert rules.credit_refusal(**{**ok, "country": "US", "foreign_allowed": True}) is None


@given(
    st.lists(st.tuples(st.integers(1, 9), st.sampled_from("АБВГД")), unique_by=lambda s: s[0]),
    st.lists(st.tuples(st.integers(1, 9), st.dates(), st.dates())),
    st.dates(),
)
def test_the_chosen_specialty_is_one_of_the_activity(specialties, cycles, on):
    chosen = rules.choose_specialty(activity_specialties=specialties, cycles=cycles, on=on)
    if not specialties:
        assert chosen is None
    else:
        assert chosen in {sid for sid, _ in specialties}
        covering = {sid for sid, s, e in cycles if s <= on <= e} & {sid for sid, _ in specialties}
        if covering:
            assert chosen in covering


@given(
    st.dictionaries(st.sampled_from(CreditKind.values), st.integers(-50, 400)),
    st.integers(0, 400),
)
def test_progress_invariants(hours, remote):
    progress = rules.compute_progress(DEFAULT, hours_by_kind=hours, remote_hours=remote)
    for part in progress.parts:
        assert 0 <= part.counted <= part.required
        assert part.excess >= 0
        if part.earned >= 0:
            assert part.counted + part.excess == part.earned
        assert 0 <= part.percent <= 100
    assert progress.total_earned == sum(p.counted for p in progress.parts)
    assert progress.total_earned <= progress.total_required
    assert 0 <= progress.total_capped <= progress.total_required


def test_the_default_rule_is_sound_and_bad_rules_are_caught():
    assert rules.rule_problems(DEFAULT) == {}
    bad = RuleTerms(
        total=100,
        parts={"a": 50, "b": 60},
        part_kinds={"a": ("event",), "b": ("event", "nonsense")},
        overflow={"c": "none", "a": "sometimes"},
        min_remote_share=Decimal("1.5"),
        years=0,
    )
    problems = rules.rule_problems(bad)
    assert set(problems) == {
        "total_hours",
        "part_kinds",
        "overflow",
        "min_remote_share_of_programme",
        "years",
    }


def test_a_total_above_the_parts_needs_a_part_that_spills_into_it():
    short = RuleTerms(
        total=150,
        parts=dict(DEFAULT.parts),
        part_kinds=dict(DEFAULT.part_kinds),
        overflow={},
        min_remote_share=Decimal(0),
        years=5,
    )
    assert "total_hours" in rules.rule_problems(short)
    spilling = RuleTerms(**{**short.__dict__, "overflow": {"events": "into_total"}})
    assert rules.rule_problems(spilling) == {}
    progress = rules.compute_progress(
        spilling, hours_by_kind={"programme": 108, "event": 22, "module": 20}
    )
    assert progress.total_earned == 150
    assert progress.remote_share_met  # a minimum of 0 always holds
    assert progress.is_complete


def test_remote_share_boundaries():
    """54 of 108 is exactly 50%: met; 53 is not; no programme hours: not met."""
    at = rules.compute_progress(DEFAULT, hours_by_kind={"programme": 108}, remote_hours=54)
    below = rules.compute_progress(DEFAULT, hours_by_kind={"programme": 108}, remote_hours=53)
    none = rules.compute_progress(DEFAULT, hours_by_kind={}, remote_hours=0)
    assert (at.remote_share_met, below.remote_share_met, none.remote_share_met) == (
        True,
        False,
        False,
    )
    assert at.remote_percent == 50
    assert none.remote_share is None


@pytest.mark.parametrize(
    "written",
    [
        "серия ПК-7724-2026 № 000015",
        "ПК 7724 2026 000015",
        "пк7724-2026/000015",
        "Серия пк-7724-2026, номер 000015",
    ],
)
def test_a_document_number_is_one_key_however_written(written):
    """ADR 0118: the issue here and the organisation's API report match by this key."""
    assert rules.document_key(written) == "ПК77242026000015"


def test_a_document_key_keeps_what_tells_numbers_apart():
    assert rules.document_key("№ 000015") != rules.document_key("№ 000016")
    assert rules.document_key("000015") != rules.document_key("15")  # zeros are printed
    assert rules.document_key("№ —") == ""
    assert rules.document_key("серия Ё1") == "Е1"


@pytest.mark.parametrize(
    ("hours", "percent", "remote"),
    [(108, 60, 64), (108, 30, 32), (108, 50, 54), (36, 50, 18), (107, 50, 53), (72, 0, 0),
     (72, 100, 72), (144, 49, 70)],
)  # fmt: skip
def test_remote_hours_are_rounded_down(hours, percent, remote):
    """ADR 0118: never more distance hours than the programme delivered."""
    assert rules.programme_remote_hours(hours, percent) == remote
