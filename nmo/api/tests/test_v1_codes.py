"""API v1: confirmation codes (api.md: Confirmation codes)."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils.dateparse import parse_datetime

from nmo.api.v1.codes import ActivationOut
from nmo.codes.models import ConfirmationCode
from nmo.codes.rules import MAX_CODES_PER_ISSUE, is_valid_code
from nmo.codes.tests.factories import accredited_event, make_specialist, provider_staff
from nmo.cycles.models import CreditEntry

pytestmark = pytest.mark.django_db

NOT_ACTIVATED = {
    "detail": "Код не был активирован. Возможно код неверен или уже был активирован ранее",
    "code": "code_not_activated",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def event(provider):
    return accredited_event(submitted_by=provider)


def post(client, path, body, headers):
    return client.post(path, body, content_type="application/json", **headers)


def issue(api_client, headers, activity_id, count):
    return post(api_client, f"/api/v1/activities/{activity_id}/codes", {"count": count}, headers)


@pytest.mark.clause("faq-certificate", "faq-ikp-format")
def test_provider_issues_codes(api_client, token_for, provider, event):
    """201 with exactly {"codes": [...]}, each XXXX-XXXXXXXX."""
    response = issue(api_client, token_for(provider), event.pk, 5)
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["codes"]
    assert len(body["codes"]) == 5
    assert all(is_valid_code(v) for v in body["codes"])
    assert ConfirmationCode.objects.filter(activity=event).count() == 5


@pytest.mark.parametrize("count", [0, MAX_CODES_PER_ISSUE + 1, "many"])
def test_count_outside_the_limit_is_422(api_client, token_for, provider, event, count):
    response = issue(api_client, token_for(provider), event.pk, count)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "count" in response.json()["errors"]


@pytest.mark.clause("faq-module-auto", "faq-only-listed")
@pytest.mark.parametrize(("kind", "status"), [("module", "accredited"), ("event", "submitted")])
def test_not_an_accredited_event_is_409(api_client, token_for, provider, kind, status):
    activity = accredited_event(submitted_by=provider, kind=kind, status=status)
    response = issue(api_client, token_for(provider), activity.pk, 1)
    assert response.status_code == 409
    assert response.json()["code"] == "activity_not_accredited_event"


@pytest.mark.clause("faq-ikp-activation")
def test_specialist_activates_a_code(api_client, token_for, provider, specialist, event):
    """200 {"activity": {"id", "title", "kind"}, "credits", "activated_at"} for a code as
    typed; the credits are in the ledger."""
    value = issue(api_client, token_for(provider), event.pk, 1).json()["codes"][0]
    typed = value.lower().replace("0", "o").replace("-", " ")
    response = post(api_client, "/api/v1/codes/activate", {"code": typed}, token_for(specialist))
    assert response.status_code == 200
    body = response.json()
    assert body["activity"] == {"id": event.pk, "title": event.title, "kind": "event"}
    assert body["credits"] == 6
    assert list(body) == ["activity", "credits", "activated_at"]
    # Rendered without ninja's validation (ADR 0612): still the schema's shape, the API's
    # content type and the moment the code row holds.
    assert response["Content-Type"] == "application/json; charset=utf-8"
    ActivationOut.model_validate(body)
    code = ConfirmationCode.objects.get(value=value)
    stored = code.activated_at
    assert stored is not None
    # To the millisecond, as the API's JSON encoder writes every time.
    assert parse_datetime(body["activated_at"]) == stored.replace(
        microsecond=stored.microsecond // 1000 * 1000
    )
    assert CreditEntry.objects.filter(specialist=specialist, activity=event).count() == 1


@pytest.mark.clause("faq-ikp-error")
def test_unknown_and_someone_elses_codes_are_the_same_409(
    api_client, token_for, provider, specialist, event
):
    """Exactly {"detail": <faq message>, "code": "code_not_activated"}."""
    colleague = make_specialist("colleague@example.ru")
    value = issue(api_client, token_for(provider), event.pk, 1).json()["codes"][0]
    post(api_client, "/api/v1/codes/activate", {"code": value}, token_for(colleague))
    headers = token_for(specialist)
    for typed in (value, "AAAA-AAAA0000", "garbage"):
        response = post(api_client, "/api/v1/codes/activate", {"code": typed}, headers)
        assert response.status_code == 409
        assert response.json() == NOT_ACTIVATED


@pytest.mark.clause("faq-ikp-error")
def test_own_code_again_is_a_distinct_409(api_client, token_for, provider, specialist, event):
    value = issue(api_client, token_for(provider), event.pk, 1).json()["codes"][0]
    headers = token_for(specialist)
    post(api_client, "/api/v1/codes/activate", {"code": value}, headers)
    response = post(api_client, "/api/v1/codes/activate", {"code": value}, headers)
    assert response.status_code == 409
    assert response.json()["code"] == "code_already_yours"


@override_settings(THROTTLE_ACTIVATION_FAILURES=2)
def test_guessing_gets_429_with_retry_after(api_client, token_for, provider, specialist, event):
    value = issue(api_client, token_for(provider), event.pk, 1).json()["codes"][0]
    headers = token_for(specialist)
    for typed in ("AAAA-AAAA0001", "AAAA-AAAA0002"):
        post(api_client, "/api/v1/codes/activate", {"code": typed}, headers)
    response = post(api_client, "/api/v1/codes/activate", {"code": value}, headers)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_missing_or_oversized_code_is_422(api_client, token_for, specialist):
    headers = token_for(specialist)
    assert post(api_client, "/api/v1/codes/activate", {}, headers).status_code == 422
    response = post(api_client, "/api/v1/codes/activate", {"code": "A" * 201}, headers)
    assert response.status_code == 422


@pytest.mark.clause("faq-cert-from-provider", "faq-ikp-activation")
def test_it_checks_access(api_client, token_for, provider, specialist, event):
    """No token: 401. Codes are issued by the event's provider only (a specialist 403,
    another provider 404, an unknown activity 404); codes are activated by specialists
    only (403)."""
    assert issue(api_client, {}, event.pk, 1).status_code == 401
    assert post(api_client, "/api/v1/codes/activate", {"code": "x"}, {}).status_code == 401
    response = issue(api_client, token_for(specialist), event.pk, 1)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    stranger = provider_staff("stranger@example.ru", "Ассоциация неврологов")
    response = issue(api_client, token_for(stranger), event.pk, 1)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert issue(api_client, token_for(provider), 999_999, 1).status_code == 404
    response = post(api_client, "/api/v1/codes/activate", {"code": "x"}, token_for(provider))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not ConfirmationCode.objects.exists()
