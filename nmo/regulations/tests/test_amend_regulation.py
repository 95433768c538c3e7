from datetime import date

import pytest
from django.db import DatabaseError, transaction

from nmo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from nmo.core.models import AuditEntry
from nmo.regulations import rules, services
from nmo.regulations.exceptions import RegulationInactive
from nmo.regulations.models import Regulation, RegulationVersion
from nmo.regulations.presets import NPC_DZM
from nmo.regulations.selectors import current_version, rules_of

pytestmark = pytest.mark.django_db

REASON = "Приказ директора от 15.01.2026 № 12"


@pytest.fixture
def regulation(npc, npc_staff):
    return services.apply_preset(actor=npc_staff, organisation=npc, preset_code="npc_dzm")


@pytest.mark.clause("npc-2.9")
def test_an_amendment_is_a_new_version_and_the_old_one_is_unchanged(
    regulation, npc, npc_staff, cal
):
    """Version 2 holds the new window; version 1 — which an attestation held before the
    amendment is pinned to — still reads 10 working days, and its deadline does not move."""
    pinned = current_version(npc)  # what an attestation scheduled now would keep
    version = services.amend_regulation(
        actor=npc_staff,
        regulation=regulation,
        changes={"retake": {"application_working_days": 7}},
        reason=REASON,
    )
    assert version.number == 2
    assert current_version(npc) == version
    assert rules_of(version).retake.application_working_days == 7
    reread = RegulationVersion.objects.get(pk=pinned.pk)
    assert reread.number == 1
    assert reread.rules == NPC_DZM.to_dict()
    assert rules.retake_application_deadline(rules_of(reread), date(2026, 4, 30), cal) == date(
        2026, 5, 18
    )
    assert rules.retake_application_deadline(rules_of(version), date(2026, 4, 30), cal) == date(
        2026, 5, 13
    )


def test_changes_may_be_given_as_dotted_paths(regulation, npc_staff):
    version = services.amend_regulation(
        actor=npc_staff,
        regulation=regulation,
        changes={"appeal.hearing_within_days": 7, "commission.min_persons": 4},
        reason=REASON,
    )
    amended = rules_of(version)
    assert (amended.appeal.hearing_within_days, amended.commission.min_persons) == (7, 4)


def test_the_amendment_is_audited_with_the_diff(regulation, npc_staff):
    services.amend_regulation(
        actor=npc_staff,
        regulation=regulation,
        changes={"retake.application_working_days": 7},
        reason=REASON,
    )
    entry = AuditEntry.objects.get(action="regulation.amend")
    assert entry.actor == npc_staff
    assert entry.changes == {
        "version": 2,
        "reason": REASON,
        "diff": {"retake.application_working_days": {"old": 10, "new": 7}},
    }


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(regulation, npc_staff, reason):
    with pytest.raises(ValidationFailed) as caught:
        services.amend_regulation(
            actor=npc_staff,
            regulation=regulation,
            changes={"retake.application_working_days": 7},
            reason=reason,
        )
    assert caught.value.errors == {
        "reason": ["Укажите основание изменения, например реквизиты приказа."]
    }
    assert regulation.versions.count() == 1


def test_invalid_rules_are_refused_by_path(regulation, npc_staff):
    with pytest.raises(ValidationFailed) as caught:
        services.amend_regulation(
            actor=npc_staff,
            regulation=regulation,
            changes={"retake.application_working_days": -3, "appeal.nonsense": 1},
            reason=REASON,
        )
    assert caught.value.errors == {
        "retake.application_working_days": ["Значение не может быть отрицательным."],
        "appeal.nonsense": ["Неизвестное поле."],
    }
    assert regulation.versions.count() == 1
    assert not AuditEntry.objects.filter(action="regulation.amend").exists()


def test_an_amendment_that_changes_nothing_is_refused(regulation, npc_staff):
    with pytest.raises(ValidationFailed) as caught:
        services.amend_regulation(
            actor=npc_staff,
            regulation=regulation,
            changes={"retake.application_working_days": 10},
            reason=REASON,
        )
    assert caught.value.code == "regulation_unchanged"
    with pytest.raises(ValidationFailed):
        services.amend_regulation(actor=npc_staff, regulation=regulation, changes={}, reason=REASON)


def test_a_replaced_regulation_is_not_amended(regulation, npc, npc_staff):
    services.apply_preset(actor=npc_staff, organisation=npc, preset_code="rostgmu")
    regulation.refresh_from_db()
    with pytest.raises(RegulationInactive):
        services.amend_regulation(
            actor=npc_staff,
            regulation=regulation,
            changes={"retake.application_working_days": 7},
            reason=REASON,
        )


def test_it_checks_access(regulation, rostgmu_staff, specialist, npc_staff, admin_user):
    """Staff of another organisation and specialists do not see the regulation (404); the
    staff may not change a preset template (403); an administrator may change both."""
    change = {"retake.application_working_days": 7}
    for outsider in (rostgmu_staff, specialist):
        with pytest.raises(NotFound):
            services.amend_regulation(
                actor=outsider, regulation=regulation, changes=change, reason=REASON
            )
    services.install_presets()
    template = Regulation.objects.get(organisation__isnull=True, preset_code="npc_dzm")
    with pytest.raises(PermissionDenied):
        services.amend_regulation(
            actor=npc_staff, regulation=template, changes=change, reason=REASON
        )
    assert (
        services.amend_regulation(
            actor=admin_user, regulation=regulation, changes=change, reason=REASON
        ).number
        == 2
    )
    assert (
        services.amend_regulation(
            actor=admin_user, regulation=template, changes=change, reason=REASON
        ).number
        == 2
    )


def test_a_version_cannot_be_rewritten(regulation):
    """Neither the model nor the database lets a version change or disappear."""
    version = regulation.versions.get()
    version.reason = "подмена"
    with pytest.raises(RuntimeError):
        version.save()
    with pytest.raises(RuntimeError):
        version.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        RegulationVersion.objects.filter(pk=version.pk).update(rules={})
    assert RegulationVersion.objects.get(pk=version.pk).rules == NPC_DZM.to_dict()
