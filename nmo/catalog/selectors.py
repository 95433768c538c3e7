"""Reads of the catalog: the nomenclature of specialties, the public CME catalogue,
providers' applications and the commission's review queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.selectors import has_role, organisations_for, staff_emails_for
from nmo.catalog.models import AccreditationDecision, Activity, CreditPolicy, Specialty
from nmo.catalog.rules import CATALOGUE_PAGE_SIZE, name_matches, search_key
from nmo.catalog.types import ActivityKind, ActivityStatus, CatalogueFilters, CataloguePage

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def list_specialties(*, include_inactive: bool = False) -> QuerySet[Specialty]:
    """Specialties in alphabetical order; withdrawn ones only when asked for."""
    qs = Specialty.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def list_matching_specialties(
    *, query: str = "", include_inactive: bool = False
) -> list[Specialty]:
    """Specialties whose name contains `query`, ignoring case and «ё»/«е», sorted by name
    (npc-4.1: the nomenclature of order 700н).

    The match runs in Python, not in SQL. SQLite's LIKE (and so `icontains`) folds case for
    ASCII only, so «кардио» would miss «Кардиология» there while PostgreSQL finds it; a
    normalised `name_search` column would need filling on every write path and a
    migration. The nomenclature is a closed list of about a hundred rows fixed by order,
    so reading it whole is cheap and gives the same answer and the same order on every
    database.
    """
    specialties = list_specialties(include_inactive=include_inactive)
    found = [s for s in specialties if name_matches(s.name, query)]
    return sorted(found, key=lambda s: (search_key(s.name), s.code))


def is_specialty_name_taken(*, name: str, exclude_pk: int | None = None) -> bool:
    """Whether another specialty (active or not) already has this name, ignoring case."""
    key = search_key(name)
    others = Specialty.objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return any(search_key(other) == key for other in others.values_list("name", flat=True))


def active_specialties_by_code(codes: Iterable[str]) -> dict[str, Specialty]:
    """The active specialties of the nomenclature among `codes`, keyed by code; unknown and
    withdrawn codes are simply missing from the answer."""
    return {s.code: s for s in Specialty.objects.filter(code__in=list(codes), is_active=True)}


def get_specialty(specialty_id: int) -> Specialty:
    """Return the specialty (active or not); raise Specialty.DoesNotExist when there is none."""
    return Specialty.objects.get(pk=specialty_id)


def get_active_specialty(code: str) -> Specialty | None:
    """Return the active specialty of the nomenclature with this code, or None."""
    return Specialty.objects.filter(code=code, is_active=True).first()


def are_specialties_active(specialty_ids: Iterable[int]) -> bool:
    """Whether every one of the ids is an active specialty of the nomenclature."""
    wanted = set(specialty_ids)
    return Specialty.objects.filter(pk__in=wanted, is_active=True).count() == len(wanted)


# --- Credit policy (faq-foreign) --------------------------------------------------------


def get_credit_policy() -> CreditPolicy:
    """The credit policy in force, read at call time; without a stored row, the default
    (credits for activities abroad are not counted, faq-foreign)."""
    return CreditPolicy.objects.filter(pk=1).first() or CreditPolicy(pk=1)


# --- The public catalogue (faq-only-listed, faq-join-steps) ------------------------------


def _specialties_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "specialties", queryset=Specialty.objects.only("id", "code", "name").order_by("code")
    )


def _filtered_catalogue(filters: CatalogueFilters) -> QuerySet[Activity]:
    qs = Activity.objects.filter(status=ActivityStatus.ACCREDITED)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.format:
        qs = qs.filter(format=filters.format)
    if filters.specialty:
        # The code is resolved to the id first (one lookup by a unique index) so the
        # database plans with the specialty's real frequency; joining on the code makes
        # PostgreSQL guess it and pick a plan several times slower (ADR 0201, catalogue queries).
        found = list(
            Specialty.objects.filter(code=filters.specialty)
            .order_by()
            .values_list("pk", flat=True)[:1]
        )
        if not found:
            return qs.none()
        qs = qs.filter(specialties=found[0])
    if filters.date_from is not None:
        qs = qs.filter(ends_on__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(starts_on__lte=filters.date_to)
    key = search_key(filters.q)
    if key:
        qs = qs.filter(title_search__contains=key)
    return qs


def _with_catalogue_rows(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return (
        qs.select_related("provider")
        .defer("description", "title_search", "provider__address", "provider__inn")
        .prefetch_related(_specialties_prefetch())
        .order_by("-starts_on", "-id")
    )


def list_catalogue(*, filters: CatalogueFilters | None = None) -> QuerySet[Activity]:
    """The public catalogue: accredited activities only (faq-only-listed), newest dates
    first, with the provider joined and the specialties prefetched, so any number of rows
    costs one query for the rows and one for their specialties (and one lookup of the
    specialty filter's code).

    Filters (all optional): `q` is a substring of the title, ignoring case on every
    database (it is matched against `title_search`, the folded title, which PostgreSQL
    indexes with pg_trgm); `specialty` a specialty code; `kind` «event»/«module» (the
    catalogues «Мероприятия» and «Модули», faq-join-steps); `format`; `date_from` /
    `date_to` keep the activities whose dates overlap that period.
    """
    return _with_catalogue_rows(_filtered_catalogue(filters or CatalogueFilters()))


def catalogue_page(
    *, filters: CatalogueFilters | None = None, page: int = 1, per_page: int = CATALOGUE_PAGE_SIZE
) -> CataloguePage:
    """One page (numbered from 1) of the public catalogue (see `list_catalogue`) and the
    total number of matching activities. A page beyond the last is empty, not an error.

    Three queries whatever the page's length: the count, the page's rows, their
    specialties (a fourth, one indexed lookup, resolves a specialty filter's code). The
    page's ids are picked in a subquery that the (status, starts_on, id) index answers
    alone, and only those 20 rows are joined to their provider: deep pages do not join
    thousands of skipped rows.
    """
    if page < 1:
        raise ValueError("page numbers start at 1")
    filtered = _filtered_catalogue(filters or CatalogueFilters())
    total = filtered.count()
    offset = (page - 1) * per_page
    items: list[Activity] = []
    if offset < total:
        page_ids = filtered.order_by("-starts_on", "-id").values("pk")[offset : offset + per_page]
        items = list(_with_catalogue_rows(Activity.objects.filter(pk__in=page_ids)))
    return CataloguePage(items=items, total=total, number=page, per_page=per_page)


def get_catalogue_activity(activity_id: int) -> Activity | None:
    """An activity with its provider and specialties, or None when there is no such id."""
    return (
        Activity.objects.select_related("provider", "submitted_by")
        .prefetch_related(_specialties_prefetch())
        .filter(pk=activity_id)
        .first()
    )


def get_activity(activity_id: int, *, with_provider: bool = False) -> Activity:
    """Return the activity (with its provider if asked); raise Activity.DoesNotExist if none."""
    activities = Activity.objects.select_related("provider") if with_provider else Activity.objects
    return activities.get(pk=activity_id)


def get_accredited_activity(activity_id: int) -> Activity | None:
    """Return the activity if it is accredited (in the catalogue), else None."""
    return Activity.objects.filter(pk=activity_id, status=ActivityStatus.ACCREDITED).first()


def list_accredited_activities(
    *, specialty_id: int, starts_on: date, ends_on: date
) -> QuerySet[Activity]:
    """Return the accredited activities with credits for the specialty held within the period."""
    return Activity.objects.filter(
        status=ActivityStatus.ACCREDITED,
        credits__gt=0,
        specialties=specialty_id,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )


def list_accredited_events(*, on: date | None = None) -> QuerySet[Activity]:
    """Return the accredited events (only those held on the day `on`, when it is given)."""
    held_on = {} if on is None else {"starts_on__lte": on, "ends_on__gte": on}
    return Activity.objects.filter(
        kind=ActivityKind.EVENT, status=ActivityStatus.ACCREDITED, **held_on
    )


# --- Providers' applications and the commission's queue ----------------------------------


def providers_for(user: User) -> QuerySet[Organisation]:
    """The providers (organisations) whose staff the user is: holds the provider role in."""
    return organisations_for(user, Role.PROVIDER).order_by("name")


def activity_for_provider(*, user: User, activity_id: int) -> Activity | None:
    """Return the activity, with its provider, if the user is staff of that provider, else None."""
    return (
        Activity.objects.filter(pk=activity_id, provider__in=organisations_for(user, Role.PROVIDER))
        .select_related("provider")
        .first()
    )


def is_provider_staff(user: User | AnonymousUser, activity: Activity) -> bool:
    """Whether the user holds the provider role in the activity's provider organisation."""
    return has_role(user, Role.PROVIDER, activity.provider)


def is_expert(user: User | AnonymousUser) -> bool:
    """Whether the user is an expert of the accreditation commission."""
    return has_role(user, Role.ACCREDITATION_EXPERT)


def can_see_application(user: User | AnonymousUser, activity: Activity) -> bool:
    """The application (status, history, requested hours) is seen by the provider's staff
    and by the commission's experts; the public sees accredited activities only."""
    return is_provider_staff(user, activity) or is_expert(user)


def activities_for_provider(*, user: User, status: str = "") -> QuerySet[Activity]:
    """The applications of every provider the user is staff of, newest first."""
    qs = (
        Activity.objects.filter(provider__in=providers_for(user))
        .select_related("provider")
        .prefetch_related(_specialties_prefetch())
        .order_by("-created_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def list_review_queue(
    *, q: str = "", specialty: str = "", kind: str = "", country: str = ""
) -> QuerySet[Activity]:
    """Applications awaiting the commission's decision, oldest first (first come, first
    served), with the provider and specialties loaded."""
    qs = (
        Activity.objects.filter(status=ActivityStatus.SUBMITTED)
        .select_related("provider")
        .prefetch_related(_specialties_prefetch())
        .order_by("created_at", "id")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if specialty:
        qs = qs.filter(specialties__code=specialty)
    if country == "RU":
        qs = qs.filter(country="RU")
    elif country == "foreign":
        qs = qs.exclude(country="RU")
    key = search_key(q)
    if key:
        qs = qs.filter(title_search__contains=key)
    return qs


def history_of(activity: Activity) -> QuerySet[AccreditationDecision]:
    """Every step of the application, oldest first: submission, edits, the decision."""
    return AccreditationDecision.objects.filter(activity=activity).select_related("actor")


def provider_staff_emails(provider: Organisation) -> list[str]:
    """The addresses of the provider's active staff (holders of the provider role there)."""
    return staff_emails_for(provider, Role.PROVIDER)
