"""Pages of the final attestation: commissions and scheduling for the study department,
the grading page of the commission (criteria, results, votes, decision, the attestation's
records and their signing), and the learner's own results. Each view parses, checks
access, calls one service or selector and renders.

The records' pages keep their URLs (`<pk>/documents/<document_pk>/…`) and URL names
(`document_detail`, …): they are what users bookmark and print."""

from typing import Any

from django.contrib import messages
from django.forms import BooleanField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import SignedInRequest, require_login, require_staff, signed_in
from nmo.accounts.selectors import user_for_email
from nmo.attestation import selectors, services
from nmo.attestation.access import (
    access_attestation,
    access_commission,
    access_learner_result,
    access_learner_result_for_staff,
    access_own_learner_result,
    access_record,
    access_retake_application,
    can_list_attestations,
    can_manage_commissions,
    can_reopen,
    can_sign,
    is_staff_of,
    seat_of,
)
from nmo.attestation.forms import (
    AttestationForm,
    CommissionForm,
    MembersForm,
    ReasonForm,
    RemarksForm,
    ResultsForm,
    RetakeApplyForm,
    RetakeFileForm,
    RetakeGrantForm,
    RetakeRefuseForm,
    SeatFormSet,
    VotesForm,
    seat_initial,
)
from nmo.attestation.models import Attestation, AttestationDocument
from nmo.attestation.printed import record_file_name
from nmo.attestation.sheet import VideoconferenceForm, sheet_extras
from nmo.attestation.types import (
    Attendance,
    AttestationData,
    CommissionData,
    ConnectionDecision,
    ConnectionOutcome,
    Place,
    RetakeKind,
    SeatData,
    StageEntry,
    ValidReasonDocument,
)
from nmo.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.core.russian import by_gender, number_with
from nmo.printing.files import set_file_name
from nmo.programmes import selectors as programme_selectors
from nmo.programmes.access import access_cohort
from nmo.regulations.exceptions import RegulationNotFound
from nmo.regulations.types import (
    CommissionRole,
    Grade,
    Post,
    RegulationRules,
    StageKind,
    VoteChoice,
    VoteTally,
)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _status(*forms: Any) -> int:
    return 422 if any(f is not None and f.is_bound and f.errors for f in forms) else 200


# --- commissions -------------------------------------------------------------------------


@signed_in
def commission_list(request: SignedInRequest) -> HttpResponse:
    """The commissions of the staff's organisations."""
    require_staff(request.user)
    commissions = selectors.list_commissions(request.user)
    return render(request, "attestation/commission_list.html", {"commissions": commissions})


def _seats(formset: Any) -> list[SeatData] | None:
    seats: list[SeatData] = []
    ok = True
    for form in formset.forms:
        data = form.cleaned_data
        if not data.get("email"):
            continue
        person = user_for_email(data["email"])
        if person is None:
            form.add_error("email", "Нет пользователя с такой электронной почтой.")
            ok = False
            continue
        seats.append(
            SeatData(
                person_id=person.pk,
                role=CommissionRole(data["role"]),
                post=data.get("post", ""),
                posts=tuple(Post(p) for p in data.get("posts", [])),
            )
        )
    return seats if ok else None


def _rules_of(organisation: Any) -> RegulationRules | None:
    """The organisation's regulation in force, for forms to offer only what it allows."""
    if organisation is None:
        return None
    try:
        return programme_selectors.regulation_for(organisation).rules
    except RegulationNotFound:
        return None


def _commission_form(request: SignedInRequest, pk: int | None) -> HttpResponse:
    commission = access_commission(request.user, pk) if pk is not None else None
    if commission is None:
        require_staff(request.user)
    organisations = programme_selectors.staff_organisations(request.user)
    initial: dict[str, Any] = {}
    seats_initial: list[dict[str, Any]] = [{}] * 5
    if commission is not None:
        initial = {
            "organisation": commission.organisation,
            "specialty": commission.specialty,
            "unit": commission.unit,
            "title": commission.title,
            "order_number": commission.order_number,
            "order_date": commission.order_date,
            "valid_from": commission.valid_from,
            "valid_to": commission.valid_to,
        }
        seats_initial = seat_initial(selectors.active_seats(commission)) + [{}] * 2
    data = request.POST if request.method == "POST" else None
    organisation = (
        commission.organisation
        if commission is not None
        else organisations.first()
        if organisations.count() == 1
        else None
    )
    rules = _rules_of(organisation)
    form = CommissionForm(data, organisations=organisations, initial=initial, rules=rules)
    formset = SeatFormSet(data, prefix="seats", initial=seats_initial, form_kwargs={"rules": rules})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        seats = _seats(formset)
        if seats is not None:
            values = form.cleaned_data
            payload = CommissionData(
                specialty_id=values["specialty"].pk,
                unit_id=values["unit"].pk if values["unit"] else None,
                title=values["title"],
                order_number=values["order_number"],
                order_date=values["order_date"],
                valid_from=values["valid_from"],
                valid_to=values["valid_to"],
                seats=tuple(seats),
            )
            try:
                if commission is None:
                    commission = services.form_commission(
                        actor=request.user, organisation=values["organisation"], data=payload
                    )
                    messages.success(request, "Комиссия сформирована.")
                else:
                    services.update_commission(
                        actor=request.user, commission=commission, data=payload
                    )
                    messages.success(request, "Изменения сохранены.")
            except ValidationFailed as exc:
                show_refusal(form, exc, {"specialty_id": "specialty", "unit_id": "unit"})
                if exc.message and exc.errors:
                    form.add_error(None, exc.message)
            except RegulationNotFound as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("attestation:commission_list")
    context = {"form": form, "formset": formset, "commission": commission}
    return render(
        request, "attestation/commission_form.html", context, status=_status(form, formset)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def commission_create(request: SignedInRequest) -> HttpResponse:
    """Form a commission: the order, the specialty and the seats."""
    return _commission_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def commission_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Change a commission's order or composition."""
    return _commission_form(request, pk)


# --- attestations ------------------------------------------------------------------------


@signed_in
def attestation_list(request: SignedInRequest) -> HttpResponse:
    """The attestations of the staff's organisations and of the commissions the person
    sits on; staff choose a cohort to schedule one."""
    require_login(request.user)
    if not can_list_attestations(request.user):
        raise PermissionDenied()
    staff = can_manage_commissions(request.user)
    cohorts = programme_selectors.list_cohorts(request.user) if staff else None
    context = {
        "attestations": selectors.list_attestations(request.user),
        "cohorts": cohorts,
        "staff": staff,
    }
    return render(request, "attestation/attestation_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def attestation_schedule(request: SignedInRequest, cohort_pk: int) -> HttpResponse:
    """Schedule the attestation of a cohort: commission, date, place or videoconference."""
    cohort = access_cohort(request.user, cohort_pk)
    commissions = selectors.commissions_for_cohort(cohort)
    initial = {
        "held_on": cohort.attestation_date,
        "place": Place.REMOTE.value if cohort.uses_videoconference else cohort.place,
        "address": cohort.address,
        "videoconference_url": services.new_conference_url(),
        "attempt": 1,
    }
    form = AttestationForm(
        request.POST or None,
        commissions=commissions,
        initial=initial,
        rules=_rules_of(cohort.programme.organisation),
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            attestation = services.schedule_attestation(
                actor=request.user,
                cohort=cohort,
                data=AttestationData(
                    commission_id=values["commission"].pk,
                    held_on=values["held_on"],
                    place=Place(values["place"]),
                    address=values["address"],
                    videoconference_url=values["videoconference_url"],
                    attempt=values["attempt"],
                ),
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Итоговая аттестация назначена.")
            return redirect(attestation)
    context = {"form": form, "cohort": cohort, "commissions": commissions}
    return render(request, "attestation/attestation_form.html", context, status=_status(form))


def _detail(request: HttpRequest, attestation: Attestation, **forms: Any) -> HttpResponse:
    seats = selectors.active_seats(attestation.commission)
    attendance = selectors.member_attendance(attestation)
    results = list(selectors.list_learner_results(attestation))
    stages = selectors.list_stages(attestation)
    my_seat = seat_of(request.user, attestation.commission_id)
    signers = selectors.required_signers(attestation) if attestation.is_decided else []
    records = list(selectors.current_records(attestation))
    documents = []
    for record in records:
        signed = {s.seat_id: s for s in record.signatures.all()}
        documents.append(
            {
                "document": record,
                "signers": [(s, signed.get(s.seat.pk)) for s in signers],
                "can_sign": can_sign(my_seat, record, signers, signed),
            }
        )
    reg_rules = selectors.rules_of_attestation(attestation)
    context = {
        "attestation": attestation,
        "cohort": attestation.cohort,
        "programme": attestation.cohort.programme,
        "criteria": selectors.grade_criteria(attestation),
        "stages": stages,
        "seats": [(s, attendance.get(s.pk)) for s in seats],
        "lock": selectors.lock_reason(attestation),
        "results": results,
        "documents": documents,
        "rules": reg_rules,
        "members_form": forms.get("members_form")
        or MembersForm(
            seats=seats,
            initial={
                "present": [str(k) for k, v in attendance.items() if v],
                "presiding": str(attestation.presiding_seat_id or ""),
            },
        ),
        "results_form": forms.get("results_form") or ResultsForm(results=results, stages=stages),
        "votes_form": forms.get("votes_form") or VotesForm(results=results),
        "remarks_form": forms.get("remarks_form") or RemarksForm(results=results, prefix="remarks"),
        "reopen_form": forms.get("reopen_form") or ReasonForm(prefix="reopen"),
        "is_staff": is_staff_of(request.user, attestation.commission.organisation_id),
        "can_reopen": can_reopen(attestation, records),
        **sheet_extras(request, attestation, results, stages, forms.get("videoconference_form")),
        "my_pending": (
            selectors.pending_ids(request.user, attestation) if my_seat is not None else []
        ),
    }
    return render(
        request, "attestation/attestation_detail.html", context, status=_status(*forms.values())
    )


def attestation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The grading page: criteria, the commission present, the results, votes, decision
    and documents with their signatures."""
    return _detail(request, access_attestation(request.user, pk))


def _refused(request: HttpRequest, attestation: Attestation, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    if isinstance(exc, ValidationFailed):
        for problems in exc.errors.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect(attestation)


@require_POST
@signed_in
def attestation_members(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record who of the commission is present and who presides."""
    attestation = access_attestation(request.user, pk)
    form = MembersForm(request.POST, seats=selectors.active_seats(attestation.commission))
    if not form.is_valid():
        return _detail(request, attestation, members_form=form)
    presiding = form.cleaned_data["presiding"]
    try:
        services.record_member_attendance(
            actor=request.user,
            attestation=attestation,
            present_seat_ids=[int(p) for p in form.cleaned_data["present"]],
            presiding_seat_id=int(presiding) if presiding else None,
        )
    except DomainError as exc:
        return _refused(request, attestation, exc)
    messages.success(request, "Присутствие членов комиссии отмечено.")
    return redirect(attestation)


@require_POST
@signed_in
def attestation_results(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save the grading table: attendance and stage results of every learner."""
    attestation = access_attestation(request.user, pk)
    results = list(selectors.list_learner_results(attestation))
    stages = selectors.list_stages(attestation)
    form = ResultsForm(request.POST, results=results, stages=stages)
    if not form.is_valid():
        return _detail(request, attestation, results_form=form)
    attendance = {r.pk: Attendance(form.cleaned_data[f"att_{r.pk}"]) for r in results}
    entries = []
    for result in results:
        if attendance[result.pk] != Attendance.PRESENT:
            continue
        for stage in stages:
            value = form.cleaned_data.get(f"r{result.pk}_s{stage.pk}")
            if value in (None, ""):
                continue
            if stage.kind == StageKind.TESTING:
                entries.append(StageEntry(result.pk, stage.pk, percent=value))
            else:
                entries.append(StageEntry(result.pk, stage.pk, grade=Grade(value)))
    try:
        services.record_results_sheet(
            actor=request.user, attestation=attestation, attendance=attendance, entries=entries
        )
    except DomainError as exc:
        return _refused(request, attestation, exc)
    messages.success(request, "Результаты сохранены.")
    return redirect(reverse("attestation:attestation_detail", args=[pk]) + "#results")


@require_POST
@signed_in
def attestation_votes(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the vote for one learner or, the same, for every learner present."""
    attestation = access_attestation(request.user, pk)
    results = list(selectors.list_learner_results(attestation))
    form = VotesForm(request.POST, results=results)
    if not form.is_valid():
        return _detail(request, attestation, votes_form=form)
    values = form.cleaned_data
    learner = values["learner"]
    try:
        services.record_votes(
            actor=request.user,
            attestation=attestation,
            tally=VoteTally(
                votes_for=values["votes_for"],
                votes_against=values["votes_against"],
                abstained=values["abstained"],
                presiding_vote=VoteChoice(values["presiding_vote"])
                if values["presiding_vote"]
                else None,
            ),
            learner_results=None
            if learner == "all"
            else [access_learner_result(request.user, attestation, int(learner))],
        )
    except DomainError as exc:
        return _refused(request, attestation, exc)
    messages.success(request, "Результаты голосования записаны.")
    return redirect(reverse("attestation:attestation_detail", args=[pk]) + "#votes")


@require_POST
@signed_in
def attestation_remarks(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the commission's remarks on a learner."""
    attestation = access_attestation(request.user, pk)
    results = list(selectors.list_learner_results(attestation))
    form = RemarksForm(request.POST, results=results, prefix="remarks")
    if not form.is_valid():
        return _detail(request, attestation, remarks_form=form)
    try:
        services.record_remarks(
            actor=request.user,
            learner_result=access_learner_result(
                request.user, attestation, int(form.cleaned_data["learner"])
            ),
            remarks=form.cleaned_data["remarks"],
        )
    except DomainError as exc:
        return _refused(request, attestation, exc)
    messages.success(request, "Замечания записаны.")
    return redirect(attestation)


@require_POST
@signed_in
def attestation_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    """Take the commission's decision."""
    attestation = access_attestation(request.user, pk)
    try:
        services.decide_attestation(actor=request.user, attestation=attestation)
    except DomainError as exc:
        return _refused(request, attestation, exc)
    messages.success(
        request,
        "Решение принято: слушатели видят результаты в личном кабинете и получат письмо. "
        "Документы составлены и ждут подписей.",
    )
    return redirect(attestation)


@require_POST
@signed_in
def attestation_reopen(request: SignedInRequest, pk: int) -> HttpResponse:
    """Return a decided attestation to the entry of results, with a reason."""
    attestation = access_attestation(request.user, pk)
    form = ReasonForm(request.POST, prefix="reopen")
    if not form.is_valid():
        return _detail(request, attestation, reopen_form=form)
    try:
        services.reopen_attestation(
            actor=request.user, attestation=attestation, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return _refused(request, attestation, exc)
    messages.success(request, "Аттестация возвращена к вводу результатов.")
    return redirect(attestation)


@require_POST
@signed_in
def attestation_issue_documents(request: SignedInRequest, pk: int) -> HttpResponse:
    """Issue the documents on training of a decided attestation (staff of the organisation
    only; the documents app checks it). The checkbox `include_failed` also gives a справка
    to those who failed or were absent without a valid reason and may still retake
    (ADR 0109); the message counts qualification documents and справки. With more than a
    few learners the PDFs are rendered by a background job (ADR 0017)."""
    attestation = access_attestation(request.user, pk)
    include_failed = BooleanField(required=False).clean(request.POST.get("include_failed"))
    try:
        if services.documents_need_job(attestation):
            job = services.start_document_issue(
                actor=request.user, attestation=attestation, include_failed=include_failed
            )
            return redirect("web:job", job.pk)
        issued = services.issue_documents_for(
            actor=request.user, attestation=attestation, include_failed=include_failed
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        return _refused(request, attestation, exc)
    if issued:
        messages.success(request, services.issued_message(issued))
    else:
        messages.info(request, services.issued_message(issued))
    return redirect(attestation)


# --- records (statement, protocol, report) ----------------------------------------------


def document_detail(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A record with its versions and signatures."""
    attestation = access_attestation(request.user, pk)
    record = access_record(request.user, attestation, document_pk)
    signers = selectors.required_signers(attestation) if attestation.is_decided else []
    lines = selectors.signature_lines(record, signers)
    listed = {line.signer.seat.pk for line in lines}
    context = {
        "attestation": attestation,
        "document": record,
        "versions": selectors.versions_for_record(record),
        "lines": lines,
        "awaits_signatures": not record.is_frozen and not hasattr(record, "superseded_by"),
        # Signatures of seats that no longer sign (a version signed before a reopening).
        "other_signatures": [
            s
            for s in record.signatures.select_related("seat__person", "signed_by")
            if s.seat_id not in listed
        ],
        "correct_form": ReasonForm(prefix="correct"),
    }
    return render(request, "attestation/document_detail.html", context)


@require_POST
@signed_in
def document_sign(request: SignedInRequest, pk: int, document_pk: int) -> HttpResponse:
    """Confirm the record as one of its signatories."""
    attestation = access_attestation(request.user, pk)
    record = access_record(request.user, attestation, document_pk)
    try:
        record = services.sign_record(actor=request.user, record=record)
    except DomainError as exc:
        return _refused(request, attestation, exc)
    if record.is_frozen:
        archived = by_gender(record.kind_label, "сдан", "сдана", "сдано")
        messages.success(request, f"Подписано всеми: {record} {archived} в архив.")
    else:
        messages.success(request, "Ваша подпись учтена.")
    return redirect(reverse("attestation:attestation_detail", args=[pk]) + "#documents")


@require_POST
@signed_in
def document_correct(request: SignedInRequest, pk: int, document_pk: int) -> HttpResponse:
    """Open a correction of a signed record: a new version with its reason."""
    attestation = access_attestation(request.user, pk)
    record = access_record(request.user, attestation, document_pk)
    form = ReasonForm(request.POST, prefix="correct")
    if not form.is_valid():
        messages.error(request, "Опишите причину исправления: не менее 10 символов.")
        return redirect(record)
    try:
        correction = services.correct_record(
            actor=request.user, record=record, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return _refused(request, attestation, exc)
    messages.success(request, "Открыта новая версия документа.")
    return redirect(correction)


def _file(content: bytes, content_type: str, name: str, *, inline: bool) -> HttpResponse:
    return set_file_name(HttpResponse(content, content_type=content_type), name, inline=inline)


def _file_name(record: AttestationDocument, extension: str) -> str:
    return record_file_name(record, extension)


def document_pdf(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """The record's PDF: the stored file once signed, a marked draft before."""
    attestation = access_attestation(request.user, pk)
    record = access_record(request.user, attestation, document_pk)
    return _file(services.render_record_pdf(record), PDF, _file_name(record, "pdf"), inline=True)


def document_docx(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """The record as an editable DOCX of its appendix form."""
    attestation = access_attestation(request.user, pk)
    record = access_record(request.user, attestation, document_pk)
    return _file(
        services.render_record_docx(record), DOCX, _file_name(record, "docx"), inline=False
    )


# --- signing: what awaits a person, all of an attestation at once (ADR 0115) -------------


def pending_signatures(request: HttpRequest) -> HttpResponse:
    """The former address of «На подпись», in letters already sent: the page is the site's
    `web:to_sign` now, listing the appeal protocols too (ADR 0115)."""
    return redirect("web:to_sign", permanent=True)


@require_POST
@signed_in
def attestation_sign_all(request: SignedInRequest, pk: int) -> HttpResponse:
    """Sign every record of the attestation awaiting the person: exactly the versions the
    page showed (`record` fields); back to where the button was."""
    attestation = access_attestation(request.user, pk)
    back = (
        reverse("web:to_sign")
        if request.POST.get("back") == "pending"
        else reverse("attestation:attestation_detail", args=[pk]) + "#documents"
    )
    try:
        ids = [int(value) for value in request.POST.getlist("record")]
    except ValueError:
        ids = []
    try:
        done = services.sign_all_records(
            actor=request.user, attestation=attestation, record_ids=ids
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect(back)
    signed, frozen = len(done.signed), len(done.frozen)
    text = f"Ваша подпись поставлена: {number_with(signed, 'документ')}."
    if frozen:
        text += f" Подписаны всеми и сданы в архив: {number_with(frozen, 'документ')}."
    messages.success(request, text)
    return redirect(back)


# --- the learner -------------------------------------------------------------------------


@signed_in
def learner_home(request: SignedInRequest) -> HttpResponse:
    """The learner's own attestations: stage grades, final grade and the decision, shown
    as soon as the commission has decided (npc-4.11)."""
    require_login(request.user)
    results = selectors.results_for_learner(request.user)
    return render(request, "attestation/learner_home.html", {"results": results})


# --- retakes (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10) ------------------------------------


@signed_in
def my_retakes(request: SignedInRequest) -> HttpResponse:
    """The learner's retake deadlines (computed, with the clause) and the application
    forms."""
    require_login(request.user)
    options = selectors.retake_options_for_learner(request.user)
    apply_forms = {
        o.result.pk: RetakeApplyForm(auto_id=f"r{o.result.pk}_%s", kind=o.deadlines.kind)
        for o in options
        if o.can_apply
    }
    rows = [(o, apply_forms.get(o.result.pk)) for o in options]
    return render(request, "attestation/retake_my.html", {"rows": rows})


def _valid_reason_document(kind: RetakeKind, values: dict[str, Any]) -> ValidReasonDocument | None:
    if kind != RetakeKind.VALID_REASON or not values.get("document_presented_on"):
        return None
    return ValidReasonDocument.given(
        description=values["document_description"],
        presented_on=values["document_presented_on"],
        reason_ended_on=values["reason_ended_on"],
        file=values["document_file"],
    )


@require_http_methods(["GET", "POST"])
@signed_in
def retake_apply(request: SignedInRequest, result_pk: int) -> HttpResponse:
    """File the learner's application for one of their results."""
    result = access_own_learner_result(request.user, result_pk)
    deadlines = selectors.retake_deadlines_for(result)
    if deadlines is None:
        raise NotFound()
    form = RetakeApplyForm(request.POST or None, request.FILES or None, kind=deadlines.kind)
    if request.method == "POST" and form.is_valid():
        document = _valid_reason_document(deadlines.kind, form.cleaned_data)
        try:
            application = services.apply_for_retake(
                actor=request.user,
                learner_result=result,
                kind=deadlines.kind,
                document=document,
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Заявление подано: {application.status_label}.")
            return redirect("attestation:my_retakes")
    context = {"result": result, "deadlines": deadlines, "form": form}
    return render(request, "attestation/retake_apply.html", context, status=_status(form))


def _retake_list(
    request: SignedInRequest, decide_forms: dict[int, tuple[Any, Any]] | None = None
) -> HttpResponse:
    require_staff(request.user)
    decide_forms = decide_forms or {}
    applications = selectors.list_retake_applications(request.user)
    rows = [
        (
            a,
            *decide_forms.get(
                a.pk,
                (
                    RetakeGrantForm(auto_id=f"g{a.pk}_%s"),
                    RetakeRefuseForm(auto_id=f"x{a.pk}_%s"),
                ),
            ),
        )
        for a in applications
    ]
    status = _status(*(f for pair in decide_forms.values() for f in pair))
    context = {"rows": rows, "candidates": selectors.retake_filing_candidates(request.user)}
    return render(request, "attestation/retake_list.html", context, status=status)


@signed_in
def retake_list(request: SignedInRequest) -> HttpResponse:
    """Retake applications of the staff's organisations with the decision forms."""
    return _retake_list(request)


@require_POST
@signed_in
def retake_grant(request: SignedInRequest, pk: int) -> HttpResponse:
    """Grant a retake application with the day of the attestation."""
    application = access_retake_application(request.user, pk)
    form = RetakeGrantForm(request.POST, auto_id=f"g{pk}_%s")
    if form.is_valid():
        values = form.cleaned_data
        try:
            services.grant_retake(
                actor=request.user,
                application=application,
                date=values["date"],
                individual_schedule=values["individual_schedule"],
                schedule_order_number=values["schedule_order_number"],
                schedule_order_date=values["schedule_order_date"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Заявление удовлетворено: слушатель получит письмо.")
            return redirect("attestation:retake_list")
    return _retake_list(request, {pk: (form, RetakeRefuseForm(auto_id=f"x{pk}_%s"))})


@require_POST
@signed_in
def retake_refuse(request: SignedInRequest, pk: int) -> HttpResponse:
    """Refuse a retake application with a reason."""
    application = access_retake_application(request.user, pk)
    form = RetakeRefuseForm(request.POST, auto_id=f"x{pk}_%s")
    if form.is_valid():
        try:
            services.refuse_retake(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "В заявлении отказано: слушатель получит письмо.")
            return redirect("attestation:retake_list")
    return _retake_list(request, {pk: (RetakeGrantForm(auto_id=f"g{pk}_%s"), form)})


# --- retakes filed by staff on the learner's behalf (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def retake_file(request: SignedInRequest, result_pk: int) -> HttpResponse:
    """Record a learner's paper application on their behalf (the organisation's staff),
    with the day it arrived; the service checks that day against the deadline."""
    result = access_learner_result_for_staff(request.user, result_pk)
    deadlines = selectors.retake_deadlines_for(result)
    if deadlines is None:
        raise NotFound()
    form = RetakeFileForm(request.POST or None, request.FILES or None, kind=deadlines.kind)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            application = services.apply_for_retake(
                actor=request.user,
                learner_result=result,
                kind=deadlines.kind,
                filed_on=values["filed_on"],
                document=_valid_reason_document(deadlines.kind, values),
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Заявление слушателя {result.enrolment.learner.full_name} от "
                f"{application.filed_on:%d.%m.%Y} записано: {application.status_label}.",
            )
            return redirect("attestation:retake_list")
    context = {
        "result": result,
        "deadlines": deadlines,
        "rules": selectors.rules_of_attestation(result.attestation),
        "form": form,
    }
    return render(request, "attestation/retake_file.html", context, status=_status(form))


@require_POST
@signed_in
def attestation_videoconference(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record that a learner and the commission saw and heard each other, or the
    interruption and the decision."""
    attestation = access_attestation(request.user, pk)
    results = list(selectors.list_learner_results(attestation))
    stages = list(selectors.list_stages(attestation))
    form = VideoconferenceForm(request.POST, results=results, stages=stages)
    if not form.is_valid():
        return _detail(request, attestation, videoconference_form=form)
    values = form.cleaned_data
    stage = next((s for s in stages if str(s.pk) == values["stage"]), None)
    try:
        services.record_videoconference_check(
            actor=request.user,
            learner_result=access_learner_result(request.user, attestation, int(values["learner"])),
            outcome=ConnectionOutcome(values["outcome"]),
            decision=ConnectionDecision(values["decision"]) if values["decision"] else None,
            stage=stage,
            note=values["note"],
        )
    except DomainError as exc:
        return _refused(request, attestation, exc)
    messages.success(request, "Состояние видеоконференции записано.")
    return redirect(reverse("attestation:attestation_detail", args=[pk]) + "#videoconference")
