import pytest
from django.core.cache import cache

from nmo.accounts.models import Organisation, OrganisationKind
from nmo.accounts.services import add_user
from nmo.regulations.presets import NPC_DZM, ROSTGMU
from nmo.regulations.tests.factories import OrganisationFactory

NPC = "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"
RGMU = "ФГБОУ ВО РостГМУ Минздрава России"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cal(db):
    """The work calendar from the database, seeded with the official Russian calendar;
    `nmo.workcalendar.selectors` itself is the `WorkingDayCalendar`."""
    from nmo.workcalendar import selectors
    from nmo.workcalendar.services import seed_calendar

    seed_calendar(first_year=2024, last_year=2028)
    return selectors


@pytest.fixture(params=["npc_dzm", "rostgmu"])
def preset_rules(request):
    return {"npc_dzm": NPC_DZM, "rostgmu": ROSTGMU}[request.param]


@pytest.fixture
def npc_staff(db):
    return add_user(
        email="npc-staff@example.ru",
        password=PASSWORD,
        role="organisation_staff",
        organisation_name=NPC,
    )


@pytest.fixture
def rostgmu_staff(db):
    return add_user(
        email="rgmu-staff@example.ru",
        password=PASSWORD,
        role="organisation_staff",
        organisation_name=RGMU,
    )


@pytest.fixture
def npc(npc_staff):
    return Organisation.objects.get(name=NPC)


@pytest.fixture
def rostgmu(rostgmu_staff):
    return Organisation.objects.get(name=RGMU)


@pytest.fixture
def provider_org(db):
    return OrganisationFactory(kind=OrganisationKind.PROVIDER)
