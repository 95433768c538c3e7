"""Django admin holds the back-office directories only, and every save there goes through
the services or the audit log: specialties (npc-4.1) and organisations with their units.

The organisation checks sit here with the specialty ones because they prove one decision
about the admin site as a whole; they may move to accounts/tests/test_admin.py.
"""

import pytest
from django.contrib import admin

from nmo.accounts.models import ApiToken, Membership, Organisation, OrganisationKind, Unit, User
from nmo.catalog.models import Specialty
from nmo.catalog.tests.factories import SpecialtyFactory
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def cardiology():
    return SpecialtyFactory(code="31.08.36", name="Кардиология")


def change_url(specialty: Specialty) -> str:
    return f"/admin/catalog/specialty/{specialty.pk}/change/"


def test_users_tokens_and_memberships_are_not_in_admin():
    """The admin site is for directories and the calendar: no users, tokens or roles."""
    for model in (User, ApiToken, Membership):
        assert not admin.site.is_registered(model)
    assert admin.site.is_registered(Specialty)
    assert admin.site.is_registered(Organisation)


@pytest.mark.clause("npc-4.1")
def test_an_administrator_edits_a_specialty_through_the_service(
    admin_client, administrator, cardiology
):
    """Saving the change form renames through update_specialty: the row is marked as
    edited and an audit line names the administrator (npc-4.1)."""
    response = admin_client.post(
        change_url(cardiology), {"name": "Кардиология взрослых", "_save": "Сохранить"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    cardiology.refresh_from_db()
    assert cardiology.name == "Кардиология взрослых"
    assert cardiology.is_active is False  # the unchecked box withdraws it
    assert cardiology.edited_by_admin is True
    entry = AuditEntry.objects.get(action="specialty.update")
    assert entry.actor == administrator
    assert entry.changes["name"] == ["Кардиология", "Кардиология взрослых"]


@pytest.mark.clause("npc-4.1")
def test_an_administrator_adds_a_specialty_with_an_audited_create(admin_client):
    """The add form creates through add_specialty, with an audit line."""
    response = admin_client.post(
        "/admin/catalog/specialty/add/",
        {
            "code": "NMO-0100",
            "name": "Новая специальность",
            "level": "higher_medical",
            "_save": "Сохранить",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    specialty = Specialty.objects.get(code="NMO-0100")
    assert specialty.edited_by_admin is True
    assert AuditEntry.objects.filter(
        action="specialty.create", object_id=str(specialty.pk)
    ).exists()


def test_a_taken_name_is_shown_as_a_form_error(admin_client, cardiology):
    """Another specialty's name (in any case) is refused next to the field, not with a 500."""
    SpecialtyFactory(name="Терапия")

    response = admin_client.post(
        change_url(cardiology), {"name": "терапия", "is_active": "on", "_save": "Сохранить"}
    )

    assert response.status_code == 200
    assert "Специальность с таким наименованием уже есть." in response.content.decode()
    cardiology.refresh_from_db()
    assert cardiology.name == "Кардиология"


def test_the_specialty_list_searches_cyrillic_ignoring_case(admin_client, cardiology):
    """The admin search finds «Кардиология» by «кардио» on SQLite as well."""
    SpecialtyFactory(name="Терапия")

    page = admin_client.get("/admin/catalog/specialty/", {"q": "кардио"}).content.decode()

    assert "Кардиология" in page
    assert "Терапия" not in page


def test_specialties_are_withdrawn_not_deleted(admin_client, administrator, cardiology):
    """There is no delete; the «withdraw» action deactivates through the service."""
    assert admin_client.get(f"/admin/catalog/specialty/{cardiology.pk}/delete/").status_code == 403

    response = admin_client.post(
        "/admin/catalog/specialty/",
        {"action": "withdraw_selected", "_selected_action": [cardiology.pk]},
    )

    assert response.status_code == 302
    cardiology.refresh_from_db()
    assert cardiology.is_active is False
    assert AuditEntry.objects.get(action="specialty.update").actor == administrator


def test_it_checks_access(client, specialist_account, cardiology):
    """A specialist cannot reach the directories in admin: for them it does not exist
    (404, ADR 0021)."""
    client.force_login(specialist_account)

    response = client.get(change_url(cardiology))

    assert response.status_code == 404


def inline_data(units: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        "units-TOTAL_FORMS": str(len(units)),
        "units-INITIAL_FORMS": str(initial),
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
    }
    for i, unit in enumerate(units):
        data.update({f"units-{i}-{k}": v for k, v in unit.items()})
    return data


def test_saving_an_organisation_with_a_unit_is_audited(admin_client, administrator):
    """Adding an organisation with a unit writes organisation.save and unit.save lines."""
    response = admin_client.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "Ростовский государственный медицинский университет",
            "short_name": "РостГМУ",
            "kind": OrganisationKind.EDUCATIONAL,
            "inn": "",
            "address": "",
            "is_active": "on",
            "_save": "Сохранить",
            **inline_data([{"name": "Учебный отдел", "kind": "study_department", "head": ""}]),
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(short_name="РостГМУ")
    assert organisation.units.get().name == "Учебный отдел"
    saved = AuditEntry.objects.get(action="organisation.save")
    assert saved.actor == administrator
    assert saved.changes["created"] is True
    assert saved.changes["short_name"] == [None, "РостГМУ"]
    assert AuditEntry.objects.get(action="unit.save").changes["name"] == [None, "Учебный отдел"]


def test_changing_and_deleting_units_is_audited(admin_client):
    """A renamed organisation and a deleted unit each leave an audit line."""
    organisation = Organisation.objects.create(name="НПЦ", kind=OrganisationKind.EDUCATIONAL)
    unit = Unit.objects.create(organisation=organisation, name="Кафедра педиатрии")

    response = admin_client.post(
        f"/admin/accounts/organisation/{organisation.pk}/change/",
        {
            "name": "НПЦ спец. мед. помощи детям",
            "short_name": "",
            "kind": OrganisationKind.EDUCATIONAL,
            "inn": "",
            "address": "",
            "is_active": "on",
            "_save": "Сохранить",
            **inline_data(
                [
                    {
                        "id": str(unit.pk),
                        "organisation": str(organisation.pk),
                        "name": unit.name,
                        "kind": "unit",
                        "head": "",
                        "DELETE": "on",
                    }
                ],
                initial=1,
            ),
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Unit.objects.exists()
    assert AuditEntry.objects.get(action="organisation.save").changes["name"] == [
        "НПЦ",
        "НПЦ спец. мед. помощи детям",
    ]
    assert AuditEntry.objects.get(action="unit.delete").object_id == str(unit.pk)


def test_organisations_are_filtered_by_kind_and_not_deleted(admin_client):
    """The list filters by kind; organisations cannot be deleted from admin."""
    provider = Organisation.objects.create(
        name="Общество кардиологов", kind=OrganisationKind.PROVIDER
    )
    Organisation.objects.create(name="Университет", kind=OrganisationKind.EDUCATIONAL)

    page = admin_client.get("/admin/accounts/organisation/", {"kind__exact": "provider"})

    assert "Общество кардиологов" in page.content.decode()
    assert "Университет" not in page.content.decode()
    delete_url = f"/admin/accounts/organisation/{provider.pk}/delete/"
    assert admin_client.get(delete_url).status_code == 403
