"""Pages of the cabinet (личный кабинет, «План обучения»): cycles with progress, the
learning plan, the credit history with its documents, the activity report; the public
verification page of a credit notice; an administrator's correction of an entry."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts.access import SignedInRequest, require_role, signed_in
from nmo.accounts.models import Role
from nmo.core.exceptions import DomainError, NotFound, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.core.links import absolute_url
from nmo.cycles import selectors, services
from nmo.cycles.access import (
    access_any_entry,
    access_catalogue_activity,
    access_cycle,
    access_entry,
    access_plan_item,
)
from nmo.cycles.cache import cached_sections
from nmo.cycles.forms import EnterCycleForm, PlanAddForm, PlanSearchForm, ReversalForm
from nmo.printing.files import document_file_name, set_file_name
from nmo.printing.pdf import render_pdf
from nmo.printing.qr import qr_data_uri

HISTORY_PAGE_SIZE = 20
CANDIDATES_PAGE_SIZE = 20


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return set_file_name(HttpResponse(content, content_type="application/pdf"), filename)


def _cabinet_panels(request: SignedInRequest, specialty_ids: list[int]) -> list[str]:
    """Panels other apps add to the cabinet (ADR 0117): each AppConfig's `cabinet_panel`
    renders its own section for the specialist and the specialties of their cycles — the
    programmes app shows the specialist's applications for programmes (ДПП) there. Found
    through the app registry, so this app imports none of them (same floor)."""
    from django.apps import apps

    panels: list[str] = []
    for config in apps.get_app_configs():
        panel = getattr(config, "cabinet_panel", None)
        if panel is not None:
            panels.append(panel(request, specialty_ids))
    return panels


def _render_cabinet(
    request: SignedInRequest, *, form: EnterCycleForm | None = None, status: int = 200
) -> HttpResponse:
    """The cabinet: its cycles and history sections come from the cache while the
    specialist's data is unchanged (see nmo/cycles/cache.py)."""
    user = request.user
    raw_page = request.GET.get("page", "1")
    number = int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1

    def cycles_section() -> str:
        return render_to_string("cycles/_cycles.html", {"cards": selectors.cabinet_for(user)})

    def history_section() -> str:
        page = selectors.credit_history_page(user, number=number, per_page=HISTORY_PAGE_SIZE)
        return render_to_string("cycles/_history.html", {"page": page, "rows": page.entries})

    def specialties_section() -> str:
        # The specialties of the cycles, for the other apps' panels: kept with the
        # sections, so a repeat visit does not read the cycles again.
        return ",".join(
            str(i) for i in sorted({c.specialty_id for c in selectors.list_cycles(user)})
        )

    sections = cached_sections(
        user.pk,
        {
            "cycles": cycles_section,
            f"history:{number}": history_section,
            "specialties": specialties_section,
        },
    )
    specialty_ids = [int(i) for i in sections["specialties"].split(",") if i]
    context = {
        "cycles_html": mark_safe(sections["cycles"]),  # noqa: S308 - our own rendered template
        "history_html": mark_safe(sections[f"history:{number}"]),  # noqa: S308 - likewise
        "form": form or EnterCycleForm(specialties=selectors.list_specialty_choices()),
        # Not cached: the state of an application changes without the specialist's credits.
        "panels": [mark_safe(p) for p in _cabinet_panels(request, specialty_ids)],  # noqa: S308
    }
    return render(request, "cycles/cabinet.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@signed_in
def cabinet(request: SignedInRequest) -> HttpResponse:
    """The specialist's cabinet (faq-join-steps step 3, faq-portal-cycles, faq-keep-proof)."""
    require_role(request.user, Role.SPECIALIST)
    return _render_cabinet(request)


@require_POST
@signed_in
def cycle_enter(request: SignedInRequest) -> HttpResponse:
    """Enter a five-year cycle (faq-voluntary)."""
    require_role(request.user, Role.SPECIALIST)
    form = EnterCycleForm(request.POST, specialties=selectors.list_specialty_choices())
    if form.is_valid():
        try:
            cycle = services.enter_cycle(
                specialist=request.user,
                specialty_code=form.cleaned_data["specialty"],
                starts_on=form.cleaned_data["starts_on"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Вы вступили в пятилетний цикл по специальности «{cycle.specialty.name}» "
                f"({cycle.starts_on:%d.%m.%Y}–{cycle.ends_on:%d.%m.%Y}).",
            )
            return redirect(f"{reverse('cycles:cabinet')}#cycle-{cycle.pk}")
    return _render_cabinet(request, form=form, status=422)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def plan(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    """Pick catalogue events and modules for a cycle's learning plan (faq-join-steps,
    step 4)."""
    require_role(request.user, Role.SPECIALIST)
    cycle = access_cycle(request.user, cycle_id)
    if request.method == "POST":
        add_form = PlanAddForm(request.POST)
        if not add_form.is_valid():
            raise NotFound()
        activity = access_catalogue_activity(add_form.cleaned_data["activity"])
        try:
            services.add_plan_item(
                specialist=request.user,
                cycle=cycle,
                activity=activity,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"«{activity.title}» добавлено в план.")
        return redirect(request.get_full_path())
    search = PlanSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    candidates = selectors.plan_candidates(cycle, query=query)
    page = Paginator(candidates, CANDIDATES_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cycles/plan.html",
        {"cycle": cycle, "search": search, "page": page, "query": params.urlencode()},
    )


@require_POST
@signed_in
def plan_remove(request: SignedInRequest, item_id: int) -> HttpResponse:
    """Remove a planned item that is not done yet."""
    require_role(request.user, Role.SPECIALIST)
    item = access_plan_item(request.user, item_id)
    try:
        services.remove_plan_item(specialist=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"«{item.activity.title}» удалено из плана.")
    return redirect(f"{reverse('cycles:cabinet')}#cycle-{item.cycle_id}")


@require_http_methods(["GET", "HEAD"])
def cycle_report(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The activity report of a cycle as a PDF (faq-report); the owner's only."""
    require_role(request.user, Role.SPECIALIST)
    cycle = access_cycle(request.user, cycle_id)
    report = selectors.activity_report(cycle)
    pdf = render_pdf("cycles/report.html", {"report": report})
    name = document_file_name(
        "Отчёт об образовательной активности НМО",
        request.user.short_name,
        cycle.specialty.code,
        f"{cycle.starts_on:%Y}–{cycle.ends_on:%Y}",
        extension="pdf",
    )
    return _pdf(pdf, name)


@require_http_methods(["GET", "HEAD"])
def entry_notice(request: HttpRequest, entry_id: int) -> HttpResponse:
    """The credit notice of one ledger entry as a PDF, downloadable at any time by its
    owner only (faq-keep-proof); anyone else gets 404."""
    entry = access_entry(request.user, entry_id)
    verify_url = absolute_url(
        reverse("cycles:verify_entry", kwargs={"token": selectors.notice_token(entry)})
    )
    reversal = entry.reverses if entry.reverses_id else None
    reversed_by = selectors.reversal_of(entry)
    pdf = render_pdf(
        "cycles/notice.html",
        {
            "entry": entry,
            "reversal_of": reversal,
            "reversed_by": reversed_by,
            "verify_url": verify_url,
            "qr": qr_data_uri(verify_url),
            "source_portal": selectors.source_portal_named(entry.source_portal),
        },
    )
    title = "Уведомление об исправлении" if entry.reverses_id else "Уведомление о начислении"
    name = document_file_name(
        f"{title} кредитов № {entry.pk}",
        entry.specialist.short_name,
        f"{entry.occurred_on:%d.%m.%Y}",
        extension="pdf",
    )
    return _pdf(pdf, name)


@require_http_methods(["GET", "HEAD"])
def verify_entry(request: HttpRequest, token: str) -> HttpResponse:
    """The public page the QR on a credit notice leads to: whether the entry exists and
    stands (or was reversed), with the specialist's initials only."""
    entry = selectors.entry_for_notice_token(token)
    if entry is None:
        raise NotFound()
    return render(request, "cycles/verify.html", {"entry": entry})


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def entry_reverse(request: SignedInRequest, entry_id: int) -> HttpResponse:
    """An administrator corrects a ledger entry by a reversing entry with a reason."""
    entry = access_any_entry(request.user, entry_id)
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.reverse_entry(
                actor=request.user,
                entry=entry,
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Запись № {entry.pk} сторнирована записью № {reversal.pk}.")
            return redirect("admin:cycles_creditentry_change", entry.pk)
    return render(
        request,
        "cycles/reverse_entry.html",
        {"entry": entry, "form": form},
        status=422 if form.errors else 200,
    )
