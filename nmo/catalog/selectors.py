"""Reads of the nomenclature of specialties and, later, of the CME catalogue."""

from django.db.models import QuerySet

from nmo.catalog.models import Specialty


def list_specialties(*, include_inactive: bool = False) -> QuerySet[Specialty]:
    """Specialties in alphabetical order; withdrawn ones only when asked for."""
    qs = Specialty.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")
