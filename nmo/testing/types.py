"""Values that cross the testing system's boundaries, and its audit words (ADR 0018)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from nmo.core.audit import AuditAction


@dataclass(frozen=True)
class Section:
    """A section of a test form's blueprint: `count` questions from the bank's test
    questions numbered `from_number`…`to_number`."""

    title: str
    from_number: int
    to_number: int
    count: int


@dataclass(frozen=True)
class BankQuestion:
    item_id: int
    number: int
    option_count: int


@dataclass(frozen=True)
class TicketQuestion:
    item_id: int
    option_order: tuple[int, ...]


@dataclass(frozen=True)
class TestFormData:
    question_count: int
    time_limit_minutes: int
    attempts_allowed: int = 1
    sections: tuple[Section, ...] = ()
    shuffle_options: bool = True


@dataclass(frozen=True)
class SavedAnswer:
    """An acknowledged (committed) answer: what was saved, when, and the attempt's deadline."""

    question_id: int
    options: tuple[int, ...]
    saved_at: datetime
    deadline: datetime


@dataclass(frozen=True)
class AttemptProtocolRef:
    """An attempt's individual protocol as the appeals app lists it (rgmu-app4)."""

    attempt_id: int
    number: int
    status_label: str
    percent: Decimal | None
    started_at: datetime
    url: str


AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "testing.define_form": "Составлена форма теста",
    "testing.open_session": "Назначен сеанс тестирования",
    "testing.score": AuditAction(
        "Попытка тестирования оценена",
        fields={"percent": "правильных ответов, %", "score": "верных ответов"},
    ),
    "testing.annul": AuditAction("Попытка тестирования аннулирована", fields={"reason": "причина"}),
    "testing.grant_attempt": AuditAction(
        "Назначена новая попытка тестирования",
        fields={
            "annulled_attempt": "аннулированная попытка",
            "learner_result": "результат слушателя",
            "basis": "основание",
            "opens_at": "начать можно с",
            "closes_at": "начать можно до",
            "comment": "комментарий",
        },
    ),
}
