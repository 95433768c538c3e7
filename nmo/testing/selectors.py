"""Reads of the testing system: the bank a form draws from, a learner's tests, a
session's live progress, an attempt's ticket, answers and protocol."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.models import User
from nmo.attestation import selectors as attestation_selectors
from nmo.attestation.models import Attestation
from nmo.printing.files import document_file_name
from nmo.programmes import selectors as programme_selectors
from nmo.programmes.models import ProgrammeStage
from nmo.testing import rules
from nmo.testing.models import (
    Answer,
    Attempt,
    AttemptEvent,
    AttemptGrant,
    AttemptQuestion,
    AttemptStatus,
    TestForm,
    TestSession,
)
from nmo.testing.types import AttemptProtocolRef, BankQuestion


@dataclass(frozen=True)
class BankEntry:
    item_id: int
    number: int
    option_count: int
    correct: tuple[int, ...]


def _bank_items(stage: ProgrammeStage) -> list[Any]:
    items = programme_selectors.list_assessment_items(stage.programme, kind="test_question")
    own = [i for i in items if i.stage_id in (stage.pk, None)]
    return [i for i in own if i.options and i.correct_answers]


def bank_of(stage: ProgrammeStage) -> dict[int, BankEntry]:
    """The test questions of the programme's bank a stage's test draws from (those of the
    stage and those of no stage), with options and right answers, by item id."""
    return {
        i.pk: BankEntry(i.pk, i.number, len(i.options), tuple(i.correct_answers))
        for i in _bank_items(stage)
    }


def bank_questions(stage: ProgrammeStage) -> list[BankQuestion]:
    return [BankQuestion(e.item_id, e.number, e.option_count) for e in bank_of(stage).values()]


def form_of(stage: ProgrammeStage) -> TestForm | None:
    return TestForm.objects.filter(stage=stage).first()


def testing_stage_of(attestation: Attestation) -> ProgrammeStage | None:
    return next(
        (s for s in attestation_selectors.list_stages(attestation) if s.kind == "testing"), None
    )


def sessions_of(attestation: Attestation) -> QuerySet[TestSession]:
    return TestSession.objects.filter(attestation=attestation).select_related("form__stage")


def get_session(session_id: int) -> TestSession:
    """The session with its attestation, form and stage (or TestSession.DoesNotExist)."""
    return TestSession.objects.select_related(
        "attestation__cohort__programme__organisation", "attestation__commission", "form__stage"
    ).get(pk=session_id)


def get_attempt(attempt_id: int) -> Attempt:
    return Attempt.objects.select_related(
        "session__attestation__cohort__programme__organisation",
        "session__attestation__commission",
        "session__form__stage",
        "learner",
        "learner_result",
    ).get(pk=attempt_id)


@dataclass(frozen=True)
class LearnerTest:
    session: TestSession
    attempts: list[Attempt]
    open_attempt: Attempt | None
    can_start: bool
    decided: bool
    grant: AttemptGrant | None = None
    """The new attempt the department gave after an annulment, not yet started, whose
    window has not closed (ADR 0307): it replaces the session's window."""
    extension_minutes: int = 0
    """The learner's own extension of the time limit by special conditions (rgmu-7.4): the
    open attempt's, else what a start would add now."""


def tests_for_learner(user: User) -> list[LearnerTest]:
    """«Мои тесты»: the sessions of the learner's attestations with their attempts and the
    learner's own time limit: the form's plus the special-conditions extension (rgmu-7.4)."""
    results = {r.attestation_id: r for r in attestation_selectors.results_for_learner(user)}
    listed = (
        TestSession.objects.filter(attestation_id__in=results)
        .select_related("attestation__cohort__programme", "form__stage")
        .order_by("-opens_at")
    )
    now = timezone.now()
    sessions = list(listed)
    result_ids = [r.pk for r in results.values()]
    # The attempts and the pending grants of every session in one query each.
    attempts_of: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(
        session__in=sessions, learner_result_id__in=result_ids
    ).order_by("number"):
        attempts_of.setdefault(attempt.session_id, []).append(attempt)
    grants: dict[int, AttemptGrant] = {}
    for granted in AttemptGrant.objects.filter(
        session__in=sessions,
        learner_result_id__in=result_ids,
        attempt__isnull=True,
        closes_at__gt=now,
    ).order_by("-opens_at", "-pk"):
        grants[granted.session_id] = granted  # the earliest window wins, as pending_grant
    out = []
    for session in sessions:
        result = results[session.attestation_id]
        attempts = [a for a in attempts_of.get(session.pk, []) if a.learner_result_id == result.pk]
        open_attempt = next(
            (a for a in attempts if a.is_open and rules.is_before_deadline(a.deadline, now)), None
        )
        used = sum(1 for a in attempts if a.status != AttemptStatus.ANNULLED)
        grant = grants.get(session.pk)
        if grant is not None and grant.learner_result_id != result.pk:
            grant = None
        if grant is not None:
            in_window = grant.opens_at <= now < grant.closes_at
        else:
            in_window = (
                session.opens_at <= now < session.closes_at and used < session.form.attempts_allowed
            )
        can_start = open_attempt is None and in_window and not session.attestation.is_decided
        extension = (
            open_attempt.extension_minutes
            if open_attempt is not None
            else programme_selectors.test_time_extension_minutes(
                enrolment_id=result.enrolment_id, stage_id=session.form.stage_id
            )
        )
        out.append(
            LearnerTest(
                session,
                attempts,
                open_attempt,
                can_start,
                session.attestation.is_decided,
                grant,
                extension,
            )
        )
    return out


def pending_grant(session: TestSession, learner_result_id: int) -> AttemptGrant | None:
    """The learner's new attempt given after an annulment and not yet started, whose
    window has not closed (ADR 0307), or None."""
    return (
        AttemptGrant.objects.filter(
            session=session,
            learner_result_id=learner_result_id,
            attempt__isnull=True,
            closes_at__gt=timezone.now(),
        )
        .order_by("opens_at", "pk")
        .first()
    )


def ticket_of(attempt: Attempt) -> list[dict[str, Any]]:
    """The attempt's questions in the learner's order, each with its options in the order
    shown (ids = the bank's option index + 1), the right ones and the learner's answer."""
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    out = []
    for q in (
        AttemptQuestion.objects.filter(attempt=attempt).select_related("item").order_by("position")
    ):
        answer = answers.get(q.pk)
        chosen = answer.chosen if answer else []
        correct = [i + 1 for i in q.item.correct_answers]
        out.append(
            {
                "id": q.pk,
                "position": q.position,
                "number": q.item.number,
                "text": q.item.text,
                "kind": q.kind,
                "options": [
                    {
                        "id": i + 1,
                        "text": q.item.options[i],
                        "chosen": (i + 1) in chosen,
                        "correct": (i + 1) in correct,
                    }
                    for i in q.option_order
                ],
                "chosen": chosen,
                "flagged": bool(answer and answer.flagged),
                "saved_at": answer.saved_at if answer else None,
                "is_correct": rules.is_correct(chosen, q.item.correct_answers),
            }
        )
    return out


def answers_of(attempt: Attempt) -> dict[str, Any]:
    """The attempt's answers by question id: chosen options, flag, time saved."""
    return {
        str(a.question_id): {"options": a.chosen, "flagged": a.flagged, "saved_at": a.saved_at}
        for a in Answer.objects.filter(attempt=attempt)
    }


def events_of(attempt: Attempt) -> QuerySet[AttemptEvent]:
    return AttemptEvent.objects.filter(attempt=attempt).order_by("at", "pk")


def remaining_seconds(attempt: Attempt) -> int:
    if not attempt.is_open:
        return 0
    return rules.remaining_seconds(attempt.deadline, timezone.now())


def shows_grade(attempt: Attempt) -> bool:
    """A learner sees the grade once the commission has decided (the grade may be
    withheld until then, api.md)."""
    return attempt.session.attestation.is_decided


@dataclass(frozen=True)
class ProgressRow:
    learner_name: str
    learner_result_id: int
    attempt: Attempt | None
    answered: int
    total: int
    remaining: int
    grant: AttemptGrant | None = None
    """The new attempt given after the latest attempt was annulled (ADR 0307)."""


def session_progress(session: TestSession) -> list[ProgressRow]:
    """Live progress of a session for the department: every admitted learner, whether they
    have started, how many questions they answered, the time left, the result."""
    results = attestation_selectors.list_learner_results(session.attestation)
    attempts: dict[int, Attempt] = {}
    for each in (
        Attempt.objects.filter(session=session)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.only("pk", "attempt_id")))
        .order_by("number")
    ):
        attempts[each.learner_result_id] = each  # the latest attempt wins
    grants = {
        g.annulled_attempt_id: g
        for g in AttemptGrant.objects.filter(session=session).select_related("attempt")
    }
    now = timezone.now()
    rows = []
    for result in results:
        attempt = attempts.get(result.pk)
        rows.append(
            ProgressRow(
                learner_name=result.enrolment.learner.full_name,
                learner_result_id=result.pk,
                attempt=attempt,
                answered=len(attempt.answers.all()) if attempt else 0,
                total=session.form.question_count,
                remaining=(
                    rules.remaining_seconds(attempt.deadline, now)
                    if attempt and attempt.is_open
                    else 0
                ),
                grant=grants.get(attempt.pk) if attempt else None,
            )
        )
    return rows


def attempt_protocols_for_result(learner_result_id: int) -> list[AttemptProtocolRef]:
    """The individual protocols of a learner's test attempts at an attestation (the
    document rgmu-app4 lists among an appeal's), for the appeal hearing page."""
    return [
        AttemptProtocolRef(
            attempt_id=a.pk,
            number=a.number,
            status_label=a.status_label,
            percent=a.percent,
            started_at=a.started_at,
            url=reverse("testing:attempt_protocol", args=[a.pk]),
        )
        for a in Attempt.objects.filter(learner_result_id=learner_result_id).order_by(
            "session_id", "number"
        )
        if not a.is_open
    ]


def protocol_file_name(attempt: Attempt) -> str:
    """The download name of an attempt's individual protocol (ADR 0029): «Протокол
    тестирования — Егоров Е.Ж. — 03.12.2026.pdf», «… — попытка 2.pdf» for a later attempt."""
    return document_file_name(
        "Протокол тестирования",
        attempt.learner.short_name,
        f"{timezone.localtime(attempt.started_at):%d.%m.%Y}",
        f"попытка {attempt.number}" if attempt.number > 1 else "",
        extension="pdf",
    )


def finished_attempt_of_result(*, learner_result_id: int, attempt_id: int) -> Attempt | None:
    """A finished attempt of the learner's result (its protocol is final), or None."""
    return (
        Attempt.objects.filter(pk=attempt_id, learner_result_id=learner_result_id)
        .exclude(status=AttemptStatus.OPEN)
        .first()
    )


def scores_for_attestation(attestation: Attestation) -> dict[int, Attempt]:
    """The latest finished attempt of each learner at an attestation, by learner result
    id (the attestation page shows it to the commission before it votes)."""
    latest: dict[int, Attempt] = {}
    for a in (
        Attempt.objects.filter(session__attestation=attestation)
        .exclude(status=AttemptStatus.OPEN)
        .order_by("number")
    ):
        latest[a.learner_result_id] = a
    return latest
