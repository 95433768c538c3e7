"""Actor fixtures of the documents tests: staff of an organisation under each preset, the
staff of another organisation, and a learner's enrolment."""

import pytest

from nmo.documents.tests.factories import NPC, RGMU, organisation_under
from nmo.regulations.types import PresetCode


@pytest.fixture
def npc(db):
    return organisation_under(PresetCode.NPC_DZM, name=NPC, email="uo@npc.example.ru")


@pytest.fixture
def rgmu(db):
    return organisation_under(PresetCode.ROSTGMU, name=RGMU, email="fpk@rostgmu.example.ru")


@pytest.fixture(params=["npc", "rgmu"])
def org(request):
    """The same test under both presets."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def outsider(db):
    """Organisation staff of another organisation."""
    return organisation_under(
        PresetCode.ROSTGMU, name="ГБОУ ВО Другой университет", email="staff@other.example.ru"
    ).staff
