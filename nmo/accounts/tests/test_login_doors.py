"""Every door that checks a password is throttled the same way and a lock holds at every
door (issue 11, point 1; ADR 0021): the login form, POST /api/v1/auth/token, Django
admin's login, and the password-reset link. Every login outcome is in the audit log.

The limit is the production one (THROTTLE_LOGIN_FAILURES = 10 per account at an
address)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
LOCKED = "Слишком много неудачных попыток входа"


@pytest.fixture(autouse=True)
def _fresh_throttle():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def form_login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": email, "password": password})


def token_login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(
        TOKEN, {"email": email, "password": password}, content_type="application/json"
    )


def admin_login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(ADMIN_LOGIN, {"username": email, "password": password})


def test_login_form_stops_the_eleventh_try_even_with_the_right_password(specialist, password):
    client = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(10):
        page = form_login(client, specialist.email, "wrong-password")
        assert "Неверный адрес электронной почты или пароль." in page.content.decode()
    refused = form_login(client, specialist.email, password)
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_token_endpoint_stops_the_eleventh_try_with_retry_after(specialist, password):
    client = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(10):
        assert token_login(client, specialist.email, "wrong-password").status_code == 401
    refused = token_login(client, specialist.email, password)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert LOCKED in refused.json()["detail"]


def test_admin_login_is_throttled_and_a_lock_from_the_app_holds_there(admin_user, password):
    """The issue's probe: wrong passwords at /admin/login/ were all checked, then the right
    one opened the admin. Now the eleventh try is refused, the right password included,
    whichever door the ten wrong ones came through."""
    client = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(5):
        page = admin_login(client, admin_user.email, "wrong-password")
        assert "Неверный адрес электронной почты или пароль" in page.content.decode()
    for _ in range(5):
        form_login(client, admin_user.email, "wrong-password")
    refused = admin_login(client, admin_user.email, password)
    assert LOCKED in refused.content.decode()
    assert client.get("/admin/").status_code == 302  # still the admin's login
    assert token_login(client, admin_user.email, password).status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_administrator_signs_in_to_the_admin_and_it_is_audited(admin_user, password):
    client = Client(REMOTE_ADDR=ADDRESS)
    page = client.get(ADMIN_LOGIN)
    assert page.status_code == 200
    assert "Электронная почта" in page.content.decode()
    response = admin_login(client, admin_user.email, password)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.get(action="account.admin_login")
    assert entry.actor_id == admin_user.pk
    assert entry.ip == ADDRESS


def test_the_admin_refuses_a_right_password_of_someone_who_is_not_an_administrator(
    specialist, password
):
    client = Client(REMOTE_ADDR=ADDRESS)
    page = admin_login(client, specialist.email, password)
    assert page.status_code == 200
    assert "не администратора" in page.content.decode()
    assert "_auth_user_id" not in client.session
    failure = AuditEntry.objects.get(action="account.login_failed")
    assert failure.changes == {"door": "admin", "reason": "not_admin"}
    # Signed in through the app, they still find no admin: 404, the app's page.
    assert Client(REMOTE_ADDR=ADDRESS).login(username=specialist.email, password=password)
    client.force_login(specialist)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404


@override_settings(ADMIN_ALLOWED_NETWORKS=["10.20.0.0/16"])
def test_admin_answers_only_from_the_configured_networks(admin_user, password):
    outside = Client(REMOTE_ADDR=ADDRESS)
    assert outside.get("/admin/login/").status_code == 404
    assert admin_login(outside, admin_user.email, password).status_code == 404
    outside.force_login(admin_user)
    assert outside.get("/admin/").status_code == 404
    inside = Client(REMOTE_ADDR="10.20.3.4")
    assert admin_login(inside, admin_user.email, password).status_code == 302
    assert inside.get("/admin/").status_code == 200


def _reset_link(user) -> str:  # type: ignore[no-untyped-def]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"


def test_reset_link_guessing_is_throttled_per_account(specialist):
    """Ten links that do not check for one account from one address: the eleventh is
    refused with 429 and the time to retry, a genuine link included."""
    client = Client(REMOTE_ADDR=ADDRESS)
    uid = urlsafe_base64_encode(force_bytes(specialist.pk))
    for i in range(10):
        page = client.get(f"/accounts/reset/{uid}/bad-token-{i}/")
        assert "Ссылка недействительна" in page.content.decode()
    refused = client.get(_reset_link(specialist))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "недействительную ссылку для смены пароля" in refused.content.decode()
    assert AuditEntry.objects.filter(action="account.reset_link_throttled").count() == 1
    # Elsewhere the owner's genuine link still works.
    assert Client(REMOTE_ADDR="198.51.100.9").get(_reset_link(specialist)).status_code == 302


def test_a_locked_login_does_not_bar_the_owners_reset_link_and_the_new_password_opens(
    specialist,
):
    client = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(10):
        form_login(client, specialist.email, "wrong-password")
    form = client.get(_reset_link(specialist), follow=True)
    assert form.status_code == 200
    new = "Новый-пароль-для-входа-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    signed_in = form_login(client, specialist.email, new)
    assert signed_in.status_code == 302


def test_logins_are_audited_without_the_password(specialist, password):
    client = Client(REMOTE_ADDR=ADDRESS)
    form_login(client, specialist.email, "my-secret-guess")
    form_login(client, "nobody@example.ru", "another-secret")
    token_login(Client(REMOTE_ADDR=ADDRESS), specialist.email, password)
    form_login(client, specialist.email, password)
    failures = list(AuditEntry.objects.filter(action="account.login_failed").order_by("id"))
    assert [f.object_id for f in failures] == [str(specialist.pk), ""]
    assert failures[1].object_repr.startswith("неизвестная учётная запись")
    assert "nobody@example.ru" not in failures[1].object_repr
    logins = AuditEntry.objects.filter(action="account.login").order_by("id")
    assert [e.changes["door"] for e in logins] == ["api", "form"]
    for entry in AuditEntry.objects.all():
        text = f"{entry.changes} {entry.object_repr}"
        assert "secret" not in text
        assert password not in text
    client = Client(REMOTE_ADDR=ADDRESS)  # the one above is signed in now
    for _ in range(10):  # the success above cleared the earlier slip
        form_login(client, specialist.email, "wrong-password")
    form_login(client, specialist.email, password)
    throttled = AuditEntry.objects.get(action="account.login_throttled")
    assert throttled.object_id == str(specialist.pk)
    assert throttled.changes["door"] == "form"
