"""Pages of special conditions for disabled learners (rgmu-7.2, rgmu-7.4, rgmu-7.6; ADR
0305): the learner's applications and the form, the staff's list with the decisions, a
paper application recorded on the learner's behalf, and the supporting documents, served
only to the learner and the organisation's staff."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import SignedInRequest, require_login, require_staff, signed_in
from nmo.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.programmes import selectors, services
from nmo.programmes.access import (
    access_cohort,
    access_enrolment,
    access_own_enrolment,
    access_special_conditions_application,
    access_special_conditions_document,
)
from nmo.programmes.models import Enrolment, SpecialConditionsApplication
from nmo.programmes.services.special_conditions import late_message
from nmo.programmes.special_conditions_forms import (
    SpecialConditionsFileForm,
    SpecialConditionsForm,
    SpecialConditionsGrantForm,
    SpecialConditionsRefuseForm,
)
from nmo.programmes.types import SpecialConditionsGrant, SpecialConditionsRequest
from nmo.regulations import rules as regulation_rules


def _status(*forms: Any) -> int:
    return 422 if any(f is not None and f.is_bound and f.errors for f in forms) else 200


def _terms(enrolment: Enrolment) -> dict[str, Any]:
    """What the regulation (or the law, ADR 0305) says: the deadline and the ceilings."""
    reg = selectors.regulation_of_cohort(enrolment.cohort)
    return {
        "deadline": regulation_rules.special_conditions_application_deadline(
            reg.rules, enrolment.cohort.attestation_date
        ),
        "limits": regulation_rules.accessibility_in_force(reg.rules),
        "regulated": reg.rules.accessibility.special_conditions_regulated,
        "months": reg.rules.accessibility.application_months_before,
    }


def _request_of(values: dict[str, Any]) -> SpecialConditionsRequest:
    return SpecialConditionsRequest(
        assistant_stage_ids=tuple(values.get("assistant_stages", ())),
        extra_time_stage_ids=tuple(values.get("extra_time_stages", ())),
        needs_assistant=values.get("needs_assistant", False),
        extra_time_written=values.get("extra_time_written", False),
        extra_time_oral=values.get("extra_time_oral", False),
        technical_means=values["technical_means"],
        accessible_premises=values["accessible_premises"],
        individual_features=values["individual_features"],
    )


# --- the learner -------------------------------------------------------------------------


@signed_in
def my_special_conditions(request: SignedInRequest) -> HttpResponse:
    """The learner's programmes with their applications for special conditions."""
    require_login(request.user)
    rows = []
    for enrolment, applications in selectors.special_conditions_of_learner(request.user):
        can_apply = not any(a.status in ("filed", "granted") for a in applications)
        rows.append((enrolment, applications, can_apply, _terms(enrolment)))
    return render(request, "programmes/special_conditions_my.html", {"rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def special_conditions_apply(request: SignedInRequest, enrolment_pk: int) -> HttpResponse:
    """The learner's written application for one programme."""
    enrolment = access_own_enrolment(request.user, enrolment_pk)
    form = SpecialConditionsForm(
        request.POST or None,
        request.FILES or None,
        stages=selectors.list_stages(enrolment.cohort.programme),
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            application = services.file_special_conditions(
                actor=request.user,
                enrolment=enrolment,
                request=_request_of(values),
                documents=values["documents"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
            if exc.errors and exc.message and "__all__" not in exc.errors:
                form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            note = (
                " Срок подачи пропущен: решение примет организация." if application.is_late else ""
            )
            messages.success(request, f"Заявление подано.{note}")
            return redirect("programmes:my_special_conditions")
    context = {"enrolment": enrolment, "form": form, **_terms(enrolment)}
    return render(
        request, "programmes/special_conditions_apply.html", context, status=_status(form)
    )


# --- the organisation's staff ------------------------------------------------------------


def _grant_initial(application: SpecialConditionsApplication, limits: Any) -> dict[str, Any]:
    return {
        "assistant": application.needs_assistant,
        "written_minutes": (limits.written_exam_extra_minutes or 0)
        if application.extra_time_written
        else 0,
        "oral_minutes": (limits.oral_preparation_extra_minutes or 0)
        if application.extra_time_oral
        else 0,
        "technical_means": application.technical_means,
        "accessible_premises": application.accessible_premises,
    }


def _list(
    request: SignedInRequest, bound: dict[int, tuple[Any, Any]] | None = None
) -> HttpResponse:
    require_staff(request.user)
    bound = bound or {}
    rows = []
    for application in selectors.list_special_conditions_applications(request.user):
        forms: tuple[Any, Any] | tuple[None, None] = (None, None)
        if application.is_open:
            terms = _terms(application.enrolment)
            forms = bound.get(
                application.pk,
                (
                    SpecialConditionsGrantForm(
                        auto_id=f"g{application.pk}_%s",
                        initial=_grant_initial(application, terms["limits"]),
                    ),
                    SpecialConditionsRefuseForm(auto_id=f"x{application.pk}_%s"),
                ),
            )
        rows.append((application, late_message(application), *forms))
    status = _status(*(f for pair in bound.values() for f in pair))
    return render(request, "programmes/special_conditions_list.html", {"rows": rows}, status=status)


@signed_in
def special_conditions_list(request: SignedInRequest) -> HttpResponse:
    """Applications for special conditions of the staff's organisations, with the
    decisions."""
    return _list(request)


@require_POST
@signed_in
def special_conditions_grant(request: SignedInRequest, pk: int) -> HttpResponse:
    """Grant the conditions (a late application only with the reason it is accepted)."""
    application = access_special_conditions_application(request.user, pk)
    form = SpecialConditionsGrantForm(request.POST, auto_id=f"g{pk}_%s")
    if form.is_valid():
        values = form.cleaned_data
        try:
            services.grant_special_conditions(
                actor=request.user,
                application=application,
                grant=SpecialConditionsGrant(
                    assistant=values["assistant"],
                    written_minutes=values["written_minutes"],
                    oral_minutes=values["oral_minutes"],
                    technical_means=values["technical_means"],
                    accessible_premises=values["accessible_premises"],
                ),
                late_acceptance_reason=values["late_acceptance_reason"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, "Специальные условия предоставлены: слушатель получит письмо."
            )
            return redirect("programmes:special_conditions_list")
    return _list(request, {pk: (form, SpecialConditionsRefuseForm(auto_id=f"x{pk}_%s"))})


@require_POST
@signed_in
def special_conditions_refuse(request: SignedInRequest, pk: int) -> HttpResponse:
    """Refuse the application with the reason."""
    application = access_special_conditions_application(request.user, pk)
    form = SpecialConditionsRefuseForm(request.POST, auto_id=f"x{pk}_%s")
    if form.is_valid():
        try:
            services.refuse_special_conditions(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "В специальных условиях отказано: слушатель получит письмо.")
            return redirect("programmes:special_conditions_list")
    grant = SpecialConditionsGrantForm(auto_id=f"g{pk}_%s")
    return _list(request, {pk: (grant, form)})


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def special_conditions_file(request: SignedInRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """Record a learner's paper application on their behalf, with the day it arrived."""
    cohort = access_cohort(request.user, pk)
    enrolment = access_enrolment(request.user, cohort, enrolment_pk)
    form = SpecialConditionsFileForm(
        request.POST or None,
        request.FILES or None,
        stages=selectors.list_stages(enrolment.cohort.programme),
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            application = services.file_special_conditions(
                actor=request.user,
                enrolment=enrolment,
                request=_request_of(values),
                filed_on=values["filed_on"],
                documents=values["documents"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
            if exc.errors and exc.message and "__all__" not in exc.errors:
                form.add_error(None, exc.message)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            late = " Подано после срока." if application.is_late else ""
            messages.success(
                request,
                f"Заявление слушателя {enrolment.learner.full_name} от "
                f"{application.filed_on:%d.%m.%Y} записано.{late}",
            )
            return redirect("programmes:special_conditions_list")
    context = {"enrolment": enrolment, "cohort": cohort, "form": form, **_terms(enrolment)}
    return render(request, "programmes/special_conditions_file.html", context, status=_status(form))


@signed_in
def special_conditions_document(
    request: SignedInRequest, pk: int, document_pk: int
) -> FileResponse:
    """A supporting document: to the learner and the organisation's staff only."""
    document = access_special_conditions_document(request.user, pk, document_pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type or "application/octet-stream",
        as_attachment=True,
        filename=f"document-{document.pk}.{document.file.name.rsplit('.', 1)[-1]}",
    )
    response["Cache-Control"] = "private, no-store"
    return response
