"""Reads of the nomenclature of specialties and, later, of the CME catalogue."""

from django.db.models import QuerySet

from nmo.catalog.models import Specialty
from nmo.catalog.rules import name_matches, search_key


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
