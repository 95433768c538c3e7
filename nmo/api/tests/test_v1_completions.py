"""API v1: e-module completions (api.md: E-module completions)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nmo.cycles.models import CreditEntry, ModuleCompletion
from nmo.cycles.tests import factories
from nmo.cycles.tests.factories import set_foreign_credits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))):
        yield


@pytest.fixture
def module(provider):
    return factories.module(credits=4)


def _report(api_client, module_id, body, headers):
    return api_client.post(
        f"/api/v1/activities/{module_id}/completions",
        body,
        content_type="application/json",
        **headers,
    )


@pytest.mark.clause("faq-module-auto", "faq-email-notice")
def test_first_report_is_201_repeat_is_200_with_one_entry(
    api_client, token_for, provider, specialist, module, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The first report answers 201 and credits the module; a repeat answers 200 with the
    same entry; one credit, one e-mail (faq-module-auto, faq-email-notice)."""
    headers = token_for(provider)
    body = {"snils": "112-233-445 95", "completed_at": "2026-06-01T10:15:00+03:00"}
    with django_capture_on_commit_callbacks(execute=True):
        first = _report(api_client, module.pk, body, headers)
    assert first.status_code == 201
    data = first.json()
    assert set(data) == {"id", "activity", "credits", "completed_at", "entry_id"}
    assert data["activity"] == {"id": module.pk, "title": module.title, "kind": "module"}
    assert data["credits"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        again = _report(
            api_client,
            module.pk,
            {"email": "ivanova@example.ru", "completed_at": "2026-06-02T10:15:00+03:00"},
            headers,
        )
    assert again.status_code == 200
    assert again.json() == data
    assert CreditEntry.objects.filter(specialist=specialist).count() == 1
    assert ModuleCompletion.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.clause("faq-only-listed")
def test_an_event_or_unaccredited_module_is_409(api_client, token_for, provider, specialist):
    headers = token_for(provider)
    body = {"snils": "11223344595", "completed_at": "2026-06-01T10:15:00+03:00"}
    for activity in (factories.event(), factories.module(status="submitted", credits=None)):
        response = _report(api_client, activity.pk, body, headers)
        assert response.status_code == 409
        assert response.json()["code"] == "module_not_in_catalogue"


@pytest.mark.clause("faq-foreign")
def test_a_foreign_module_is_409(api_client, token_for, provider, specialist, settings):
    set_foreign_credits(allowed=False)
    response = _report(
        api_client,
        factories.module(country="DE").pk,
        {"snils": "11223344595", "completed_at": "2026-06-01T10:15:00+03:00"},
        token_for(provider),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "foreign_credits_not_counted"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"snils": "999-999-999 99", "completed_at": "2026-06-01T10:00:00+03:00"}, 404,
         "specialist_not_found", None),
        ({"completed_at": "2026-06-01T10:00:00+03:00"}, 422, "completion_invalid", "snils"),
        ({"snils": "11223344595", "email": "ivanova@example.ru",
          "completed_at": "2026-06-01T10:00:00+03:00"}, 422, "completion_invalid", "email"),
        ({"snils": "11223344595", "completed_at": "2026-07-01T10:00:00+03:00"}, 422,
         "completion_invalid", "completed_at"),
        ({"snils": "11223344595", "completed_at": "2026-06-01T10:00:00"}, 422,
         "completion_invalid", "completed_at"),
        ({"snils": "11223344595", "completed_at": "вчера"}, 422, "validation_error",
         "completed_at"),
        ({"snils": "1" * 21, "completed_at": "2026-06-01T10:00:00+03:00"}, 422,
         "validation_error", "snils"),
    ],
)  # fmt: skip
def test_bad_reports_are_refused(
    api_client, token_for, provider, specialist, module, body, status, code, field
):
    response = _report(api_client, module.pk, body, token_for(provider))
    assert response.status_code == status
    assert response.json()["code"] == code
    if field:
        assert field in response.json()["errors"]
    assert not CreditEntry.objects.exists()


def test_it_checks_access(api_client, token_for, provider, specialist, module):
    """No token: 401; a specialist: 403; another provider's module or a missing one:
    404, the same."""
    from nmo.accounts.services import add_user

    body = {"snils": "11223344595", "completed_at": "2026-06-01T10:15:00+03:00"}
    assert _report(api_client, module.pk, body, {}).status_code == 401
    forbidden = _report(api_client, module.pk, body, token_for(specialist))
    assert forbidden.status_code == 403
    stranger = add_user(
        email="other-provider@example.ru",
        password="pw-1234567890",
        role="provider",
        organisation_name="Общество неврологов",
    )
    other_headers = token_for(stranger, "pw-1234567890")
    assert _report(api_client, module.pk, body, other_headers).status_code == 404
    missing = _report(api_client, 999999, body, token_for(provider))
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert not CreditEntry.objects.exists()
