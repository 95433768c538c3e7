"""Actor fixtures of the catalog tests (the shared ones live in the root conftest.py)."""

import pytest

from nmo.accounts.services import add_user


@pytest.fixture
def administrator(db):  # type: ignore[no-untyped-def]
    return add_user(email="directories-admin@example.ru", password="pw-1234567890", role="admin")


@pytest.fixture
def specialist_account(db):  # type: ignore[no-untyped-def]
    return add_user(email="doctor@example.ru", password="pw-1234567890", role="specialist")
