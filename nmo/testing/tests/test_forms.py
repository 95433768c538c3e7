"""Test forms drawn from the programme's assessment bank and each learner's ticket
(issue 13, point 1; ADR 0301)."""

import pytest
import time_machine

from nmo.attestation.tests.factories import build, organisation_under
from nmo.core.exceptions import NotFound
from nmo.testing import exceptions, models, rules, selectors, services, types
from nmo.testing.models import AttemptEvent, AttemptQuestion
from nmo.testing.tests.factories import (
    OPENS,
    SECTIONS,
    make_form,
    make_testing,
    stage_of_testing,
    with_bank,
)
from nmo.testing.types import BankQuestion, Section


def test_a_form_needs_enough_questions_in_the_bank(db):
    """The department cannot ask for more questions than the bank holds, nor sections
    that do not add up: every problem in Russian."""
    setup = build("npc")
    with_bank(setup)
    with pytest.raises(exceptions.TestFormInvalid) as refused:
        make_form(setup, question_count=20)
    assert "12 тестовых заданий" in refused.value.errors["question_count"][0]
    with pytest.raises(exceptions.TestFormInvalid) as refused:
        make_form(setup, question_count=10, sections=SECTIONS)
    assert "Сумма вопросов по разделам (8)" in " ".join(refused.value.errors["blueprint"])
    with pytest.raises(exceptions.TestFormInvalid) as refused:
        make_form(setup, question_count=7, sections=(Section("A", 1, 3, 7),))
    assert "тестовых вопросов 3, а нужно 7" in " ".join(refused.value.errors["blueprint"])
    form = make_form(setup, question_count=8, sections=SECTIONS, time_limit_minutes=20)
    assert form.blueprint[0] == {
        "title": "Общие вопросы",
        "from_number": 1,
        "to_number": 6,
        "count": 4,
    }


def test_a_form_is_for_a_testing_stage_and_for_its_organisation_only(db):
    setup = build("rgmu")
    with_bank(setup)
    interview = next(s for s in setup.stages() if s.kind == "interview")
    with pytest.raises(exceptions.TestFormInvalid):
        services.define_test_form(
            actor=setup.org.staff,
            stage=interview,
            data=types.TestFormData(question_count=5, time_limit_minutes=10),
        )
    other = organisation_under("rgmu", name="ГБОУ ВО Другой университет", email="o@x.ru")
    with pytest.raises(NotFound):
        services.define_test_form(
            actor=other.staff,
            stage=stage_of_testing(setup),
            data=types.TestFormData(question_count=5, time_limit_minutes=10),
        )


def test_the_same_seed_draws_the_same_ticket_and_sections_are_respected():
    bank = [BankQuestion(item_id=100 + n, number=n, option_count=4) for n in range(1, 13)]
    first = rules.draw_ticket(42, bank, question_count=8, sections=SECTIONS)
    again = rules.draw_ticket(42, list(reversed(bank)), question_count=8, sections=SECTIONS)
    assert first == again
    numbers = [q.item_id - 100 for q in first]
    assert sum(1 for n in numbers if n <= 6) == 4
    assert sum(1 for n in numbers if n >= 7) == 4
    assert len(set(numbers)) == 8
    others = {
        tuple(q.item_id for q in rules.draw_ticket(s, bank, question_count=8)) for s in range(20)
    }
    assert len(others) > 1
    assert any(q.option_order != (0, 1, 2, 3) for q in first)


@pytest.mark.clause("rgmu-6.1")
def test_each_learner_gets_a_recorded_ticket_of_the_form(db):
    """rgmu-6.1: the test is taken in the automated system (АС ДПО). Each learner's ticket
    is drawn from the programme's bank by the form's sections with a seed; the seed, the
    questions and the option order shown are stored, and drawing again from the seed gives
    the same ticket (what an appeal commission is shown)."""
    t = make_testing("rgmu", question_count=8, sections=SECTIONS)
    with time_machine.travel(OPENS, tick=False):
        first, created = services.start_attempt(actor=t.learner(0), session=t.session)
        second, _ = services.start_attempt(actor=t.learner(1), session=t.session)
    assert created
    ticket = list(AttemptQuestion.objects.filter(attempt=first).order_by("position"))
    assert len(ticket) == 8
    numbers = [q.item.number for q in ticket]
    assert sum(1 for n in numbers if n <= 6) == 4
    kinds = {q.item.number: q.kind for q in ticket}
    assert all(kinds[n] == ("multiple" if n > 10 else "single") for n in kinds)
    bank = selectors.bank_questions(stage_of_testing(t.setup))
    redrawn = rules.draw_ticket(first.seed, bank, question_count=8, sections=SECTIONS)
    assert [(q.item_id, tuple(q.option_order)) for q in ticket] == [
        (q.item_id, q.option_order) for q in redrawn
    ]
    started = AttemptEvent.objects.get(attempt=first, kind="started")
    assert started.details["seed"] == first.seed
    assert first.seed != second.seed
    assert models.TestForm.objects.get().question_count == 8
