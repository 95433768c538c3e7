"""The home page, the administrators' audit-log page and the status page of a person's
background job."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nmo.accounts.access import SignedInRequest, require_admin, signed_in
from nmo.core.jobs import job_of, read_result
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


@signed_in
def job(request: SignedInRequest, pk: int) -> HttpResponse:
    """A background job's status page (ADR 0017), refreshing itself while it runs; with
    `?partial=1` only the status block, for the page's poll. Only its owner sees it."""
    found = job_of(request.user, pk)
    template = "web/job_status.html" if request.GET.get("partial") else "web/job.html"
    return render(request, template, {"job": found})


@signed_in
def job_file(request: SignedInRequest, pk: int) -> HttpResponse:
    """The result file of the owner's finished job; 404 for anyone else."""
    found = job_of(request.user, pk)
    response = HttpResponse(
        read_result(found), content_type=found.result_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="{found.result_name}"'
    return response
