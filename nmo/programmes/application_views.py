"""Pages of applications for cohorts (заявки на обучение, faq-join-steps steps 1–2,
faq-portal-cycles; ADR 0117): the specialist applies from a cohort's page (linked from the
catalogue and the cabinet), sees the state and withdraws; the organisation's staff list,
accept (enrolling the same account) or decline with a reason, and record the contract."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import SignedInRequest, require_role, require_staff, signed_in
from nmo.accounts.models import Role
from nmo.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.core.russian import by_sex
from nmo.programmes import selectors, services
from nmo.programmes.access import access_own_application, access_programme_application
from nmo.programmes.application_forms import (
    ApplicationFilterForm,
    ApplyForm,
    ContractForm,
    DeclineForm,
)
from nmo.programmes.models import ApplicationStatus, ProgrammeApplication
from nmo.programmes.types import ApplicationRequest, ContractData


def _status(*forms: Any) -> int:
    return 422 if any(f is not None and f.is_bound and f.errors for f in forms) else 200


def _refuse(form: Any, exc: DomainError) -> None:
    """Show the service's refusal on the form; who may not see or act is not a form error."""
    if isinstance(exc, NotFound | PermissionDenied):
        raise exc
    if isinstance(exc, ValidationFailed):
        show_refusal(form, exc)
        if exc.errors and "__all__" not in exc.errors and exc.message:
            form.add_error(None, exc.message)
    else:
        form.add_error(None, exc.message)


# --- the specialist ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def apply(request: SignedInRequest, cohort_pk: int) -> HttpResponse:
    """A cohort's card with the application form (faq-join-steps, steps 1–2)."""
    require_role(request.user, Role.SPECIALIST)
    cohort = selectors.cohort_open_for_applications(cohort_pk)
    if cohort is None:
        raise NotFound()
    by_certificate = cohort.programme.by_certificate
    form = ApplyForm(request.POST or None, by_certificate=by_certificate)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            application = services.apply_for_cohort(
                actor=request.user,
                cohort=cohort,
                request=ApplicationRequest(
                    payment_basis=values["payment_basis"],
                    voucher_number=values.get("voucher_number", ""),
                    employer_name=values["employer_name"],
                    comment=values["comment"],
                ),
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(
                request,
                f"Заявка № {application.pk} подана: организация рассмотрит её, о решении "
                f"придёт письмо.",
            )
            return redirect(application.get_absolute_url())
    active = (
        selectors.applications_of_specialist(request.user)
        .filter(cohort=cohort, status__in=[ApplicationStatus.FILED, ApplicationStatus.ACCEPTED])
        .first()
    )
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "free_seats": selectors.seats_left(cohort),
        "form": form,
        "active": active,
    }
    return render(request, "programmes/application_apply.html", context, status=_status(form))


@require_http_methods(["GET", "HEAD"])
@signed_in
def my_applications(request: SignedInRequest) -> HttpResponse:
    """The specialist's applications with their states (faq-join-steps)."""
    require_role(request.user, Role.SPECIALIST)
    applications = selectors.applications_of_specialist(request.user)
    return render(request, "programmes/application_my.html", {"applications": applications})


@require_POST
@signed_in
def application_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    """Withdraw one's own application before the decision."""
    application = access_own_application(request.user, pk)
    try:
        services.withdraw_application(actor=request.user, application=application)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Заявка № {application.pk} отозвана, место освобождено.")
    return redirect("programmes:my_applications")


# --- the organisation's staff ------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@signed_in
def application_list(request: SignedInRequest) -> HttpResponse:
    """Applications for the cohorts of the staff's organisations, with filters."""
    require_staff(request.user)
    cohorts = [(c.pk, str(c)) for c in selectors.application_cohorts(request.user)]
    filters = ApplicationFilterForm(request.GET or None, cohorts=cohorts)
    values = filters.cleaned_data if filters.is_valid() else {}
    applications = selectors.list_programme_applications(
        request.user,
        status=values.get("status") or "",
        cohort_id=values.get("cohort"),
        query=values.get("q") or "",
    )
    return render(
        request,
        "programmes/application_list.html",
        {"filters": filters, "applications": applications[:500]},
        status=_status(filters),
    )


def _detail(
    request: SignedInRequest,
    application: ProgrammeApplication,
    *,
    accept_form: ContractForm | None = None,
    decline_form: DeclineForm | None = None,
    contract_form: ContractForm | None = None,
) -> HttpResponse:
    cohort = application.cohort
    context: dict[str, Any] = {
        "application": application,
        "cohort": cohort,
        "free_seats": selectors.seats_left(cohort),
    }
    if application.status == ApplicationStatus.FILED:
        context["accept_form"] = accept_form or ContractForm(auto_id="accept_%s")
        context["decline_form"] = decline_form or DeclineForm(auto_id="decline_%s")
    elif application.status == ApplicationStatus.ACCEPTED:
        context["contract_form"] = contract_form or ContractForm(
            auto_id="contract_%s",
            initial={
                "contract_number": application.contract_number,
                "contract_date": application.contract_date,
                "contract_payer": application.contract_payer,
            },
        )
    status = _status(accept_form, decline_form, contract_form)
    return render(request, "programmes/application_detail.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@signed_in
def application_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """One application with the decision forms."""
    return _detail(request, access_programme_application(request.user, pk))


def _contract_of(form: ContractForm) -> ContractData:
    values = form.cleaned_data
    return ContractData(
        number=values["contract_number"],
        concluded_on=values["contract_date"],
        payer=values["contract_payer"],
    )


@require_POST
@signed_in
def application_accept(request: SignedInRequest, pk: int) -> HttpResponse:
    """Accept and enrol, with the contract if it is already concluded."""
    application = access_programme_application(request.user, pk)
    form = ContractForm(request.POST, auto_id="accept_%s")
    if form.is_valid():
        try:
            services.accept_application(
                actor=request.user, application=application, contract=_contract_of(form)
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(
                request,
                f"Заявка принята: {application.specialist.full_name} "
                f"{by_sex(application.specialist, 'зачислен', 'зачислена')} в группу, "
                f"специалист получит письмо.",
            )
            return redirect("programmes:application_detail", pk=pk)
    application.refresh_from_db()
    return _detail(request, application, accept_form=form)


@require_POST
@signed_in
def application_decline(request: SignedInRequest, pk: int) -> HttpResponse:
    """Decline with the reason, which the specialist receives."""
    application = access_programme_application(request.user, pk)
    form = DeclineForm(request.POST, auto_id="decline_%s")
    if form.is_valid():
        try:
            services.decline_application(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, "Заявка отклонена: специалист получит письмо с причиной.")
            return redirect(reverse("programmes:application_list") + "?status=filed")
    application.refresh_from_db()
    return _detail(request, application, decline_form=form)


@require_POST
@signed_in
def application_contract(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record or correct the contract of an accepted application."""
    application = access_programme_application(request.user, pk)
    form = ContractForm(request.POST, auto_id="contract_%s")
    if form.is_valid():
        try:
            services.record_contract(
                actor=request.user, application=application, contract=_contract_of(form)
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, "Договор записан.")
            return redirect("programmes:application_detail", pk=pk)
    application.refresh_from_db()
    return _detail(request, application, contract_form=form)
