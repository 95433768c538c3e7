"""An organisation setting itself up, under real concurrency on PostgreSQL (ADR 0015): two
administrators taking each other's role at once leave the organisation one administrator;
one invitation link opened twice at once makes one account."""

from typing import Any

import pytest
from django.db import connection

from nmo.accounts.exceptions import InvitationInvalid
from nmo.accounts.models import Membership, Organisation, OrganisationKind, User
from nmo.accounts.selectors import invitation_token
from nmo.accounts.services import (
    Acceptance,
    accept_invitation,
    invite_to_organisation,
    remove_role_in_organisation,
)
from nmo.core.exceptions import Conflict
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

PASSWORD = "a-Long-and-fresh-pass-42"


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def errors_of(results: list[tuple[str, Any]]) -> list[type]:
    return [type(value) for outcome, value in results if outcome == "error"]


def two_administrators() -> tuple[Organisation, list[User], list[Membership]]:
    organisation = Organisation.objects.create(
        name="Центр гонок", kind=OrganisationKind.EDUCATIONAL
    )
    admins = [
        User.objects.create_user(f"admin{i}@race.example.ru", PASSWORD, last_name=f"А{i}")
        for i in range(2)
    ]
    memberships = [
        Membership.objects.create(user=u, role="organisation_admin", organisation=organisation)
        for u in admins
    ]
    return organisation, admins, memberships


def test_two_administrators_removing_each_other_leave_one():
    """Each of two administrators takes the other's role at the same moment: one wins, the
    other is refused, and the organisation keeps exactly one administrator."""
    organisation, admins, memberships = two_administrators()
    results = race(
        2,
        lambda i: remove_role_in_organisation(
            actor=admins[i], organisation=organisation, membership_id=memberships[1 - i].pk
        ),
    )
    assert sorted(outcome for outcome, _ in results) == ["error", "ok"]
    assert errors_of(results) == [Conflict]
    left = Membership.objects.filter(organisation=organisation, role="organisation_admin")
    assert left.count() == 1


def test_one_link_opened_twice_at_once_makes_one_account():
    """The same invitation accepted from two tabs at once: one account, one refusal."""
    organisation, admins, _ = two_administrators()
    invitation = invite_to_organisation(
        actor=admins[0],
        organisation=organisation,
        email="staff@race.example.ru",
        role="organisation_staff",
    )
    token = invitation_token(invitation)
    results = race(
        4,
        lambda i: accept_invitation(
            token=token,
            data=Acceptance(password=PASSWORD, last_name=f"Попова{i}", first_name="Елена"),
        ),
    )
    assert errors_of(results) == [InvitationInvalid] * 3
    assert User.objects.filter(email="staff@race.example.ru").count() == 1
    assert Membership.objects.filter(user__email="staff@race.example.ru").count() == 1
