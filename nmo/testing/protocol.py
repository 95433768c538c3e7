"""The individual protocol of a test attempt (the "individual protocol from the automated
system" of rgmu-app4): learner, programme, stage, date, start and end, the ticket's
questions with the learner's answers and the right ones, score, percent, grade and the
attempt's event log. A PDF through nmo.printing, described by its metadata (ADR 0029);
rendered on demand from the stored attempt, so not frozen as PDF/A."""

from pathlib import Path
from typing import Any

from django.utils import timezone

from nmo.core.russian import duration
from nmo.printing.pdf import OFFICIAL_FORM, PdfMeta, render_print
from nmo.testing import selectors
from nmo.testing.models import Attempt, EventKind, GrantBasis

STYLESHEET = (
    OFFICIAL_FORM,
    Path(__file__).resolve().parent / "templates" / "testing" / "print" / "protocol.css",
)


def _event_line(event: Any) -> str:
    details = event.details or {}
    label = EventKind(event.kind).label
    if event.kind == EventKind.ANSWER_SAVED:
        return f"{label}: вопрос id {details.get('question')}, варианты {details.get('options')}"
    if event.kind == EventKind.TIME_EXTENDED:
        return f"{label}: на {details.get('minutes')} мин."
    if event.kind in (EventKind.SUBMITTED, EventKind.CLOSED):
        return f"{label}: верных {details.get('score')} из {details.get('total')}"
    if event.kind == EventKind.ANNULLED:
        return f"{label}: {details.get('reason')}"
    if event.kind == EventKind.NOT_TRANSFERRED:
        return f"{label}: {details.get('reason')}"
    if event.kind == EventKind.RESUMED:
        how = (
            "повторное подключение, страница теста открыта снова"
            if details.get("via") == "page"
            else "повторное подключение, повторный запуск попытки"
        )
        left = details.get("remaining_seconds")
        return f"{label}: {how}" + (
            f"; оставшееся время: {duration(int(left))}" if left is not None else ""
        )
    if event.kind == EventKind.NEW_ATTEMPT_GRANTED:
        return (
            f"{label} ({_basis(details.get('basis'))}): начать можно с "
            f"{_moment(details.get('opens_at'))} до {_moment(details.get('closes_at'))}"
        )
    if event.kind == EventKind.STARTED and details.get("basis"):
        return f"{label}: новая попытка по назначению ({_basis(details.get('basis'))})"
    return label


def _basis(value: Any) -> str:
    return GrantBasis(value).label if value in GrantBasis.values else "—"


def _moment(value: Any) -> str:
    from datetime import datetime

    try:
        return f"{timezone.localtime(datetime.fromisoformat(str(value))):%d.%m.%Y %H:%M}"
    except ValueError:
        return "—"


def protocol_context(attempt: Attempt) -> dict[str, Any]:
    session = attempt.session
    attestation = session.attestation
    stage = session.form.stage
    return {
        "attempt": attempt,
        "learner": attempt.learner,
        "programme": attestation.cohort.programme,
        "attestation": attestation,
        "stage": stage,
        "started": timezone.localtime(attempt.started_at),
        "finished": timezone.localtime(attempt.finished_at) if attempt.finished_at else None,
        "deadline": timezone.localtime(attempt.deadline),
        "questions": selectors.ticket_of(attempt),
        "grade": attempt.grade_label,
        "events": [
            (timezone.localtime(e.at), _event_line(e)) for e in selectors.events_of(attempt)
        ],
        "printed": timezone.localtime(),
    }


def protocol_meta(attempt: Attempt, context: dict[str, Any]) -> PdfMeta:
    """The PDF's title, subject, keywords and custom fields: whose attempt, which one,
    its score and the seed the ticket is reproduced from."""
    organisation = context["programme"].organisation.name
    learner = context["learner"].full_name
    return PdfMeta(
        title=f"Индивидуальный протокол тестирования — {learner}, попытка {attempt.number}",
        subject=f"{organisation}: {context['programme'].title}".strip(": "),
        keywords=("НМО", "итоговая аттестация", "тестирование", "индивидуальный протокол"),
        custom={
            "DocumentKind": "testing_protocol",
            "Attempt": str(attempt.number),
            "Score": f"{attempt.score if attempt.score is not None else '—'} из "
            f"{attempt.max_score if attempt.max_score is not None else '—'}",
            "Seed": str(attempt.seed),
            "StartedAt": f"{context['started']:%d.%m.%Y %H:%M:%S}",
        },
        author=organisation,
    )


def render_protocol_pdf(attempt: Attempt) -> bytes:
    context = protocol_context(attempt)
    return render_print(
        "testing/print/protocol.html",
        context,
        stylesheet=STYLESHEET,
        meta=protocol_meta(attempt, context),
    )
