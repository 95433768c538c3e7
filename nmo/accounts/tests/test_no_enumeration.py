"""Registration and password reset tell nobody who is registered, at scale (issue 11,
point 4; ADR 0022): one message for a taken e-mail or SNILS, the owner told by e-mail,
refusals throttled per address; reset requests throttled per e-mail and per address and
taking the same steps for a known and an unknown address, the letter built by the task."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend

from nmo.accounts.enumeration_throttle import REGISTRATION_REFUSED
from nmo.accounts.models import User
from nmo.accounts.tasks import send_password_reset
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FORM = {
    "last_name": "Петров",
    "first_name": "Пётр",
    "middle_name": "",
    "email": "petrov@example.ru",
    "snils": "123-456-789 64",
    "password": "correct-horse-battery-staple",
    "personal_data_consent": "on",
}
TAKEN_SNILS = "112-233-445 95"  # the `specialist` fixture's
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _register(client, extra=None, **changes):
    return client.post("/accounts/register/", {**FORM, **changes}, **(extra or {}))


def _page(response, *typed):
    """The page without what differs between any two requests: the CSRF token and what
    the person typed."""
    html = re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())
    for value in typed:
        html = html.replace(f'value="{value}"', 'value="…"')
    return html


# --- registration --------------------------------------------------------------------


def test_taken_snils_and_taken_email_get_one_message_naming_neither(client, specialist):
    """A taken SNILS and a taken e-mail are refused alike with the message that names
    neither and sends the person to password recovery; nothing is created."""
    by_snils = _register(client, snils=TAKEN_SNILS)
    by_email = _register(client, email="IVANOVA@example.ru")
    for response in (by_snils, by_email):
        assert response.status_code == 422
        html = response.content.decode()
        assert REGISTRATION_REFUSED in html
        assert "СНИЛС уже" not in html
        assert "адресом уже" not in html
    assert User.objects.count() == 1


def test_the_owner_is_told_once_and_the_attempt_is_audited(
    client, specialist, django_capture_on_commit_callbacks
):
    """The account whose SNILS was used gets a letter (one per window however many tries)
    pointing at password recovery; each attempt is in the audit log against the account."""
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, snils=TAKEN_SNILS)
        _register(client, snils=TAKEN_SNILS, email="second@example.ru")
    (letter,) = mail.outbox
    assert letter.to == [specialist.email]
    assert "пытался зарегистрироваться" in letter.body
    assert "/accounts/password-reset/" in letter.body
    attempts = AuditEntry.objects.filter(action="account.register_attempt")
    assert attempts.count() == 2
    assert {entry.object_id for entry in attempts} == {str(specialist.pk)}


def test_a_probe_with_a_mistake_learns_nothing_about_the_snils(client, specialist):
    """A registration with a deliberate mistake gets the same answer whether its SNILS is
    taken or free: taken-ness is asked only of a registration with nothing else wrong."""
    taken = _page(_register(client, snils=TAKEN_SNILS, password="12345"), TAKEN_SNILS)
    free = _page(_register(client, password="12345"), FORM["snils"])
    assert REGISTRATION_REFUSED not in taken
    assert taken == free


@override_settings(THROTTLE_REGISTRATION_FAILURES=3)
def test_refusals_for_taken_data_are_throttled_per_address(client, specialist):
    """Three refusals for taken data from one address and it waits for the hour's end: a
    429 page with Retry-After and a Russian message, even for a free registration; other
    mistakes do not count, and another address registers."""
    for _ in range(5):
        assert _register(client, password="12345").status_code == 422
    for n in range(3):
        assert _register(client, snils=TAKEN_SNILS, email=f"p{n}@example.ru").status_code == 422
    refused = _register(client)
    assert refused.status_code == 429
    assert 3500 < int(refused["Retry-After"]) <= 3600
    html = refused.content.decode()
    assert "Слишком много неудачных попыток регистрации с вашего адреса сети" in html
    assert "Повторите попытку через 1 час" in html or "Повторите попытку через 60 минут" in html
    assert not User.objects.filter(email=FORM["email"]).exists()
    assert _register(client, {"REMOTE_ADDR": "10.2.2.2"}).status_code == 302


# --- password reset ------------------------------------------------------------------


def _reset(client, email, **extra):
    return client.post("/accounts/password-reset/", {"email": email}, **extra)


@override_settings(TASKS=DUMMY_TASKS)
def test_a_reset_request_takes_the_same_steps_for_known_and_unknown_addresses(
    client, specialist, django_capture_on_commit_callbacks
):
    """The request for an address with an account and for one without: the same answer,
    the same database statements (none reads the accounts), the same task queued with
    only the address differing — the lookup and the letter are the worker's."""
    default_task_backend.clear()
    answers, statements = [], []
    for email in (specialist.email, "nobody@example.ru"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            answers.append(_reset(client, email))
        statements.append([q["sql"] for q in queries.captured_queries])
    known, unknown = answers
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password-reset/sent/"
    assert statements[0] == statements[1]
    assert not any("accounts_user" in sql for sql in statements[0])
    queued = default_task_backend.results
    assert [result.task.module_path for result in queued] == [send_password_reset.module_path] * 2
    assert [result.kwargs["email"] for result in queued] == [specialist.email, "nobody@example.ru"]
    assert queued[0].kwargs.keys() == queued[1].kwargs.keys()
    assert not mail.outbox


def test_the_task_sends_the_letter_to_a_known_address_only(specialist):
    """The worker sends the link to the account and audits the request against it; for
    an unknown address it sends nothing and audits a bare fact with no address in it."""
    assert send_password_reset.call(email=specialist.email, site_url="https://nmo.example.ru") == 1
    (letter,) = mail.outbox
    assert letter.to == [specialist.email]
    assert "https://nmo.example.ru/accounts/reset/" in letter.body
    entry = AuditEntry.objects.get(action="account.password_reset_request")
    assert entry.object_id == str(specialist.pk)
    assert send_password_reset.call(email="nobody@example.ru", ip="10.0.0.9") == 0
    assert len(mail.outbox) == 1
    bare = AuditEntry.objects.get(action="account.password_reset_request_unknown")
    assert "nobody" not in f"{bare.object_repr}{bare.changes}{bare.object_id}"
    assert bare.ip == "10.0.0.9"


@override_settings(THROTTLE_RESET_ACCOUNT_REQUESTS=2)
def test_reset_requests_are_throttled_per_email(
    client, specialist, django_capture_on_commit_callbacks
):
    """Two letters an hour to one mailbox, however the address is written; the third
    request is a 429 page in Russian (the same for an address no account has)."""
    with django_capture_on_commit_callbacks(execute=True):
        assert _reset(client, specialist.email).status_code == 302
        assert _reset(client, specialist.email.upper(), REMOTE_ADDR="10.3.3.3").status_code == 302
        refused = _reset(client, specialist.email)
    assert len(mail.outbox) == 2
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Слишком много запросов на восстановление пароля" in refused.content.decode()
    for _ in range(2):
        _reset(client, "nobody@example.ru")
    assert _reset(client, "nobody@example.ru").status_code == 429
    assert _reset(client, "someone@example.ru").status_code == 302


@override_settings(THROTTLE_RESET_ADDRESS_REQUESTS=3)
def test_reset_requests_are_throttled_per_address(client):
    """One address asking for many mailboxes' letters waits after its limit."""
    for n in range(3):
        assert _reset(client, f"user{n}@example.ru").status_code == 302
    refused = _reset(client, "user9@example.ru")
    assert refused.status_code == 429
    assert "с вашего адреса сети" in refused.content.decode()
    assert _reset(client, "user9@example.ru", REMOTE_ADDR="10.4.4.4").status_code == 302
