import pytest

from nmo.accounts.models import Membership, Organisation, OrganisationKind, User
from nmo.accounts.services import grant_role, revoke_role
from nmo.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def npc():
    return Organisation.objects.create(name="НПЦ ДЗМ", kind=OrganisationKind.EDUCATIONAL)


def test_admin_creates_a_staff_account_from_the_page(client, admin_user, npc):
    """An administrator creates a staff account with its first role in an organisation."""
    client.force_login(admin_user)
    response = client.post(
        "/accounts/users/new/",
        {
            "last_name": "Попова",
            "first_name": "Елена",
            "email": "popova@npc.ru",
            "password": "a-long-temporary-pass",
            "role": "organisation_staff",
            "organisation": npc.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="popova@npc.ru")
    assert user.memberships.get().organisation == npc
    assert AuditEntry.objects.filter(action="account.create", object_id=str(user.pk)).exists()


def test_admin_grants_and_revokes_a_role(admin_user, specialist, npc):
    """Roles are granted per organisation and revoked; both are audited."""
    membership = grant_role(
        actor=admin_user, user=specialist, role="organisation_staff", organisation=npc
    )
    assert membership.organisation == npc
    revoke_role(actor=admin_user, membership_id=membership.pk)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"account.grant_role", "account.revoke_role"} <= actions


def test_organisational_role_needs_an_organisation(admin_user, specialist):
    """A provider, expert or staff role without an organisation is refused."""
    with pytest.raises(ValidationFailed) as exc:
        grant_role(actor=admin_user, user=specialist, role="provider", organisation=None)
    assert exc.value.errors == {"organisation": ["Для этой роли укажите организацию."]}


def test_last_administrator_keeps_the_role(admin_user):
    """The system never ends up without an administrator."""
    membership = admin_user.memberships.get(role="admin")
    with pytest.raises(Conflict):
        revoke_role(actor=admin_user, membership_id=membership.pk)


def test_it_checks_access(client, specialist, admin_user, npc):
    """Only administrators manage users: others get 403, anonymous visitors log in first."""
    assert client.get("/accounts/users/").status_code == 302
    client.force_login(specialist)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get(f"/accounts/users/{admin_user.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        grant_role(actor=specialist, user=specialist, role="admin", organisation=None)
    client.force_login(admin_user)
    page = client.get("/accounts/users/", {"text": "Иванова"})
    assert page.status_code == 200
    assert "ivanova@example.ru" in page.content.decode()
    assert client.get("/accounts/users/999999/").status_code == 404
