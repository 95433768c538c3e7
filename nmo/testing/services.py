"""State changes of the online testing system (ADR 0301): test forms, sessions, and the
learner's attempt — start, autosaved answers, submission, closing at the server's
deadline, scoring into the attestation, annulment."""

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from nmo.accounts.access import require_login, require_staff_of
from nmo.accounts.models import User
from nmo.attestation import selectors as attestation_selectors
from nmo.attestation import services as attestation_services
from nmo.attestation.models import Attestation, LearnerResult
from nmo.core.exceptions import DomainError, NotFound
from nmo.core.services import enqueue_after_commit, record_audit, send_email_after_commit
from nmo.programmes import selectors as programme_selectors
from nmo.programmes.models import ProgrammeStage
from nmo.regulations.types import StageKind
from nmo.testing import protocol, rules
from nmo.testing.exceptions import (
    AnswerInvalid,
    AttemptClosed,
    AttemptGrantInvalid,
    AttemptNotAllowed,
    TestFormInvalid,
    TestSessionInvalid,
)
from nmo.testing.models import (
    Answer,
    Attempt,
    AttemptEvent,
    AttemptGrant,
    AttemptQuestion,
    AttemptStatus,
    EventKind,
    GrantBasis,
    TestForm,
    TestSession,
)
from nmo.testing.selectors import bank_of, bank_questions
from nmo.testing.types import BankQuestion, SavedAnswer, TestFormData

REASON_MIN = 10
REASON_MAX = 2000
COMMENT_MAX = 2000


def _event(attempt: Attempt, kind: EventKind, at: datetime, **details: Any) -> None:
    AttemptEvent.objects.create(attempt=attempt, kind=kind, at=at, details=details)


# --- forms and sessions ------------------------------------------------------------------


@transaction.atomic
def define_test_form(*, actor: User, stage: ProgrammeStage, data: TestFormData) -> TestForm:
    """Define (or change) how the test of a testing stage is drawn from the programme's
    bank: the number of questions, the sections, the time limit and the attempts (the
    organisation's staff). A form whose test has been taken is not changed: the tickets
    drawn from it must stay explainable. Audited as "testing.define_form"."""
    require_staff_of(actor, stage.programme.organisation)
    if stage.kind != StageKind.TESTING:
        raise TestFormInvalid(
            errors={"stage": ["Форма теста составляется для этапа «тестирование»."]}
        )
    numbers = [q.number for q in bank_questions(stage)]
    errors = rules.form_errors(
        question_count=data.question_count,
        sections=data.sections,
        time_limit_minutes=data.time_limit_minutes,
        attempts_allowed=data.attempts_allowed,
        bank_numbers=numbers,
    )
    if errors:
        raise TestFormInvalid(errors=errors)
    form = TestForm.objects.select_for_update().filter(stage=stage).first()
    if form is not None and Attempt.objects.filter(session__form=form).exists():
        raise TestFormInvalid(
            "Форму теста нельзя изменить: по ней уже проходили тестирование.",
            errors={"form": ["По этой форме уже проходили тестирование."]},
        )
    values = {
        "question_count": data.question_count,
        "time_limit_minutes": data.time_limit_minutes,
        "attempts_allowed": data.attempts_allowed,
        "shuffle_options": data.shuffle_options,
        "blueprint": [
            {
                "title": s.title,
                "from_number": s.from_number,
                "to_number": s.to_number,
                "count": s.count,
            }
            for s in data.sections
        ],
    }
    if form is None:
        form = TestForm.objects.create(stage=stage, created_by=actor, **values)
    else:
        for name, value in values.items():
            setattr(form, name, value)
        form.save(update_fields=[*values, "updated_at"])
    record_audit(actor=actor, action="testing.define_form", target=form, changes=values)
    return form


@transaction.atomic
def open_test_session(
    *, actor: User, attestation: Attestation, opens_at: datetime, closes_at: datetime
) -> TestSession:
    """Open the test of an attestation's testing stage to its admitted learners from
    `opens_at`; attempts may start until `closes_at` (on the attestation's day). The
    programme's testing stage must have a test form. Audited as "testing.open_session"."""
    require_staff_of(actor, attestation.cohort.programme.organisation)
    stage = next(
        (s for s in attestation_selectors.list_stages(attestation) if s.kind == StageKind.TESTING),
        None,
    )
    form = TestForm.objects.filter(stage=stage).first() if stage is not None else None
    errors: dict[str, list[str]] = {}
    if form is None:
        errors["form"] = ["У этапа «тестирование» программы нет формы теста: составьте её."]
    if closes_at <= opens_at:
        errors["closes_at"] = ["Окончание начала попыток должно быть позже начала сеанса."]
    if timezone.localtime(opens_at).date() != attestation.held_on:
        errors["opens_at"] = [
            f"Тестирование проводится в день аттестации: {attestation.held_on:%d.%m.%Y}."
        ]
    if attestation.is_decided:
        errors["attestation"] = ["Решение комиссии уже принято."]
    if errors:
        raise TestSessionInvalid(errors=errors)
    if form is None:  # pragma: no cover - refused above
        raise TestSessionInvalid()
    if TestSession.objects.filter(attestation=attestation, form=form).exists():
        raise TestSessionInvalid(
            errors={"form": ["Сеанс тестирования этой аттестации уже назначен."]}
        )
    session = TestSession.objects.create(
        attestation=attestation, form=form, opens_at=opens_at, closes_at=closes_at, created_by=actor
    )
    record_audit(
        actor=actor,
        action="testing.open_session",
        target=session,
        changes={"attestation": attestation.pk, "opens_at": opens_at, "closes_at": closes_at},
    )
    return session


# --- the learner's attempt ---------------------------------------------------------------


def _open_attempt_of(session: TestSession, learner_result_id: int) -> Attempt | None:
    return Attempt.objects.filter(
        session=session, learner_result_id=learner_result_id, status=AttemptStatus.OPEN
    ).first()


def start_attempt(*, actor: User, session: TestSession) -> tuple[Attempt, bool]:
    """Start the learner's attempt, or return the attempt already open (a reload, a second
    tab, a lost connection: the same attempt, the same deadline; logged as "resumed").
    Returns (attempt, created). A new attempt draws the learner's ticket with a fresh seed
    and fixes the deadline: now + the form's limit + the learner's special-conditions
    extension (rgmu-7.*), never clipped by the session's end; the closing at the deadline
    is queued at once."""
    try:
        with transaction.atomic():
            return _start(actor, session)
    except IntegrityError:
        # A second start raced this one (two tabs): the other one's attempt is the attempt.
        attempt = _open_attempt_of(session, _learner_result(actor, session).pk)
        if attempt is None:
            raise
        return attempt, False


def _learner_result(actor: User, session: TestSession) -> LearnerResult:
    require_login(actor)
    result = (
        attestation_selectors.results_for_learner(actor)
        .filter(attestation_id=session.attestation_id)
        .first()
    )
    if result is None:
        raise NotFound()
    return result


def _start(actor: User, session: TestSession) -> tuple[Attempt, bool]:
    result = _learner_result(actor, session)
    # The one row a start and a department's grant both lock (ADR 0307): a grant racing
    # this start sees the new attempt, or this start sees the grant and takes it.
    attestation_selectors.lock_learner_result(result.pk)
    now = timezone.now()
    attempt = _open_attempt_of(session, result.pk)
    if attempt is not None:
        if rules.is_before_deadline(attempt.deadline, now):
            _event(
                attempt,
                EventKind.RESUMED,
                now,
                via="start",
                remaining_seconds=rules.remaining_seconds(attempt.deadline, now),
            )
            return attempt, False
        _finish(attempt.pk, AttemptStatus.CLOSED, actor=None)
    attestation = session.attestation
    if attestation.is_decided:
        raise AttemptNotAllowed("Решение комиссии уже принято: тестирование закрыто.")
    if not result.is_present:
        raise AttemptNotAllowed(f"Вы отмечены как «{result.attendance_label}».")
    form = session.form
    grant = _pending_grant(session, result.pk, now, lock=True)
    if grant is not None:
        # The department's new attempt after an annulment (ADR 0307): its own window
        # instead of the session's, one attempt.
        if now < grant.opens_at:
            raise AttemptNotAllowed(
                f"Новая попытка назначена: начать её можно с {_local(grant.opens_at)} "
                f"до {_local(grant.closes_at)}."
            )
    else:
        if now < session.opens_at:
            raise AttemptNotAllowed(
                f"Тестирование начнётся {timezone.localtime(session.opens_at):%d.%m.%Y в %H:%M}."
            )
        if now >= session.closes_at:
            raise AttemptNotAllowed(
                f"Начать тестирование можно было до "
                f"{timezone.localtime(session.closes_at):%d.%m.%Y %H:%M}."
            )
        counted = Attempt.objects.filter(session=session, learner_result=result).exclude(
            status=AttemptStatus.ANNULLED
        )
        if counted.count() >= form.attempts_allowed:
            raise AttemptNotAllowed("Все попытки тестирования использованы.")
    number = Attempt.objects.filter(session=session, learner_result=result).count() + 1
    extension = programme_selectors.test_time_extension_minutes(
        enrolment_id=result.enrolment_id, stage_id=form.stage_id
    )
    seed = secrets.randbits(62)
    bank = bank_of(form.stage)
    ticket = rules.draw_ticket(
        seed,
        [BankQuestion(e.item_id, e.number, e.option_count) for e in bank.values()],
        question_count=form.question_count,
        sections=_sections(form),
        shuffle_options=form.shuffle_options,
    )
    attempt = Attempt.objects.create(
        session=session,
        learner_result=result,
        learner=actor,
        number=number,
        seed=seed,
        started_at=now,
        deadline=rules.deadline_of(now, form.time_limit_minutes, extension),
        extension_minutes=extension,
    )
    AttemptQuestion.objects.bulk_create(
        [
            AttemptQuestion(
                attempt=attempt,
                position=position,
                item_id=question.item_id,
                kind=rules.question_kind(bank[question.item_id].correct),
                option_order=list(question.option_order),
            )
            for position, question in enumerate(ticket, start=1)
        ]
    )
    granted: dict[str, Any] = {}
    if grant is not None:
        grant.attempt = attempt
        grant.save(update_fields=["attempt", "updated_at"])
        granted = {"grant": grant.pk, "basis": grant.basis}
    _event(
        attempt,
        EventKind.STARTED,
        now,
        limit_minutes=form.time_limit_minutes,
        deadline=attempt.deadline.isoformat(),
        seed=seed,
        items=[q.item_id for q in ticket],
        **granted,
    )
    if extension:
        _event(attempt, EventKind.TIME_EXTENDED, now, minutes=extension)
    _schedule_closing(attempt)
    return attempt, True


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}"


def _pending_grant(
    session: TestSession, learner_result_id: int, now: datetime, *, lock: bool = False
) -> AttemptGrant | None:
    """The learner's new attempt given by the department and not yet started whose window
    has not closed (ADR 0307), or None."""
    grants = AttemptGrant.objects.filter(
        session=session,
        learner_result_id=learner_result_id,
        attempt__isnull=True,
        closes_at__gt=now,
    ).order_by("opens_at", "pk")
    if lock:
        grants = grants.select_for_update()
    return grants.first()


RESUME_REPEAT_SECONDS = 10
"""A page opened within this many seconds of a logged repeat start is that reconnection."""
RELOAD_STORM_SECONDS = 30
"""A page opened again within this many seconds of the last logged reconnection is not
logged again (a reload storm; the first is kept)."""


def open_attempt_page(*, actor: User, attempt_id: int) -> bool:
    """The learner opens the page of a running attempt. The first opening follows the
    start and logs nothing; every later one (a reload, a second tab, coming back after a
    lost connection) is a reconnection, logged by `resume_attempt`. The autosave never
    calls this. Returns whether a reconnection was logged."""
    require_login(actor)
    first = Attempt.objects.filter(
        pk=attempt_id, learner=actor, status=AttemptStatus.OPEN, page_opened_at__isnull=True
    ).update(page_opened_at=timezone.now())
    if first:
        return False
    return resume_attempt(actor=actor, attempt_id=attempt_id)


def resume_attempt(*, actor: User, attempt_id: int, via: str = "page") -> bool:
    """A running attempt is opened again (a reload, a second tab, coming back after a lost
    connection): the same attempt and the same deadline; the reconnection is logged as
    "resumed" with the seconds left, for the protocol. Nothing is logged for an attempt
    that is not open or whose deadline has passed, for a page opened right after a repeat
    start that was logged already, nor for a page opened within 30 s of the last logged
    reconnection (a reload storm). Returns whether it was logged."""
    require_login(actor)
    attempt = Attempt.objects.filter(
        pk=attempt_id, learner=actor, status=AttemptStatus.OPEN
    ).first()
    now = timezone.now()
    if attempt is None or not rules.is_before_deadline(attempt.deadline, now):
        return False
    last = AttemptEvent.objects.filter(attempt=attempt).order_by("-at", "-pk").first()
    if (
        last is not None
        and last.kind == EventKind.RESUMED
        and last.details.get("via") == "start"
        and now - last.at <= timedelta(seconds=RESUME_REPEAT_SECONDS)
    ):
        return False
    if via == "page":
        logged = (
            AttemptEvent.objects.filter(attempt=attempt, kind=EventKind.RESUMED)
            .order_by("-at", "-pk")
            .first()
        )
        if logged is not None and now - logged.at < timedelta(seconds=RELOAD_STORM_SECONDS):
            return False  # a reload storm: the first reconnection is the one logged
    _event(
        attempt,
        EventKind.RESUMED,
        now,
        via=via,
        remaining_seconds=rules.remaining_seconds(attempt.deadline, now),
    )
    return True


def _sections(form: TestForm) -> tuple[Any, ...]:
    from nmo.testing.types import Section

    return tuple(Section(**s) for s in form.blueprint)


def _schedule_closing(attempt: Attempt) -> None:
    """Queue the closing of the attempt at its deadline where the queue can wait (the
    database queue of production); the sweep (`close_expired_attempts`) closes what a
    queue missed."""
    from nmo.testing.tasks import close_attempt

    if not close_attempt.get_backend().supports_defer:
        return
    enqueue_after_commit(close_attempt.using(run_after=attempt.deadline), attempt_id=attempt.pk)


def _locked_open(actor: User, attempt_id: int) -> Attempt:
    """Lock the learner's attempt; NotFound for another's, AttemptClosed when it is not
    open or its deadline has passed."""
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, learner=actor).first()
    if attempt is None:
        raise NotFound()
    if attempt.status != AttemptStatus.OPEN:
        raise AttemptClosed(_closed_message(attempt))
    return attempt


def _closed_message(attempt: Attempt) -> str:
    if attempt.status == AttemptStatus.SUBMITTED:
        return "Попытка уже завершена: вы отправили ответы, изменить их нельзя."
    if attempt.status == AttemptStatus.ANNULLED:
        return "Попытка аннулирована: ответы не принимаются."
    return AttemptClosed.default_message


def save_answer(
    *,
    actor: User,
    attempt_id: int,
    question_id: int,
    options: list[int],
    flagged: bool | None = None,
) -> SavedAnswer:
    """Save the learner's answer to one question as it is given (autosave), replacing the
    previous one. Accepted only while the attempt is open and strictly before its deadline
    (the server's clock); otherwise refused with AttemptClosed (409 `attempt_closed`) and
    nothing changes. Once this returns, the answer is committed: an acknowledged answer is
    never lost. An answer after the deadline closes the attempt there and then.

    The save holds a lock on the attempt row until it commits — shared on PostgreSQL (the
    learner's tabs save side by side), so the closing, which locks the row for update,
    scores every save that got in before the deadline and refuses every later one."""
    require_login(actor)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            saved = _save_in_two_statements(actor, attempt_id, question_id, options, flagged)
        else:
            saved = _save(actor, attempt_id, question_id, options, flagged)
    if saved is None:
        close_attempt_at_deadline(attempt_id=attempt_id, refused_answer=question_id)
        raise AttemptClosed()
    return saved


def _checked_options(options: list[int], kind: str, option_order: list[int]) -> list[int]:
    chosen = sorted(set(options))
    valid = {i + 1 for i in option_order}
    if any(o not in valid for o in chosen):
        raise AnswerInvalid(errors={"options": ["Такого варианта ответа у вопроса нет."]})
    if kind == "single" and len(chosen) > 1:
        raise AnswerInvalid(errors={"options": ["В этом вопросе выберите один вариант."]})
    return chosen


_LOCK_AND_READ = """
SELECT a.status, a.deadline, q.kind, q.option_order
FROM testing_attempt a
LEFT JOIN testing_attemptquestion q ON q.attempt_id = a.id AND q.id = %s
WHERE a.id = %s AND a.learner_id = %s
FOR SHARE OF a
"""

_UPSERT_AND_LOG = """
WITH saved AS (
    INSERT INTO testing_answer (attempt_id, question_id, chosen, flagged, saved_at, saves)
    VALUES (%(attempt)s, %(question)s, %(chosen)s::jsonb, %(flagged)s, %(now)s, 1)
    ON CONFLICT (attempt_id, question_id) DO UPDATE
    SET chosen = EXCLUDED.chosen,
        saved_at = EXCLUDED.saved_at,
        saves = testing_answer.saves + 1,
        flagged = CASE WHEN %(keep_flag)s THEN testing_answer.flagged ELSE EXCLUDED.flagged END
    RETURNING id
), logged AS (
    INSERT INTO testing_attemptevent (attempt_id, kind, at, details)
    VALUES (%(attempt)s, 'answer_saved', %(now)s, %(details)s::jsonb)
)
SELECT id FROM saved
"""


def _save_in_two_statements(
    actor: User, attempt_id: int, question_id: int, options: list[int], flagged: bool | None
) -> SavedAnswer | None:
    """PostgreSQL: lock the attempt row shared and read the question in one statement,
    check in Python, then write the answer and its event in one more (ADR 0301)."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_READ, [question_id, attempt_id, actor.pk])
        row = cursor.fetchone()
        if row is None:
            raise NotFound()
        status, deadline, kind, option_order = row
        if status != AttemptStatus.OPEN:
            raise AttemptClosed(_closed_message(Attempt(status=status)))
        now = timezone.now()
        if not rules.is_before_deadline(deadline, now):
            return None
        if kind is None:
            raise NotFound()
        if isinstance(option_order, str):
            option_order = json.loads(option_order)
        chosen = _checked_options(options, kind, option_order)
        cursor.execute(
            _UPSERT_AND_LOG,
            {
                "attempt": attempt_id,
                "question": question_id,
                "chosen": json.dumps(chosen),
                "flagged": bool(flagged),
                "keep_flag": flagged is None,
                "now": now,
                "details": json.dumps({"question": question_id, "options": chosen}),
            },
        )
    return SavedAnswer(
        question_id=question_id, options=tuple(chosen), saved_at=now, deadline=deadline
    )


def _save(
    actor: User, attempt_id: int, question_id: int, options: list[int], flagged: bool | None
) -> SavedAnswer | None:
    attempt = _locked_open(actor, attempt_id)
    now = timezone.now()
    if not rules.is_before_deadline(attempt.deadline, now):
        return None
    question = (
        AttemptQuestion.objects.filter(pk=question_id, attempt=attempt)
        .only("pk", "kind", "option_order")
        .first()
    )
    if question is None:
        raise NotFound()
    chosen = _checked_options(options, question.kind, question.option_order)
    answer = Answer.objects.filter(attempt=attempt, question=question).first()
    if answer is None:
        answer = Answer.objects.create(
            attempt=attempt,
            question=question,
            chosen=chosen,
            flagged=bool(flagged),
            saved_at=now,
        )
    else:
        answer.chosen, answer.saved_at, answer.saves = chosen, now, answer.saves + 1
        if flagged is not None:
            answer.flagged = flagged
        answer.save(update_fields=["chosen", "saved_at", "saves", "flagged"])
    _event(attempt, EventKind.ANSWER_SAVED, now, question=question.pk, options=chosen)
    return SavedAnswer(
        question_id=question_id, options=tuple(chosen), saved_at=now, deadline=attempt.deadline
    )


def submit_attempt(*, actor: User, attempt_id: int) -> Attempt:
    """The learner finishes the attempt before the deadline: it is scored and the
    percentage with its grade becomes the result of the testing stage (rgmu-3.6). After
    the deadline it is closed at the deadline instead (with the answers saved before it)
    and the learner is told so: AttemptClosed."""
    require_login(actor)
    with transaction.atomic():
        attempt = _locked_open(actor, attempt_id)
        if rules.is_before_deadline(attempt.deadline, timezone.now()):
            return _finish(attempt.pk, AttemptStatus.SUBMITTED, actor=actor)
        _finish(attempt.pk, AttemptStatus.CLOSED, actor=None)
    raise AttemptClosed(
        "Время тестирования истекло: попытка завершена по времени, учтены ответы, "
        "сохранённые до его окончания."
    )


def _finish(attempt_id: int, status: AttemptStatus, *, actor: User | None) -> Attempt:
    """Close an open attempt (locked here), score it and carry the score into the
    attestation. Called inside a transaction."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("session__form__stage")
        .get(pk=attempt_id)
    )
    if attempt.status != AttemptStatus.OPEN:
        return attempt
    now = timezone.now()
    questions = {
        q.pk: list(q.item.correct_answers)
        for q in AttemptQuestion.objects.filter(attempt=attempt).select_related("item")
    }
    answers = {a.question_id: a.chosen for a in Answer.objects.filter(attempt=attempt)}
    right, total, percent = rules.score(questions, answers)
    attempt.status = status
    attempt.finished_at = min(now, attempt.deadline) if status == AttemptStatus.CLOSED else now
    attempt.score, attempt.max_score, attempt.percent = right, total, percent
    _event(
        attempt,
        EventKind.SUBMITTED if status == AttemptStatus.SUBMITTED else EventKind.CLOSED,
        now,
        score=right,
        total=total,
        percent=str(percent),
    )
    try:
        with transaction.atomic():
            stage_result = attestation_services.record_test_result(
                actor=actor,
                learner_result_id=attempt.learner_result_id,
                stage_id=attempt.session.form.stage_id,
                percent=percent,
                attempt_id=attempt.pk,
            )
        attempt.grade = stage_result.grade
        _event(attempt, EventKind.SCORED, now, percent=str(percent), grade=stage_result.grade)
    except DomainError as exc:
        _event(attempt, EventKind.NOT_TRANSFERRED, now, reason=exc.message)
    attempt.save(
        update_fields=[
            "status",
            "finished_at",
            "score",
            "max_score",
            "percent",
            "grade",
            "updated_at",
        ]
    )
    record_audit(
        actor=actor,
        action="testing.score",
        target=attempt,
        changes={"status": status.value, "score": right, "total": total, "percent": percent},
    )
    return attempt


@transaction.atomic
def close_attempt_at_deadline(*, attempt_id: int, refused_answer: int | None = None) -> bool:
    """Close and score an attempt whose deadline has passed, even if the learner never
    came back (the queued task and the sweep call this; so does an answer that came too
    late, `refused_answer` its question). Returns whether it closed it now."""
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None or attempt.status != AttemptStatus.OPEN:
        return False
    now = timezone.now()
    if rules.is_before_deadline(attempt.deadline, now):
        return False
    if refused_answer is not None:
        _event(attempt, EventKind.ANSWER_REFUSED, now, question=refused_answer)
    _finish(attempt.pk, AttemptStatus.CLOSED, actor=None)
    return True


def close_expired_attempts() -> int:
    """The sweep: close every open attempt whose deadline has passed, each in its own
    transaction. Safe to run at any time, from cron or the worker. Returns the count."""
    due = list(
        Attempt.objects.filter(status=AttemptStatus.OPEN, deadline__lte=timezone.now())
        .order_by("deadline")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in due if close_attempt_at_deadline(attempt_id=pk))


@transaction.atomic
def annul_attempt(*, actor: User, attempt_id: int, reason: str) -> Attempt:
    """The department annuls a finished or running attempt with a reason (a breach of the
    rules, a technical failure). Its result is withdrawn from the attestation, and the
    learner may start a new attempt in the session: an annulled attempt does not count
    against the form's attempts (the retake of the whole attestation follows the retake
    rules). Once the session has closed, the department gives the new attempt its own
    window with `grant_new_attempt` (ADR 0307). Audited as "testing.annul" (and the
    withdrawn result as "attestation.grade_from_test")."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("session__attestation__cohort__programme__organisation", "session__form")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise NotFound()
    require_staff_of(actor, attempt.session.attestation.cohort.programme.organisation)
    reason = reason.strip()
    if len(reason) < REASON_MIN:
        raise AnswerInvalid(
            "Укажите причину аннулирования.",
            errors={"reason": [f"Причина — не короче {REASON_MIN} символов."]},
        )
    if attempt.status == AttemptStatus.ANNULLED:
        raise AttemptClosed("Попытка уже аннулирована.", code="attempt_annulled")
    now = timezone.now()
    before = attempt.status
    if attempt.percent is not None:
        attestation_services.withdraw_test_result(
            actor=actor,
            learner_result_id=attempt.learner_result_id,
            stage_id=attempt.session.form.stage_id,
            attempt_id=attempt.pk,
            reason=reason,
        )
    attempt.status = AttemptStatus.ANNULLED
    attempt.annulled_reason, attempt.annulled_by = reason[:REASON_MAX], actor
    attempt.finished_at = attempt.finished_at or now
    attempt.save(
        update_fields=["status", "annulled_reason", "annulled_by", "finished_at", "updated_at"]
    )
    _event(attempt, EventKind.ANNULLED, now, reason=reason, by=actor.full_name)
    record_audit(
        actor=actor,
        action="testing.annul",
        target=attempt,
        changes={
            "status": [before, AttemptStatus.ANNULLED.value],
            "reason": reason,
            "percent": attempt.percent,
        },
    )
    return attempt


@transaction.atomic
def grant_new_attempt(
    *,
    actor: User,
    attempt_id: int,
    basis: str,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    comment: str = "",
) -> AttemptGrant:
    """After annulling an attempt the department gives the learner a new one with its own
    window (ADR 0307), also once the session has closed: from `opens_at` (now by default)
    until `closes_at` (by default as long as the session's own window) the learner may
    start it from «Мои тесты». The basis is a technical fault or another valid reason the
    department records; it is not a retake and does not use the learner's one retake: a
    retake of the attestation follows the commission's decision, on the learner's
    application (ADR 0108). Only while the commission has not decided and no signed record
    covers the result. The learner's result row is locked first, as `start_attempt` locks
    it, so a grant and a start at once leave one of them (ADR 0307).
    Refused with AttemptGrantInvalid and a Russian message. Audited as
    "testing.grant_attempt"; logged on the annulled attempt; the learner is e-mailed."""
    result_id = (
        Attempt.objects.filter(pk=attempt_id).values_list("learner_result_id", flat=True).first()
    )
    if result_id is None:
        raise NotFound()
    attestation_selectors.lock_learner_result(result_id)
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related(
            "session__attestation__cohort__programme__organisation",
            "session__attestation__regulation_version__regulation",
            "learner",
        )
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise NotFound()
    session = attempt.session
    attestation = session.attestation
    require_staff_of(actor, attestation.cohort.programme.organisation)
    now = timezone.now()
    if basis not in GrantBasis.values:
        raise AttemptGrantInvalid(errors={"basis": ["Укажите основание новой попытки."]})
    if attempt.status != AttemptStatus.ANNULLED:
        raise AttemptGrantInvalid(
            errors={"attempt": ["Новая попытка назначается после аннулирования попытки."]}
        )
    existing = AttemptGrant.objects.filter(annulled_attempt=attempt).first()
    if existing is not None:
        raise AttemptGrantInvalid(
            errors={
                "attempt": [
                    f"Новая попытка уже назначена: с {_local(existing.opens_at)} "
                    f"до {_local(existing.closes_at)}."
                ]
            }
        )
    later = Attempt.objects.filter(
        session=session, learner_result_id=attempt.learner_result_id, number__gt=attempt.number
    ).first()
    if later is not None:
        raise AttemptGrantInvalid(
            errors={"attempt": [f"Слушатель уже проходит тест заново (попытка {later.number})."]}
        )
    if attestation.is_decided:
        raise AttemptGrantInvalid(
            errors={
                "attestation": [
                    "Решение комиссии уже принято: пройти тестирование заново можно только на "
                    "повторной итоговой аттестации по заявлению слушателя."
                ]
            }
        )
    result = attempt.learner_result
    locked = attestation_selectors.lock_reason(attestation, [result])
    if locked:
        raise AttemptGrantInvalid(errors={"attestation": [locked]})
    opens = (opens_at or now).replace(second=0, microsecond=0)
    closes = closes_at or opens + max(session.closes_at - session.opens_at, timedelta(hours=1))
    errors: dict[str, list[str]] = {}
    if closes <= opens:
        errors["closes_at"] = ["Окончание — позже начала."]
    elif closes <= now:
        errors["closes_at"] = ["Окончание уже прошло: укажите время позже текущего."]
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [f"Комментарий — не более {COMMENT_MAX} символов."]
    if errors:
        raise AttemptGrantInvalid(errors=errors)
    grant = AttemptGrant.objects.create(
        session=session,
        learner_result_id=attempt.learner_result_id,
        annulled_attempt=attempt,
        basis=basis,
        opens_at=opens,
        closes_at=closes,
        comment=comment,
        granted_by=actor,
    )
    _event(
        attempt,
        EventKind.NEW_ATTEMPT_GRANTED,
        now,
        basis=basis,
        opens_at=opens.isoformat(),
        closes_at=closes.isoformat(),
        by=actor.full_name,
    )
    record_audit(
        actor=actor,
        action="testing.grant_attempt",
        target=grant,
        changes={
            "annulled_attempt": attempt.pk,
            "learner_result": attempt.learner_result_id,
            "basis": basis,
            "opens_at": opens,
            "closes_at": closes,
            "comment": comment,
        },
    )
    if attempt.learner.email:
        send_email_after_commit(
            to=[attempt.learner.email],
            subject="Назначена новая попытка тестирования",
            body=(
                f"Итоговая аттестация по программе «{attestation.cohort.programme.title}»: "
                f"вам назначена новая попытка тестирования ({grant.basis_label}). Начать её "
                f"можно в разделе «Мои тесты» с {_local(opens)} до {_local(closes)}."
            ),
        )
    return grant


def render_protocol_pdf(attempt: Attempt) -> bytes:
    """The individual protocol of a finished attempt as PDF (rgmu-app4): the appeal
    commission's pages print it through this public module."""
    return protocol.render_protocol_pdf(attempt)
