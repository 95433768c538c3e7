"""Closing at the deadline end to end (issue 13 point 2): the task queued at the start
runs on the database queue when the deadline has passed, and the cron sweep
`manage.py close_expired_attempts` closes what a queue missed; both score the attempt into
the attestation."""

from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from nmo.attestation.models import StageResult
from nmo.testing import services
from nmo.testing.models import Attempt
from nmo.testing.tests.factories import OPENS, make_testing
from nmo.testing.tests.test_attempts import answer_all, kinds

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the ready tasks are done."""
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


@pytest.mark.clause("rgmu-6.1")
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_queued_task_closes_and_scores_the_attempt_at_its_deadline(db):
    """rgmu-6.1: the learner answers and never comes back; the worker runs the closing
    task queued at the start once its deadline has come (not a second before), and the
    score reaches the attestation."""
    from django_tasks_db.models import DBTaskResult

    t = make_testing("rgmu")
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(), session=t.session)
        answer_all(t, attempt, right=9)
    with time_machine.travel(attempt.deadline.timestamp() - 1, tick=False):
        run_worker()
        assert Attempt.objects.get(pk=attempt.pk).status == "open"
        assert DBTaskResult.objects.get().status == "READY"
    with time_machine.travel(attempt.deadline, tick=False):
        run_worker()
    task = DBTaskResult.objects.get(task_path="nmo.testing.tasks.close_attempt")
    assert task.status == "SUCCESSFUL"
    attempt.refresh_from_db()
    assert attempt.status == "closed"
    assert attempt.finished_at == attempt.deadline
    assert (attempt.percent, attempt.grade) == (Decimal("90.00"), "excellent")
    result = StageResult.objects.get(learner_result=attempt.learner_result)
    assert (result.percent, result.grade) == (Decimal("90.00"), "excellent")
    assert kinds(attempt)[-2:] == ["closed", "scored"]


def test_the_close_expired_attempts_command_closes_what_the_queue_missed(db):
    """The immediate queue of tests cannot wait for the deadline, as a lost queue could
    not: the cron command closes and scores the attempt, and a second run closes nothing."""
    t = make_testing("npc")
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(), session=t.session)
        answer_all(t, attempt, right=7)
    out = StringIO()
    with time_machine.travel(attempt.deadline.timestamp() - 1, tick=False):
        call_command("close_expired_attempts", stdout=out)
    assert out.getvalue().strip() == "Завершено попыток: 0."
    with time_machine.travel(attempt.deadline, tick=False):
        call_command("close_expired_attempts", stdout=out)
        call_command("close_expired_attempts", stdout=out)
    assert out.getvalue().split("\n")[1:3] == ["Завершено попыток: 1.", "Завершено попыток: 0."]
    attempt.refresh_from_db()
    assert attempt.status == "closed"
    result = StageResult.objects.get(learner_result=attempt.learner_result)
    assert (result.percent, result.grade) == (Decimal("70.00"), "passed")
