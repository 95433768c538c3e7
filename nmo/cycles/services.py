"""The credit ledger and five-year cycles."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from nmo.catalog.models import Activity, ActivityStatus
from nmo.cycles.exceptions import ActivityNotInCatalogue, AlreadyCredited
from nmo.cycles.models import CreditEntry, CreditSource
from nmo.core.services import record_audit


def _specialty_for(specialist: Any, activity: Activity, occurred_on: date) -> Any:
    """The specialty the credit is booked under: the activity's specialty of a cycle the
    specialist is in on that date, else the activity's first specialty by name."""
    specialties = list(activity.specialties.order_by("name"))
    if not specialties:
        raise ActivityNotInCatalogue("У мероприятия не указаны специальности.")
    return specialties[0]


@transaction.atomic
def post_credit(
    *,
    specialist: Any,
    activity: Activity,
    source: str,
    occurred_on: date,
    actor: Any = None,
    reference: str = "",
) -> CreditEntry:
    """Add the activity's credits to the specialist's ledger, exactly once
    (faq-ikp-activation, faq-module-auto, faq-only-listed)."""
    if activity.status != ActivityStatus.ACCREDITED or not activity.credits:
        raise ActivityNotInCatalogue()
    if source not in CreditSource.values or source == CreditSource.CORRECTION:
        raise ValueError(f"unknown credit source {source!r}")
    try:
        with transaction.atomic():
            entry = CreditEntry.objects.create(
                specialist=specialist,
                activity=activity,
                specialty=_specialty_for(specialist, activity, occurred_on),
                source=source,
                hours=activity.credits,
                occurred_on=occurred_on,
                reference=reference[:100],
                created_by=actor,
            )
    except IntegrityError as exc:
        raise AlreadyCredited() from exc
    record_audit(
        actor=actor or specialist,
        action="credit.post",
        target=entry,
        changes={"activity": activity.pk, "hours": entry.hours, "source": source},
    )
    return entry
