"""Pages of the appeals: the learner files and follows an appeal; the study department
keeps the register with its deadlines and overdue flags, files paper applications, records
the commission orders, the hearing, the decision and the posting of the notice; the appeal
commission sees the documents and signs the protocol, its presiding chair (the deputy in
the chair's absence) and its secretary record the attendance, the vote and the decision,
the secretary the notice's posting; the archive book by year. Each view parses, checks
access, calls one service or selector and renders."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import SignedInRequest, require_login, require_staff, signed_in
from nmo.accounts.selectors import get_organisation, user_for_email
from nmo.appeals import selectors, services
from nmo.appeals.access import (
    access_appeal,
    access_appeal_for_hearing,
    access_appeal_for_notice,
    access_appeal_for_staff,
    access_protocol,
    can_decide,
    can_manage,
    can_post_notice,
    can_record_hearing,
    is_staff_of,
    seat_on,
)
from nmo.appeals.forms import (
    AnswersScanForm,
    AppealFileForm,
    AssignForm,
    CommissionForm,
    DecisionForm,
    HearingForm,
    NoticeForm,
    ScheduleForm,
)
from nmo.appeals.models import Appeal
from nmo.appeals.printed import (
    application_file_name,
    book_file_name,
    notice_file_name,
    protocol_file_name,
)
from nmo.appeals.types import AppealCommissionData, AppealFiling, AppealSeatData, ProxyData
from nmo.attestation import selectors as attestation_selectors
from nmo.attestation import services as attestation_services
from nmo.attestation.access import access_learner_result_for_applicant
from nmo.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.printing.files import set_file_name
from nmo.regulations.types import AppealCommissionKind, CommissionRole, Post
from nmo.testing import selectors as testing_selectors
from nmo.testing import services as testing_services

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _status(*forms: Any) -> int:
    return 422 if any(f is not None and f.is_bound and f.errors for f in forms) else 200


def _file(content: bytes, content_type: str, name: str, *, inline: bool = True) -> HttpResponse:
    # RFC 6266/5987: the Russian name and an ASCII fall-back (ADR 0029).
    return set_file_name(HttpResponse(content, content_type=content_type), name, inline=inline)


def _refused(request: HttpRequest, appeal: Appeal, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    if isinstance(exc, ValidationFailed):
        for problems in exc.errors.values():
            for problem in problems:
                if problem != exc.message:
                    messages.error(request, problem)
    return redirect(appeal)


# --- lists --------------------------------------------------------------------------------


@signed_in
def appeal_list(request: SignedInRequest) -> HttpResponse:
    """The appeals the person may see: the register with deadlines and overdue flags for
    the staff, the learner's results with the last day to appeal and their appeals."""
    user = require_login(request.user)
    appeals = list(selectors.list_appeals(user))
    today = timezone.localdate()
    rows = [(a, selectors.flags_for(a, today)) for a in appeals]
    options = selectors.appeal_options_for_learner(user)
    context = {
        "rows": rows,
        "options": options,
        "is_staff": bool(selectors.staff_organisation_ids(user)),
    }
    return render(request, "appeals/appeal_list.html", context)


@signed_in
def letters(request: SignedInRequest) -> HttpResponse:
    """The study department's list of notice letters to post, the most urgent first."""
    require_staff(request.user)
    today = timezone.localdate()
    rows = [(a, selectors.flags_for(a, today)) for a in selectors.letters_to_send(request.user)]
    return render(request, "appeals/letters.html", {"rows": rows})


@signed_in
def book(request: SignedInRequest) -> HttpResponse:
    """The archive book of appeal protocols, by year (npc-5.20)."""
    require_staff(request.user)
    return render(request, "appeals/book.html", {"years": selectors.protocol_years(request.user)})


@signed_in
def book_pdf(request: SignedInRequest, year: int) -> HttpResponse:
    """One PDF binding the year's signed protocols in number order."""
    require_staff(request.user)
    protocols = selectors.protocols_of_year(selectors.staff_organisation_ids(request.user), year)
    if not protocols:
        raise NotFound()
    return _file(services.render_book_pdf(protocols), PDF, book_file_name(year))


# --- filing -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@signed_in
def appeal_file(request: SignedInRequest, result_pk: int) -> HttpResponse:
    """File an appeal against a result: the learner in the cabinet, or the staff from a
    paper application (with the day it arrived and the proxy)."""
    result = access_learner_result_for_applicant(request.user, result_pk)
    on_behalf = result.enrolment.learner_id != request.user.pk
    form = AppealFileForm(request.POST or None, on_behalf=on_behalf)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proxy = None
        if on_behalf and (data.get("proxy_name") or data.get("proxy_power_of_attorney")):
            proxy = ProxyData(data["proxy_name"], data["proxy_power_of_attorney"])
        filing = AppealFiling(
            subject=data["subject"],
            text=data["text"],
            phone=data["phone"],
            postal_address=data["postal_address"],
            filed_on=data.get("filed_on"),
            proxy=proxy,
        )
        try:
            appeal = services.file_appeal(actor=request.user, learner_result=result, filing=filing)
        except DomainError as exc:
            show_refusal(
                form,
                exc,
                {"proxy_name": "proxy_name", "filed_on": "filed_on"},
            )
            if isinstance(exc, ValidationFailed) and exc.errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, "Апелляция подана.")
            return redirect(appeal)
    context = {"result": result, "form": form, "on_behalf": on_behalf}
    return render(request, "appeals/appeal_file.html", context, status=_status(form))


# --- one appeal ---------------------------------------------------------------------------


def _detail_context(request: SignedInRequest, appeal: Appeal, **forms: Any) -> dict[str, Any]:
    manage = can_manage(request.user, appeal)
    seats = selectors.seats_of(appeal.commission)
    attendance = selectors.attendance_of(appeal)
    present = [s for s in seats if attendance.get(s.pk)]
    protocol = selectors.protocol_of(appeal)
    seat = seat_on(request.user, appeal.commission_id)
    signed: set[int] = set()
    if protocol is not None:
        signed = set(protocol.signatures.values_list("seat_id", flat=True))
    context: dict[str, Any] = {
        "appeal": appeal,
        "flags": selectors.flags_for(appeal),
        "manage": manage,
        "seats": seats,
        "attendance": attendance,
        "present_ids": {s.pk for s in present},
        "votes": selectors.votes_of(appeal),
        "protocol": protocol,
        "signed": signed,
        "can_sign": bool(
            protocol is not None
            and not protocol.is_frozen
            and seat is not None
            and seat.pk in {s.pk for s in present}
            and seat.pk not in signed
        ),
        "documents": selectors.appeal_documents(appeal) if (manage or seat) else [],
        "application": services.application_content(appeal),
        "per_appeal": appeal.commission_due_on is not None,
        "record_hearing": can_record_hearing(request.user, appeal),
        "decide": can_decide(request.user, appeal),
        "post_notice": can_post_notice(request.user, appeal),
        "pending": selectors.decision_pending(appeal),
    }
    if manage:
        context.update(
            assign_form=forms.get("assign_form")
            or AssignForm(commissions=selectors.standing_commissions(appeal.organisation_id)),
            commission_form=forms.get("commission_form") or CommissionForm(auto_id="c_%s"),
            schedule_form=forms.get("schedule_form")
            or ScheduleForm(
                auto_id="s_%s",
                initial={"hearing_on": appeal.hearing_on, "place": appeal.hearing_place},
            ),
            scan_form=AnswersScanForm(auto_id="a_%s"),
        )
    if context["record_hearing"]:
        context["hearing_form"] = forms.get("hearing_form") or HearingForm(
            seats=seats, auto_id="h_%s"
        )
    if context["decide"]:
        context["decision_form"] = forms.get("decision_form") or DecisionForm(
            seats=[s for s in present if s.can_vote], auto_id="d_%s"
        )
    if context["post_notice"]:
        context["notice_form"] = forms.get("notice_form") or NoticeForm(
            auto_id="n_%s", initial={"posted_on": timezone.localdate()}
        )
    return context


@signed_in
def appeal_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """The appeal: its status at every step for the learner; the commission, hearing,
    decision and notice for the staff; the documents and the protocol for the
    commission."""
    appeal = access_appeal(request.user, pk)
    return render(request, "appeals/appeal_detail.html", _detail_context(request, appeal))


def _act(request: SignedInRequest, pk: int, action: Any, success: str) -> HttpResponse:
    appeal = access_appeal_for_staff(request.user, pk)
    try:
        action(appeal)
    except DomainError as exc:
        return _refused(request, appeal, exc)
    messages.success(request, success)
    return redirect(appeal)


def _act_on_form(
    request: SignedInRequest,
    appeal: Appeal,
    form: Any,
    form_name: str,
    action: Any,
    success: str,
) -> HttpResponse:
    """Run an action from one of the appeal page's forms: done — back to the page with
    `success`; bad input or a refusal — the page again (422) with that form's errors and
    the other forms as they were; not the actor's to take — 403 (404)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, success)
            return redirect(appeal)
    context = _detail_context(request, appeal, **{form_name: form})
    return render(request, "appeals/appeal_detail.html", context, status=422)


@require_POST
@signed_in
def appeal_assign(request: SignedInRequest, pk: int) -> HttpResponse:
    """Assign a standing appeal commission (npc-5.3)."""
    appeal = access_appeal_for_staff(request.user, pk)
    form = AssignForm(
        request.POST, commissions=selectors.standing_commissions(appeal.organisation_id)
    )
    if not form.is_valid():
        messages.error(request, "Выберите комиссию.")
        return redirect(appeal)
    return _act(
        request,
        pk,
        lambda a: services.assign_appeal_commission(
            actor=request.user, appeal=a, commission=form.cleaned_data["commission"]
        ),
        "Комиссия назначена.",
    )


def _commission_data(form: CommissionForm) -> AppealCommissionData:
    data = form.cleaned_data
    seats: list[AppealSeatData] = []
    unknown: list[str] = []

    def add(email: str, role: CommissionRole, post: str, kind: str) -> None:
        person = user_for_email(email)
        if person is None:
            unknown.append(email)
        else:
            seats.append(AppealSeatData(person.pk, role, post, Post(kind) if kind else None))

    add(data["chair"], CommissionRole.CHAIR, data["chair_post"], data["chair_post_kind"])
    if data.get("deputy"):
        add(
            data["deputy"],
            CommissionRole.DEPUTY_CHAIR,
            data["deputy_post"],
            data["deputy_post_kind"],
        )
    for line in data["members"].splitlines():
        if line.strip():
            email, _, post = line.partition(";")
            add(email.strip(), CommissionRole.MEMBER, post.strip(), data["members_post_kind"])
    add(
        data["secretary"],
        CommissionRole.SECRETARY,
        data["secretary_post"],
        data["secretary_post_kind"],
    )
    if unknown:
        raise ValidationFailed(
            errors={"members": [f"Нет пользователя с e-mail {e}." for e in unknown]}
        )
    return AppealCommissionData(
        order_number=data["order_number"],
        order_date=data["order_date"],
        seats=tuple(seats),
        title=data["title"],
    )


@require_POST
@signed_in
def appeal_commission(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the rector's order forming the commission for this appeal (rgmu-5.3)."""
    appeal = access_appeal_for_staff(request.user, pk)
    form = CommissionForm(request.POST, auto_id="c_%s")
    return _act_on_form(
        request,
        appeal,
        form,
        "commission_form",
        lambda data: services.form_appeal_commission(
            actor=request.user,
            organisation=appeal.organisation,
            data=_commission_data(form),
            appeal=appeal,
        ),
        "Состав апелляционной комиссии утверждён.",
    )


@require_POST
@signed_in
def appeal_schedule(request: SignedInRequest, pk: int) -> HttpResponse:
    """Set the hearing's day and place and invite the appellant."""
    appeal = access_appeal_for_staff(request.user, pk)
    form = ScheduleForm(request.POST, auto_id="s_%s")
    return _act_on_form(
        request,
        appeal,
        form,
        "schedule_form",
        lambda data: services.schedule_hearing(
            actor=request.user,
            appeal=appeal,
            hearing_on=data["hearing_on"],
            place=data["place"],
            late_reason=data["late_reason"],
        ),
        "Заседание назначено, заявитель приглашён.",
    )


@require_POST
@signed_in
def appeal_hearing(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record who attended and the course of the discussion: the study department, the
    commission's secretary or its presiding chair (the deputy in the chair's absence)."""
    appeal = access_appeal_for_hearing(request.user, pk)
    form = HearingForm(request.POST, seats=selectors.seats_of(appeal.commission), auto_id="h_%s")
    return _act_on_form(
        request,
        appeal,
        form,
        "hearing_form",
        lambda data: services.record_hearing(
            actor=request.user,
            appeal=appeal,
            present_seat_ids=[int(x) for x in data["present"]],
            appellant_attendance=data["appellant_attendance"],
            discussion=data["discussion"],
        ),
        "Присутствие отмечено.",
    )


@require_POST
@signed_in
def appeal_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the open vote and take the decision: the study department, the
    commission's secretary or the person presiding at the hearing."""
    appeal = access_appeal_for_hearing(request.user, pk)
    if not can_decide(request.user, appeal):
        raise PermissionDenied()
    voting = [s for s in selectors.present_seats(appeal) if s.can_vote]
    form = DecisionForm(request.POST, seats=voting, auto_id="d_%s")
    return _act_on_form(
        request,
        appeal,
        form,
        "decision_form",
        lambda data: services.decide_appeal(
            actor=request.user,
            appeal=appeal,
            resolution=data["outcome"],
            votes=form.votes(),
            new_grade=data["new_grade"],
            retake_on=data["retake_on"],
        ),
        "Решение апелляционной комиссии принято.",
    )


@require_POST
@signed_in
def appeal_apply(request: SignedInRequest, pk: int) -> HttpResponse:
    """Apply to the result and the documents the decision the commission's chair or
    secretary recorded (the study department)."""
    access_appeal_for_staff(request.user, pk)
    return _act(
        request,
        pk,
        lambda a: services.apply_appeal_decision(actor=request.user, appeal=a),
        "Решение апелляционной комиссии применено к результату.",
    )


@require_POST
@signed_in
def appeal_notice(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the day the notice letter was posted: the study department or the
    commission's secretary."""
    appeal = access_appeal_for_notice(request.user, pk)
    form = NoticeForm(request.POST, auto_id="n_%s")
    return _act_on_form(
        request,
        appeal,
        form,
        "notice_form",
        lambda data: services.record_notice_posted(
            actor=request.user,
            appeal=appeal,
            posted_on=data["posted_on"],
            tracking=data["tracking"],
        ),
        "Отправка уведомления отмечена.",
    )


@require_POST
@signed_in
def appeal_answers(request: SignedInRequest, pk: int) -> HttpResponse:
    """Attach the scan of the learner's written answers."""
    appeal = access_appeal_for_staff(request.user, pk)
    form = AnswersScanForm(request.POST, request.FILES, auto_id="a_%s")
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(appeal)
    return _act(
        request,
        pk,
        lambda a: services.attach_answers_scan(
            actor=request.user, appeal=a, scan=form.cleaned_data["scan"]
        ),
        "Скан приложен к апелляции.",
    )


@require_POST
@signed_in
def appeal_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    """Withdraw the appeal before its hearing (the appellant or the staff)."""
    appeal = access_appeal(request.user, pk)
    try:
        services.withdraw_appeal(actor=request.user, appeal=appeal)
    except DomainError as exc:
        return _refused(request, appeal, exc)
    messages.success(request, "Апелляция отозвана.")
    return redirect(appeal)


@require_POST
@signed_in
def protocol_sign(request: SignedInRequest, pk: int) -> HttpResponse:
    """Sign the protocol as a participant of the hearing."""
    protocol = access_protocol(request.user, pk)
    try:
        services.sign_protocol(actor=request.user, protocol=protocol)
    except DomainError as exc:
        return _refused(request, protocol.appeal, exc)
    messages.success(request, "Протокол подписан.")
    return redirect(protocol.appeal)


# --- files --------------------------------------------------------------------------------


def protocol_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    protocol = access_protocol(request.user, pk)
    name = protocol_file_name(protocol, protocol.appeal, "pdf")
    return _file(services.render_protocol_pdf(protocol), PDF, name)


def protocol_docx(request: HttpRequest, pk: int) -> HttpResponse:
    protocol = access_protocol(request.user, pk)
    name = protocol_file_name(protocol, protocol.appeal, "docx")
    return _file(services.render_protocol_docx(protocol), DOCX, name, inline=False)


def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = access_appeal(request.user, pk)
    return _file(services.render_application_pdf(appeal), PDF, application_file_name(appeal))


def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = access_appeal_for_notice(request.user, pk)
    if not appeal.is_decided:
        raise NotFound()
    return _file(services.render_notice_pdf(appeal), PDF, notice_file_name(appeal))


def _commission_or_staff(request: HttpRequest, pk: int) -> Appeal:
    appeal = access_appeal(request.user, pk)
    if not (
        is_staff_of(request.user, appeal.organisation_id)
        or seat_on(request.user, appeal.commission_id)
    ):
        raise NotFound()
    return appeal


def record_pdf(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """An attestation record of the appealed result, for the appeal commission."""
    appeal = _commission_or_staff(request, pk)
    attestation = appeal.learner_result.attestation
    record = attestation_selectors.current_records(attestation).filter(pk=record_pk).first()
    if record is None or record.learner_result_id not in (None, appeal.learner_result_id):
        raise NotFound()
    content = attestation_services.render_record_pdf(record)
    return _file(content, PDF, attestation_selectors.file_name_of(record, "pdf"))


def attempt_protocol_pdf(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    """The testing system's individual protocol of the appealed result's attempt, for the
    appeal commission (rgmu-app4 lists it among the appeal's documents)."""
    appeal = _commission_or_staff(request, pk)
    attempt = testing_selectors.finished_attempt_of_result(
        learner_result_id=appeal.learner_result_id, attempt_id=attempt_pk
    )
    if attempt is None:
        raise NotFound()
    content = testing_services.render_protocol_pdf(attempt)
    return _file(content, PDF, testing_selectors.protocol_file_name(attempt))


def answers_scan(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _commission_or_staff(request, pk)
    if not appeal.answers_scan:
        raise NotFound()
    return FileResponse(appeal.answers_scan.open("rb"), as_attachment=True)


# --- commissions --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@signed_in
def commission_list(request: SignedInRequest) -> HttpResponse:
    """The appeal commissions of the staff's organisations and the form for a standing
    one (npc-5.3: the director's order for a year)."""
    user = require_staff(request.user)
    organisation_ids = selectors.staff_organisation_ids(user)
    form = CommissionForm(request.POST or None)
    standing = []
    for organisation_id in organisation_ids:
        organisation = get_organisation(organisation_id)
        standing.append(organisation)
    if request.method == "POST" and form.is_valid() and organisation_ids:
        organisation = get_organisation(
            int(request.POST.get("organisation") or organisation_ids[0])
        )
        if organisation.pk not in organisation_ids:
            raise NotFound()
        try:
            services.form_appeal_commission(
                actor=user, organisation=organisation, data=_commission_data(form)
            )
        except DomainError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Состав апелляционной комиссии утверждён.")
            return redirect("appeals:commission_list")
    context = {
        "commissions": selectors.list_commissions(user),
        "form": form,
        "organisations": standing,
        "standing_kind": AppealCommissionKind.STANDING,
        "today": timezone.localdate(),
    }
    return render(request, "appeals/commission_list.html", context, status=_status(form))
