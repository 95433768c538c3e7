"""Actor fixtures of the programmes tests: the staff of an organisation working under each
preset (through the regulations app's `apply_preset`), with a study department and a
department."""

from dataclasses import dataclass

import pytest

from nmo.accounts.models import Organisation, Unit, UnitKind, User
from nmo.accounts.services import add_user
from nmo.regulations.services import apply_preset

PASSWORD = "correct-horse-battery-staple"
NPC = "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"
RGMU = "ФГБОУ ВО РостГМУ Минздрава России"


@dataclass(frozen=True)
class Org:
    """An educational organisation under a preset, its staff member and units."""

    preset: str
    staff: User
    organisation: Organisation
    study_department: Unit
    department: Unit


def organisation_under(preset: str, *, name: str, email: str) -> Org:
    staff = add_user(
        email=email, password=PASSWORD, role="organisation_staff", organisation_name=name
    )
    organisation = Organisation.objects.get(name=name)
    apply_preset(actor=staff, organisation=organisation, preset_code=preset)
    study = Unit.objects.create(
        organisation=organisation, name="Учебный отдел", kind=UnitKind.STUDY_DEPARTMENT
    )
    department = Unit.objects.create(
        organisation=organisation, name="Кафедра педиатрии", kind=UnitKind.DEPARTMENT
    )
    return Org(preset, staff, organisation, study, department)


@pytest.fixture
def npc(db):
    return organisation_under("npc_dzm", name=NPC, email="uo@npc.example.ru")


@pytest.fixture
def rgmu(db):
    return organisation_under("rostgmu", name=RGMU, email="fpk@rostgmu.example.ru")


@pytest.fixture(params=["npc", "rgmu"])
def org(request):
    """The same test under both presets."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def outsider(db):
    """Organisation staff of another organisation."""
    return organisation_under(
        "rostgmu", name="ГБОУ ВО Другой университет", email="staff@other.example.ru"
    ).staff


@pytest.fixture
def seeded_calendar(db):
    """The official Russian work calendar (holidays, transferred days off)."""
    from nmo.workcalendar.services import seed_calendar

    seed_calendar()
