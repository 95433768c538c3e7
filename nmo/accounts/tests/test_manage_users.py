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


def test_the_users_page_counts_two_million_accounts_only_up_to_the_cap(
    client, admin_user, monkeypatch
):
    """The national portal has 2M accounts: the administrators' list counts at most
    COUNT_CAP of them (ADR 0616) and says «больше …»; a search narrows it to an exact
    count."""
    import nmo.core.paging
    from nmo.accounts.services import add_user

    for n in range(4):
        add_user(email=f"user{n}@example.ru", password="x-Password-123", role="specialist")
    monkeypatch.setattr(nmo.core.paging, "COUNT_CAP", 3)
    client.force_login(admin_user)
    html = client.get("/accounts/users/").content.decode()
    assert "Пользователи (найдено: больше 3)" in html
    html = client.get("/accounts/users/", {"text": "user2@example.ru"}).content.decode()
    assert "Пользователи (найдено: 1)" in html


def test_the_users_first_page_is_read_in_the_index_order(client, admin_user):
    """The list's order (last name, first name, id) is an index's (ADR 0616): the first
    page of 2M accounts is read from it, never sorted whole. The page's own query, as
    each database plans it (PostgreSQL told not to sort where it need not)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as captured:
        client.get("/accounts/users/")
    (listed,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "accounts_user"."id"')
        and 'ORDER BY "accounts_user"."last_name"' in q["sql"]
        and " LIMIT " in q["sql"]
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + listed)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + listed)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "user_name_order_idx" in plan, plan
    assert "Sort" not in plan, plan
    assert "TEMP B-TREE" not in plan, plan
