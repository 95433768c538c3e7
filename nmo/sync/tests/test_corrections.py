"""A synchronised credit is corrected where it lives, on the credit portal (ADR 0502): the
reversal made there reaches the cycle portal through the feed as the reversal of the
synchronised entry, exactly once; the cycle portal refuses to reverse the copy itself."""

import pytest

from nmo.cycles.exceptions import EntryFromOtherPortal
from nmo.cycles.models import CreditEntry, CreditSource
from nmo.cycles.services import reverse_entry
from nmo.sync import services
from nmo.sync.models import AccountLink, LinkState
from nmo.sync.tests.conftest import consent, credited, local

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.clause("faq-sync-why")
def test_a_reversal_on_the_credit_portal_arrives_once(
    client, specialist, provider, admin_user, credit_portal
):
    """faq-sync-why: the administrator of the credit portal reverses a credit there; the
    next synchronisation brings the reversal as a correction of the synchronised entry
    (negated hours, the reason), and further runs do not bring it again. Reversing the
    synchronised copy on the cycle portal is refused with where to correct it."""
    originals = credited(specialist, provider, 2)
    client.force_login(specialist)
    client.get(local(consent(client)))
    link = AccountLink.objects.get()
    copy = CreditEntry.objects.get(source=CreditSource.SYNC, source_id=str(originals[0].pk))

    with pytest.raises(EntryFromOtherPortal) as refused:
        reverse_entry(actor=admin_user, entry=copy, reason="Ошибка")
    assert f"запись № {originals[0].pk}" in refused.value.message

    reversal = reverse_entry(actor=admin_user, entry=originals[0], reason="Код чужой")
    assert services.synchronise(link.pk).state == LinkState.DONE
    assert services.synchronise(link.pk).state == LinkState.DONE
    arrived = CreditEntry.objects.filter(source=CreditSource.SYNC, reverses=copy)
    assert arrived.count() == 1
    correction = arrived.get()
    assert correction.hours == -copy.hours
    assert correction.source_id == str(reversal.pk)
    assert correction.reason == "исправлено на портале учёта кредитов"
    synced_hours = sum(
        CreditEntry.objects.filter(source=CreditSource.SYNC).values_list("hours", flat=True)
    )
    assert synced_hours == originals[1].hours
