import pytest
from django.core.cache import cache
from django.test import override_settings

from nmo.accounts.exceptions import InvalidCredentials
from nmo.accounts.models import ApiToken, hash_token
from nmo.accounts.selectors import user_for_token
from nmo.accounts.services import issue_token, revoke_token
from nmo.core.exceptions import NotFound, RateLimited
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_token_is_stored_only_as_a_hash(specialist, password):
    """The raw token is returned once; the database keeps its SHA-256 hash only."""
    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    row = ApiToken.objects.get(pk=issued.id)
    assert row.key_hash == hash_token(issued.raw)
    assert issued.raw not in {row.key_hash, row.prefix, row.name}
    assert user_for_token(issued.raw) == specialist
    assert AuditEntry.objects.filter(action="token.issue").exists()


def test_revoked_token_no_longer_authenticates(specialist, password):
    """After revocation the token is refused."""
    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    revoke_token(actor=specialist, token_id=issued.id)
    assert user_for_token(issued.raw) is None


def test_someone_elses_token_cannot_be_revoked(specialist, admin_user, password):
    """A user cannot revoke (or learn of) another user's token: it is not found."""
    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    with pytest.raises(NotFound):
        revoke_token(actor=admin_user, token_id=issued.id)
    assert user_for_token(issued.raw) == specialist


def test_wrong_password_is_refused(specialist):
    """One message for a wrong password and an unknown e-mail."""
    with pytest.raises(InvalidCredentials):
        issue_token(email=specialist.email, password="wrong", ip="10.0.0.1")
    with pytest.raises(InvalidCredentials):
        issue_token(email="nobody@example.ru", password="wrong", ip="10.0.0.1")


@override_settings(THROTTLE_LOGIN_FAILURES=3, THROTTLE_WINDOW_SECONDS=600)
def test_password_guessing_is_throttled_per_account_at_an_address(specialist, password):
    """After the allowed failures the account is locked at that address for the window,
    even with the right password; at another address it still opens."""
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            issue_token(email=specialist.email, password="guess", ip="10.0.0.1")
    with pytest.raises(RateLimited) as exc:
        issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    assert 0 < exc.value.retry_after <= 600
    assert "Повторите попытку через 10 минут." in exc.value.message
    assert issue_token(email=specialist.email, password=password, ip="10.0.0.2").raw


@override_settings(THROTTLE_LOGIN_ACCOUNT_FAILURES=3, THROTTLE_CEILING_WINDOW_SECONDS=3600)
def test_password_guessing_is_throttled_per_account_from_many_addresses(specialist, password):
    """Guesses spread over many addresses lock the account everywhere once they reach
    the account's ceiling, even with the right password."""
    for i in range(3):
        with pytest.raises(InvalidCredentials):
            issue_token(email=specialist.email, password="guess", ip=f"10.0.0.{i}")
    with pytest.raises(RateLimited) as exc:
        issue_token(email=specialist.email, password=password, ip="10.9.9.9")
    assert 3500 < exc.value.retry_after <= 3600


@override_settings(THROTTLE_ADDRESS_FAILURES=3)
def test_password_guessing_is_throttled_per_address(specialist, admin_user, password):
    """Past the address's ceiling, an account not known there gets a few tries of its own
    and then waits; its right password typed first still opens, and an account that
    signed in from the address before is never refused for others' failures."""
    issue_token(email=specialist.email, password=password, ip="10.0.0.7")
    for i in range(3):
        with pytest.raises(InvalidCredentials):
            issue_token(email=f"user{i}@example.ru", password="guess", ip="10.0.0.7")
    assert issue_token(email=admin_user.email, password=password, ip="10.0.0.7").raw
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            issue_token(email="stranger@example.ru", password="guess", ip="10.0.0.7")
    with pytest.raises(RateLimited) as exc:
        issue_token(email="stranger@example.ru", password="guess", ip="10.0.0.7")
    assert "с вашего адреса сети" in exc.value.message
    assert issue_token(email=specialist.email, password=password, ip="10.0.0.7").raw


def test_the_token_lookup_brings_the_roles(specialist, password, django_assert_num_queries):
    """One query finds the token's user and every role they hold, so the access check of
    an API request reads nothing more; a revoked role is gone at the next request."""
    from nmo.accounts.models import Membership, Role
    from nmo.accounts.selectors import has_role

    Membership.objects.create(user=specialist, role=Role.ACCREDITATION_EXPERT)
    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    user_for_token(issued.raw)  # the first use touches last_used_at
    with django_assert_num_queries(1):
        user = user_for_token(issued.raw)
        assert user == specialist
        assert has_role(user, Role.SPECIALIST)
        assert has_role(user, Role.ACCREDITATION_EXPERT)
        assert not has_role(user, Role.ADMIN)
    Membership.objects.filter(user=specialist, role=Role.ACCREDITATION_EXPERT).delete()
    assert not has_role(user_for_token(issued.raw), Role.ACCREDITATION_EXPERT)


def test_a_token_of_a_user_without_roles_still_authenticates(specialist, password):
    """The roles are joined, not required: a user with none is still found (and refused
    by each endpoint's own role check); a deactivated user's token is not."""
    from nmo.accounts.models import Membership
    from nmo.accounts.selectors import roles_of

    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    Membership.objects.filter(user=specialist).delete()
    user = user_for_token(issued.raw)
    assert user == specialist
    assert roles_of(user) == set()
    specialist.is_active = False
    specialist.save(update_fields=["is_active"])
    assert user_for_token(issued.raw) is None
