import pytest
from django.core.cache import cache

from nmo.accounts.models import Organisation, OrganisationKind
from nmo.accounts.services import add_user
from nmo.regulations import services

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
NPC = "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def npc_staff():
    return add_user(
        email="npc-staff@example.ru",
        password=PASSWORD,
        role="organisation_staff",
        organisation_name=NPC,
    )


@pytest.fixture
def npc(npc_staff):
    return Organisation.objects.get(name=NPC)


@pytest.fixture
def other_staff():
    return add_user(
        email="other@example.ru",
        password=PASSWORD,
        role="organisation_staff",
        organisation_name="Другой университет",
    )


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
def test_presets_are_public_with_their_rules(api_client):
    """GET /regulations/presets → 200 with both presets and their rules as JSON."""
    response = api_client.get("/api/v1/regulations/presets")
    assert response.status_code == 200
    body = {p["code"]: p for p in response.json()}
    assert set(body) == {"npc_dzm", "rostgmu"}
    assert body["npc_dzm"]["rules"]["retake"]["application_working_days"] == 10
    assert body["rostgmu"]["rules"]["retake"]["application_working_days"] == 5
    assert body["npc_dzm"]["source"] == "regulation-npc-dzm.txt"
    assert body["npc_dzm"]["version"] is None


def test_presets_show_the_installed_template_version(api_client):
    services.install_presets()
    response = api_client.get("/api/v1/regulations/presets")
    assert [p["version"] for p in response.json()] == [1, 1]


def test_staff_read_their_organisations_regulation(api_client, token_for, npc, npc_staff):
    services.apply_preset(actor=npc_staff, organisation=npc, preset_code="npc_dzm")
    response = api_client.get(f"/api/v1/organisations/{npc.pk}/regulation", **token_for(npc_staff))
    assert response.status_code == 200
    body = response.json()
    assert body["organisation_id"] == npc.pk
    assert body["version"] == 1
    assert body["preset_code"] == "npc_dzm"
    assert body["rules"]["appeal"]["hearing_within_days"] == 5


def test_admin_reads_any_organisations_regulation(
    api_client, token_for, npc, npc_staff, admin_user
):
    services.apply_preset(actor=npc_staff, organisation=npc, preset_code="npc_dzm")
    services.amend_regulation(
        actor=admin_user,
        regulation=npc.regulations.get(),
        changes={"appeal.hearing_within_days": 7},
        reason="Приказ",
    )
    response = api_client.get(f"/api/v1/organisations/{npc.pk}/regulation", **token_for(admin_user))
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["rules"]["appeal"]["hearing_within_days"] == 7


def test_it_checks_access(api_client, token_for, npc, npc_staff, other_staff, specialist):
    """401 without a token; 404 `not_found` for anybody but the staff and administrators."""
    services.apply_preset(actor=npc_staff, organisation=npc, preset_code="npc_dzm")
    path = f"/api/v1/organisations/{npc.pk}/regulation"
    response = api_client.get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    for outsider in (other_staff, specialist):
        response = api_client.get(path, **token_for(outsider))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_unknown_organisation_is_not_found(api_client, token_for, admin_user):
    response = api_client.get("/api/v1/organisations/999999/regulation", **token_for(admin_user))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_organisation_without_a_regulation(api_client, token_for, npc, npc_staff):
    response = api_client.get(f"/api/v1/organisations/{npc.pk}/regulation", **token_for(npc_staff))
    assert response.status_code == 404
    assert response.json()["code"] == "regulation_not_found"
    assert "нет действующего положения" in response.json()["detail"]


def test_a_provider_organisation_is_never_an_attestation_organisation(
    api_client, token_for, admin_user
):
    provider = Organisation.objects.create(name="Провайдер", kind=OrganisationKind.PROVIDER)
    response = api_client.get(
        f"/api/v1/organisations/{provider.pk}/regulation", **token_for(admin_user)
    )
    assert response.status_code == 404
    assert response.json()["code"] == "regulation_not_found"
