"""Redis unreachable (issue 11, point 8; ADR 0021): the doors that need the throttle's
counters — the login form, the token endpoint, Django admin's login, the code activation
(page and API) — refuse with a Russian 503 and Retry-After (fail closed: nothing is
checked, nothing credited) and audit the refusal; pages that do not need the cache keep
working. The cache is pointed at a closed port, as production's Redis would be when it is
down."""

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from nmo.accounts.services import issue_token_for_user
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
}
MESSAGE = "Служба учёта попыток временно не отвечает"


@pytest.fixture
def redis_down():  # type: ignore[no-untyped-def]
    with override_settings(CACHES=DOWN, THROTTLE_UNAVAILABLE_RETRY_SECONDS=60):
        assert type(caches["default"]).__name__ == "RedisCache"
        yield


def assert_refused_503(response, *, api: bool = False) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    text = response.json()["detail"] if api else response.content.decode()
    assert MESSAGE in text
    assert "через 1 минуту" in text


def test_login_form_token_endpoint_and_admin_answer_503(redis_down, admin_user, password):
    client = Client()
    assert_refused_503(
        client.post("/accounts/login/", {"username": admin_user.email, "password": password})
    )
    assert "_auth_user_id" not in client.session
    assert_refused_503(
        client.post(
            "/api/v1/auth/token",
            {"email": admin_user.email, "password": password},
            content_type="application/json",
        ),
        api=True,
    )
    assert_refused_503(
        client.post("/admin/login/", {"username": admin_user.email, "password": password})
    )
    assert "_auth_user_id" not in client.session
    refusals = AuditEntry.objects.filter(action="throttle.unavailable")
    assert [e.changes["scope"] for e in refusals] == ["login"] * 3


def test_activation_answers_503_on_the_page_and_in_the_api(specialist):
    raw = issue_token_for_user(actor=specialist, name="test").raw  # before the outage
    client = Client()
    client.force_login(specialist)
    with override_settings(CACHES=DOWN, THROTTLE_UNAVAILABLE_RETRY_SECONDS=60):
        assert_refused_503(client.post("/codes/activate/", {"code": "ABCD-EFGH-JKLM"}))
        assert_refused_503(
            client.post(
                "/api/v1/codes/activate",
                {"code": "ABCD-EFGH-JKLM"},
                content_type="application/json",
                headers={"Authorization": f"Bearer {raw}"},
            ),
            api=True,
        )
    entries = AuditEntry.objects.filter(action="throttle.unavailable")
    assert [(e.changes["scope"], e.actor_id) for e in entries] == [
        ("activation", specialist.pk)
    ] * 2


def test_pages_that_do_not_need_the_cache_keep_working(specialist, redis_down):
    anonymous = Client()
    for page in ("/", "/catalogue/", "/accounts/login/"):
        assert anonymous.get(page).status_code == 200, page
    client = Client()
    client.force_login(specialist)  # sessions live in the database, not in the cache
    for page in ("/cabinet/", "/calendar/", "/accounts/profile/", "/codes/activate/"):
        assert client.get(page).status_code == 200, page
