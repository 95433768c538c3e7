"""The home page, the administrators' audit-log page with its export and its integrity
page, and the status page of a person's background job."""

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from nmo.accounts.access import SignedInRequest, require_admin, signed_in
from nmo.accounts.selectors import roles_of, search_users
from nmo.core.audit import action_choices, describe_entries, object_type_choices
from nmo.core.chain import live_length
from nmo.core.forms import AccessibleForm, DateField
from nmo.core.jobs import job_of, jobs_of, open_result
from nmo.core.models import AuditEntry
from nmo.core.paging import COUNT_CAP, CappedPaginator, count_up_to
from nmo.core.russian import grouped, plural
from nmo.core.selectors import integrity_failures, search_audit
from nmo.core.services import export_audit, stream_audit_csv, verify_audit_chain
from nmo.core.sql import TooLong, time_limited
from nmo.printing.files import set_file_name
from nmo.web.context_processors import extra_roles
from nmo.web.job_results import kept_until
from nmo.web.jobs import start_audit_export, start_chain_verification
from nmo.web.navigation import start_page_for

AUDIT_PAGE_SIZE = 50
AUDIT_SEARCH_SECONDS = 30
"""How long one statement of the audit log's search may run. A name as written or an
object's name that few entries hold, searched over the whole log without a period, reads
every month of it (about 9 s and 5 s for the page and its count at the country's size with
the log in memory, many times that from disk): past this it is cut off and the page asks
for a period, long before gunicorn kills the request at 120 s (ADR 0618)."""


def _too_long() -> str:
    seconds = AUDIT_SEARCH_SECONDS
    return (
        f"Поиск остановлен: он шёл дольше {seconds} "
        f"{plural(seconds, ('секунды', 'секунд', 'секунд'))}. Укажите период — даты «с» и "
        "«по» — или уточните, кого или что искать: поиск пройдёт только нужные записи."
    )


_MAX_ACTORS = 500  # more matching accounts than this: search the names as written instead


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


class AuditSearchForm(AccessibleForm):
    person = forms.CharField(
        label="Кто", required=False, max_length=200, help_text="Фамилия, e-mail или СНИЛС"
    )
    object_type = forms.ChoiceField(label="Тип объекта", required=False)
    object_text = forms.CharField(
        label="Объект", required=False, max_length=200, help_text="Часть названия или номер"
    )
    action = forms.ChoiceField(label="Действие", required=False)
    date_from = DateField(label="С даты", required=False)
    date_to = DateField(label="По дату", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "Любой"), *object_type_choices()]
        self.fields["action"].choices = [("", "Любое"), *action_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Конец периода раньше его начала.")
        return data

    def described_filters(self) -> dict[str, str]:
        """The filters as a person set them, for the export's own audit line."""
        described: dict[str, str] = {}
        for name, value in self.cleaned_data.items():
            if not value:
                continue
            bound = self.fields[name]
            if isinstance(bound, forms.ChoiceField):
                value = dict(bound.choices).get(value, value)  # type: ignore[arg-type]
            if isinstance(value, date):
                value = f"{value:%d.%m.%Y}"
            described[str(bound.label)] = str(value)
        return described


def _search(form: AuditSearchForm) -> dict[str, Any]:
    """The arguments of `search_audit` the valid filters choose, as JSON (dates in ISO
    form) so that a background export can search again."""
    data = form.cleaned_data
    person = data["person"].strip()
    actor_ids: list[int] = []
    if person:
        actor_ids = list(search_users(text=person).values_list("pk", flat=True)[: _MAX_ACTORS + 1])
        if len(actor_ids) > _MAX_ACTORS:
            actor_ids = []
    return {
        "actor_ids": actor_ids,
        "actor_text": person,
        "object_type": data["object_type"],
        "object_text": data["object_text"].strip(),
        "action": data["action"],
        "date_from": data["date_from"].isoformat() if data["date_from"] else None,
        "date_to": data["date_to"].isoformat() if data["date_to"] else None,
    }


def searched_entries(search: dict[str, Any]) -> QuerySet[AuditEntry]:
    """`search_audit` with the arguments `_search` gave."""
    values = dict(search)
    for name in ("date_from", "date_to"):
        values[name] = date.fromisoformat(values[name]) if values.get(name) else None
    return search_audit(**values)


def _entries(form: AuditSearchForm) -> QuerySet[AuditEntry]:
    """The entries the filters choose: all of them for a blank form, none for a form with
    errors (which the page shows instead)."""
    if not form.is_bound:
        return search_audit()
    if not form.is_valid():
        return search_audit().none()
    return searched_entries(_search(form))


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def audit_log(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = AuditSearchForm(request.GET or None)
    entries = _entries(form)
    try:
        with time_limited(entries.db, AUDIT_SEARCH_SECONDS):
            page = CappedPaginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
            views = describe_entries(page.object_list)
    except TooLong:
        return _stopped(request, form)
    return render(
        request,
        "web/audit_log.html",
        {"form": form, "page": page, "views": views, "query": _query(request)},
    )


def _without_entries(request: HttpRequest, form: AuditSearchForm, status: int) -> HttpResponse:
    """The page with no entries and the filters as typed, their errors shown."""
    page = CappedPaginator(search_audit().none(), AUDIT_PAGE_SIZE).get_page(1)
    context = {"form": form, "page": page, "views": [], "query": _query(request)}
    return render(request, "web/audit_log.html", context, status=status)


def _stopped(request: HttpRequest, form: AuditSearchForm) -> HttpResponse:
    """The search ran too long: no entries, and a period asked for (ADR 0618)."""
    form.add_error(None, _too_long())
    return _without_entries(request, form, 200)


_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


#: Rows exported while the administrator waits (a few seconds, CSV streamed as it is
#: read); a larger export of either format is a background job (ADR 0025).
INSTANT_AUDIT_ROWS = 5000


@require_http_methods(["GET", "HEAD", "POST"])
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as XLSX or CSV; a bad filter or format shows the page with the
    error (400) and exports nothing. Up to INSTANT_AUDIT_ROWS rows the file is the answer
    (CSV streamed as it is read); more are exported by a background job (ADR 0025): the
    GET shows a button, its POST starts the job and opens its status page."""
    actor = require_admin(request.user)
    file_format = request.GET.get("format", "")
    form = AuditSearchForm(request.GET)
    valid = form.is_valid()
    if file_format not in _CONTENT_TYPES:
        form.add_error(None, "Выберите формат выгрузки: XLSX или CSV.")
        valid = False
    if not valid:
        return _without_entries(request, form, 400)
    search = _search(form)
    entries = searched_entries(search)
    # Counted up to the cap (ADR 0616), never fewer than decide between a file and a job.
    cap = max(COUNT_CAP, INSTANT_AUDIT_ROWS)
    try:
        with time_limited(entries.db, AUDIT_SEARCH_SECONDS):
            found = count_up_to(entries, cap + 1)
    except TooLong:
        return _stopped(request, form)
    if found > INSTANT_AUDIT_ROWS:
        if request.method != "POST":
            rows = f"больше {grouped(cap)}" if found > cap else grouped(found)
            context = {"count": rows, "query": _query(request), "format": file_format}
            return render(request, "web/audit_export_prepare.html", context)
        job = start_audit_export(
            actor=actor,
            search=search,
            filters=form.described_filters(),
            count=min(found, cap),
            capped=found > cap,
            file_format="csv" if file_format == "csv" else "xlsx",
        )
        return redirect("web:job", job.pk)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    name = f"Журнал аудита — {stamp}.{file_format}"
    response: HttpResponse | StreamingHttpResponse
    # The count and the export's audit line (and the whole XLSX) within the limit: a file
    # cut off is neither sent nor audited. The CSV's rows stream after it (ADR 0618).
    try:
        with time_limited(entries.db, AUDIT_SEARCH_SECONDS):
            if file_format == "csv":
                filters = form.described_filters()
                stream = stream_audit_csv(actor=actor, entries=entries, filters=filters)
            else:
                content = export_audit(
                    actor=actor,
                    entries=entries,
                    file_format="xlsx",
                    filters=form.described_filters(),
                )
    except TooLong:
        return _stopped(request, form)
    if file_format == "csv":
        response = StreamingHttpResponse(stream, content_type=_CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(content, content_type=_CONTENT_TYPES["xlsx"])
    set_file_name(response, name)
    return response


def audit_integrity(request: HttpRequest) -> HttpResponse:
    """Tamper evidence for administrators (ADR 0024): POST verifies the audit log's hash
    chain and shows where it breaks first — a live log of AUDIT_VERIFY_JOB_THRESHOLD
    entries or more in a background job, whose page it opens (ADR 0615); the page lists
    the frozen documents found changed after they were frozen (their file or their
    data), newest first."""
    actor = require_admin(request.user)
    report = None
    if request.method == "POST":
        size = live_length()
        if size >= settings.AUDIT_VERIFY_JOB_THRESHOLD:
            return redirect("web:job", start_chain_verification(actor=actor, size=size).pk)
        report = verify_audit_chain(actor=actor)
    page = Paginator(integrity_failures(), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/audit_integrity.html",
        {"report": report, "page": page, "views": describe_entries(page.object_list)},
    )


@signed_in
def jobs(request: SignedInRequest) -> HttpResponse:
    """The person's own background jobs, newest first: a closed status page is found
    again here, with its file."""
    return render(request, "web/jobs.html", {"jobs": jobs_of(request.user)})


@signed_in
def job(request: SignedInRequest, pk: int) -> HttpResponse:
    """A background job's status page (ADR 0017), refreshing itself while it runs; with
    `?partial=1` only the status block, for the page's poll. Only its owner sees it."""
    found = job_of(request.user, pk)
    template = "web/job_status.html" if request.GET.get("partial") else "web/job.html"
    return render(request, template, {"job": found, "kept_until": kept_until(found)})


@signed_in
def job_file(request: SignedInRequest, pk: int) -> HttpResponse:
    """The result file of the owner's finished job; 404 for anyone else. Never kept by a
    browser's or a proxy's cache: a result may carry names and SNILS (an FRDO file)."""
    found = job_of(request.user, pk)
    response = FileResponse(
        open_result(found), content_type=found.result_type or "application/octet-stream"
    )
    set_file_name(response, found.result_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
