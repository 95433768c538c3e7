"""Pages of the catalog: the nomenclature, an activity's page (the public catalogue's page
is served by nmo.web.catalogue, ADR 0116),
providers' applications, and the accreditation commission's queue and decision page.

Each view parses its form, checks access, calls one selector or service and renders."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nmo.accounts.access import SignedInRequest, require_role, signed_in
from nmo.accounts.models import Role
from nmo.catalog import services
from nmo.catalog.access import (
    access_catalogue_activity,
    access_own_activity,
    access_provider,
    access_review,
)
from nmo.catalog.forms import (
    ActivityForm,
    DecisionForm,
    ProviderActivitiesFilterForm,
    ReviewFilterForm,
)
from nmo.catalog.rules import is_foreign
from nmo.catalog.selectors import (
    activities_for_provider,
    can_see_application,
    get_credit_policy,
    history_of,
    is_expert,
    is_provider_staff,
    list_review_queue,
    list_specialties,
    providers_for,
)
from nmo.catalog.types import ActivityKind, ActivityStatus
from nmo.core.exceptions import DomainError, ValidationFailed
from nmo.core.forms import show_refusal

PAGE_SIZE = 20


def specialty_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/specialty_list.html", {"specialties": list_specialties()})


def _query_without_page(request: HttpRequest) -> str:
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- An activity's page (the catalogue page itself is nmo.web.catalogue, ADR 0116) -------


@require_http_methods(["GET", "HEAD"])
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An accredited activity for anyone; an application (any status) for its provider's
    staff and the commission's experts, with its history; 404 for everyone else."""
    activity = access_catalogue_activity(request.user, pk)
    user = request.user
    sees_application = can_see_application(user, activity)
    return render(
        request,
        "catalog/activity_detail.html",
        {
            "activity": activity,
            "sees_application": sees_application,
            "history": history_of(activity) if sees_application else [],
            "can_edit": activity.is_editable and is_provider_staff(user, activity),
            "can_review": activity.is_editable and is_expert(user),
            # Codes and certificates are issued by the provider for an accredited event
            # (faq-certificate, faq-cert-from-provider).
            "can_issue_codes": activity.status == ActivityStatus.ACCREDITED
            and activity.kind == ActivityKind.EVENT
            and is_provider_staff(user, activity),
        },
    )


# --- Providers -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@signed_in
def provider_activities(request: SignedInRequest) -> HttpResponse:
    """The applications of the provider(s) the user is staff of, newest first."""
    require_role(request.user, Role.PROVIDER)
    user = request.user
    form = ProviderActivitiesFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    activities = activities_for_provider(user=user, status=status)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/provider_activities.html",
        {
            "form": form,
            "page": page,
            "providers": list(providers_for(user)),
            "query": _query_without_page(request),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def activity_submit(request: SignedInRequest) -> HttpResponse:
    """A provider's application form; the service checks every rule."""
    require_role(request.user, Role.PROVIDER)
    user = request.user
    providers = list(providers_for(user))
    form = ActivityForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("provider")
        try:
            provider = access_provider(user, chosen.pk if chosen else None)
            activity = services.submit_activity(actor=user, provider=provider, data=form.to_data())
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Заявка № {activity.pk} подана на оценку. Мероприятие появится в каталоге "
                "после решения комиссии.",
            )
            return redirect(activity)
    return render(
        request,
        "catalog/activity_form.html",
        {"form": form, "activity": None},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def activity_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Change an own application while the commission has not decided on it."""
    activity = access_own_activity(request.user, pk)
    if not activity.is_editable:
        messages.error(request, "По заявке уже принято решение комиссии: изменить её нельзя.")
        return redirect(activity)
    form = ActivityForm(
        request.POST or None, initial=ActivityForm.initial_for(activity), activity=activity
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(
                actor=request.user,
                activity=activity,
                data=form.to_data(),
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:  # decided meanwhile
            messages.error(request, exc.message)
            return redirect(activity)
        else:
            messages.success(request, "Изменения заявки сохранены.")
            return redirect(activity)
    return render(
        request,
        "catalog/activity_form.html",
        {"form": form, "activity": activity},
        status=422 if form.errors else 200,
    )


# --- The accreditation commission --------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Applications awaiting a decision, oldest first, for the commission's experts."""
    require_role(request.user, Role.ACCREDITATION_EXPERT)
    form = ReviewFilterForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_bound:
        form.is_valid()
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(list_review_queue(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/review_queue.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def review_activity(request: SignedInRequest, pk: int) -> HttpResponse:
    """An application with its full history and, while submitted, the decision form."""
    activity = access_review(request.user, pk)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.decide_activity(
                actor=request.user,
                activity=activity,
                decision=data["decision"],
                credits=data["credits"],
                comment=data["comment"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:  # decided already, credits abroad, conflict of interest
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(
                request,
                f"Решение по заявке № {decided.pk} принято: "
                f"{decided.get_status_display().lower()}. Провайдер получит письмо.",
            )
            return redirect("catalog:review_queue")
    if form.errors and status == 200:
        status = 422
    foreign_blocked = (
        is_foreign(activity.country) and not get_credit_policy().foreign_credits_allowed
    )
    return render(
        request,
        "catalog/review_activity.html",
        {
            "activity": activity,
            "history": history_of(activity),
            "form": form,
            "foreign_blocked": foreign_blocked,
        },
        status=status,
    )
