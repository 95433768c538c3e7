import pytest

from nmo.core.models import AuditEntry
from nmo.regulations import services
from nmo.regulations.models import Regulation
from nmo.regulations.selectors import current_version, rules_of
from nmo.regulations.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def npc_regulation(npc, npc_staff):
    services.install_presets()
    return services.apply_preset(actor=npc_staff, organisation=npc, preset_code="npc_dzm")


@pytest.fixture
def rgmu_regulation(rostgmu, rostgmu_staff):
    return services.apply_preset(actor=rostgmu_staff, organisation=rostgmu, preset_code="rostgmu")


def login(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_list_needs_login(client):
    response = client.get("/regulations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_see_their_regulation_and_the_presets_only(
    client, npc_staff, npc_regulation, rgmu_regulation
):
    html = login(client, npc_staff).get("/regulations/").content.decode()
    assert npc_regulation.title in html
    assert rgmu_regulation.title not in html
    assert "шаблон-пресет" in html
    assert "Применить пресет" in html


def test_admin_sees_every_regulation(client, admin_user, npc_regulation, rgmu_regulation):
    html = login(client, admin_user).get("/regulations/").content.decode()
    assert npc_regulation.title in html
    assert rgmu_regulation.title in html


@pytest.mark.clause("npc-2.9", "npc-6.2")
def test_detail_shows_the_rules_in_russian_with_their_clauses(client, npc_staff, npc_regulation):
    """Each rule in plain Russian, its clause next to it, grouped by topic, and the history."""
    response = login(client, npc_staff).get(f"/regulations/{npc_regulation.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Повторная аттестация" in html
    assert "10 рабочих дней" in html
    assert "<td>п. 2.9 Положения НПЦ ДЗМ</td>" in html
    assert "не позднее чем за 10 рабочих дней до окончания обучения" in html
    assert "<td>п. 6.2 Положения НПЦ ДЗМ</td>" in html
    assert "История версий" in html
    assert "Применён пресет" in html


def test_another_organisations_regulation_is_not_found(client, npc_staff, rgmu_regulation):
    response = login(client, npc_staff).get(f"/regulations/{rgmu_regulation.pk}/")
    assert response.status_code == 404
    assert (
        login(client, npc_staff).get(f"/regulations/{rgmu_regulation.pk}/amend/retake/").status_code
        == 404
    )


def test_staff_amend_their_regulation_through_the_form(client, npc, npc_staff, npc_regulation):
    """The form shows the rules in force; saving a change writes version 2."""
    login(client, npc_staff)
    page = client.get(f"/regulations/{npc_regulation.pk}/amend/retake/")
    assert page.status_code == 200
    assert 'value="10"' in page.content.decode()
    response = client.post(
        f"/regulations/{npc_regulation.pk}/amend/retake/",
        {
            "max_retakes": "1",
            "application_working_days": "7",
            "latest_months": "3",
            "scheduled_by": "study_department",
            "reason": "Приказ директора от 15.01.2026 № 12",
        },
    )
    assert response.status_code == 302
    version = current_version(npc)
    assert version.number == 2
    assert rules_of(version).retake.application_working_days == 7
    detail = client.get(f"/regulations/{npc_regulation.pk}/").content.decode()
    assert "7 рабочих дней" in detail
    assert "(изменено относительно пресета)" in detail
    old = client.get(f"/regulations/{npc_regulation.pk}/?version=1").content.decode()
    assert "10 рабочих дней" in old


def test_the_form_shows_errors_next_to_fields(client, npc_staff, npc_regulation):
    login(client, npc_staff)
    response = client.post(
        f"/regulations/{npc_regulation.pk}/amend/retake/",
        {
            "max_retakes": "1",
            "application_working_days": "-2",
            "latest_months": "3",
            "scheduled_by": "study_department",
            "reason": "",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Укажите основание изменения" in html
    assert 'aria-invalid="true"' in html
    response = client.post(
        f"/regulations/{npc_regulation.pk}/amend/retake/",
        {
            "max_retakes": "1",
            "application_working_days": "-2",
            "latest_months": "3",
            "scheduled_by": "study_department",
            "reason": "Приказ",
        },
    )
    assert response.status_code == 422
    assert "Значение не может быть отрицательным." in response.content.decode()
    assert npc_regulation.versions.count() == 1


def test_every_topic_form_opens(client, admin_user, npc_regulation):
    login(client, admin_user)
    topics = client.get(f"/regulations/{npc_regulation.pk}/amend/").content.decode()
    for topic in ("programmes", "grading", "notices", "commission", "appeal", "accessibility"):
        assert f"/amend/{topic}/" in topics
        assert client.get(f"/regulations/{npc_regulation.pk}/amend/{topic}/").status_code == 200
    assert client.get(f"/regulations/{npc_regulation.pk}/amend/nothing/").status_code == 404


def test_staff_may_not_amend_a_preset_template(client, npc_staff, npc_regulation):
    template = Regulation.objects.get(organisation__isnull=True, preset_code="npc_dzm")
    login(client, npc_staff)
    assert client.get(f"/regulations/{template.pk}/").status_code == 200
    assert client.get(f"/regulations/{template.pk}/amend/retake/").status_code == 403


def test_staff_apply_a_preset_from_the_list(client, rostgmu, rostgmu_staff):
    login(client, rostgmu_staff)
    response = client.post(
        "/regulations/apply/", {"organisation": rostgmu.pk, "preset_code": "rostgmu"}
    )
    assert response.status_code == 302
    assert current_version(rostgmu).number == 1
    assert AuditEntry.objects.filter(action="regulation.apply_preset").exists()


def test_staff_cannot_apply_to_another_organisation(client, npc, rostgmu_staff):
    login(client, rostgmu_staff)
    response = client.post(
        "/regulations/apply/", {"organisation": npc.pk, "preset_code": "npc_dzm"}
    )
    assert response.status_code == 422
    assert "Выберите организацию из списка." in response.content.decode()
    assert not Regulation.objects.filter(organisation=npc).exists()
