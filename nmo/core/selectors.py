"""Reads of the audit log."""

from datetime import date

from django.db.models import Q, QuerySet

from nmo.core.models import AuditEntry


def search_audit(
    *,
    text: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries newest first, filtered by actor or object text, action and dates."""
    qs = AuditEntry.objects.all()
    if text:
        match = Q(actor_repr__icontains=text) | Q(object_repr__icontains=text) | Q(object_id=text)
        if _looks_like_ip(text):
            match |= Q(ip=text)
        qs = qs.filter(match)
    if action:
        qs = qs.filter(action__startswith=action)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-created_at", "-id")


def _looks_like_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
