"""Linking the accounts once and synchronising in the background (faq-sync-why,
faq-sync-once), over the real OAuth 2.0 flow with PKCE; bad input at every step."""

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from nmo.cycles.models import CreditEntry, CreditSource
from nmo.sync import services
from nmo.sync.exceptions import LinkRefused
from nmo.sync.models import AccountLink, LinkState
from nmo.sync.tests.conftest import CALLBACK, consent, credited, local

pytestmark = pytest.mark.django_db(transaction=True)


def synced(specialist):  # type: ignore[no-untyped-def]
    return CreditEntry.objects.filter(specialist=specialist, source=CreditSource.SYNC)


def messages_of(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.mark.clause("faq-sync-why", "faq-sync-once")
def test_linking_once_brings_every_credit_then_the_new_ones(
    client, specialist, provider, credit_portal
):
    """faq-sync-once: the specialist links once from «Личные сведения» (sign in on the
    credit portal, consent; authorization code with PKCE); the synchronisation runs as a
    task and brings every credit the credit portal holds, page by page, each with its
    provenance (portal, source id, time); the profile and the cabinet show «завершена».
    faq-sync-why: a credit posted later on the credit portal reaches the cabinet with
    the next run, and no run books a record twice."""
    originals = credited(specialist, provider, 5)
    client.force_login(specialist)
    assert "Связать с порталом учёта кредитов" in client.get("/accounts/profile/").content.decode()

    back = client.get(local(consent(client)), follow=True)
    assert "Аккаунты связаны" in messages_of(back)
    link = AccountLink.objects.get(specialist=specialist)
    assert link.state == LinkState.DONE
    assert link.synced_count == 5
    assert link.remote_total == 5
    assert link.cursor == originals[-1].pk
    rows = synced(specialist).order_by("source_id")
    assert sorted(int(r.source_id) for r in rows) == [e.pk for e in originals]
    first = rows[0]
    assert first.source_portal == credit_portal
    assert first.synced_at is not None
    assert first.source_title.startswith("Конференция")
    assert first.hours == 6
    assert first.activity_id is None
    profile = client.get("/accounts/profile/").content.decode()
    assert "Синхронизация завершена" in profile
    cabinet = client.get("/cabinet/").content.decode()
    assert "Синхронизация завершена" in cabinet
    assert "перенесено с портала учёта кредитов" in cabinet

    # A credit posted later arrives with the next run; the earlier ones are not repeated.
    later = credited(specialist, provider, 1)[-1]
    services.synchronise(link.pk)
    services.synchronise(link.pk)
    assert synced(specialist).count() == 6
    assert synced(specialist).filter(source_id=str(later.pk)).exists()

    # Linked once: a second link is refused while this one lives.
    again = client.post("/sync/link/", follow=True)
    assert "уже связаны" in messages_of(again)


@pytest.mark.clause("faq-sync-once")
def test_a_forged_state_links_nothing(client, specialist, provider, credit_portal):
    """faq-sync-once: a callback whose state is not the one this browser's session sent
    (forged) is refused with a Russian message; no link, no token kept."""
    credited(specialist, provider, 1)
    client.force_login(specialist)
    callback = consent(client)
    query = parse_qs(urlsplit(callback).query)
    forged = CALLBACK + "?" + urlencode({"code": query["code"][0], "state": "forged-state"})
    response = client.get(local(forged), follow=True)
    assert "неверный параметр state" in messages_of(response)
    assert not AccountLink.objects.exists()
    assert not synced(specialist).exists()


@pytest.mark.clause("faq-sync-once")
def test_a_reused_code_is_refused(client, specialist, provider, credit_portal):
    """faq-sync-once: the authorization code works once; the same callback replayed (the
    state is spent with the session, and the code at the credit portal) is refused in
    Russian and the live link is untouched."""
    credited(specialist, provider, 1)
    client.force_login(specialist)
    callback = consent(client)
    kept = dict(client.session["sync_link_consent"])  # the browser's state and verifier
    assert client.get(local(callback)).status_code == 302
    link = AccountLink.objects.get()
    services.unlink(specialist=specialist)
    # The replay with everything right but the code, which the credit portal has spent.
    with pytest.raises(LinkRefused) as refused:
        services.finish_linking(
            specialist=specialist,
            redirect_uri=CALLBACK,
            expected_state=kept["state"],
            verifier=kept["verifier"],
            callback_url=callback,
            state=kept["state"],
        )
    assert "код подтверждения уже использован" in refused.value.message
    assert AccountLink.objects.count() == 1
    assert AccountLink.objects.get().pk == link.pk
    replay = client.get(local(callback), follow=True)
    assert "неверный параметр state" in messages_of(replay)


@pytest.mark.clause("faq-sync-once")
def test_a_revoked_token_stops_the_sync_and_keeps_what_came(
    client, specialist, provider, credit_portal
):
    """faq-sync-once: when the credit portal revokes the grant, the next run stops with
    «доступ отозван» in Russian and does not retry; what came before stays."""
    credited(specialist, provider, 2)
    client.force_login(specialist)
    client.get(local(consent(client)))
    assert synced(specialist).count() == 2
    RefreshToken.objects.all().delete()
    AccessToken.objects.all().delete()
    credited(specialist, provider, 1)
    link = services.synchronise(AccountLink.objects.get().pk)
    assert link is not None
    assert link.state == LinkState.REVOKED
    assert "отозван" in link.error
    assert link.next_attempt_at is None
    assert synced(specialist).count() == 2
    assert "Доступ отозван" in client.get("/accounts/profile/").content.decode()


@pytest.mark.clause("faq-sync-once")
def test_the_other_side_down(client, specialist, provider, credit_portal, settings):
    """faq-sync-once: the credit portal not answering — at the token exchange nothing is
    linked and the page says so in Russian; during a run the error is shown with the time
    of the next retry, the pause doubles, nothing is lost, and the run after the outage
    completes."""
    credited(specialist, provider, 3)
    client.force_login(specialist)
    callback = consent(client)
    settings.OTHER_PORTAL_URL = "http://127.0.0.1:8859"  # nothing listens there
    down = client.get(local(callback), follow=True)
    assert "не отвечает" in messages_of(down)
    assert not AccountLink.objects.exists()

    settings.OTHER_PORTAL_URL = credit_portal
    client.get(local(consent(client)))
    link = AccountLink.objects.get()
    assert link.state == LinkState.DONE
    credited(specialist, provider, 1)
    settings.OTHER_PORTAL_URL = "http://127.0.0.1:8859"
    before = timezone.now()
    failed = services.synchronise(link.pk)
    assert failed is not None
    assert failed.state == LinkState.FAILED
    assert "не отвечает" in failed.error
    assert failed.attempts == 1
    assert failed.next_attempt_at >= before + dt.timedelta(seconds=55)
    second = services.synchronise(link.pk)
    assert second.attempts == 2
    assert second.next_attempt_at >= before + dt.timedelta(seconds=115)
    page = client.get("/accounts/profile/").content.decode()
    assert "Ошибка синхронизации" in page
    assert "Следующая попытка" in page
    assert synced(specialist).count() == 3

    settings.OTHER_PORTAL_URL = credit_portal
    done = services.synchronise(link.pk)
    assert done.state == LinkState.DONE
    assert done.attempts == 0
    assert synced(specialist).count() == 4


@pytest.mark.clause("faq-sync-once")
def test_unlinking_keeps_what_was_synchronised(client, specialist, provider, credit_portal):
    """faq-sync-once: unlinking revokes the grant at the credit portal and keeps every
    synchronised record, marked as brought over by the ended link."""
    credited(specialist, provider, 2)
    client.force_login(specialist)
    client.get(local(consent(client)))
    response = client.post("/sync/link/unlink/", follow=True)
    assert "Связь разорвана" in messages_of(response)
    link = AccountLink.objects.get()
    assert link.state == LinkState.UNLINKED
    assert link.unlinked_at is not None
    assert not AccessToken.objects.exists()  # revoked on the credit portal
    assert synced(specialist).count() == 2
    page = client.get("/accounts/profile/").content.decode()
    assert "разорвана" in page
    assert "сохранены" in page
    assert "Связать с порталом учёта кредитов" in page
