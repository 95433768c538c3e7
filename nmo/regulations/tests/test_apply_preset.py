import pytest
from django.db import IntegrityError, transaction

from nmo.accounts.services import add_user
from nmo.core.exceptions import PermissionDenied, ValidationFailed
from nmo.core.models import AuditEntry
from nmo.regulations import services
from nmo.regulations.exceptions import RegulationNotFound
from nmo.regulations.models import Regulation
from nmo.regulations.presets import NPC_DZM, ROSTGMU
from nmo.regulations.selectors import current_version, list_presets, rules_of
from nmo.regulations.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_install_presets_is_idempotent():
    """Two templates with version 1 holding the shipped rules; a second run adds nothing."""
    assert services.install_presets() == 2
    assert services.install_presets() == 0
    templates = Regulation.objects.filter(organisation__isnull=True)
    assert {t.preset_code for t in templates} == {"npc_dzm", "rostgmu"}
    for template in templates:
        assert template.current_version.number == 1
    assert [p.version for p in list_presets()] == [1, 1]
    assert AuditEntry.objects.filter(action="regulation.install_preset").count() == 2


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
def test_applying_a_preset_makes_version_1_of_the_organisation(
    npc, npc_staff, rostgmu, rostgmu_staff
):
    """Each organisation works under its own regulation, version 1 reproducing its preset."""
    services.apply_preset(actor=npc_staff, organisation=npc, preset_code="npc_dzm")
    services.apply_preset(actor=rostgmu_staff, organisation=rostgmu, preset_code="rostgmu")
    assert rules_of(current_version(npc)) == NPC_DZM
    assert rules_of(current_version(rostgmu)) == ROSTGMU
    assert current_version(npc).number == 1
    assert rules_of(current_version(npc)).retake.application_working_days == 10
    assert rules_of(current_version(rostgmu)).retake.application_working_days == 5
    entry = AuditEntry.objects.get(
        action="regulation.apply_preset", object_id=str(current_version(npc).regulation.pk)
    )
    assert entry.changes["preset_code"] == "npc_dzm"


def test_switching_preset_keeps_one_active_regulation(npc, npc_staff):
    """Applying another preset replaces the active regulation; the old one and its versions
    stay (attestations pinned to them keep reading them)."""
    first = services.apply_preset(actor=npc_staff, organisation=npc, preset_code="npc_dzm")
    old_version = current_version(npc)
    second = services.apply_preset(actor=npc_staff, organisation=npc, preset_code="rostgmu")
    first.refresh_from_db()
    assert first.is_active is False
    assert second.is_active is True
    assert Regulation.objects.filter(organisation=npc, is_active=True).count() == 1
    assert current_version(npc).regulation == second
    assert rules_of(old_version) == NPC_DZM


def test_an_organisation_may_not_have_two_active_regulations(npc):
    Regulation.objects.create(organisation=npc, title="А", preset_code="npc_dzm")
    with pytest.raises(IntegrityError), transaction.atomic():
        Regulation.objects.create(organisation=npc, title="Б", preset_code="rostgmu")


def test_applying_uses_the_template_as_the_administrators_amended_it(npc, npc_staff, admin_user):
    """The administrators maintain the presets: an amended template is what is applied."""
    services.install_presets()
    template = Regulation.objects.get(organisation__isnull=True, preset_code="npc_dzm")
    services.amend_regulation(
        actor=admin_user,
        regulation=template,
        changes={"retake.application_working_days": 12},
        reason="Исправление пресета",
    )
    services.apply_preset(actor=npc_staff, organisation=npc, preset_code="npc_dzm")
    version = current_version(npc)
    assert rules_of(version).retake.application_working_days == 12
    assert "версия 2 шаблона" in version.reason


def test_unknown_preset_and_non_educational_organisation_are_refused(npc, admin_user, provider_org):
    with pytest.raises(ValidationFailed) as caught:
        services.apply_preset(actor=admin_user, organisation=npc, preset_code="moscow")
    assert caught.value.errors == {
        "preset_code": ["Неизвестный пресет «moscow». Допустимо: npc_dzm, rostgmu."]
    }
    with pytest.raises(ValidationFailed) as caught:
        services.apply_preset(actor=admin_user, organisation=provider_org, preset_code="npc_dzm")
    assert "organisation" in caught.value.errors
    assert not Regulation.objects.exists()


def test_it_checks_access(npc, rostgmu_staff, specialist, admin_user):
    """Only the organisation's staff or an administrator choose its regulation."""
    for outsider in (rostgmu_staff, specialist):
        with pytest.raises(PermissionDenied):
            services.apply_preset(actor=outsider, organisation=npc, preset_code="npc_dzm")
    assert not Regulation.objects.exists()
    services.apply_preset(actor=admin_user, organisation=npc, preset_code="npc_dzm")
    assert current_version(npc).created_by == admin_user


def test_an_organisation_without_a_regulation_has_no_current_version(npc):
    with pytest.raises(RegulationNotFound) as caught:
        current_version(npc)
    assert caught.value.code == "regulation_not_found"
    assert "нет действующего положения" in caught.value.message


def test_staff_of_two_organisations_applies_to_each(npc, rostgmu):
    staff = add_user(
        email="both@example.ru",
        password=PASSWORD,
        role="organisation_staff",
        organisation_name=npc.name,
    )
    add_user(
        email="both@example.ru",
        password=None,
        role="organisation_staff",
        organisation_name=rostgmu.name,
    )
    services.apply_preset(actor=staff, organisation=rostgmu, preset_code="rostgmu")
    assert current_version(rostgmu).number == 1
