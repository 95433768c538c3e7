"""Shared write helpers: the audit log and e-mail after commit."""

from typing import Any

from django.db import models, transaction

from nmo.core.models import AuditEntry
from nmo.core.request_context import current_client_ip


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record_audit(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one audit line. Call it inside the service's transaction so the line and the
    change it records commit or roll back together."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)[:300]
    actor_obj = actor if getattr(actor, "pk", None) is not None else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_repr=(str(actor) if actor_obj is not None else "система")[:300],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=_json_safe(changes or {}),
        ip=current_client_ip(),
    )


def send_email_after_commit(
    *, to: list[str], subject: str, body: str, html: str | None = None
) -> None:
    """Queue an e-mail to go out only if the surrounding transaction commits.

    With the database queue (production, `TASKS_BACKEND=database`) the task row is
    written in the surrounding transaction itself: it commits or rolls back with the
    change it announces, and the worker cannot see it before the commit, so there is no
    second commit after the first (ADR 0203). Other queues (the immediate one of
    development and tests) are handed the e-mail after commit."""
    from django_tasks_db.backend import DatabaseBackend

    from nmo.core.tasks import send_email

    if isinstance(send_email.get_backend(), DatabaseBackend):
        send_email.enqueue(to=to, subject=subject, body=body, html=html)
        return

    def enqueue() -> None:
        send_email.enqueue(to=to, subject=subject, body=body, html=html)

    transaction.on_commit(enqueue)
