"""The testing system under real concurrency on PostgreSQL (ADR 0301): the same answer
saved at once from two tabs, saves racing the deadline, two tabs starting at once. Each
leaves one consistent state."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from nmo.testing import models, selectors, services
from nmo.testing.exceptions import AttemptClosed
from nmo.testing.models import Answer, Attempt, AttemptEvent
from nmo.testing.tests.factories import make_testing
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def open_now(key: str = "npc"):
    """A session open right now (the factory's is on the attestation's day)."""
    t = make_testing(key)
    now = timezone.now()
    models.TestSession.objects.filter(pk=t.session.pk).update(
        opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(hours=1)
    )
    t.session.refresh_from_db()
    return t


def test_two_tabs_starting_at_once_get_one_attempt():
    t = open_now()
    learner = t.learner()
    results = race(8, lambda i: services.start_attempt(actor=learner, session=t.session))
    assert all(outcome == "ok" for outcome, _ in results), results
    ids = {value[0].pk for _, value in results}
    assert len(ids) == 1
    assert sum(1 for _, value in results if value[1]) == 1
    assert Attempt.objects.filter(learner=learner).count() == 1


def test_the_same_answer_saved_twice_at_once_leaves_one_row():
    """16 saves of the same question at the same moment: every one acknowledged, one
    answer row holding it, 16 saves counted and logged."""
    t = open_now()
    learner = t.learner()
    attempt, _ = services.start_attempt(actor=learner, session=t.session)
    question = selectors.ticket_of(attempt)[0]
    option = question["options"][0]["id"]
    results = race(
        16,
        lambda i: services.save_answer(
            actor=learner, attempt_id=attempt.pk, question_id=question["id"], options=[option]
        ),
    )
    assert all(outcome == "ok" for outcome, _ in results), results
    answer = Answer.objects.get(attempt=attempt)
    assert answer.chosen == [option]
    assert answer.saves == 16
    assert AttemptEvent.objects.filter(attempt=attempt, kind="answer_saved").count() == 16


def test_saves_racing_the_deadline_leave_one_consistent_state():
    """Ten tabs keep saving answers while the sweep closes the attempt at its deadline:
    every acknowledged save happened before the deadline and is in the database (the last
    acknowledged value of each question is the stored one), every later save is refused
    with attempt_closed, and the score counts exactly the stored answers."""
    t = open_now()
    learner = t.learner()
    attempt, _ = services.start_attempt(actor=learner, session=t.session)
    questions = selectors.ticket_of(attempt)
    deadline = timezone.now() + timedelta(seconds=1.5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)

    def work(i: int):
        if i == len(questions):  # the sweep
            time.sleep(max(0.0, (deadline - timezone.now()).total_seconds()))
            closed = 0
            while Attempt.objects.filter(pk=attempt.pk, status="open").exists():
                closed += services.close_expired_attempts()
            return ("closed", closed)
        question = questions[i]
        ids = [o["id"] for o in question["options"]]
        acknowledged = None
        n = 0
        while True:
            choice = [ids[n % len(ids)]]
            try:
                answer = services.save_answer(
                    actor=learner, attempt_id=attempt.pk, question_id=question["id"], options=choice
                )
            except AttemptClosed:
                return ("saver", question["id"], acknowledged, n)
            assert answer.saved_at < deadline
            acknowledged = choice
            n += 1

    results = race(len(questions) + 1, work, timeout=120)
    assert all(outcome == "ok" for outcome, _ in results), results
    attempt.refresh_from_db()
    assert attempt.status == "closed"
    stored = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    savers = [value for _, value in results if value[0] == "saver"]
    assert len(savers) == len(questions)
    for _, question_id, acknowledged, count in savers:
        assert count > 0
        assert stored[question_id].chosen == acknowledged
        assert stored[question_id].saved_at < deadline
    right = sum(1 for q in selectors.ticket_of(attempt) if q["is_correct"])
    assert attempt.score == right
    closed_at = AttemptEvent.objects.get(attempt=attempt, kind="closed").at
    assert not AttemptEvent.objects.filter(
        attempt=attempt, kind="answer_saved", at__gte=deadline
    ).exists()
    assert closed_at >= deadline


def test_a_grant_and_a_start_at_once_leave_one_of_them():
    """ADR 0307: an attempt annulled while the session is open; the department grants a
    new attempt while the learner starts one. Both lock the learner's result row, so
    either the grant is refused (the learner already started attempt 2) or the start
    takes the grant: never attempt 2 beside a grant that is still pending."""
    t = open_now()
    learner = t.learner()
    first, _ = services.start_attempt(actor=learner, session=t.session)
    services.annul_attempt(actor=t.staff, attempt_id=first.pk, reason="Сбой сети в 10:12")

    def work(i: int):
        if i == 0:
            return services.grant_new_attempt(actor=t.staff, attempt_id=first.pk, basis="technical")
        return services.start_attempt(actor=learner, session=t.session)

    results = race(2, work)
    assert results[1][0] == "ok", results
    second = Attempt.objects.get(learner=learner, number=2)
    grants = list(models.AttemptGrant.objects.filter(annulled_attempt=first))
    if results[0][0] == "ok":
        assert [g.attempt_id for g in grants] == [second.pk]
    else:
        assert grants == []
        assert "проходит тест заново" in str(results[0][1].errors)
    assert Attempt.objects.filter(learner=learner).count() == 2
