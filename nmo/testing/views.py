"""Pages of the testing system: the learner's tests and the test itself (autosave, the
server's timer), the department's forms, sessions, live progress and annulment, the
attempt protocol PDF."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import SignedInRequest, require_staff, require_staff_of, signed_in
from nmo.attestation import selectors as attestation_selectors
from nmo.attestation.access import access_attestation, is_staff_of
from nmo.core.exceptions import DomainError, NotFound, ValidationFailed
from nmo.printing.files import set_file_name
from nmo.programmes.access import access_programme
from nmo.testing import rules, selectors, services
from nmo.testing.access import (
    access_attempt_for_staff,
    access_attempt_protocol,
    access_own_attempt,
    access_session,
    access_session_for_learner,
)
from nmo.testing.exceptions import AttemptClosed
from nmo.testing.forms import AnnulForm, GrantForm, SessionForm, TestFormForm, blueprint_text
from nmo.testing.protocol import render_protocol_pdf
from nmo.testing.types import TestFormData


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)
    if isinstance(exc, ValidationFailed):
        for problems in exc.errors.values():
            for problem in problems:
                messages.error(request, problem)


# --- the department and the commission ---------------------------------------------------


@signed_in
def testing_index(request: SignedInRequest) -> HttpResponse:
    """The attestations whose test the actor runs or sees (staff, commission)."""
    attestations = attestation_selectors.list_attestations(request.user)
    return render(request, "testing/index.html", {"attestations": attestations})


@signed_in
def attestation_testing(request: SignedInRequest, pk: int) -> HttpResponse:
    """The test of an attestation: its form, its sessions with live progress, the scores
    and protocols (staff and commission; the actions are the staff's)."""
    attestation = access_attestation(request.user, pk)
    stage = selectors.testing_stage_of(attestation)
    form = selectors.form_of(stage) if stage else None
    sessions = [(s, selectors.session_progress(s)) for s in selectors.sessions_of(attestation)]
    return render(
        request,
        "testing/attestation_testing.html",
        {
            "attestation": attestation,
            "stage": stage,
            "test_form": form,
            "sessions": sessions,
            "is_staff": is_staff_of(request.user, attestation.commission.organisation_id),
            "session_form": SessionForm(),
            "annul_form": AnnulForm(),
            "grant_form": GrantForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@signed_in
def form_edit(request: SignedInRequest, stage_pk: int) -> HttpResponse:
    """Define the test of a testing stage from the programme's bank."""
    require_staff(request.user)
    programme = _programme_of_stage(request, stage_pk)
    stage = next(s for s in programme.stages.all() if s.pk == stage_pk)
    existing = selectors.form_of(stage)
    bank_size = len(selectors.bank_questions(stage))
    if request.method == "POST":
        form = TestFormForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.define_test_form(
                    actor=request.user,
                    stage=stage,
                    data=TestFormData(
                        question_count=data["question_count"],
                        time_limit_minutes=data["time_limit_minutes"],
                        attempts_allowed=data["attempts_allowed"],
                        sections=data["blueprint"],
                        shuffle_options=data["shuffle_options"],
                    ),
                )
            except ValidationFailed as exc:
                for field, problems in exc.errors.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, "Форма теста сохранена.")
                return redirect(stage.programme)
    else:
        initial: dict[str, Any] = {"time_limit_minutes": stage.duration_minutes}
        if existing is not None:
            initial = {
                "question_count": existing.question_count,
                "time_limit_minutes": existing.time_limit_minutes,
                "attempts_allowed": existing.attempts_allowed,
                "shuffle_options": existing.shuffle_options,
                "blueprint": blueprint_text(existing.blueprint),
            }
        form = TestFormForm(initial=initial)
    return render(
        request,
        "testing/form_edit.html",
        {"form": form, "stage": stage, "programme": stage.programme, "bank_size": bank_size},
    )


def _programme_of_stage(request: SignedInRequest, stage_pk: int) -> Any:
    for programme in _staff_programmes(request):
        if any(s.pk == stage_pk for s in programme.stages.all()):
            return access_programme(request.user, programme.pk)
    raise NotFound()


def _staff_programmes(request: SignedInRequest) -> Any:
    from nmo.programmes.selectors import list_programmes

    return list_programmes(request.user).prefetch_related("stages")


@require_POST
@signed_in
def session_open(request: SignedInRequest, pk: int) -> HttpResponse:
    """Open the test session of an attestation on its day."""
    attestation = access_attestation(request.user, pk)
    require_staff_of(request.user, attestation.cohort.programme.organisation)
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите время начала и окончания в формате ЧЧ:ММ.")
        return redirect("testing:attestation_testing", pk=pk)
    day = attestation.held_on
    zone = timezone.get_current_timezone()
    opens = datetime.combine(day, form.cleaned_data["opens_at"], tzinfo=zone)
    closes = datetime.combine(day, form.cleaned_data["closes_at"], tzinfo=zone)
    try:
        services.open_test_session(
            actor=request.user, attestation=attestation, opens_at=opens, closes_at=closes
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Сеанс тестирования назначен.")
    return redirect("testing:attestation_testing", pk=pk)


@signed_in
def session_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    session = access_session(request.user, pk)
    return redirect("testing:attestation_testing", pk=session.attestation_id)


@signed_in
def session_progress(request: SignedInRequest, pk: int) -> HttpResponse:
    """The live progress table of a session (the page polls it)."""
    session = access_session(request.user, pk)
    return render(
        request,
        "testing/_progress.html",
        {"session": session, "rows": selectors.session_progress(session), "is_staff": True},
    )


@require_POST
@signed_in
def attempt_annul(request: SignedInRequest, pk: int) -> HttpResponse:
    attempt = access_attempt_for_staff(request.user, pk)
    form = AnnulForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите причину аннулирования (не короче 10 символов).")
    else:
        try:
            services.annul_attempt(
                actor=request.user, attempt_id=attempt.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                f"Попытка аннулирована: {attempt.learner.full_name} может пройти тест заново.",
            )
    return redirect("testing:attestation_testing", pk=attempt.session.attestation_id)


@require_POST
@signed_in
def attempt_grant(request: SignedInRequest, pk: int) -> HttpResponse:
    """Give the learner a new attempt after the annulment, with its own window (ADR 0307)."""
    attempt = access_attempt_for_staff(request.user, pk)
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Укажите основание новой попытки и время в формате ДД.ММ.ГГГГ ЧЧ:ММ."
        )
    else:
        data = form.cleaned_data
        try:
            grant = services.grant_new_attempt(
                actor=request.user,
                attempt_id=attempt.pk,
                basis=data["basis"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                comment=data["comment"],
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                f"Новая попытка назначена: {attempt.learner.full_name} может начать её с "
                f"{timezone.localtime(grant.opens_at):%d.%m.%Y %H:%M} до "
                f"{timezone.localtime(grant.closes_at):%d.%m.%Y %H:%M}.",
            )
    return redirect("testing:attestation_testing", pk=attempt.session.attestation_id)


def attempt_protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """The individual protocol of a finished attempt (rgmu-app4), PDF."""
    attempt = access_attempt_protocol(request.user, pk)
    response = HttpResponse(render_protocol_pdf(attempt), content_type="application/pdf")
    return set_file_name(response, selectors.protocol_file_name(attempt), inline=True)


# --- the learner --------------------------------------------------------------------------


@signed_in
def my_tests(request: SignedInRequest) -> HttpResponse:
    """«Мои тесты»: the learner's test sessions, attempts and results."""
    return render(
        request, "testing/my_tests.html", {"tests": selectors.tests_for_learner(request.user)}
    )


@require_POST
@signed_in
def attempt_start(request: SignedInRequest, pk: int) -> HttpResponse:
    session = access_session_for_learner(request.user, pk)
    try:
        attempt, _ = services.start_attempt(actor=request.user, session=session)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("testing:my_tests")
    return redirect("testing:attempt_take", pk=attempt.pk)


@signed_in
def attempt_take(request: SignedInRequest, pk: int) -> HttpResponse:
    """The test: every question of the ticket with navigation and flags; each answer is
    saved as it is given (static/js/testing_take.js); the timer counts the server's
    seconds."""
    attempt = access_own_attempt(request.user, pk)
    if not attempt.is_open or selectors.remaining_seconds(attempt) == 0:
        services.close_attempt_at_deadline(attempt_id=attempt.pk)
        messages.info(request, "Попытка завершена.")
        return redirect("testing:my_tests")
    # The first opening is the start; every later one (a reload, a second tab, coming back
    # after a lost connection — never the autosave) is logged as a reconnection.
    services.open_attempt_page(actor=request.user, attempt_id=attempt.pk)
    return render(
        request,
        "testing/take.html",
        {
            "attempt": attempt,
            "session": attempt.session,
            "questions": selectors.ticket_of(attempt),
            "remaining": selectors.remaining_seconds(attempt),
        },
    )


def _options_of(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()][:50]


@require_POST
@signed_in
def attempt_answer(request: SignedInRequest, pk: int, question_pk: int) -> HttpResponse:
    """Autosave of one answer (JSON for the page's script)."""
    flagged = request.POST.get("flagged")
    try:
        saved = services.save_answer(
            actor=request.user,
            attempt_id=pk,
            question_id=question_pk,
            options=_options_of(request, "option"),
            flagged=None if flagged is None else flagged == "1",
        )
    except AttemptClosed as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=409)
    except ValidationFailed as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=422)
    return JsonResponse(
        {
            "saved_at": timezone.localtime(saved.saved_at).strftime("%H:%M:%S"),
            "remaining_seconds": rules.remaining_seconds(saved.deadline, saved.saved_at),
        }
    )


@signed_in
def attempt_state(request: SignedInRequest, pk: int) -> HttpResponse:
    attempt = access_own_attempt(request.user, pk)
    return JsonResponse(
        {"status": attempt.status, "remaining_seconds": selectors.remaining_seconds(attempt)}
    )


@require_POST
@signed_in
def attempt_submit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Finish the test. Without the script the form carries every answer: they are saved
    first (before the deadline), then the attempt is submitted."""
    attempt = access_own_attempt(request.user, pk)
    try:
        if attempt.is_open:
            for question in selectors.ticket_of(attempt):
                chosen = _options_of(request, f"q{question['id']}")
                if chosen and chosen != question["chosen"]:
                    services.save_answer(
                        actor=request.user,
                        attempt_id=attempt.pk,
                        question_id=question["id"],
                        options=chosen,
                    )
        if request.POST.get("action") == "save":
            messages.success(request, "Ответы сохранены.")
            return redirect("testing:attempt_take", pk=attempt.pk)
        done = services.submit_attempt(actor=request.user, attempt_id=attempt.pk)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("testing:my_tests")
    messages.success(
        request,
        f"Тест завершён: верных ответов {done.score} из {done.max_score} "
        f"({str(done.percent).replace('.', ',')} %).",
    )
    return redirect(reverse("testing:my_tests"))
