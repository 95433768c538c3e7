"""reverse_entry: a correction is a reversing entry with a reason, once, by an admin."""

from datetime import date

import pytest
from django.db import IntegrityError

from nmo.core.exceptions import PermissionDenied
from nmo.core.models import AuditEntry
from nmo.cycles.exceptions import (
    EntryAlreadyReversed,
    EntryFromOtherPortal,
    EntryNotReversible,
    ReversalInvalid,
)
from nmo.cycles.models import CreditEntry, CreditSource
from nmo.cycles.selectors import cycle_progress
from nmo.cycles.services import enter_cycle, post_credit, reverse_entry
from nmo.cycles.services.ledger import write_reversal
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(specialist, cardiology):
    return post_credit(
        specialist=specialist,
        activity=factories.event(credits=6),
        source="code",
        occurred_on=date(2025, 10, 1),
    )


def test_a_reversal_cancels_the_entry_with_a_reason(
    entry, admin_user, specialist, mailoutbox, django_capture_on_commit_callbacks
):
    """The reversal negates the hours with the same specialty and date, so the cycle's
    progress drops back; the original stays; the change is audited and the specialist is
    told by e-mail."""
    cycle = enter_cycle(
        specialist=specialist, specialty_code=factories.CARDIOLOGY, starts_on=date(2025, 1, 1)
    )
    assert cycle_progress(cycle).earned_by_part["events"] == 6
    with django_capture_on_commit_callbacks(execute=True):
        reversal = reverse_entry(actor=admin_user, entry=entry, reason="Код активирован ошибочно")
    assert reversal.hours == -6
    assert reversal.source == CreditSource.CORRECTION
    assert (reversal.reverses, reversal.specialty, reversal.occurred_on) == (
        entry,
        entry.specialty,
        entry.occurred_on,
    )
    assert cycle_progress(cycle).earned_by_part["events"] == 0
    assert CreditEntry.objects.filter(pk=entry.pk, hours=6).exists()
    audit = AuditEntry.objects.get(action="credit.reverse")
    assert audit.changes["reason"] == "Код активирован ошибочно"
    assert len(mailoutbox) == 1
    assert "сторнировано" in mailoutbox[0].body


def test_an_entry_is_reversed_only_once(entry, admin_user):
    reverse_entry(actor=admin_user, entry=entry, reason="Ошибка")
    with pytest.raises(EntryAlreadyReversed):
        reverse_entry(actor=admin_user, entry=entry, reason="Ещё раз")
    assert CreditEntry.objects.count() == 2


def test_a_reversal_cannot_be_reversed(entry, admin_user):
    reversal = reverse_entry(actor=admin_user, entry=entry, reason="Ошибка")
    with pytest.raises(EntryNotReversible):
        reverse_entry(actor=admin_user, entry=reversal, reason="Отмена отмены")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(entry, admin_user, reason):
    with pytest.raises(ReversalInvalid) as caught:
        reverse_entry(actor=admin_user, entry=entry, reason=reason)
    assert "reason" in caught.value.errors
    assert CreditEntry.objects.count() == 1


def test_it_checks_access(entry, specialist, provider):
    """Only administrators reverse entries; the specialist and a provider get 403."""
    for actor in (specialist, provider):
        with pytest.raises(PermissionDenied):
            reverse_entry(actor=actor, entry=entry, reason="Хочу")
    assert CreditEntry.objects.count() == 1


def test_the_reversal_page_reverses_for_an_admin_only(client, entry, admin_user, specialist):
    """The administrators' page asks for the reason and writes the reversal; anyone else
    gets 403."""
    client.force_login(specialist)
    url = f"/cabinet/ledger/{entry.pk}/reverse/"
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 422
    response = client.post(url, {"reason": "Дубликат"})
    assert response.status_code == 302
    assert CreditEntry.objects.filter(reverses=entry, reason="Дубликат").exists()


PORTAL = "https://credits.example.ru"


@pytest.fixture
def synced_entry(specialist, cardiology):
    """A credit brought over from the credit portal by the link (its record № 4217)."""
    return factories.synced_credit(specialist, portal=PORTAL)


@pytest.mark.clause("faq-sync-why")
def test_a_synced_credit_is_corrected_on_the_credit_portal(synced_entry, admin_user, settings):
    """faq-sync-why: the credit's truth is on the credit portal; reversing its copy here
    is refused with a message naming that portal and the record's number there (not
    «уже сторнирована»), and nothing is written."""
    settings.OTHER_PORTAL_URL = PORTAL
    settings.OTHER_PORTAL_NAME = "Портал НМО"
    with pytest.raises(EntryFromOtherPortal) as refused:
        reverse_entry(actor=admin_user, entry=synced_entry, reason="Ошибка")
    message = refused.value.message
    assert "«Портал НМО» (https://credits.example.ru)" in message
    assert "запись № 4217" in message
    assert "исправьте её на портале учёта кредитов" in message
    assert "уже сторнирована" not in message
    assert CreditEntry.objects.count() == 1


@pytest.mark.clause("faq-sync-why")
def test_the_reversal_page_explains_where_a_synced_credit_is_corrected(
    client, synced_entry, admin_user
):
    """The administrator's page shows where the synchronised credit came from and offers
    no reversal; a POST all the same gets the refusal in Russian with 422, never a 500."""
    client.force_login(admin_user)
    url = f"/cabinet/ledger/{synced_entry.pk}/reverse/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "здесь не исправляется" in text
    assert "запись № 4217" in text
    assert "Сторнировать запись</button>" not in text
    response = client.post(url, {"reason": "Ошибка"})
    assert response.status_code == 422
    assert "перенесена с портала учёта кредитов https://credits.example.ru" in (
        response.content.decode()
    )
    assert "уже сторнирована" not in response.content.decode()
    assert CreditEntry.objects.count() == 1
    listing = client.get("/admin/cycles/creditentry/").content.decode()
    assert "исправляется на портале учёта кредитов" in listing
    assert url not in listing


def test_only_a_second_reversal_is_called_already_reversed(entry, admin_user):
    """write_reversal maps the unique `reverses` column to «уже сторнирована»; any other
    integrity error (here the sign check, for a zero-hour original) is not claimed to be
    that."""
    entry.hours = 0  # in memory only: its reversal would carry 0 hours
    with pytest.raises(IntegrityError) as caught:
        write_reversal(original=entry, actor=admin_user, reason="Ошибка")
    assert not isinstance(caught.value, EntryAlreadyReversed)
    assert not CreditEntry.objects.filter(reverses=entry).exists()
