"""The link's tests run the real OAuth 2.0 round trip over HTTP: pytest-django's live
server plays the credit portal (django-oauth-toolkit, the feed), the test client the
specialist's browser on the cycle portal, and Authlib talks to the live server as the
cycle portal's back end. One process and one database hold both sides (both roles, the
other portal configured): the feed never hands back what came by synchronisation, so the
specialist's ledger there does not echo. Two deployments with their own databases are
tests/e2e/test_portal_link.py's."""

import datetime as dt
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from nmo.codes.tests.factories import accredited_event
from nmo.cycles.models import CreditSource
from nmo.cycles.services import post_credit

CLIENT_ID = "cycle-portal"
CLIENT_SECRET = "a-long-client-secret-for-tests-only-0123456789"
CALLBACK = "http://testserver/sync/link/callback/"


@pytest.fixture
def credit_portal(live_server, settings):  # type: ignore[no-untyped-def]
    settings.OTHER_PORTAL_URL = live_server.url
    settings.SYNC_CLIENT_ID = CLIENT_ID
    settings.SYNC_CLIENT_SECRET = CLIENT_SECRET
    settings.SYNC_BATCH_SIZE = 2
    call_command("sync_client", redirect_uri=CALLBACK, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def credited(specialist, provider, count: int):  # type: ignore[no-untyped-def]
    """`count` code credits in the specialist's ledger on the credit portal."""
    entries = []
    for n in range(count):
        activity = accredited_event(
            submitted_by=provider,
            title=f"Конференция по кардиологии № {n + 1}",
            starts_on=dt.date(2025, 3, 1) + dt.timedelta(days=n),
            ends_on=dt.date(2025, 3, 1) + dt.timedelta(days=n),
        )
        entries.append(
            post_credit(
                specialist=specialist,
                activity=activity,
                source=CreditSource.CODE,
                occurred_on=activity.ends_on,
            )
        )
    return entries


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def consent(client) -> str:  # type: ignore[no-untyped-def]
    """Start linking from «Личные сведения», consent on the credit portal; the callback
    address the credit portal sends the browser back to."""
    start = client.post("/sync/link/")
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    assert "/sync/o/authorize/" in authorize
    assert "code_challenge_method=S256" in authorize
    page = client.get(local(authorize))
    assert page.status_code == 200
    assert "Связать аккаунты порталов?" in page.content.decode()
    fields = hidden_fields(page.content.decode())
    fields["allow"] = "Authorize"
    answer = client.post(local(authorize), fields)
    assert answer.status_code == 302, answer.content
    assert answer["Location"].startswith(CALLBACK)
    return answer["Location"]
