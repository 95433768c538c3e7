import pytest
from django.core.cache import cache
from django.test import override_settings

from nmo.accounts.models import User

REFUSED = (
    "Регистрация с этими данными невозможна. Если у вас уже есть учётная запись, "
    "восстановите пароль."
)

pytestmark = pytest.mark.django_db

ACCOUNT = {
    "email": "sidorov@example.ru",
    "password": "correct-horse-battery-staple",
    "last_name": "Сидоров",
    "first_name": "Семён",
    "middle_name": "",
    "snils": "112-233-445 95",
    "personal_data_consent": True,
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def post(client, path, body, **extra):
    return client.post(path, body, content_type="application/json", **extra)


def test_token_for_right_credentials(api_client, specialist, password):
    """POST /auth/token answers 200 {"token"} for the right e-mail and password."""
    response = post(
        api_client, "/api/v1/auth/token", {"email": specialist.email, "password": password}
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}


def test_token_refused_for_wrong_credentials(api_client, specialist):
    """401 with the error format for a wrong password."""
    response = post(api_client, "/api/v1/auth/token", {"email": specialist.email, "password": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["detail"] == "Неверный адрес электронной почты или пароль."


@override_settings(THROTTLE_LOGIN_FAILURES=2)
def test_token_guessing_gets_429_with_retry_after(api_client, specialist):
    """Repeated failures are answered 429 with Retry-After."""
    for _ in range(2):
        post(api_client, "/api/v1/auth/token", {"email": specialist.email, "password": "x"})
    response = post(api_client, "/api/v1/auth/token", {"email": specialist.email, "password": "x"})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_bearer_token_authenticates_and_can_be_revoked(api_client, specialist, token_for):
    """A request with the token acts as its user; after DELETE /auth/token it gets 401."""
    headers = token_for(specialist)
    me = api_client.get("/api/v1/auth/me", **headers)
    assert me.status_code == 200
    assert me.json()["email"] == specialist.email
    assert me.json()["roles"] == ["specialist"]
    assert api_client.delete("/api/v1/auth/token", **headers).status_code == 204
    after = api_client.get("/api/v1/auth/me", **headers)
    assert after.status_code == 401
    assert after.json()["code"] == "not_authenticated"


def test_missing_or_garbage_token_is_401(api_client):
    """No token or an unknown one: 401 in the error format."""
    assert api_client.get("/api/v1/auth/me").status_code == 401
    response = api_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.clause("npc-1.2")
def test_public_registration_creates_a_specialist(api_client):
    """POST /accounts → 201 {"id", "email"} and the consent is recorded."""
    response = post(api_client, "/api/v1/accounts", ACCOUNT)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email"}
    user = User.objects.get(pk=body["id"])
    assert user.snils == "11223344595"
    assert user.personal_data_consent_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"snils": "112-233-445 96"}, "snils"),
        ({"personal_data_consent": False}, "personal_data_consent"),
        ({"password": "qwerty"}, "password"),
        ({"email": "broken"}, "email"),
    ],
)
def test_registration_refusals_are_422_with_field_errors(api_client, change, field):
    """A bad SNILS checksum, a missing consent, a weak password, a bad e-mail: 422 with
    errors naming the field."""
    response = post(api_client, "/api/v1/accounts", {**ACCOUNT, **change})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "registration_invalid"
    assert field in body["errors"]
    assert not User.objects.exists()


def test_registration_with_taken_email_is_422(api_client):
    """The same e-mail cannot register twice."""
    assert post(api_client, "/api/v1/accounts", ACCOUNT).status_code == 201
    again = post(api_client, "/api/v1/accounts", {**ACCOUNT, "snils": "123-456-789 64"})
    assert again.status_code == 422
    assert again.json() == {
        "detail": REFUSED,
        "code": "registration_invalid",
        "errors": {"__all__": [REFUSED]},
    }


def test_registration_with_taken_snils_is_422_naming_nothing(api_client):
    """A taken SNILS gets the same answer as a taken e-mail: it names neither (ADR 0022)."""
    assert post(api_client, "/api/v1/accounts", ACCOUNT).status_code == 201
    again = post(api_client, "/api/v1/accounts", {**ACCOUNT, "email": "other@example.ru"})
    assert again.status_code == 422
    assert again.json()["detail"] == REFUSED
    assert "СНИЛС" not in again.content.decode()


@override_settings(THROTTLE_REGISTRATION_FAILURES=2)
def test_registration_refused_for_taken_data_is_throttled_with_429(api_client):
    """After two refusals for taken data from one address, even a free registration from
    it waits: 429 with Retry-After and the Russian message."""
    assert post(api_client, "/api/v1/accounts", ACCOUNT).status_code == 201
    for n in range(2):
        taken = {**ACCOUNT, "email": f"probe{n}@example.ru"}
        assert post(api_client, "/api/v1/accounts", taken).status_code == 422
    free = {**ACCOUNT, "email": "new@example.ru", "snils": "123-456-789 64"}
    refused = post(api_client, "/api/v1/accounts", free)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert "Слишком много неудачных попыток регистрации" in refused.json()["detail"]
    assert 3500 < int(refused["Retry-After"]) <= 3600
    elsewhere = post(api_client, "/api/v1/accounts", free, REMOTE_ADDR="10.1.1.1")
    assert elsewhere.status_code == 201
