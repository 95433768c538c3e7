"""Refusals of the online testing system, each with a stable code and a Russian message."""

from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = [
    "AnswerInvalid",
    "AttemptClosed",
    "AttemptGrantInvalid",
    "AttemptNotAllowed",
    "TestFormInvalid",
    "TestSessionInvalid",
]


class TestFormInvalid(ValidationFailed):
    code = "test_form_invalid"
    default_message = "Форма теста заполнена с ошибками."


class TestSessionInvalid(ValidationFailed):
    code = "test_session_invalid"
    default_message = "Сеанс тестирования заполнен с ошибками."


class AttemptNotAllowed(Conflict):
    """The learner may not start an attempt now: the session is not open, the attempts are
    used up, the attestation is decided."""

    code = "attempt_not_allowed"
    default_message = "Начать тестирование сейчас нельзя."


class AttemptClosed(Conflict):
    """An answer or a submission that arrives after the deadline, the submission or the
    closing of the attempt (409, api.md)."""

    code = "attempt_closed"
    default_message = (
        "Время тестирования истекло: попытка завершена, ответ не принят. Ответы, сохранённые "
        "до окончания времени, учтены."
    )


class AnswerInvalid(ValidationFailed):
    code = "answer_invalid"
    default_message = "Ответ не соответствует вопросу."


class AttemptGrantInvalid(ValidationFailed):
    """A new attempt after an annulment that may not be given: the attempt is not
    annulled, the commission has decided, the regulation's retake rules forbid it, or the
    window is wrong (ADR 0307)."""

    code = "attempt_grant_invalid"
    default_message = "Новую попытку назначить нельзя."
