"""The public catalogue page and a programme's public page (ADR 0116).

The catalogue lists accredited events and e-modules (`nmo.catalog`) beside the published
programmes of educational organisations (`nmo.programmes`). The catalog app sits below
programmes and may not know them, so the page that joins both lives here, on the site
floor; the URLs stay the catalog's (`catalog:catalogue`, mounted by config/urls.py)."""

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from nmo.catalog.rules import CATALOGUE_PAGE_SIZE
from nmo.catalog.selectors import catalogue_page, list_specialties
from nmo.catalog.types import ActivityFormat, ActivityKind, CatalogueFilters
from nmo.core.forms import AccessibleForm, DateField, DateInput
from nmo.programmes.selectors import catalogue_programmes_page, get_catalogue_programme
from nmo.programmes.types import ProgrammeCatalogueFilters
from nmo.regulations.types import ProgrammeKind

PROGRAMME = "programme"
"""The kind filter's value for «Программы ДПП», beside ActivityKind's event and module."""

PROGRAMMES_ON_ALL = 5
"""How many programmes the «Все» tab shows above the events and modules."""


class CatalogueFilterForm(AccessibleForm):
    q = forms.CharField(
        label="Название содержит",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    specialty = forms.ChoiceField(label="Специальность", required=False)
    kind = forms.ChoiceField(
        label="Вид",
        required=False,
        choices=[("", "Все"), *ActivityKind.choices, (PROGRAMME, "Программа ДПП")],
    )
    programme_kind = forms.ChoiceField(
        label="Вид программы ДПП",
        required=False,
        choices=[("", "Любой"), *((k.value, k.label.capitalize()) for k in ProgrammeKind)],
        help_text="Показывает только программы выбранного вида.",
    )
    format = forms.ChoiceField(
        label="Формат",
        required=False,
        choices=[("", "Любой"), *ActivityFormat.choices],
        help_text="Для программ ДПП «онлайн» — полностью с ДОТ и ЭО.",
    )
    date_from = DateField(label="Проходит с", required=False, widget=DateInput())
    date_to = DateField(label="по", required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.code, f"{s.name} ({s.code})") for s in list_specialties()]
        self.fields["specialty"].choices = [("", "Все специальности"), *choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "Дата окончания периода не может быть раньше даты начала.")
        return data


def _page_number(raw: str | None) -> int:
    """A mistyped page number is the first page, as Paginator.get_page does."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return max(number, 1)


class _Counted:
    """What Paginator needs to number the pages when the rows were fetched apart."""

    def __init__(self, total: int) -> None:
        self.total = total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total


def _paged(fetch: Any, number: int) -> tuple[Any, Page[Any]]:
    result = fetch(number)
    if not result.items and number > result.num_pages:
        number = result.num_pages
        result = fetch(number)
    paginator = Paginator(_Counted(result.total), CATALOGUE_PAGE_SIZE)  # type: ignore[arg-type]
    return result, Page(result.items, number, paginator)


@require_http_methods(["GET", "HEAD"])
def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue: accredited events and e-modules and the published programmes (ДПП)
    of educational organisations, with one search and one set of filters, 20 per page.
    The tabs are the kind filter; «Все» shows the nearest programmes above the events and
    modules (faq-join-steps steps 1 and 4)."""
    form = CatalogueFilterForm(request.GET or None)
    values: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        values = {k: v for k, v in form.cleaned_data.items() if v}
    kind = values.get("kind", "")
    programme_kind = values.pop("programme_kind", "")
    if programme_kind and not kind:
        kind = PROGRAMME
    common = {k: v for k, v in values.items() if k != "kind"}
    number = _page_number(request.GET.get("page"))
    context: dict[str, Any] = {"form": form, "kind": kind, "filtered": bool(values)}
    if kind in ("", PROGRAMME):
        programme_filters = ProgrammeCatalogueFilters(kind=programme_kind, **common)
        if kind == PROGRAMME:
            programmes, page = _paged(
                lambda n: catalogue_programmes_page(filters=programme_filters, page=n), number
            )
            context.update(page=page, programmes=page.object_list, total=programmes.total)
        else:
            first = catalogue_programmes_page(filters=programme_filters, per_page=PROGRAMMES_ON_ALL)
            context.update(programmes=first.items, programme_total=first.total)
    if kind != PROGRAMME:
        activity_filters = CatalogueFilters(kind=kind, **common)
        activities, page = _paged(
            lambda n: catalogue_page(filters=activity_filters, page=n), number
        )
        context.update(page=page, activity_total=activities.total)
        context["total"] = activities.total + context.get("programme_total", 0)
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    tabs = []
    for value, label in (
        ("", "Все"),
        (ActivityKind.EVENT, "Мероприятия"),
        (ActivityKind.MODULE, "Модули"),
        (PROGRAMME, "Программы ДПП"),
    ):
        tab_query = query.copy()
        tab_query["kind"] = value
        if value != PROGRAMME:  # the programme kind would switch the tab to programmes
            tab_query.pop("programme_kind", None)
        tabs.append({"label": label, "query": tab_query.urlencode(), "current": kind == value})
    all_programmes = query.copy()
    all_programmes["kind"] = PROGRAMME
    context.update(tabs=tabs, programmes_query=all_programmes.urlencode())
    return render(request, "web/catalogue.html", context)


@require_http_methods(["GET", "HEAD"])
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published programme for anyone: what it is, who runs it, what it costs and its
    cohorts open for applications with the seats left. No personal data. An unpublished
    programme does not exist here (404), whoever asks."""
    programme = get_catalogue_programme(pk)
    if programme is None:
        raise Http404("Программа не найдена в каталоге.")
    return render(request, "web/catalogue_programme.html", {"programme": programme})


urlpatterns = [
    path("", catalogue, name="catalogue"),
    path("programmes/<int:pk>/", programme_detail, name="programme_detail"),
]
"""Joined with nmo.catalog.urls under the `catalog` namespace by config/urls.py."""
