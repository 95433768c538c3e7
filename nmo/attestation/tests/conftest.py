"""Actor fixtures of the attestation tests: organisations under each preset, with their
study-department staff, and staff of another organisation."""

import pytest

from nmo.attestation.tests.factories import organisation_under


@pytest.fixture
def npc(db):
    return organisation_under("npc")


@pytest.fixture
def rgmu(db):
    return organisation_under("rgmu")


@pytest.fixture(params=["npc", "rgmu"])
def org(request, db):
    """The same test under both presets."""
    return organisation_under(request.param)


@pytest.fixture
def outsider(db):
    """Organisation staff of another organisation."""
    return organisation_under(
        "rgmu", name="ГБОУ ВО Другой университет", email="staff@other.example.ru"
    ).staff
