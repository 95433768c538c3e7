"""The password-reset letter (issue 10, point 4): its link leads to the address the
product is served at — SITE_URL when configured, never a forged Host header — and the
link sets a new password."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from nmo.accounts.services import add_user

pytestmark = pytest.mark.django_db

OLD = "Старый-пароль-2026"
NEW = "Новый-пароль-2026!"


def _link() -> str:
    (letter,) = mail.outbox
    match = re.search(r"https?://\S+", letter.body)
    assert match, letter.body
    return match.group(0)


@override_settings(SITE_URL="https://nmo.example.ru", ALLOWED_HOSTS=["*"])
def test_the_link_uses_the_configured_address_not_the_host_header(
    django_capture_on_commit_callbacks,
):
    add_user(email="doctor@example.ru", password=OLD, role="specialist")
    with django_capture_on_commit_callbacks(execute=True):
        Client(HTTP_HOST="evil.example").post(
            reverse("accounts:password_reset"), {"email": "doctor@example.ru"}
        )
    link = _link()
    assert link.startswith("https://nmo.example.ru/accounts/")


@override_settings(SITE_URL="")
def test_without_site_url_the_link_is_the_requests_own_and_sets_the_password(
    django_capture_on_commit_callbacks,
):
    add_user(email="doctor@example.ru", password=OLD, role="specialist")
    client = Client(HTTP_HOST="localhost:8555")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "doctor@example.ru"})
    link = _link()
    assert link.startswith("http://localhost:8555/accounts/")
    form = client.get(link.removeprefix("http://localhost:8555"), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert done.status_code == 200
    assert Client().login(username="doctor@example.ru", password=NEW)
