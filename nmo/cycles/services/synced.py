"""Credits brought over from the credit portal by the link between the two portals
(faq-sync-why, faq-sync-once; ADR 0501). The link's synchronisation (nmo.sync) hands each
batch here, in its own transaction with its cursor: each record is booked exactly once
per specialist, portal and source id (constraint `credit_synced_once`), with its
provenance, and a record already here is skipped, so a retried batch books nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from nmo.accounts.models import User
from nmo.catalog.selectors import active_specialties_by_code
from nmo.core.services import record_audit
from nmo.cycles.cache import invalidate_cabinet
from nmo.cycles.exceptions import SyncedCreditInvalid
from nmo.cycles.models import CreditEntry, CreditKind, CreditSource

TITLE_MAX = 500


@dataclass(frozen=True)
class SyncedCredit:
    """One entry of the credit portal's ledger as its feed gives it."""

    source_id: str
    kind: str
    hours: int
    occurred_on: dt.date
    specialty_code: str
    title: str
    reverses_source_id: str = ""


def _checked(credit: SyncedCredit) -> str:
    if credit.kind not in (CreditKind.EVENT, CreditKind.MODULE):
        return f"вид активности «{credit.kind}» не учитывается синхронизацией"
    if not credit.source_id or len(credit.source_id) > 40:
        return "у записи нет номера на портале учёта кредитов"
    if credit.reverses_source_id and credit.hours >= 0:
        return "исправление должно уменьшать число кредитов"
    if not credit.reverses_source_id and credit.hours <= 0:
        return "запись должна содержать положительное число кредитов"
    return ""


def record_synced_credits(
    *,
    specialist: User,
    source_portal: str,
    credits: Sequence[SyncedCredit],
    synced_at: dt.datetime,
) -> int:
    """Book a batch of the credit portal's records for the specialist, in the caller's
    transaction; returns how many were new. Raises `SyncedCreditInvalid` (nothing of the
    batch kept, the caller rolls back) for a record this portal cannot book."""
    if not credits:
        return 0
    known = set(
        CreditEntry.objects.filter(
            specialist=specialist,
            source=CreditSource.SYNC,
            source_portal=source_portal,
            source_id__in=[c.source_id for c in credits],
        ).values_list("source_id", flat=True)
    )
    codes = {c.specialty_code for c in credits}
    specialties = {code: s.pk for code, s in active_specialties_by_code(codes).items()}
    added = 0
    for credit in credits:
        if credit.source_id in known:
            continue  # booked by an earlier, interrupted run
        problem = _checked(credit)
        if not problem and credit.specialty_code not in specialties:
            problem = f"специальность с кодом «{credit.specialty_code}» здесь неизвестна"
        reverses = None
        if not problem and credit.reverses_source_id:
            reverses = CreditEntry.objects.filter(
                specialist=specialist,
                source=CreditSource.SYNC,
                source_portal=source_portal,
                source_id=credit.reverses_source_id,
            ).first()
            if reverses is None:
                problem = "исправляемая запись не была получена"
        if problem:
            raise SyncedCreditInvalid(
                f"Запись № {credit.source_id} с портала учёта кредитов не учтена: {problem}."
            )
        CreditEntry.objects.create(
            specialist=specialist,
            specialty_id=specialties[credit.specialty_code],
            source=CreditSource.SYNC,
            kind=credit.kind,
            hours=credit.hours,
            occurred_on=credit.occurred_on,
            reverses=reverses,
            reason="исправлено на портале учёта кредитов" if reverses else "",
            source_portal=source_portal,
            source_id=credit.source_id,
            source_title=credit.title[:TITLE_MAX],
            synced_at=synced_at,
        )
        known.add(credit.source_id)
        added += 1
    if added:
        invalidate_cabinet(specialist.pk)
        record_audit(
            actor=None,
            action="credit.sync",
            target=specialist,
            changes={"portal": source_portal, "added": added},
        )
    return added
