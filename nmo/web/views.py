"""The home page and the administrators' audit-log page."""

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from nmo.accounts.access import require_admin
from nmo.accounts.selectors import roles_of
from nmo.core.forms import DateField, DateInput
from nmo.core.selectors import search_audit
from nmo.web.context_processors import extra_roles
from nmo.web.navigation import start_page_for


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def start(request: HttpRequest) -> HttpResponse:
    """Where login sends a person without a `next`: the start page of their role — the
    specialist's cabinet, the provider's activities, the expert's queue, the attestations
    of staff and commission members, the learner's page, the administrator's users."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    roles = roles_of(request.user) | extra_roles(request.user)
    return redirect(start_page_for(roles))


class AuditSearchForm(forms.Form):
    text = forms.CharField(label="Пользователь, объект или IP", required=False, max_length=200)
    action = forms.CharField(label="Действие (начало кода)", required=False, max_length=100)
    date_from = DateField(label="С даты", required=False, widget=DateInput())
    date_to = DateField(label="По дату", required=False, widget=DateInput())


def audit_log(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = AuditSearchForm(request.GET or None)
    filters: dict[str, object] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    entries = search_audit(**filters)  # type: ignore[arg-type]
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "web/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
