import pytest
from django.core.cache import cache
from django.test import override_settings

from nmo.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db

FORM = {
    "last_name": "Петров",
    "first_name": "Пётр",
    "middle_name": "",
    "email": "petrov@example.ru",
    "snils": "112 233 445 95",
    "password": "correct-horse-battery-staple",
    "personal_data_consent": "on",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.mark.clause("npc-1.2")
def test_registration_page_creates_account_and_logs_in(client):
    """The form registers a specialist with the consent and opens their profile."""
    response = client.post("/accounts/register/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    profile = client.get("/accounts/profile/").content.decode()
    assert "Петров Пётр" in profile
    assert "112-233-445 95" in profile
    assert User.objects.get().personal_data_consent_at is not None


def test_registration_page_shows_every_error_and_keeps_input(client):
    """Errors come back in Russian next to their fields, and what was typed stays."""
    response = client.post(
        "/accounts/register/", {**FORM, "snils": "112-233-445 96", "personal_data_consent": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "не сходится контрольное число" in html
    assert "Без согласия на обработку персональных данных" in html
    assert 'value="petrov@example.ru"' in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists()


@override_settings(THROTTLE_LOGIN_FAILURES=3)
def test_login_page_is_throttled(client, specialist, password):
    """After repeated wrong passwords the login form refuses even the right one for a while."""
    for _ in range(3):
        wrong = client.post("/accounts/login/", {"username": specialist.email, "password": "x"})
        assert "Неверный адрес электронной почты или пароль." in wrong.content.decode()
    blocked = client.post("/accounts/login/", {"username": specialist.email, "password": password})
    assert blocked.status_code == 200
    assert "Слишком много неудачных попыток входа" in blocked.content.decode()
    assert "Повторите попытку через 15 минут." in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_and_logout(client, specialist, password):
    """A person logs in by e-mail and logs out with the header button."""
    response = client.post(
        "/accounts/login/", {"username": "IVANOVA@example.ru", "password": password}
    )
    assert response.status_code == 302
    assert "Иванова М.П." in client.get("/").content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert "Войти" in client.get("/").content.decode()


def test_profile_issues_a_token_once_and_revokes_it(client, specialist):
    """The token is shown once after creation, then only its prefix; revoking stops it."""
    client.force_login(specialist)
    client.post("/accounts/profile/tokens/", {"name": "Платформа модулей"})
    first = client.get("/accounts/profile/").content.decode()
    token = ApiToken.objects.get(user=specialist)
    raw = first.split('class="token-box" aria-live="polite">')[1].split("<")[0].strip()
    assert raw.startswith(token.prefix)
    second = client.get("/accounts/profile/").content.decode()
    assert raw not in second
    api = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_it_checks_access(client, specialist, admin_user):
    """The profile needs a login; another user's token is 404 to revoke."""
    assert client.get("/accounts/profile/").status_code == 302
    client.force_login(admin_user)
    client.post("/accounts/profile/tokens/", {"name": "t"})
    token = ApiToken.objects.get(user=admin_user)
    client.force_login(specialist)
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_errors_from_the_service_are_tied_to_their_field(client):
    """A weak password is refused by the service after the form validated; its message is
    still tied to the field for screen readers."""
    response = client.post("/accounts/register/", {**FORM, "password": "12345"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Введённый пароль слишком короткий" in html
    password_input = html.split('name="password"')[1].split(">")[0]
    assert 'aria-invalid="true"' in password_input
    assert "id_password_error" in password_input
