"""Actor and directory fixtures of the catalog, shared with the API tests
(nmo/api/tests/test_v1_activities.py, test_v1_catalogue.py import them by name)."""

import pytest

from nmo.accounts.models import Organisation
from nmo.accounts.services import add_user
from nmo.catalog.models import Specialty
from nmo.catalog.services import load_specialties

__all__ = ["cardiology", "expert", "neurology", "nomenclature", "other_provider", "provider_org"]


@pytest.fixture
def expert(db, password):  # type: ignore[no-untyped-def]
    """An expert of the accreditation commission."""
    return add_user(
        email="expert@example.ru",
        password=password,
        role="accreditation_expert",
        organisation_name="Координационный совет",
    )


@pytest.fixture
def other_provider(db, password):  # type: ignore[no-untyped-def]
    """Staff of another provider than the shared `provider` fixture's."""
    return add_user(
        email="neuro-provider@example.ru",
        password=password,
        role="provider",
        organisation_name="Общество неврологов",
    )


@pytest.fixture
def provider_org(provider):  # type: ignore[no-untyped-def]
    """The organisation of the shared `provider` fixture: «Общество кардиологов»."""
    return Organisation.objects.get(name="Общество кардиологов")


@pytest.fixture
def nomenclature(db):  # type: ignore[no-untyped-def]
    """The real nomenclature of specialties (data/specialties.csv, about 105 rows)."""
    load_specialties()
    return Specialty.objects.all()


@pytest.fixture
def cardiology(nomenclature):  # type: ignore[no-untyped-def]
    return Specialty.objects.get(code="31.08.36")


@pytest.fixture
def neurology(nomenclature):  # type: ignore[no-untyped-def]
    return Specialty.objects.get(code="31.08.42")
