import pytest

from nmo.accounts.services import add_user


@pytest.fixture
def administrator():
    return add_user(email="admin@example.org", password="Adm1n-passw0rd!", role="admin")


@pytest.fixture
def specialist():
    return add_user(email="doctor@example.org", password="Sp3c-passw0rd!", role="specialist")
