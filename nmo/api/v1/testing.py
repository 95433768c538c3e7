"""API v1: the online testing system (АС ДПО, rgmu-6.1; shared/spec/api.md «Test attempts»).

An admitted learner starts the attempt of a test session (a repeat while it is open returns
the same attempt: 200, not 201), saves each answer as it is given, reads the state with the
seconds left by the server's clock and submits. An answer or a submission after the
deadline or the submission is 409 `attempt_closed` with a Russian message; the attempt is
then closed and scored at its deadline with the answers saved before it.
"""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut
from nmo.testing import rules, selectors, services
from nmo.testing.access import access_attempt_state, access_session_for_learner
from nmo.testing.models import Attempt

router = Router(tags=["Тестирование (АС ДПО)"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
MAX_OPTIONS = 50


class OptionOut(Schema):
    id: int = Field(..., description="Номер варианта в ФОС (с 1)")
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    kind: str = Field(..., description="single — один ответ, multiple — несколько")
    options: list[OptionOut]


class AttemptStartOut(Schema):
    id: int
    deadline: dt.datetime = Field(..., description="Окончание времени по часам сервера")
    remaining_seconds: int
    questions: list[QuestionOut]


class AnswerIn(Schema):
    options: list[int] = Field(..., max_length=MAX_OPTIONS, description="Выбранные варианты")
    flagged: bool | None = Field(None, description="Отметить вопрос, чтобы вернуться к нему")


class SavedOut(Schema):
    saved_at: dt.datetime
    remaining_seconds: int


class AnswerOut(Schema):
    options: list[int]
    flagged: bool
    saved_at: dt.datetime


class AttemptOut(Schema):
    id: int
    status: str = Field(..., description="open | submitted | closed | annulled")
    deadline: dt.datetime
    remaining_seconds: int
    answers: dict[str, AnswerOut] = Field(..., description="Ответы по id вопроса")


class SubmittedOut(Schema):
    status: str
    percent: float | None
    grade: str | None = Field(None, description="null, пока комиссия не приняла решение")


def _start_out(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.pk,
        "deadline": attempt.deadline,
        "remaining_seconds": selectors.remaining_seconds(attempt),
        "questions": [
            {
                "id": q["id"],
                "text": q["text"],
                "kind": q["kind"],
                "options": [{"id": o["id"], "text": o["text"]} for o in q["options"]],
            }
            for q in selectors.ticket_of(attempt)
        ],
    }


@router.post(
    "/test-sessions/{session_id}/attempts",
    response={200: AttemptStartOut, 201: AttemptStartOut, **ERRORS, 409: ErrorOut},
    auth=bearer,
    summary="Начать попытку тестирования",
)
def start_attempt(request: AuthenticatedRequest, session_id: int) -> Status:
    """Start the caller's attempt (an admitted learner of the session's attestation) and
    return its ticket with the deadline fixed now: the form's time limit plus the
    learner's extension under special conditions. A repeat while the attempt is open
    returns the same attempt and deadline (200). Not yet open, closed, attempts used up or
    the attestation decided: 409 `attempt_not_allowed`."""
    session = access_session_for_learner(request.auth, session_id)
    attempt, created = services.start_attempt(actor=request.auth, session=session)
    return Status(201 if created else 200, _start_out(attempt))


@router.put(
    "/attempts/{attempt_id}/answers/{question_id}",
    response={200: SavedOut, **ERRORS, 409: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Сохранить ответ на вопрос",
)
def save_answer(
    request: AuthenticatedRequest, attempt_id: int, question_id: int, payload: AnswerIn
) -> dict[str, Any]:
    """Save the answer to one question of the caller's attempt (autosave: every change is
    sent and replaces the previous answer). After the deadline or the submission: 409
    `attempt_closed`; an option the question does not have: 422 `answer_invalid`."""
    saved = services.save_answer(
        actor=request.auth,
        attempt_id=attempt_id,
        question_id=question_id,
        options=payload.options,
        flagged=payload.flagged,
    )
    return {
        "saved_at": saved.saved_at,
        "remaining_seconds": rules.remaining_seconds(saved.deadline, saved.saved_at),
    }


@router.get(
    "/attempts/{attempt_id}",
    response={200: AttemptOut, **ERRORS},
    auth=bearer,
    summary="Состояние попытки тестирования",
)
def attempt_state(request: AuthenticatedRequest, attempt_id: int) -> dict[str, Any]:
    """The attempt's status, the deadline, the seconds left by the server's clock and the
    answers saved so far (its learner; the organisation's staff and the commission)."""
    attempt = access_attempt_state(request.auth, attempt_id)
    return {
        "id": attempt.pk,
        "status": attempt.status,
        "deadline": attempt.deadline,
        "remaining_seconds": selectors.remaining_seconds(attempt),
        "answers": selectors.answers_of(attempt),
    }


@router.post(
    "/attempts/{attempt_id}/submit",
    response={200: SubmittedOut, **ERRORS, 409: ErrorOut},
    auth=bearer,
    summary="Завершить попытку тестирования",
)
def submit_attempt(request: AuthenticatedRequest, attempt_id: int) -> dict[str, Any]:
    """Finish the caller's attempt: it is scored and the percentage becomes the result of
    the testing stage. The grade is shown once the commission has decided (null before).
    After the deadline or a second time: 409 `attempt_closed`."""
    attempt = services.submit_attempt(actor=request.auth, attempt_id=attempt_id)
    attempt = selectors.get_attempt(attempt.pk)
    return {
        "status": attempt.status,
        "percent": float(attempt.percent) if attempt.percent is not None else None,
        "grade": attempt.grade if selectors.shows_grade(attempt) and attempt.grade else None,
    }
