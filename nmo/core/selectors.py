"""Reads of the audit log."""

import ipaddress
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from nmo.core.models import AuditEntry


def search_audit(
    *,
    text: str = "",
    actor_ids: Collection[int] | None = None,
    actor_text: str = "",
    object_type: str = "",
    object_text: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries newest first, narrowed by each filter given (ADR 0018).

    The person: `actor_ids` (accounts found by the caller; index audit_actor_idx) or,
    when none was found, `actor_text` in the name as written (a removed account, «система»).
    The object: `object_type` (index audit_object_idx) and `object_text`, its id or a part
    of its name. `action`: a code, or a code's beginning ending in a dot («document.»).
    The period: whole local days from `date_from` to `date_to` (index on created_at).
    `text`: a person, an object or an IP address at once."""
    qs = AuditEntry.objects.all()
    if text:
        match = Q(actor_repr__icontains=text) | Q(object_repr__icontains=text) | Q(object_id=text)
        if _looks_like_ip(text):
            match |= Q(ip=text)
        qs = qs.filter(match)
    if actor_ids:
        qs = qs.filter(actor_id__in=list(actor_ids))
    elif actor_text:
        qs = qs.filter(_contains("actor_repr", actor_text))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_text:
        qs = qs.filter(Q(object_id=object_text) | _contains("object_repr", object_text))
    if action:
        qs = (
            qs.filter(action__startswith=action)
            if action.endswith(".")
            else qs.filter(action=action)
        )
    # Bounds on the column itself (not created_at__date) so that its index serves them.
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


def _contains(column: str, text: str) -> Q:
    """`column` contains `text` ignoring case. SQLite's LIKE folds ASCII only, so the usual
    spellings of a Russian word (as typed, lower case, capitalised, upper case) are
    matched too; PostgreSQL's `icontains` already finds them all."""
    match = Q()
    for variant in dict.fromkeys((text, text.lower(), text.capitalize(), text.upper())):
        match |= Q(**{f"{column}__icontains": variant})
    return match


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _looks_like_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


INTEGRITY_ACTIONS = ("integrity.file_changed", "integrity.record_changed")


def integrity_failures() -> QuerySet[AuditEntry]:
    """The frozen records found changed after they were frozen (ADR 0024), newest first."""
    return AuditEntry.objects.filter(action__in=INTEGRITY_ACTIONS).order_by("-created_at", "-id")


def newest_audit_id() -> int:
    """The id of the newest audit entry (0 when the log is empty): an export started now
    covers the entries up to it, whatever is written while it runs."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
