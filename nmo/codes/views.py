"""Pages of confirmation codes: the provider's codes and certificates of an event, the
specialist's activation form, the public verification page and support requests."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import (
    SignedInRequest,
    is_signed_in,
    require_login,
    require_role,
    signed_in,
)
from nmo.accounts.models import Role
from nmo.accounts.selectors import has_role, is_admin
from nmo.catalog.models import Activity
from nmo.codes import selectors, services
from nmo.codes.access import (
    access_provider_activity,
    access_support_request,
    can_decide_support_request,
)
from nmo.codes.documents import (
    INSTANT_CERTIFICATES,
    certificate_file_name,
    certificate_parts,
    certificates_file_name,
    certificates_zip,
    codes_of_part,
    codes_workbook,
    render_certificate,
    render_certificates,
)
from nmo.codes.exceptions import (
    ActivityNotAccreditedEvent,
    CodeAlreadyYours,
    CodeNotActivated,
    RosterInvalid,
)
from nmo.codes.forms import (
    ActivationForm,
    IssueCodesForm,
    RefuseForm,
    ResolveForm,
    RosterUploadForm,
    RouteForm,
    SupportRequestForm,
)
from nmo.codes.models import SupportStatus
from nmo.codes.services.issue import MAX_ROSTER_BYTES
from nmo.core import portal
from nmo.core.exceptions import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from nmo.core.forms import show_refusal
from nmo.core.middleware import client_ip
from nmo.core.uploads import read_limited
from nmo.printing.files import set_file_name

CODES_PER_PAGE = 100
# Refusals shown on the form; access errors propagate to the 403/404 pages.
REFUSALS = (Conflict, ValidationFailed)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    return set_file_name(HttpResponse(content, content_type=content_type), file_name)


# The provider's event ---------------------------------------------------------------


def _activity_page(
    request: HttpRequest,
    activity: Activity,
    *,
    issue_form: IssueCodesForm | None = None,
    roster_form: RosterUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        services.ensure_accredited_event(activity)
        accepts_codes = True
    except ActivityNotAccreditedEvent:
        accepts_codes = False
    counts = selectors.code_counts(activity)
    page = Paginator(selectors.list_codes(activity), CODES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "codes/activity_codes.html",
        {
            "activity": activity,
            "accepts_codes": accepts_codes,
            "counts": counts,
            "page": page,
            "parts": [
                (part, first, last, last - first + 1 > INSTANT_CERTIFICATES)
                for part, first, last in certificate_parts(counts.issued)
            ],
            "issue_form": issue_form or IssueCodesForm(),
            "roster_form": roster_form or RosterUploadForm(),
        },
        status=status,
    )


def activity_codes(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_provider_activity(request.user, activity_id)
    return _activity_page(request, activity)


@require_POST
@signed_in
def issue_codes(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity = access_provider_activity(request.user, activity_id)
    form = IssueCodesForm(request.POST)
    if form.is_valid():
        count = form.cleaned_data["count"]
        try:
            if count > services.INSTANT_CODES:
                job = services.start_code_issue(actor=request.user, activity=activity, count=count)
                return redirect("web:job", job.pk)
            issued = services.issue_codes(actor=request.user, activity=activity, count=count)
        except REFUSALS as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Выпущено кодов: {len(issued.codes)}.")
            return redirect("codes:activity_codes", activity.pk)
    return _activity_page(request, activity, issue_form=form, status=422)


@require_POST
@signed_in
def import_roster(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity = access_provider_activity(request.user, activity_id)
    form = RosterUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        content = read_limited(upload, MAX_ROSTER_BYTES)
        try:
            if not services.roster_is_small(upload.name, content):
                job = services.start_roster_import(
                    actor=request.user, activity=activity, file_name=upload.name, content=content
                )
                return redirect("web:job", job.pk)
            result = services.import_roster(
                actor=request.user,
                activity=activity,
                file_name=upload.name,
                content=content,
            )
        except RosterInvalid as exc:
            for text in exc.errors.get("file", [exc.message]):
                form.add_error("file", text)
        except REFUSALS as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Список загружен: участников {len(result.participant_ids)}, выпущено кодов "
                f"{len(result.codes)}, свидетельств отправлено по почте {result.emailed}.",
            )
            return redirect("codes:activity_codes", activity.pk)
    return _activity_page(request, activity, roster_form=form, status=422)


def _part(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("part", "1")))
    except ValueError:
        return 1


def _certificates(request: HttpRequest, activity_id: int, *, archive: bool) -> HttpResponse:
    """A part of the event's certificates: a few are rendered at once; more are prepared
    by a background job (POST), whose status page shows the progress and gives the file
    (ADR 0017). A GET of a large part shows the button that starts it."""
    activity = access_provider_activity(request.user, activity_id)
    part = _part(request)
    if request.method == "POST" and is_signed_in(request):
        job = services.start_certificates_bundle(
            actor=request.user, activity=activity, part=part, archive=archive
        )
        return redirect("web:job", job.pk)
    if services.certificates_need_job(activity, part):
        context = {"activity": activity, "part": part, "archive": archive}
        return render(request, "codes/certificates_prepare.html", context)
    codes = codes_of_part(activity, part)
    if not codes:
        raise NotFound()
    name = certificates_file_name(activity, part, archive=archive)
    if archive:
        return _download(certificates_zip(codes), "application/zip", name)
    return _download(render_certificates(codes), "application/pdf", name)


@require_http_methods(["GET", "HEAD", "POST"])
def certificates_pdf(request: HttpRequest, activity_id: int) -> HttpResponse:
    """All certificates of the event (or one part of them) in one multi-page PDF."""
    return _certificates(request, activity_id, archive=False)


@require_http_methods(["GET", "HEAD", "POST"])
def certificates_archive(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The same certificates as a ZIP of one PDF per participant."""
    return _certificates(request, activity_id, archive=True)


def codes_xlsx(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_provider_activity(request.user, activity_id)
    return _download(codes_workbook(activity), XLSX, f"kody-nmo-{activity.pk}.xlsx")


def certificate_pdf(request: HttpRequest, activity_id: int, code_id: int) -> HttpResponse:
    activity = access_provider_activity(request.user, activity_id)
    code = selectors.get_code_for_activity(activity, code_id)
    if code is None:
        raise NotFound()
    return _download(render_certificate(code), "application/pdf", certificate_file_name(code))


# The specialist's activation ---------------------------------------------------------


@signed_in
def activate(request: SignedInRequest) -> HttpResponse:
    """The activation form (faq-ikp-activation): the result is announced with
    role=status, a refusal with role=alert and a link to the support request."""
    require_role(request.user, Role.SPECIALIST)
    if not portal.is_credit_portal():
        # faq-activate-where: codes are activated on the credit portal; this one only
        # shows their credits after the synchronisation.
        return render(
            request,
            "codes/activate_elsewhere.html",
            {
                "credit_portal_url": portal.other_portal_url("/codes/activate/"),
                "credit_portal_name": portal.other_portal_name(),
            },
            status=200 if request.method == "GET" else 409,
        )
    form = ActivationForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["code"]
        try:
            context["activation"] = services.activate_code(
                specialist=request.user, typed_code=typed, ip=client_ip(request)
            )
        except RateLimited as exc:
            context["error"] = exc.message  # says when to retry (ADR 0014)
            status = 429
        except CodeAlreadyYours as exc:
            context["notice"] = exc.message
        except CodeNotActivated as exc:
            context["error"] = exc.message
            context["typed"] = typed
            status = 409
        else:
            context["form"] = ActivationForm()
    elif request.method == "POST":
        status = 422
    return render(request, "codes/activate.html", context, status=status)


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public page a certificate's QR code opens: is it genuine?"""
    info = selectors.verify_code(code)
    return render(
        request, "codes/verify.html", {"info": info, "typed": code}, status=200 if info else 404
    )


# Support requests --------------------------------------------------------------------


@signed_in
def support_request_new(request: SignedInRequest) -> HttpResponse:
    require_role(request.user, Role.SPECIALIST)
    initial = {"typed_code": request.GET.get("code", "")[:100]}
    form = SupportRequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.file_support_request(specialist=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Обращение № {filed.pk} отправлено. Ответ придёт на вашу почту и появится "
                "в этом списке.",
            )
            return redirect("codes:my_support_requests")
    status = 422 if form.errors else 200
    return render(request, "codes/support_form.html", {"form": form}, status=status)


@signed_in
def my_support_requests(request: SignedInRequest) -> HttpResponse:
    require_role(request.user, Role.SPECIALIST)
    page = Paginator(selectors.support_requests_for_specialist(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "codes/my_support_requests.html", {"page": page})


@signed_in
def support_requests(request: SignedInRequest) -> HttpResponse:
    """Requests routed to the provider's organisations; administrators also see those that
    matched no provider."""
    require_login(request.user)
    if not (has_role(request.user, Role.PROVIDER) or is_admin(request.user)):
        raise PermissionDenied()
    requests = selectors.support_requests_for_decider(request.user)
    show = request.GET.get("status", SupportStatus.OPEN)
    if show in SupportStatus.values:
        requests = requests.filter(status=show)
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "codes/support_requests.html",
        {
            "page": page,
            "show": show,
            "statuses": SupportStatus.choices,
            "query": f"status={show}",
        },
    )


def _support_page(
    request: SignedInRequest,
    support: Any,
    *,
    resolve_form: ResolveForm | None = None,
    refuse_form: RefuseForm | None = None,
    route_form: RouteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_decide = support.status == SupportStatus.OPEN and can_decide_support_request(
        request.user, support
    )
    participants = selectors.suggested_participants(support) if can_decide else []
    return render(
        request,
        "codes/support_request.html",
        {
            "support": support,
            "can_decide": can_decide and support.activity_id is not None,
            "can_refuse": can_decide,
            "can_route": (
                support.status == SupportStatus.OPEN
                and support.routed_to_id is None
                and is_admin(request.user)
            ),
            "resolve_form": resolve_form or ResolveForm(participants=participants),
            "refuse_form": refuse_form or RefuseForm(),
            "route_form": route_form or RouteForm(),
        },
        status=status,
    )


@signed_in
def support_request(request: SignedInRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    return _support_page(request, support)


@require_POST
@signed_in
def resolve_support_request(request: SignedInRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    form = ResolveForm(
        request.POST, participants=selectors.suggested_participants(support, limit=10_000)
    )
    if form.is_valid():
        try:
            services.resolve_support_request(
                actor=request.user,
                request=support,
                participant_id=form.cleaned_data["participant"],
            )
        except REFUSALS as exc:
            show_refusal(form, exc)
            # The refused service may have changed the request in memory before it was
            # rolled back: the page shows the request as it is stored, still open.
            support = access_support_request(request.user, request_id)
        else:
            messages.success(request, "Кредиты начислены, специалисту отправлено письмо.")
            return redirect("codes:support_request", support.pk)
    return _support_page(request, support, resolve_form=form, status=422)


@require_POST
@signed_in
def refuse_support_request(request: SignedInRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.refuse_support_request(
                actor=request.user, request=support, reason=form.cleaned_data["reason"]
            )
        except REFUSALS as exc:
            show_refusal(form, exc)
            support = access_support_request(request.user, request_id)
        else:
            messages.success(request, "Отказ отправлен специалисту.")
            return redirect("codes:support_request", support.pk)
    return _support_page(request, support, refuse_form=form, status=422)


@require_POST
@signed_in
def route_support_request(request: SignedInRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    form = RouteForm(request.POST)
    if form.is_valid():
        activity = selectors.find_activity(form.cleaned_data["activity_id"])
        if activity is None:
            form.add_error("activity_id", "Мероприятие с таким номером не найдено.")
        else:
            try:
                services.route_support_request(
                    actor=request.user, request=support, activity=activity
                )
            except REFUSALS as exc:
                show_refusal(form, exc)
                support = access_support_request(request.user, request_id)
            else:
                messages.success(request, "Обращение направлено провайдеру.")
                return redirect("codes:support_request", support.pk)
    return _support_page(request, support, route_form=form, status=422)
