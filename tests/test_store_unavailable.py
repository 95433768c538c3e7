"""Redis unreachable (issue 11, point 8; ADR 0021): the doors that need the throttle's
counters — the login form, the token endpoint, Django admin's login, the code activation
(page and API) — refuse with a Russian 503 and Retry-After (fail closed: nothing is
credited) and audit the refusal; pages that do not need the cache keep working. The cache
is pointed at a closed port, as production's Redis would be when it is down.

An activation needs the counters only for a specialist whose account shows a failure
within the throttle's window (ADR 0612): a specialist without one is admitted without
them, and their first failure is marked on the account before it is counted, so from
then on the door is closed to them as to everyone while Redis is down."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import timezone

from nmo.accounts.models import User
from nmo.accounts.services import issue_token_for_user
from nmo.codes.models import ConfirmationCode
from nmo.codes.tests.factories import accredited_event, issued_codes
from nmo.core.models import AuditEntry
from nmo.cycles.models import CreditEntry

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


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_activation_answers_503_on_the_page_and_in_the_api(specialist):
    """The page's wrong code cannot be counted: 503, and the account is marked; the API's
    next attempt then needs the counters and is refused before anything is done."""
    raw = issue_token_for_user(actor=specialist, name="test").raw  # before the outage
    client = Client()
    client.force_login(specialist)
    with override_settings(CACHES=DOWN, THROTTLE_UNAVAILABLE_RETRY_SECONDS=60):
        assert_refused_503(client.post("/codes/activate/", {"code": "ABCD-EFGH-JKLM"}))
        assert User.objects.get(pk=specialist.pk).failed_activation_at is not None
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


def _post_code(client: Client, raw: str, value: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/codes/activate",
        {"code": value},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_a_specialist_without_failures_activates_while_redis_is_down(specialist, provider):
    """ADR 0612: no failure on the account within the window — nothing the counters hold
    can refuse them, so the correct code is credited without Redis. Their first failure is
    marked and answered 503 (it cannot be counted); after it even a correct code waits
    for Redis, as ADR 0021 has it."""
    event = accredited_event(submitted_by=provider)
    first, second = issued_codes(provider, event, 2)
    other = issued_codes(provider, accredited_event(submitted_by=provider, title="Другое"), 1)[0]
    raw = issue_token_for_user(actor=specialist, name="test").raw
    client = Client()
    with override_settings(CACHES=DOWN, THROTTLE_UNAVAILABLE_RETRY_SECONDS=60):
        answer = _post_code(client, raw, first.value)
        assert answer.status_code == 200, answer.content
        assert CreditEntry.objects.filter(specialist=specialist, activity=event).count() == 1
        assert_refused_503(_post_code(client, raw, "ABCD-EFGH-JKLM"), api=True)
        marked = User.objects.get(pk=specialist.pk).failed_activation_at
        assert marked is not None
        assert_refused_503(_post_code(client, raw, other.value), api=True)
    assert ConfirmationCode.objects.get(pk=other.pk).activated_at is None
    assert ConfirmationCode.objects.get(pk=second.pk).activated_at is None


@pytest.mark.django_db(transaction=True)
def test_a_failure_older_than_the_window_no_longer_needs_the_counters(specialist, provider):
    """The mark counts only within THROTTLE_WINDOW_SECONDS (and a minute for clocks):
    every counter a failure started has expired by then."""
    event = accredited_event(submitted_by=provider)
    code = issued_codes(provider, event, 1)[0]
    raw = issue_token_for_user(actor=specialist, name="test").raw
    client = Client()
    with override_settings(
        CACHES=DOWN, THROTTLE_UNAVAILABLE_RETRY_SECONDS=60, THROTTLE_WINDOW_SECONDS=600
    ):
        recent = timezone.now() - dt.timedelta(seconds=600)  # within window + a minute
        User.objects.filter(pk=specialist.pk).update(failed_activation_at=recent)
        assert_refused_503(_post_code(client, raw, code.value), api=True)
        old = timezone.now() - dt.timedelta(seconds=600 + 61)
        User.objects.filter(pk=specialist.pk).update(failed_activation_at=old)
        assert _post_code(client, raw, code.value).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "limits",
    [{"THROTTLE_ADDRESS_ALLOWANCE": 0}, {"THROTTLE_ACTIVATION_FAILURES": 0}],
    ids=["no-allowance-at-a-busy-address", "no-failures-allowed"],
)
def test_limits_that_refuse_without_own_failures_always_read_the_counters(
    specialist, provider, limits
):
    """With no allowance at a busy address (or no failures allowed at all) a specialist
    without failures may still be refused, so the counters are read: 503 while Redis is
    down, nothing credited."""
    code = issued_codes(provider, accredited_event(submitted_by=provider), 1)[0]
    raw = issue_token_for_user(actor=specialist, name="test").raw
    with override_settings(CACHES=DOWN, THROTTLE_UNAVAILABLE_RETRY_SECONDS=60, **limits):
        assert_refused_503(_post_code(Client(), raw, code.value), api=True)
    assert ConfirmationCode.objects.get(pk=code.pk).activated_at is None


def test_inside_a_callers_transaction_the_counters_are_always_read(specialist, provider):
    """This test runs inside a transaction (pytest-django's): a mark made there could roll
    back while Redis kept the count, so a clean specialist is not admitted without the
    counters (ADR 0612) — 503 while Redis is down, nothing credited."""
    from nmo.codes.services import activate_code
    from nmo.core.exceptions import ServiceUnavailable

    code = issued_codes(provider, accredited_event(submitted_by=provider), 1)[0]
    with override_settings(CACHES=DOWN), pytest.raises(ServiceUnavailable):
        activate_code(specialist=specialist, typed_code=code.value, ip="198.51.100.7")
    assert ConfirmationCode.objects.get(pk=code.pk).activated_at is None
