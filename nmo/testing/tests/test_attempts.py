"""Taking the test: the server's timer, autosave, resuming, submission, closing at the
deadline by the sweep, scoring into the attestation, annulment (issue 13, points 2–3)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from nmo.attestation.models import StageResult
from nmo.core.exceptions import NotFound
from nmo.core.models import AuditEntry
from nmo.programmes import services as services_of_programmes
from nmo.programmes.exceptions import SpecialConditionsInvalid
from nmo.programmes.models import SpecialConditionsApplication
from nmo.programmes.types import SpecialConditionsGrant, SpecialConditionsRequest
from nmo.testing import selectors, services
from nmo.testing.exceptions import AnswerInvalid, AttemptClosed, AttemptNotAllowed
from nmo.testing.models import Answer, Attempt, AttemptEvent
from nmo.testing.tests.factories import (
    BEFORE,
    CLOSES,
    FILED_ON,
    OPENS,
    grant_extra_time,
    make_testing,
    right_options,
    wrong_option,
)

LIMIT = timedelta(minutes=30)


def answer_all(t, attempt, *, right: int) -> None:
    for n, question in enumerate(selectors.ticket_of(attempt)):
        options = right_options(question) if n < right else wrong_option(question)
        services.save_answer(
            actor=attempt.learner,
            attempt_id=attempt.pk,
            question_id=question["id"],
            options=options,
        )


def kinds(attempt) -> list[str]:
    return list(
        AttemptEvent.objects.filter(attempt=attempt)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def test_a_session_opens_at_its_time_for_admitted_learners_only(db):
    t = make_testing("npc")
    with time_machine.travel(BEFORE, tick=False), pytest.raises(AttemptNotAllowed) as early:
        services.start_attempt(actor=t.learner(), session=t.session)
    assert "Тестирование начнётся 16.10.2026 в 10:00" in early.value.message
    with time_machine.travel(CLOSES, tick=False), pytest.raises(AttemptNotAllowed):
        services.start_attempt(actor=t.learner(), session=t.session)
    with time_machine.travel(OPENS, tick=False), pytest.raises(NotFound):
        services.start_attempt(actor=t.staff, session=t.session)


def test_a_repeat_start_returns_the_same_attempt_and_deadline(db):
    """A reload, a second tab or a lost connection: the same attempt, the deadline fixed at
    the start, the resumption logged."""
    t = make_testing("npc")
    with time_machine.travel(OPENS, tick=False):
        attempt, created = services.start_attempt(actor=t.learner(), session=t.session)
    assert created
    assert attempt.deadline == OPENS + LIMIT
    with time_machine.travel(OPENS + timedelta(minutes=20), tick=False):
        again, created = services.start_attempt(actor=t.learner(), session=t.session)
        assert selectors.remaining_seconds(again) == 600
    assert not created
    assert again.pk == attempt.pk
    assert again.deadline == OPENS + LIMIT
    assert kinds(attempt) == ["started", "resumed"]


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-1, True), (0, False), (1, False)], ids=["N-1", "N", "N+1"]
)
def test_the_deadline_at_n_minus_1_n_and_n_plus_1_seconds(db, offset, accepted):
    """An answer one second before the deadline is saved; at the deadline and a second
    after it is refused with `attempt_closed` and a clear message, and nothing changes."""
    t = make_testing("npc")
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(), session=t.session)
    question = selectors.ticket_of(attempt)[0]
    moment = attempt.deadline + timedelta(seconds=offset)
    with time_machine.travel(moment, tick=False):
        state = Attempt.objects.get(pk=attempt.pk)
        assert selectors.remaining_seconds(state) == max(0, -offset)
        if accepted:
            answer = services.save_answer(
                actor=t.learner(), attempt_id=attempt.pk, question_id=question["id"], options=[1]
            )
            assert answer.saved_at == moment
        else:
            with pytest.raises(AttemptClosed) as refused:
                services.save_answer(
                    actor=t.learner(),
                    attempt_id=attempt.pk,
                    question_id=question["id"],
                    options=[1],
                )
            assert refused.value.code == "attempt_closed"
            assert "Время тестирования истекло" in refused.value.message
            assert not Answer.objects.filter(attempt=attempt).exists()


@pytest.mark.clause("npc-2.5", "rgmu-3.6")
def test_submission_scores_the_attempt_into_the_stage_result_under_npc(db):
    """npc-2.5: the testing stage of the зачёт is taken online; the share of correct
    answers becomes the learner's result of the stage without retyping, graded by the
    programme's threshold (70%: 7 of 10 is зачтено, rgmu-3.6 recommends the same)."""
    t = make_testing("npc")
    with time_machine.travel(OPENS, tick=True):
        attempt, _ = services.start_attempt(actor=t.learner(), session=t.session)
        answer_all(t, attempt, right=7)
        done = services.submit_attempt(actor=t.learner(), attempt_id=attempt.pk)
    assert done.status == "submitted"
    assert done.percent == Decimal("70.00")
    result = StageResult.objects.get(learner_result=attempt.learner_result)
    assert (result.percent, result.grade) == (Decimal("70.00"), "passed")
    assert done.grade == "passed"
    audit = AuditEntry.objects.filter(action="attestation.grade_from_test").get()
    assert audit.changes["after"] == {"percent": "70.00", "grade": "passed"}
    assert kinds(attempt)[-2:] == ["submitted", "scored"]
    with (
        time_machine.travel(OPENS + timedelta(minutes=5), tick=False),
        pytest.raises(AttemptClosed),
    ):
        services.save_answer(
            actor=t.learner(),
            attempt_id=attempt.pk,
            question_id=selectors.ticket_of(attempt)[0]["id"],
            options=[1],
        )


@pytest.mark.clause("rgmu-2.5", "rgmu-3.6")
def test_the_attempt_is_closed_and_graded_at_the_deadline_even_if_the_learner_never_returns(db):
    """rgmu-2.5: the exam's testing stage is taken online; rgmu-3.6: 9 of 10 is отлично
    (90%), and 8 of 10 хорошо. The learner answers and goes away: the sweep closes the
    attempt at the deadline, scores what was saved and the result reaches the attestation
    (the commission sees it before it votes)."""
    t = make_testing("rgmu")
    with time_machine.travel(OPENS, tick=False):
        first, _ = services.start_attempt(actor=t.learner(0), session=t.session)
        second, _ = services.start_attempt(actor=t.learner(1), session=t.session)
        answer_all(t, first, right=9)
        answer_all(t, second, right=8)
    with time_machine.travel(first.deadline - timedelta(seconds=1), tick=False):
        assert services.close_expired_attempts() == 0
    with time_machine.travel(first.deadline, tick=False):
        assert services.close_expired_attempts() == 2
        assert services.close_expired_attempts() == 0
    first.refresh_from_db()
    assert first.status == "closed"
    assert first.finished_at == first.deadline
    grades = {
        r.learner_result_id: (r.percent, r.grade)
        for r in StageResult.objects.filter(learner_result__attestation=t.setup.attestation)
    }
    assert grades[first.learner_result_id] == (Decimal("90.00"), "excellent")
    assert grades[second.learner_result_id] == (Decimal("80.00"), "good")
    scores = selectors.scores_for_attestation(t.setup.attestation)
    assert scores[first.learner_result_id].percent == Decimal("90.00")
    assert kinds(first)[-2:] == ["closed", "scored"]


def test_a_submission_after_the_deadline_closes_the_attempt_instead(db):
    t = make_testing("npc")
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(), session=t.session)
    later = attempt.deadline + timedelta(seconds=3)
    with time_machine.travel(later, tick=False), pytest.raises(AttemptClosed):
        services.submit_attempt(actor=t.learner(), attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.status == "closed"
    assert attempt.percent == Decimal("0.00")


def test_a_learner_cannot_touch_another_learners_attempt(db):
    t = make_testing("npc")
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(0), session=t.session)
        with pytest.raises(NotFound):
            services.save_answer(
                actor=t.learner(1),
                attempt_id=attempt.pk,
                question_id=selectors.ticket_of(attempt)[0]["id"],
                options=[1],
            )
        with pytest.raises(NotFound):
            services.submit_attempt(actor=t.learner(1), attempt_id=attempt.pk)


def test_a_multiple_choice_question_needs_exactly_the_right_options(db):
    t = make_testing("npc", question_count=12)
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(), session=t.session)
        multiple = [q for q in selectors.ticket_of(attempt) if q["kind"] == "multiple"]
        assert len(multiple) == 2
        for question, options in [
            (multiple[0], right_options(multiple[0])),
            (multiple[1], right_options(multiple[1])[:1]),
        ]:
            services.save_answer(
                actor=t.learner(),
                attempt_id=attempt.pk,
                question_id=question["id"],
                options=options,
            )
        done = services.submit_attempt(actor=t.learner(), attempt_id=attempt.pk)
    assert done.score == 1
    assert done.max_score == 12


def test_the_department_annuls_an_attempt_and_the_learner_may_start_again(db):
    """The department annuls a finished attempt with a reason: its result leaves the
    attestation (audited), the event is logged, and the learner gets a new attempt."""
    t = make_testing("npc")
    with time_machine.travel(OPENS, tick=True):
        attempt, _ = services.start_attempt(actor=t.learner(), session=t.session)
        answer_all(t, attempt, right=10)
        services.submit_attempt(actor=t.learner(), attempt_id=attempt.pk)
        with pytest.raises(AttemptNotAllowed):
            services.start_attempt(actor=t.learner(), session=t.session)
        with pytest.raises(AnswerInvalid) as short:
            services.annul_attempt(actor=t.staff, attempt_id=attempt.pk, reason="нет")
        assert "не короче" in str(short.value.errors)
        services.annul_attempt(
            actor=t.staff, attempt_id=attempt.pk, reason="Сбой связи в аудитории на 12-й минуте"
        )
        assert not StageResult.objects.filter(learner_result=attempt.learner_result).exists()
        new, created = services.start_attempt(actor=t.learner(), session=t.session)
    assert created
    assert new.number == 2
    assert new.pk != attempt.pk
    attempt.refresh_from_db()
    assert attempt.status == "annulled"
    assert kinds(attempt)[-1] == "annulled"
    assert AuditEntry.objects.filter(action="testing.annul", object_id=str(attempt.pk)).exists()
    withdrawn = (
        AuditEntry.objects.filter(action="attestation.grade_from_test").order_by("pk").last()
    )
    assert withdrawn.changes["after"] is None


@pytest.mark.clause("rgmu-7.4")
def test_time_extended_by_special_conditions_moves_the_deadline_not_the_session(db):
    """The whole chain, nothing patched (rgmu-7.4): the learner's written application,
    staff's grant through the programmes service (a written test's limit extended by at
    most 90 minutes: 91 is refused), then the attempt's deadline = the form's limit + the
    granted minutes, logged. Started a minute before the session closes, the extended
    attempt runs its full time past the closing: answers are accepted after it, the sweep
    leaves it open, and it closes at its own deadline."""
    t = make_testing("rgmu")
    with pytest.raises(SpecialConditionsInvalid) as over:
        grant_extra_time(t, minutes=91)
    assert "не более чем на 90 минут" in over.value.errors["written_minutes"][0]
    application = SpecialConditionsApplication.objects.get(enrolment=t.setup.enrolments[0])
    services_of_programmes.grant_special_conditions(
        actor=t.staff, application=application, grant=SpecialConditionsGrant(written_minutes=90)
    )
    late = CLOSES - timedelta(minutes=1)
    with time_machine.travel(late, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(0), session=t.session)
        other, _ = services.start_attempt(actor=t.learner(1), session=t.session)
    assert attempt.deadline == late + LIMIT + timedelta(minutes=90)
    assert attempt.extension_minutes == 90
    assert other.deadline == late + LIMIT
    assert kinds(attempt) == ["started", "time_extended"]
    assert AttemptEvent.objects.get(attempt=attempt, kind="time_extended").details == {
        "minutes": 90
    }
    question = selectors.ticket_of(attempt)[0]["id"]
    with time_machine.travel(late + timedelta(minutes=100), tick=False):
        assert t.session.closes_at < timezone.now()
        services.save_answer(
            actor=t.learner(0), attempt_id=attempt.pk, question_id=question, options=[1]
        )
        assert services.close_expired_attempts() == 1  # the other learner's only
    attempt.refresh_from_db()
    assert attempt.status == "open"
    with time_machine.travel(attempt.deadline - timedelta(seconds=1), tick=False):
        services.save_answer(
            actor=t.learner(0), attempt_id=attempt.pk, question_id=question, options=[2]
        )
        assert services.close_expired_attempts() == 0
    with time_machine.travel(attempt.deadline, tick=False), pytest.raises(AttemptClosed):
        services.save_answer(
            actor=t.learner(0), attempt_id=attempt.pk, question_id=question, options=[1]
        )
    attempt.refresh_from_db()
    assert attempt.status == "closed"
    assert Answer.objects.get(attempt=attempt).chosen == [2]


@pytest.mark.clause("rgmu-7.4", "rgmu-7.6")
def test_extra_time_asked_for_another_stage_does_not_lengthen_the_test(db):
    """Extra time is asked for each attestation stage (rgmu-7.6, §7.7): granted for the
    written interview only, it does not lengthen the test."""
    t = make_testing("rgmu")
    interview = next(s for s in t.setup.stages() if s.kind == "interview")
    application = services_of_programmes.file_special_conditions(
        actor=t.staff,
        enrolment=t.setup.enrolments[0],
        request=SpecialConditionsRequest(extra_time_stage_ids=(interview.pk,)),
        filed_on=FILED_ON,
    )
    services_of_programmes.grant_special_conditions(
        actor=t.staff, application=application, grant=SpecialConditionsGrant(written_minutes=90)
    )
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(0), session=t.session)
    assert attempt.deadline == OPENS + LIMIT
    assert attempt.extension_minutes == 0
    assert kinds(attempt) == ["started"]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_closing_is_queued_for_the_deadline_on_the_database_queue(db):
    """On the production queue (the database) the start queues the closing of the attempt
    to run at its deadline, in the start's own transaction."""
    from django_tasks_db.models import DBTaskResult

    t = make_testing("npc")
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(), session=t.session)
    queued = DBTaskResult.objects.get(task_path="nmo.testing.tasks.close_attempt")
    assert queued.run_after == attempt.deadline
    assert queued.args_kwargs["kwargs"] == {"attempt_id": attempt.pk}
