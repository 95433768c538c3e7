import pytest
from django.core.management import CommandError, call_command

from nmo.accounts.models import Membership, Organisation, OrganisationKind, User

pytestmark = pytest.mark.django_db


def test_add_user_creates_user_role_and_organisation():
    """`add_user EMAIL --password P --role ROLE --organisation NAME` creates the user with
    the role in that organisation, creating the organisation when missing."""
    call_command(
        "add_user",
        "Staff@Rostgmu.ru",
        "--password",
        "s3cret-pass-word",
        "--role",
        "organisation_staff",
        "--organisation",
        "РостГМУ",
    )
    user = User.objects.get(email="staff@rostgmu.ru")
    assert user.check_password("s3cret-pass-word")
    organisation = Organisation.objects.get(name="РостГМУ")
    assert organisation.kind == OrganisationKind.EDUCATIONAL
    assert Membership.objects.filter(
        user=user, role="organisation_staff", organisation=organisation
    ).exists()


def test_add_user_adds_a_role_to_an_existing_user():
    """Running it again for the same e-mail adds the role and keeps one user and one
    organisation."""
    call_command(
        "add_user",
        "p@example.ru",
        "--password",
        "pw-123456789",
        "--role",
        "provider",
        "--organisation",
        "Провайдер",
    )
    call_command(
        "add_user", "p@example.ru", "--role", "accreditation_expert", "--organisation", "Комиссия"
    )
    call_command("add_user", "p@example.ru", "--role", "provider", "--organisation", "Провайдер")
    user = User.objects.get(email="p@example.ru")
    assert user.check_password("pw-123456789")
    assert sorted(user.memberships.values_list("role", flat=True)) == [
        "accreditation_expert",
        "provider",
    ]
    assert Organisation.objects.filter(name="Провайдер").count() == 1
    assert (
        Organisation.objects.get(name="Комиссия").kind == OrganisationKind.ACCREDITATION_COMMISSION
    )


def test_admin_role_opens_the_directories_admin():
    """An administrator may maintain directories in Django admin."""
    call_command("add_user", "root@example.ru", "--password", "pw-123456789", "--role", "admin")
    user = User.objects.get(email="root@example.ru")
    assert user.is_staff
    assert user.is_superuser


def test_unknown_role_is_refused():
    """Only the five roles of the API contract are accepted."""
    with pytest.raises(CommandError):
        call_command("add_user", "x@example.ru", "--password", "pw", "--role", "rector")
    assert not User.objects.exists()


def test_new_user_needs_a_password():
    """A new account without a password is refused with a clear message."""
    with pytest.raises(CommandError, match="нужен пароль"):
        call_command("add_user", "x@example.ru", "--role", "specialist")
