"""Pure rules of the testing system: drawing a ticket from a seed, scoring answers, the
server's remaining time (ADR 0301)."""

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from nmo.testing.types import BankQuestion, Section, TicketQuestion

MAX_QUESTIONS = 300
MAX_LIMIT_MINUTES = 600
MAX_ATTEMPTS = 5


def question_kind(correct: Sequence[int]) -> str:
    """A question with one right option is single choice, with several multiple choice."""
    return "single" if len(correct) == 1 else "multiple"


def form_errors(
    *,
    question_count: int,
    sections: Sequence[Section],
    time_limit_minutes: int,
    attempts_allowed: int,
    bank_numbers: Sequence[int],
) -> dict[str, list[str]]:
    """Why a test form cannot be drawn from a bank holding test questions `bank_numbers`."""
    errors: dict[str, list[str]] = {}
    if not 1 <= question_count <= MAX_QUESTIONS:
        errors["question_count"] = [f"Число вопросов — от 1 до {MAX_QUESTIONS}."]
    elif question_count > len(bank_numbers):
        errors["question_count"] = [
            f"В ФОС программы {len(bank_numbers)} тестовых заданий с вариантами ответа: "
            f"{question_count} вопросов из них не составить."
        ]
    if not 1 <= time_limit_minutes <= MAX_LIMIT_MINUTES:
        errors["time_limit_minutes"] = [f"Время на тест — от 1 до {MAX_LIMIT_MINUTES} минут."]
    if not 1 <= attempts_allowed <= MAX_ATTEMPTS:
        errors["attempts_allowed"] = [f"Число попыток — от 1 до {MAX_ATTEMPTS}."]
    problems = []
    for n, section in enumerate(sections, start=1):
        name = f"Раздел {n} («{section.title}»)" if section.title else f"Раздел {n}"
        if section.from_number > section.to_number:
            problems.append(f"{name}: начальный номер больше конечного.")
            continue
        available = sum(1 for x in bank_numbers if section.from_number <= x <= section.to_number)
        if section.count < 1:
            problems.append(f"{name}: число вопросов — не меньше 1.")
        elif section.count > available:
            problems.append(
                f"{name}: в заданиях №{section.from_number}–{section.to_number} тестовых "
                f"вопросов {available}, а нужно {section.count}."
            )
    ranges = sorted((s.from_number, s.to_number) for s in sections)
    if any(b[0] <= a[1] for a, b in itertools.pairwise(ranges)):
        problems.append("Разделы не должны пересекаться по номерам заданий.")
    if sections and sum(s.count for s in sections) != question_count:
        problems.append(
            f"Сумма вопросов по разделам ({sum(s.count for s in sections)}) должна равняться "
            f"числу вопросов теста ({question_count})."
        )
    if problems:
        errors["blueprint"] = problems
    return errors


def draw_ticket(
    seed: int,
    bank: Sequence[BankQuestion],
    *,
    question_count: int,
    sections: Sequence[Section] = (),
    shuffle_options: bool = True,
) -> list[TicketQuestion]:
    """Draw a learner's ticket: the same seed and bank give the same ticket. Questions are
    taken per section (or `question_count` from the whole bank), then shuffled; each
    question's options are shuffled too."""
    rng = random.Random(seed)  # noqa: S311 - reproducible by design, the seed is secret-drawn
    ordered = sorted(bank, key=lambda q: q.number)
    if sections:
        chosen: list[BankQuestion] = []
        for section in sections:
            pool = [q for q in ordered if section.from_number <= q.number <= section.to_number]
            chosen.extend(rng.sample(pool, section.count))
    else:
        chosen = rng.sample(ordered, question_count)
    rng.shuffle(chosen)
    ticket = []
    for question in chosen:
        order = list(range(question.option_count))
        if shuffle_options:
            rng.shuffle(order)
        ticket.append(TicketQuestion(item_id=question.item_id, option_order=tuple(order)))
    return ticket


def is_correct(chosen: Sequence[int], correct: Sequence[int]) -> bool:
    """A question is answered correctly when exactly its right options are chosen (option
    ids are the bank's 0-based indices + 1); a partly right multiple choice scores 0."""
    return bool(chosen) and sorted(set(chosen)) == sorted(i + 1 for i in correct)


def score(
    questions: Mapping[int, Sequence[int]], answers: Mapping[int, Sequence[int]]
) -> tuple[int, int, Decimal]:
    """Score a ticket: `questions` maps a question to its right options (0-based),
    `answers` a question to the chosen option ids. Return (right, total, percent)."""
    total = len(questions)
    right = sum(1 for q, correct in questions.items() if is_correct(answers.get(q, ()), correct))
    percent = (
        (Decimal(right) * 100 / Decimal(total)).quantize(Decimal("0.01")) if total else Decimal(0)
    )
    return right, total, percent


def deadline_of(started_at: datetime, limit_minutes: int, extension_minutes: int) -> datetime:
    """The attempt's deadline: the limit plus the learner's extension, never clipped."""
    return started_at + timedelta(minutes=limit_minutes + extension_minutes)


def remaining_seconds(deadline: datetime, now: datetime) -> int:
    """Whole seconds left before the deadline, rounded up; 0 at and after it."""
    left = (deadline - now).total_seconds()
    return max(0, math.ceil(left))


def is_before_deadline(deadline: datetime, now: datetime) -> bool:
    """An answer is accepted strictly before the deadline."""
    return now < deadline
