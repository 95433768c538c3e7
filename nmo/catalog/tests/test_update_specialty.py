import pytest
from django.contrib.auth.models import AnonymousUser

from nmo.accounts.services import add_user
from nmo.catalog.exceptions import SpecialtyInvalid
from nmo.catalog.services import update_specialty
from nmo.catalog.tests.factories import SpecialtyFactory
from nmo.core.exceptions import PermissionDenied
from nmo.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.clause("npc-4.1")]


@pytest.fixture
def cardiology():
    return SpecialtyFactory(code="31.08.36", name="Кардиология")


def test_an_administrator_renames_a_specialty_and_it_is_audited(administrator, cardiology):
    """An administrator's rename is saved, marks the row as edited (so reloads keep it)
    and leaves an audit line with the old and the new name (npc-4.1)."""
    saved = update_specialty(
        actor=administrator, specialty=cardiology, name="  Кардиология   взрослых ", is_active=True
    )

    cardiology.refresh_from_db()
    assert saved == cardiology
    assert cardiology.name == "Кардиология взрослых"
    assert cardiology.edited_by_admin is True
    entry = AuditEntry.objects.get(action="specialty.update")
    assert entry.actor == administrator
    assert entry.object_id == str(cardiology.pk)
    assert entry.changes == {"name": ["Кардиология", "Кардиология взрослых"]}


def test_an_administrator_withdraws_a_specialty(administrator, cardiology):
    """Withdrawing is clearing «действует»: the row stays, inactive and audited."""
    update_specialty(actor=administrator, specialty=cardiology, name="Кардиология", is_active=False)

    cardiology.refresh_from_db()
    assert cardiology.is_active is False
    assert AuditEntry.objects.get(action="specialty.update").changes == {"is_active": [True, False]}


def test_saving_without_a_change_writes_nothing(administrator, cardiology):
    """Saving the same name and state changes nothing: no edit mark, no audit line."""
    update_specialty(actor=administrator, specialty=cardiology, name="Кардиология", is_active=True)

    cardiology.refresh_from_db()
    assert cardiology.edited_by_admin is False
    assert not AuditEntry.objects.filter(action="specialty.update").exists()


@pytest.mark.parametrize("name", ["", "   ", "Т" * 301, "ТЕРАПИЯ"])
def test_an_empty_overlong_or_taken_name_is_refused(administrator, cardiology, name):
    """A name must be present, at most 300 characters and not another specialty's
    (compared ignoring case)."""
    SpecialtyFactory(name="Терапия")

    with pytest.raises(SpecialtyInvalid) as refused:
        update_specialty(actor=administrator, specialty=cardiology, name=name, is_active=True)

    assert "name" in refused.value.errors
    cardiology.refresh_from_db()
    assert cardiology.name == "Кардиология"


def test_a_specialist_is_refused(specialist_account, cardiology):
    """A specialist may not edit the nomenclature: PermissionDenied, nothing changes."""
    with pytest.raises(PermissionDenied):
        update_specialty(
            actor=specialist_account, specialty=cardiology, name="Другое", is_active=False
        )

    cardiology.refresh_from_db()
    assert (cardiology.name, cardiology.is_active, cardiology.edited_by_admin) == (
        "Кардиология",
        True,
        False,
    )
    assert not AuditEntry.objects.filter(action="specialty.update").exists()


def test_it_checks_access(cardiology):
    """Only an active holder of the administrator role may edit a specialty; an anonymous
    user, a provider, a specialist and a deactivated administrator are refused."""
    provider = add_user(
        email="p@example.ru", password="pw-1234567890", role="provider", organisation_name="ООО"
    )
    specialist = add_user(email="s@example.ru", password="pw-1234567890", role="specialist")
    former_admin = add_user(email="a@example.ru", password="pw-1234567890", role="admin")
    former_admin.is_active = False
    former_admin.save(update_fields=["is_active"])

    for actor in (AnonymousUser(), provider, specialist, former_admin):
        with pytest.raises(PermissionDenied):
            update_specialty(actor=actor, specialty=cardiology, name="Другое", is_active=True)

    cardiology.refresh_from_db()
    assert cardiology.name == "Кардиология"
