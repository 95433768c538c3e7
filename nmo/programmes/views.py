"""Pages of programmes and cohorts for the organisation's staff. Each view parses the form,
checks access, calls one service or selector and renders."""

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import SignedInRequest, access_staff_organisation, require_staff, signed_in
from nmo.accounts.selectors import units_for_organisations
from nmo.core.exceptions import Conflict, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.core.uploads import read_limited
from nmo.printing.files import set_file_name
from nmo.programmes import selectors, services
from nmo.programmes.access import (
    access_admission,
    access_cohort,
    access_debt,
    access_enrolment,
    access_notice,
    access_programme,
    access_stage,
)
from nmo.programmes.exceptions import CatalogueCardInvalid
from nmo.programmes.forms import (
    AdmissionOverrideForm,
    BankImportForm,
    CatalogueCardForm,
    CohortForm,
    CurriculumForm,
    DebtClearForm,
    DebtForm,
    EnrolmentForm,
    IntermediateResultForm,
    LearnerForm,
    LearnersImportForm,
    ProgrammeForm,
    StageForm,
)
from nmo.programmes.models import Cohort, Enrolment, Programme
from nmo.programmes.rules import parse_disciplines
from nmo.programmes.types import (
    CatalogueCardData,
    CohortData,
    CurriculumData,
    LearnerRow,
    ProgrammeData,
    StageData,
)
from nmo.programmes.xlsx import MAX_FILE_BYTES
from nmo.programmes.xlsx import bank_template as make_bank_template
from nmo.programmes.xlsx import learners_template as make_learners_template
from nmo.regulations.exceptions import RegulationNotFound
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    DefenceWork,
    GradeScale,
    ProgrammeKind,
    RegulationRules,
    StageKind,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _status(*forms: Any) -> int:
    return 422 if any(f is not None and f.is_bound and f.errors for f in forms) else 200


def _xlsx(content: bytes, name: str) -> HttpResponse:
    return set_file_name(HttpResponse(content, content_type=XLSX), name)


# --- programmes --------------------------------------------------------------------------


@signed_in
def programme_list(request: SignedInRequest) -> HttpResponse:
    """The programmes of the staff's organisations."""
    require_staff(request.user)
    programmes = selectors.list_programmes(request.user)
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


def _programme_data(data: dict[str, Any]) -> ProgrammeData:
    return ProgrammeData(
        unit_id=data["unit"].pk,
        kind=ProgrammeKind(data["kind"]),
        title=data["title"],
        hours=data["hours"],
        attestation_form=AttestationForm(data["attestation_form"]),
        attestation_hours=data["attestation_hours"],
        remote_share_percent=data["remote_share_percent"],
        specialty_ids=tuple(s.pk for s in data["specialties"]),
        criteria_excellent=data["criteria_excellent"],
        criteria_good=data["criteria_good"],
        criteria_satisfactory=data["criteria_satisfactory"],
        criteria_unsatisfactory=data["criteria_unsatisfactory"],
        criteria_passed=data["criteria_passed"],
        criteria_failed=data["criteria_failed"],
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def programme_create(request: SignedInRequest) -> HttpResponse:
    """Create a programme; the service checks it against the organisation's regulation."""
    require_staff(request.user)
    organisations = selectors.staff_organisations(request.user)
    form = ProgrammeForm(
        request.POST or None,
        organisations=organisations,
        rules=_rules_of(_only_organisation(organisations)),
    )
    if request.method == "POST" and form.is_valid():
        organisation = access_staff_organisation(request.user, form.cleaned_data["organisation"].pk)
        try:
            programme = services.create_programme(
                actor=request.user,
                organisation=organisation,
                data=_programme_data(form.cleaned_data),
            )
        except ValidationFailed as exc:
            show_refusal(form, exc, ProgrammeForm.FIELD_OF)
        except RegulationNotFound as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Программа создана. Добавьте этапы итоговой аттестации.")
            return redirect(programme)
    context = {"form": form, "programme": None}
    return render(request, "programmes/programme_form.html", context, status=_status(form))


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def programme_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Change a programme."""
    programme = access_programme(request.user, pk)
    organisations = selectors.staff_organisations(request.user)
    initial = {
        "organisation": programme.organisation,
        "unit": programme.unit,
        "kind": programme.kind,
        "title": programme.title,
        "hours": programme.hours,
        "specialties": list(programme.specialties.all()),
        "remote_share_percent": programme.remote_share_percent,
        "attestation_form": programme.attestation_form,
        "attestation_hours": programme.attestation_hours,
        **{
            f: getattr(programme, f) for f in ProgrammeForm.base_fields if f.startswith("criteria_")
        },
    }
    form = ProgrammeForm(
        request.POST or None,
        organisations=organisations,
        programme=programme,
        initial=initial,
        rules=_rules_of(programme.organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_programme(
                actor=request.user, programme=programme, data=_programme_data(form.cleaned_data)
            )
        except ValidationFailed as exc:
            show_refusal(form, exc, ProgrammeForm.FIELD_OF)
        except RegulationNotFound as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(programme)
    context = {"form": form, "programme": programme}
    return render(request, "programmes/programme_form.html", context, status=_status(form))


def _rules_of(organisation: Any) -> RegulationRules | None:
    """The organisation's regulation in force, for forms to offer only what it allows."""
    if organisation is None:
        return None
    try:
        return selectors.regulation_for(organisation).rules
    except RegulationNotFound:
        return None


def _only_organisation(organisations: Any) -> Any:
    return organisations.first() if organisations.count() == 1 else None


def _readiness(programme: Programme) -> list[str]:
    try:
        reg = selectors.regulation_for(programme.organisation)
    except RegulationNotFound as exc:
        return [exc.message]
    return selectors.programme_problems(reg, programme)


def _programme_page(
    request: SignedInRequest,
    programme: Programme,
    *,
    stage_form: StageForm | None = None,
    bank_form: BankImportForm | None = None,
) -> HttpResponse:
    context = {
        "programme": programme,
        "stages": selectors.list_stages(programme),
        "bank": selectors.bank_counts(programme),
        "criteria": selectors.grade_criteria(programme),
        "cohorts": selectors.list_cohorts(request.user, programme=programme),
        "problems": _readiness(programme),
        "stage_form": stage_form or StageForm(rules=_rules_of(programme.organisation)),
        "bank_form": bank_form or BankImportForm(),
    }
    return render(
        request, "programmes/programme_detail.html", context, status=_status(stage_form, bank_form)
    )


@signed_in
def programme_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """A programme with its stages, grade criteria, assessment bank and cohorts."""
    programme = access_programme(request.user, pk)
    return _programme_page(request, programme)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def programme_curriculum(request: SignedInRequest, pk: int) -> HttpResponse:
    """The qualification, field of activity and disciplines (modules) with hours that the
    programme's diploma and its supplement print."""
    programme = access_programme(request.user, pk)
    initial = {
        "qualification_title": programme.qualification_title,
        "practice_field": programme.practice_field,
        "disciplines": "\n".join(
            f"{row.title} — {row.hours}" for row in selectors.list_disciplines(programme)
        ),
    }
    form = CurriculumForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            rows, problems = parse_disciplines(form.cleaned_data["disciplines"])
            for problem in problems:
                form.add_error("disciplines", problem)
            if not problems:
                try:
                    services.set_curriculum(
                        actor=request.user,
                        programme=programme,
                        data=CurriculumData(
                            qualification_title=form.cleaned_data["qualification_title"],
                            practice_field=form.cleaned_data["practice_field"],
                            disciplines=tuple(rows),
                        ),
                    )
                except ValidationFailed as exc:
                    show_refusal(form, exc)
                else:
                    messages.success(request, "Квалификация и дисциплины программы сохранены.")
                    return redirect(programme.get_absolute_url())
        status = 422
    return render(
        request,
        "programmes/programme_curriculum.html",
        {"programme": programme, "form": form},
        status=status,
    )


def _stage_data(data: dict[str, Any]) -> StageData:
    return StageData(
        kind=StageKind(data["kind"]),
        scale=GradeScale(data["scale"]),
        duration_minutes=data["duration_minutes"],
        mode=data["mode"],
        defence_work=DefenceWork(data["defence_work"]) if data["defence_work"] else None,
        pass_threshold_percent=data["pass_threshold_percent"],
        excellent_from_percent=data["excellent_from_percent"],
        good_from_percent=data["good_from_percent"],
    )


@require_POST
@signed_in
def stage_add(request: SignedInRequest, pk: int) -> HttpResponse:
    """Add a stage to the programme's attestation."""
    programme = access_programme(request.user, pk)
    form = StageForm(request.POST, rules=_rules_of(programme.organisation))
    if form.is_valid():
        try:
            stage = services.add_stage(
                actor=request.user, programme=programme, data=_stage_data(form.cleaned_data)
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except RegulationNotFound as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Этап {stage.order} добавлен.")
            return redirect(reverse("programmes:programme_detail", args=[pk]) + "#stages")
    return _programme_page(request, programme, stage_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def stage_edit(request: SignedInRequest, pk: int, stage_pk: int) -> HttpResponse:
    """Change a stage."""
    programme = access_programme(request.user, pk)
    stage = access_stage(request.user, programme, stage_pk)
    initial = {f: getattr(stage, f) for f in StageForm.base_fields}
    form = StageForm(request.POST or None, initial=initial, rules=_rules_of(programme.organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_stage(
                actor=request.user, stage=stage, data=_stage_data(form.cleaned_data)
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except RegulationNotFound as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Этап {stage.order} сохранён.")
            return redirect(reverse("programmes:programme_detail", args=[pk]) + "#stages")
    context = {"programme": programme, "stage": stage, "form": form}
    return render(request, "programmes/stage_form.html", context, status=_status(form))


@require_POST
@signed_in
def stage_remove(request: SignedInRequest, pk: int, stage_pk: int) -> HttpResponse:
    """Remove a stage."""
    programme = access_programme(request.user, pk)
    stage = access_stage(request.user, programme, stage_pk)
    services.remove_stage(actor=request.user, stage=stage)
    messages.success(request, f"Этап {stage.order} удалён, остальные перенумерованы.")
    return redirect(reverse("programmes:programme_detail", args=[pk]) + "#stages")


@require_POST
@signed_in
def bank_import(request: SignedInRequest, pk: int) -> HttpResponse:
    """Load the assessment bank from an XLSX file (npc-2.7)."""
    programme = access_programme(request.user, pk)
    form = BankImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_assessment_bank(
                actor=request.user,
                programme=programme,
                file_name=upload.name,
                content=read_limited(upload, MAX_FILE_BYTES),
                replace=form.cleaned_data["replace"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Загружено материалов ФОС: {result.created}.")
            return redirect(reverse("programmes:programme_detail", args=[pk]) + "#bank")
    return _programme_page(request, programme, bank_form=form)


def bank_template(request: HttpRequest) -> HttpResponse:
    """The example assessment-bank file."""
    require_staff(request.user)
    return _xlsx(make_bank_template(), "fos-obrazec.xlsx")


# --- cohorts -----------------------------------------------------------------------------


@signed_in
def cohort_list(request: SignedInRequest) -> HttpResponse:
    """The cohorts of the staff's organisations."""
    require_staff(request.user)
    cohorts = selectors.list_cohorts(request.user)
    return render(request, "programmes/cohort_list.html", {"cohorts": cohorts})


def _cohort_data(data: dict[str, Any]) -> CohortData:
    return CohortData(
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        attestation_date=data["attestation_date"],
        place=AttestationPlace(data["place"]),
        title=data["title"],
        unit_id=data["unit"].pk if data["unit"] else None,
        address=data["address"],
        is_remote=data["is_remote"],
        uses_videoconference=data["uses_videoconference"],
        videoconference_requirements=data["videoconference_requirements"],
        study_form=data.get("study_form") or "",
    )


def _units(request: SignedInRequest) -> Any:
    organisations = selectors.staff_organisations(request.user)
    return units_for_organisations(organisations)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def cohort_create(request: SignedInRequest) -> HttpResponse:
    """Open a cohort of a programme."""
    require_staff(request.user)
    programmes = selectors.list_programmes(request.user)
    initial = {"programme": request.GET.get("programme")}
    form = CohortForm(
        request.POST or None,
        programmes=programmes,
        units=_units(request),
        initial=initial,
        rules=_rules_of(_only_organisation(selectors.staff_organisations(request.user))),
    )
    if request.method == "POST" and form.is_valid():
        programme = access_programme(request.user, form.cleaned_data["programme"].pk)
        try:
            cohort = services.create_cohort(
                actor=request.user, programme=programme, data=_cohort_data(form.cleaned_data)
            )
        except ValidationFailed as exc:
            show_refusal(form, exc, CohortForm.FIELD_OF)
        except (Conflict, RegulationNotFound) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Группа создана. Зачислите слушателей.")
            return redirect(cohort)
    context = {"form": form, "cohort": None}
    return render(request, "programmes/cohort_form.html", context, status=_status(form))


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def cohort_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Change a cohort's dates, place or remote mode."""
    cohort = access_cohort(request.user, pk)
    programmes = Programme.objects.filter(pk=cohort.programme_id)
    initial = {
        "programme": cohort.programme,
        "title": cohort.title,
        "unit": cohort.unit,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "attestation_date": cohort.attestation_date,
        "place": cohort.place,
        "address": cohort.address,
        "is_remote": cohort.is_remote,
        "uses_videoconference": cohort.uses_videoconference,
        "videoconference_requirements": cohort.videoconference_requirements,
        "study_form": cohort.study_form,
    }
    form = CohortForm(
        request.POST or None,
        programmes=programmes,
        units=_units(request),
        editing=True,
        initial=initial,
        rules=_rules_of(cohort.programme.organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cohort(
                actor=request.user, cohort=cohort, data=_cohort_data(form.cleaned_data)
            )
        except ValidationFailed as exc:
            show_refusal(form, exc, CohortForm.FIELD_OF)
        else:
            messages.success(request, "Изменения сохранены; сроки уведомлений пересчитаны.")
            return redirect(cohort)
    context = {"form": form, "cohort": cohort}
    return render(request, "programmes/cohort_form.html", context, status=_status(form))


def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A cohort with its learners, intermediate results, debts, notices and admission."""
    cohort = access_cohort(request.user, pk)
    admissions = list(selectors.list_admissions(cohort))
    today = timezone.localdate()
    notices = list(selectors.list_notices(cohort))
    for notice in notices:  # the late-notice flag (npc-6.2, rgmu-6.3)
        setattr(notice, "timeliness", selectors.notice_timeliness(notice, today))  # noqa: B010
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "enrolments": selectors.list_enrolments(cohort),
        "notices": notices,
        "admissions": admissions,
        "undecided": selectors.list_undecided_enrolments(cohort),
        "admitted_count": sum(1 for a in admissions if a.admitted),
        "today": today,
    }
    return render(request, "programmes/cohort_detail.html", context)


@require_POST
@signed_in
def learners_complete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Mark the chosen learners (or all of the cohort) as having mastered the programme in
    one action; the learners refused are named with the reason."""
    cohort = access_cohort(request.user, pk)
    everyone = request.POST.get("scope") == "all"
    ids: list[int] | None = None
    if not everyone:
        ids = [int(v) for v in request.POST.getlist("enrolment") if v.isdigit()][:10_000]
    try:
        outcome = services.mark_programme_completed(
            actor=request.user,
            cohort=cohort,
            enrolment_ids=ids,
            curriculum_completed=request.POST.get("curriculum_completed") == "on",
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        if outcome.marked:
            messages.success(
                request,
                f"Отмечены как освоившие программу ({len(outcome.marked)}): "
                + ", ".join(outcome.marked)
                + ".",
            )
        if outcome.already:
            messages.info(request, "Уже были отмечены ранее: " + ", ".join(outcome.already) + ".")
        if outcome.refused:
            messages.error(
                request,
                f"Не отмечены ({len(outcome.refused)}): "
                + "; ".join(f"{name} — {reason}" for name, reason in outcome.refused)
                + ".",
            )
    return redirect(reverse("programmes:cohort_detail", args=[pk]) + "#learners")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def enrolment_create(request: SignedInRequest, pk: int) -> HttpResponse:
    """Enrol one learner."""
    cohort = access_cohort(request.user, pk)
    form = LearnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = LearnerRow(
            row=1,
            last_name=data["last_name"],
            first_name=data["first_name"],
            middle_name=data["middle_name"],
            snils=data["snils"],
            email=data["email"],
            phone=data["phone"],
            contract_number=data["contract_number"],
            contract_date=data["contract_date"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            **asdict(form.frdo_details()),
        )
        try:
            enrolment = services.enrol_learner(actor=request.user, cohort=cohort, learner=row)
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Слушатель {enrolment.learner.full_name} в группе.")
            return redirect(reverse("programmes:cohort_detail", args=[pk]) + "#learners")
    context = {"cohort": cohort, "form": form}
    return render(request, "programmes/enrolment_form.html", context, status=_status(form))


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def learners_import(request: SignedInRequest, pk: int) -> HttpResponse:
    """Enrol the learners of an XLSX list, all or none; a long list is a background job
    with a status page (ADR 0017)."""
    cohort = access_cohort(request.user, pk)
    form = LearnersImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = read_limited(upload, MAX_FILE_BYTES)
        try:
            if not services.learners_file_is_small(content):
                job = services.start_learners_import(
                    actor=request.user, cohort=cohort, file_name=upload.name, content=content
                )
                return redirect("web:job", job.pk)
            result = services.import_learners_file(
                actor=request.user, cohort=cohort, file_name=upload.name, content=content
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Зачислено: {result.enrolled}; уже были в группе: {result.already_enrolled}; "
                f"новых учётных записей: {result.created}.",
            )
            return redirect(reverse("programmes:cohort_detail", args=[pk]) + "#learners")
    context = {"cohort": cohort, "form": form}
    return render(request, "programmes/learners_import.html", context, status=_status(form))


def learners_template(request: HttpRequest) -> HttpResponse:
    """The example learners file."""
    require_staff(request.user)
    return _xlsx(make_learners_template(), "slushateli-obrazec.xlsx")


def _enrolment_page(
    request: HttpRequest,
    cohort: Cohort,
    enrolment: Enrolment,
    *,
    form: EnrolmentForm | None = None,
    result_form: IntermediateResultForm | None = None,
    debt_form: DebtForm | None = None,
    clear_form: DebtClearForm | None = None,
) -> HttpResponse:
    enrolment = selectors.list_enrolments(cohort).get(pk=enrolment.pk)
    form = form or EnrolmentForm(
        initial={
            "programme_completed": enrolment.programme_completed,
            "curriculum_completed": enrolment.curriculum_completed,
            "status": enrolment.status,
            "contract_number": enrolment.contract_number,
            "contract_date": enrolment.contract_date,
            "citizenship": enrolment.citizenship,
            "education_level": enrolment.education_level,
            "diploma_last_name": enrolment.diploma_last_name,
            "diploma_series": enrolment.diploma_series,
            "diploma_number": enrolment.diploma_number,
            "funding_source": enrolment.funding_source,
        }
    )
    context = {
        "cohort": cohort,
        "enrolment": enrolment,
        "form": form,
        "result_form": result_form
        or IntermediateResultForm(initial={"assessed_on": timezone.localdate()}),
        "debt_form": debt_form or DebtForm(),
        "clear_form": clear_form or DebtClearForm(initial={"cleared_on": timezone.localdate()}),
    }
    status = _status(form, result_form, debt_form, clear_form)
    return render(request, "programmes/enrolment_detail.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def enrolment_detail(request: SignedInRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """A learner in a cohort: programme and curriculum done, contract, results, debts."""
    cohort = access_cohort(request.user, pk)
    enrolment = access_enrolment(request.user, cohort, enrolment_pk)
    if request.method != "POST":
        return _enrolment_page(request, cohort, enrolment)
    form = EnrolmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_enrolment(
                actor=request.user,
                enrolment=enrolment,
                programme_completed=data["programme_completed"],
                curriculum_completed=data["curriculum_completed"],
                status=data["status"],
                contract_number=data["contract_number"],
                contract_date=data["contract_date"],
                frdo=form.frdo_details(),
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Сведения о слушателе сохранены.")
            return redirect("programmes:enrolment_detail", pk=pk, enrolment_pk=enrolment_pk)
    return _enrolment_page(request, cohort, enrolment, form=form)


@require_POST
@signed_in
def result_add(request: SignedInRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """Record an intermediate assessment result."""
    cohort = access_cohort(request.user, pk)
    enrolment = access_enrolment(request.user, cohort, enrolment_pk)
    form = IntermediateResultForm(request.POST)
    if form.is_valid():
        try:
            services.record_intermediate_result(
                actor=request.user,
                enrolment=enrolment,
                title=form.cleaned_data["title"],
                passed=form.cleaned_data["passed"],
                assessed_on=form.cleaned_data["assessed_on"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Результат промежуточной аттестации записан.")
            return redirect("programmes:enrolment_detail", pk=pk, enrolment_pk=enrolment_pk)
    return _enrolment_page(request, cohort, enrolment, result_form=form)


@require_POST
@signed_in
def debt_add(request: SignedInRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """Record a learner's debt."""
    cohort = access_cohort(request.user, pk)
    enrolment = access_enrolment(request.user, cohort, enrolment_pk)
    form = DebtForm(request.POST)
    if form.is_valid():
        try:
            services.record_debt(
                actor=request.user,
                enrolment=enrolment,
                description=form.cleaned_data["description"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Задолженность записана.")
            return redirect("programmes:enrolment_detail", pk=pk, enrolment_pk=enrolment_pk)
    return _enrolment_page(request, cohort, enrolment, debt_form=form)


@require_POST
@signed_in
def debt_clear(request: SignedInRequest, pk: int, enrolment_pk: int, debt_pk: int) -> HttpResponse:
    """Mark a debt cleared."""
    cohort = access_cohort(request.user, pk)
    enrolment = access_enrolment(request.user, cohort, enrolment_pk)
    debt = access_debt(request.user, enrolment, debt_pk)
    form = DebtClearForm(request.POST)
    if form.is_valid():
        try:
            services.clear_debt(
                actor=request.user, debt=debt, cleared_on=form.cleaned_data["cleared_on"]
            )
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Задолженность отмечена погашенной.")
        return redirect("programmes:enrolment_detail", pk=pk, enrolment_pk=enrolment_pk)
    return _enrolment_page(request, cohort, enrolment, clear_form=form)


@require_POST
@signed_in
def admission_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    """Decide admission for every learner of the cohort (npc-2.3, rgmu-2.3, rgmu-1.4)."""
    cohort = access_cohort(request.user, pk)
    results = services.decide_admission(actor=request.user, cohort=cohort)
    admitted = sum(1 for r in results if r.admitted)
    messages.success(
        request,
        f"Решение о допуске принято: допущены — {admitted}, не допущены — "
        f"{len(results) - admitted}.",
    )
    return redirect(reverse("programmes:cohort_detail", args=[pk]) + "#admission")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def admission_override(request: SignedInRequest, pk: int, admission_pk: int) -> HttpResponse:
    """Change an admission decision with a written justification."""
    cohort = access_cohort(request.user, pk)
    admission = access_admission(request.user, cohort, admission_pk)
    form = AdmissionOverrideForm(
        request.POST or None, initial={"admitted": "0" if admission.admitted else "1"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.override_admission(
                actor=request.user,
                admission=admission,
                admitted=form.cleaned_data["admitted"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Решение о допуске изменено.")
            return redirect(reverse("programmes:cohort_detail", args=[pk]) + "#admission")
    context = {"cohort": cohort, "admission": admission, "form": form}
    return render(request, "programmes/admission_override.html", context, status=_status(form))


@require_POST
@signed_in
def notice_retry(request: SignedInRequest, pk: int, notice_pk: int) -> HttpResponse:
    """Send a failed notice again."""
    cohort = access_cohort(request.user, pk)
    notice = access_notice(request.user, cohort, notice_pk)
    try:
        services.retry_notice(actor=request.user, notice=notice)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Уведомление будет отправлено повторно.")
    return redirect(reverse("programmes:cohort_detail", args=[pk]) + "#notices")


# --- the catalogue card (issue 15, ADR 0116) ---------------------------------------------


def _catalogue_card_form(programme: Programme, data: Any = None) -> CatalogueCardForm:
    price = "" if programme.price is None else f"{programme.price:.2f}".replace(".", ",")
    return CatalogueCardForm(
        data,
        cohorts=selectors.upcoming_cohorts(programme),
        initial={
            "summary": programme.summary,
            "price": price,
            "by_certificate": programme.by_certificate,
        },
    )


def _catalogue_card_page(
    request: SignedInRequest,
    programme: Programme,
    form: CatalogueCardForm,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {"programme": programme, "form": form, "cohorts": form.cohorts, **extra}
    return render(request, "programmes/programme_catalogue.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def programme_catalogue(request: SignedInRequest, pk: int) -> HttpResponse:
    """The programme's card in the public catalogue: description, price, payment by an
    educational certificate and the seats of the upcoming cohorts."""
    programme = access_programme(request.user, pk)
    form = _catalogue_card_form(programme, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = CatalogueCardData(
            summary=form.cleaned_data["summary"],
            price=form.cleaned_data["price"],
            by_certificate=form.cleaned_data["by_certificate"],
            seats=form.seats(),
        )
        try:
            services.update_catalogue_card(actor=request.user, programme=programme, data=data)
        except ValidationFailed as exc:
            if exc.message != CatalogueCardInvalid.default_message:
                form.add_error(None, exc.message)
            show_refusal(form, exc)
        else:
            messages.success(request, "Карточка программы в каталоге сохранена.")
            return redirect("programmes:programme_catalogue", pk=programme.pk)
    return _catalogue_card_page(request, programme, form, status=_status(form))


@require_POST
@signed_in
def programme_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    """Publish the programme in the public catalogue, or say what it lacks."""
    programme = access_programme(request.user, pk)
    try:
        services.publish_programme(actor=request.user, programme=programme)
    except ValidationFailed as exc:
        form = _catalogue_card_form(programme)
        problems = [m for ms in exc.errors.values() for m in ms]
        return _catalogue_card_page(
            request, programme, form, status=exc.status, refusal=exc.message, problems=problems
        )
    messages.success(request, "Программа опубликована в каталоге.")
    return redirect("programmes:programme_catalogue", pk=programme.pk)


@require_POST
@signed_in
def programme_unpublish(request: SignedInRequest, pk: int) -> HttpResponse:
    """Take the programme out of the public catalogue."""
    programme = access_programme(request.user, pk)
    services.unpublish_programme(actor=request.user, programme=programme)
    messages.success(request, "Программа снята с публикации: в каталоге её больше не видно.")
    return redirect("programmes:programme_catalogue", pk=programme.pk)
