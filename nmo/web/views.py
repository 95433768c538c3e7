"""The home page and the administrators' audit-log page."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nmo.accounts.access import require_admin
from nmo.core.selectors import search_audit


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


class AuditSearchForm(forms.Form):
    text = forms.CharField(label="Пользователь, объект или IP", required=False, max_length=200)
    action = forms.CharField(label="Действие (начало кода)", required=False, max_length=100)
    date_from = forms.DateField(
        label="С даты", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="По дату", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


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
