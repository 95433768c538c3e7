"""Actor fixtures of the catalog tests (the shared ones live in the root conftest.py,
the catalog's own in fixtures.py, which the API tests import too)."""

import pytest

from nmo.accounts.services import add_user
from nmo.catalog.tests.fixtures import (  # noqa: F401 - fixtures
    cardiology,
    expert,
    neurology,
    nomenclature,
    other_provider,
    provider_org,
)


@pytest.fixture
def administrator(db):  # type: ignore[no-untyped-def]
    return add_user(email="directories-admin@example.ru", password="pw-1234567890", role="admin")


@pytest.fixture
def specialist_account(db):  # type: ignore[no-untyped-def]
    return add_user(email="doctor@example.ru", password="pw-1234567890", role="specialist")
