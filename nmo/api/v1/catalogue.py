"""Directories and the catalogue (api.md: Activities)."""

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import P, QueryEx, Router, Schema

from nmo.api.v1.schemas import ErrorOut, IsoDate
from nmo.catalog.models import Activity
from nmo.catalog.selectors import catalogue_page, list_matching_specialties
from nmo.catalog.types import CatalogueFilters
from nmo.core.exceptions import ValidationFailed
from nmo.programmes.selectors import catalogue_programmes_page
from nmo.programmes.types import ProgrammeCatalogueFilters

router = Router(tags=["Справочники и каталог"])

SPECIALTY_QUERY_MAX_LENGTH = 100
CATALOGUE_QUERY_MAX_LENGTH = 200


class SpecialtyOut(Schema):
    code: str
    name: str


@router.get(
    "/specialties",
    response=list[SpecialtyOut],
    auth=None,
    summary="Номенклатура специальностей",
)
def specialties(
    request: HttpRequest,
    q: QueryEx[
        str,
        P(
            max_length=SPECIALTY_QUERY_MAX_LENGTH,
            description="Часть наименования, без учёта регистра (например «кардио»)",
        ),
    ] = "",
) -> list[dict[str, str]]:
    """Active specialties of the nomenclature (order 700н), sorted by name, as
    `[{"code", "name"}]`; `q` keeps those whose name contains it, ignoring case.

    Matching is done by `list_matching_specialties` in Python rather than by SQL `icontains`:
    SQLite folds case for ASCII only, so Cyrillic queries would behave differently on the
    embedded database and on PostgreSQL; the list is about a hundred rows.
    """
    return [{"code": s.code, "name": s.name} for s in list_matching_specialties(query=q)]


class CatalogueItemOut(Schema):
    id: int
    kind: str
    title: str
    provider: str
    specialties: list[str]
    format: str
    starts_on: IsoDate
    ends_on: IsoDate
    credits: int


class CatalogueOut(Schema):
    items: list[CatalogueItemOut]
    total: int


def _item(activity: Activity) -> dict[str, object]:
    return {
        "id": activity.pk,
        "kind": activity.kind,
        "title": activity.title,
        "provider": activity.provider.name,
        "specialties": [s.code for s in activity.specialties.all()],
        "format": activity.format,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "credits": activity.credits,
    }


# The query parameters both catalogue routes take (activities, programmes).
SpecialtyParam = QueryEx[str, P(max_length=20, description="Код специальности, например 31.08.36")]
TitleQueryParam = QueryEx[
    str,
    P(
        max_length=CATALOGUE_QUERY_MAX_LENGTH,
        description="Часть названия, без учёта регистра и «ё»/«е»",
    ),
]
PageParam = QueryEx[int, P(ge=1, le=1_000_000, description="Номер страницы, с 1; по 20")]


def _period_checked(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ValidationFailed(
            errors={"date_to": ["Дата окончания периода не может быть раньше даты начала."]}
        )


@router.get(
    "/catalogue",
    response={200: CatalogueOut, 422: ErrorOut},
    auth=None,
    summary="Каталог НМО: аккредитованные мероприятия и модули",
)
def catalogue(
    request: HttpRequest,
    kind: QueryEx[
        Literal["", "event", "module"],
        P(description="event — «Мероприятия», module — «Модули»; пусто — все"),
    ] = "",
    specialty: SpecialtyParam = "",
    q: TitleQueryParam = "",
    format: QueryEx[
        Literal["", "in_person", "online"], P(description="in_person — очно, online — онлайн")
    ] = "",
    date_from: QueryEx[
        IsoDate | None, P(description="Мероприятия, идущие в этот день или позже (ГГГГ-ММ-ДД)")
    ] = None,
    date_to: QueryEx[
        IsoDate | None, P(description="Мероприятия, начинающиеся в этот день или раньше")
    ] = None,
    page: PageParam = 1,
) -> dict[str, object]:
    """Accredited activities only (faq-only-listed), newest dates first, 20 per page, as
    `{"items": [...], "total"}`. `provider` is the provider's full name, `specialties`
    the codes of its specialties. A page beyond the last has no items; an unknown
    specialty code matches nothing."""
    _period_checked(date_from, date_to)
    filters = CatalogueFilters(
        q=q,
        specialty=specialty.strip(),
        kind=kind,
        format=format,
        date_from=date_from,
        date_to=date_to,
    )
    result = catalogue_page(filters=filters, page=page)
    return {"items": [_item(a) for a in result.items], "total": result.total}


# --- Programmes (ДПП) of educational organisations (issue 15, ADR 0116) --------------------


class CatalogueCohortOut(Schema):
    id: int
    title: str
    starts_on: IsoDate
    ends_on: IsoDate
    study_form: str
    seats_left: int | None
    apply_url: str


class CatalogueProgrammeOut(Schema):
    id: int
    kind: str
    title: str
    organisation: str
    specialties: list[str]
    hours: int
    remote_share_percent: int
    price: str | None
    by_certificate: bool
    url: str
    cohorts: list[CatalogueCohortOut]


class CatalogueProgrammesOut(Schema):
    items: list[CatalogueProgrammeOut]
    total: int


def _programme_item(programme) -> dict[str, object]:
    return {
        "id": programme.pk,
        "kind": programme.kind,
        "title": programme.title,
        "organisation": programme.organisation.name,
        "specialties": [s.code for s in programme.specialties.all()],
        "hours": programme.hours,
        "remote_share_percent": programme.remote_share_percent,
        "price": None if programme.price is None else f"{programme.price:.2f}",
        "by_certificate": programme.by_certificate,
        "url": reverse("catalog:programme_detail", args=[programme.pk]),
        "cohorts": [
            {
                "id": cohort.pk,
                "title": cohort.title,
                "starts_on": cohort.starts_on,
                "ends_on": cohort.ends_on,
                "study_form": cohort.study_form,
                "seats_left": cohort.seats_left,
                "apply_url": reverse("programmes:apply", args=[cohort.pk]),
            }
            for cohort in programme.open_cohorts
        ],
    }


@router.get(
    "/catalogue/programmes",
    response={200: CatalogueProgrammesOut, 422: ErrorOut},
    auth=None,
    summary="Каталог: программы ДПП образовательных организаций с открытым набором",
)
def catalogue_programmes(
    request: HttpRequest,
    kind: QueryEx[
        Literal["", "qualification_upgrade", "professional_retraining"],
        P(description="qualification_upgrade — ПК, professional_retraining — ПП; пусто — все"),
    ] = "",
    specialty: SpecialtyParam = "",
    q: TitleQueryParam = "",
    format: QueryEx[
        Literal["", "in_person", "online"],
        P(description="online — полностью дистанционно, in_person — с очной частью"),
    ] = "",
    date_from: QueryEx[
        IsoDate | None, P(description="Группы, идущие в этот день или позже (ГГГГ-ММ-ДД)")
    ] = None,
    date_to: QueryEx[
        IsoDate | None, P(description="Группы, начинающиеся в этот день или раньше")
    ] = None,
    page: PageParam = 1,
) -> dict[str, object]:
    """The published programmes that have a cohort open for applications, the nearest
    start first, 20 per page, with the same search and filters as the catalogue's page
    (faq-join-steps: a specialist chooses a ДПП from the catalogue). Each cohort carries
    the seats left (null: not limited) and the address of its application form."""
    _period_checked(date_from, date_to)
    filters = ProgrammeCatalogueFilters(
        q=q,
        specialty=specialty.strip(),
        kind=kind,
        format=format,
        date_from=date_from,
        date_to=date_to,
    )
    result = catalogue_programmes_page(filters=filters, page=page)
    return {"items": [_programme_item(p) for p in result.items], "total": result.total}
