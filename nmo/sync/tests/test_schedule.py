"""The synchronisation's schedule (faq-sync-once): a scheduled run made obsolete by a
later one does nothing, so the periodic chain never multiplies; `sync_links` takes up a
run whose worker died and the runs that are due; a portal with no other side configured
fails in Russian with a retry time instead of leaving the link «идёт» for ever."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from nmo.sync import services
from nmo.sync.models import AccountLink, LinkState

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(specialist):  # type: ignore[no-untyped-def]
    return AccountLink.objects.create(
        specialist=specialist,
        portal_url="http://127.0.0.1:8859",
        remote_account="ivanova@example.ru",
        access_token="token",
        state=LinkState.DONE,
        next_attempt_at=timezone.now() + dt.timedelta(minutes=15),
        heartbeat_at=timezone.now(),
    )


@pytest.mark.clause("faq-sync-once")
def test_an_obsolete_scheduled_run_does_nothing(link):
    """faq-sync-once: a run queued for a time the link no longer expects is skipped."""
    obsolete = (link.next_attempt_at - dt.timedelta(minutes=5)).isoformat()
    services.synchronise(link.pk, due=obsolete)
    link.refresh_from_db()
    assert link.state == LinkState.DONE
    assert link.attempts == 0


@pytest.mark.clause("faq-sync-once")
def test_a_run_with_no_other_portal_fails_with_a_retry_time(link, settings):
    """faq-sync-once: the due run on a portal whose other side is not configured keeps a
    Russian error and the time of the next attempt."""
    settings.OTHER_PORTAL_URL = ""
    services.synchronise(link.pk, due=link.next_attempt_at.isoformat())
    link.refresh_from_db()
    assert link.state == LinkState.FAILED
    assert "не настроена" in link.error
    assert link.next_attempt_at is not None


@pytest.mark.clause("faq-sync-once")
def test_sync_links_takes_up_dead_and_due_runs(link, specialist, admin_user, monkeypatch):
    """faq-sync-once: `manage.py sync_links` queues a link whose run stopped without a step
    for --stale-after seconds (its worker died) and one whose next run is due; not a
    link whose next run is later."""
    queued: list[int] = []
    monkeypatch.setattr(
        services, "_enqueue", lambda link_id, run_after=None: queued.append(link_id)
    )
    call_command("sync_links", "--stale-after", "300", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert queued == []
    AccountLink.objects.filter(pk=link.pk).update(
        state=LinkState.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(minutes=10)
    )
    call_command("sync_links", "--stale-after", "300", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert queued == [link.pk]
