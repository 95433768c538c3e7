import pytest
from django.db import DatabaseError, connection, transaction

from nmo.core.models import AuditEntry
from nmo.core.request_context import reset_client_ip, set_client_ip
from nmo.core.services import record_audit

pytestmark = pytest.mark.django_db


def test_audit_entry_records_actor_action_object_changes_and_ip(admin_user):
    """An entry keeps who acted, what they did, to what, what changed, when and from where."""
    token = set_client_ip("192.0.2.10")
    try:
        entry = record_audit(
            actor=admin_user,
            action="grade.change",
            target=admin_user,
            changes={"grade": ["хорошо", "отлично"]},
        )
    finally:
        reset_client_ip(token)
    entry.refresh_from_db()
    assert entry.actor == admin_user
    assert entry.actor_repr == str(admin_user)
    assert entry.action == "grade.change"
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(admin_user.pk)
    assert entry.changes == {"grade": ["хорошо", "отлично"]}
    assert entry.ip == "192.0.2.10"
    assert entry.created_at is not None


def test_audit_entry_rolls_back_with_the_change(admin_user):
    """Written in the service's transaction, the entry disappears if the change fails."""

    def failing_change():
        with transaction.atomic():
            record_audit(actor=admin_user, action="doomed")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not AuditEntry.objects.filter(action="doomed").exists()


def test_audit_log_refuses_changes_through_the_orm(admin_user):
    """An entry cannot be edited or deleted through the model."""
    entry = record_audit(actor=admin_user, action="x")
    entry.action = "y"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_audit_log_refuses_changes_in_the_database(admin_user):
    """Even raw SQL cannot update or delete an entry: a trigger refuses it."""
    entry = record_audit(actor=admin_user, action="x")
    for sql in (
        "UPDATE core_auditentry SET action = 'tampered' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "x"
    assert AuditEntry.objects.filter(action="tampered").count() == 0


def test_bulk_delete_through_queryset_is_refused(admin_user):
    """QuerySet.delete() bypasses Model.delete(), so the trigger must catch it."""
    record_audit(actor=admin_user, action="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(action="x").exists()
