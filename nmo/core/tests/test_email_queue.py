"""The e-mail queue: a notice leaves only when the change it announces is committed."""

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from nmo.core.services import send_email_after_commit

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Abandoned(Exception):
    pass


def _queue_then_abandon() -> None:
    with transaction.atomic():
        send_email_after_commit(to=["a@example.ru"], subject="Отменено", body="—")
        raise Abandoned


@override_settings(TASKS=DATABASE_QUEUE)
def test_the_database_queue_takes_the_notice_inside_the_transaction():
    """With the production queue the task row is written in the transaction: a
    rolled-back change leaves no notice, a committed one leaves exactly one."""
    with pytest.raises(Abandoned):
        _queue_then_abandon()
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        send_email_after_commit(to=["a@example.ru"], subject="Начислено", body="—")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "nmo.core.tasks.send_email"
    assert queued.args_kwargs["kwargs"]["subject"] == "Начислено"


def test_the_immediate_queue_sends_only_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    """The immediate queue of development and tests sends after commit, never for a
    rolled-back change."""
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Abandoned):
            _queue_then_abandon()
        with transaction.atomic():
            send_email_after_commit(to=["a@example.ru"], subject="Начислено", body="—")
        assert mailoutbox == []  # not before the commit
    assert [m.subject for m in mailoutbox] == ["Начислено"]
    assert not DBTaskResult.objects.exists()
