"""API tokens expire when idle and die with a password change or reset (issue 11,
point 9; ADR 0022)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from nmo.accounts.models import ApiToken
from nmo.accounts.selectors import user_for_token
from nmo.accounts.services import add_user, issue_token
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW = "Новый-пароль-2026!"


def _me(api_client, raw):
    return api_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def _age(token_id, *, days, used=True):
    then = timezone.now() - timedelta(days=days)
    fields = {"last_used_at": then} if used else {"last_used_at": None, "created_at": then}
    ApiToken.objects.filter(pk=token_id).update(**fields)


@override_settings(API_TOKEN_IDLE_DAYS=7)
def test_a_token_unused_for_the_idle_time_is_refused_with_401(api_client, specialist, password):
    """A token used 6 days ago works (and its use is recorded); one unused for 7 days, or
    issued 7 days ago and never used, is answered 401 in the API's error format."""
    fresh = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    idle = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    never = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    _age(fresh.id, days=6)
    _age(idle.id, days=7)
    _age(never.id, days=7, used=False)
    assert _me(api_client, fresh.raw).status_code == 200
    assert ApiToken.objects.get(pk=fresh.id).last_used_at > timezone.now() - timedelta(minutes=1)
    for raw in (idle.raw, never.raw):
        response = _me(api_client, raw)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response.json()["detail"]


def test_the_last_use_is_written_at_most_once_an_hour(
    specialist, password, django_assert_num_queries
):
    """A token used within the hour is not written again (one read per request); used more
    than an hour ago, the use is recorded."""
    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    user_for_token(issued.raw)
    with django_assert_num_queries(1):
        user_for_token(issued.raw)
    ApiToken.objects.filter(pk=issued.id).update(
        last_used_at=timezone.now() - timedelta(minutes=61)
    )
    with django_assert_num_queries(2):
        user_for_token(issued.raw)


@override_settings(API_TOKEN_IDLE_DAYS=7)
def test_the_profile_shows_an_expired_token(client, specialist, password):
    """The profile page says a token expired and why, and how long tokens live."""
    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    _age(issued.id, days=8)
    client.force_login(specialist)
    html = client.get("/accounts/profile/").content.decode()
    assert "не использовался 7 дней" in html
    assert "Токен, которым не пользовались 7 дней, перестаёт действовать" in html


def test_a_password_reset_revokes_every_token_and_is_audited(
    api_client, specialist, password, django_capture_on_commit_callbacks
):
    """After the reset link sets a new password, every token of the account answers 401;
    the reset and the revocation are in the audit log."""
    tokens = [issue_token(email=specialist.email, password=password, ip="10.0.0.1") for _ in "ab"]
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": specialist.email})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form = client.get(urlsplit(link).path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert done.status_code == 200
    for token in tokens:
        assert _me(api_client, token.raw).status_code == 401
    reset = AuditEntry.objects.get(action="account.password_reset")
    assert reset.object_id == str(specialist.pk)
    assert AuditEntry.objects.get(action="token.revoke_all").changes["tokens_revoked"] == 2
    assert AuditEntry.objects.filter(action="account.password_reset_request").exists()


def test_a_password_set_by_an_administrator_revokes_the_tokens(
    api_client, specialist, admin_user, password
):
    """An administrator giving an account a new password is a password change: its tokens
    stop working, and the change is audited with the administrator as actor."""
    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    add_user(email=specialist.email, password=NEW, role="specialist", actor=admin_user)
    assert _me(api_client, issued.raw).status_code == 401
    change = AuditEntry.objects.get(action="account.password_change")
    assert change.actor_id == admin_user.pk
    assert change.changes["tokens_revoked"] == 1


def test_saving_an_account_without_a_new_password_keeps_the_tokens(specialist, password):
    """Only a new password revokes: other changes of the account (and Django's re-hash of
    a password at login, which saves it unchanged) keep the tokens."""
    issued = issue_token(email=specialist.email, password=password, ip="10.0.0.1")
    specialist.phone = "+7 900 000-00-00"
    specialist.save()
    assert user_for_token(issued.raw) == specialist
