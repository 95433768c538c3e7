from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone


class BaseModel(models.Model):
    """Creation and modification times for every domain row."""

    created_at = models.DateTimeField("создано", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        abstract = True


#: How far behind the last entry an append's time may be and still count as a race for
#: the lock or a lagging clock (ADR 0602).
CLOCK_SLACK = timedelta(minutes=5)


def chained_time(created_at: datetime, last_at: datetime | None) -> datetime:
    """An entry's time as the chain keeps it (ADR 0602): an entry dated before the last
    one, because it waited for the lock or its node's clock lags, takes the last one's
    time, so every month's partition holds one run of places and an archived month ends
    where the live log begins. A clock set back further is no race: the entry keeps its
    time (the archive refuses a month cut across such rows)."""
    if last_at is not None and last_at - CLOCK_SLACK < created_at < last_at:
        return last_at
    return created_at


class AuditEntry(models.Model):
    """One append-only line of the audit log, written inside the service's transaction.

    Rows are never updated or deleted: the model refuses it and a database trigger
    (see migration 0002) refuses it for anyone who bypasses the ORM.

    Each entry is a link of a hash chain (ADR 0024): `seq` is its place, `prev_hash` the
    hash of the entry before it and `entry_hash` the HMAC of its own content and
    `prev_hash` (`nmo.core.chain`). Appends are serialised by a lock held until commit.
    """

    # Set before the hash is computed (not auto_now_add, which would set it after).
    created_at = models.DateTimeField("время", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # the log outlives what it records
        db_index=False,  # audit_actor_idx (actor, -created_at) serves lookups by actor
    )
    actor_repr = models.CharField("кто (как записано)", max_length=300, blank=True)
    action = models.CharField("действие", max_length=100, db_index=True)
    # audit_object_idx (object_type, object_id) serves lookups by type: no index of its own.
    object_type = models.CharField("тип объекта", max_length=100, blank=True)
    object_id = models.CharField("идентификатор объекта", max_length=64, blank=True)
    object_repr = models.CharField("объект", max_length=300, blank=True)
    changes = models.JSONField("что изменилось", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    seq = models.PositiveBigIntegerField("номер в цепочке", null=True, editable=False)
    prev_hash = models.CharField("хеш предыдущей записи", max_length=64, blank=True)
    entry_hash = models.CharField("хеш записи", max_length=64, blank=True)

    class Meta:
        verbose_name = "запись журнала аудита"
        verbose_name_plural = "журнал аудита"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_idx"),
        ]
        constraints = [
            # A second entry at one place of the chain (a fork) cannot be written.
            models.UniqueConstraint(fields=["seq"], name="audit_seq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Журнал аудита только дополняется: запись нельзя изменить.")
        from nmo.core.chain import entry_digest, next_place

        # The append lock and the insert in one transaction: the lock is held until the
        # caller's transaction ends, so no other append takes the same place (ADR 0024).
        with transaction.atomic(savepoint=False):
            self.seq, self.prev_hash, last_at = next_place(connection, self.created_at)
            self.created_at = chained_time(self.created_at, last_at)
            self.entry_hash = entry_digest(self)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Журнал аудита только дополняется: запись нельзя удалить.")


class AuditChainHead(models.Model):
    """The end of the audit log's hash chain — place, hash and time of the last entry —
    in one row, kept by a trigger on the log in the appending transaction (PostgreSQL,
    ADR 0609). `next_place` reads it under the append lock instead of asking every
    monthly partition for its last entry: that question's planning and index probes grew
    with the months and were held under the lock every append waits for."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    seq = models.PositiveBigIntegerField("номер последней записи")
    entry_hash = models.CharField("хеш последней записи", max_length=64)
    created_at = models.DateTimeField("время последней записи")

    class Meta:
        verbose_name = "конец цепочки журнала аудита"
        verbose_name_plural = "конец цепочки журнала аудита"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_one_row")]

    def __str__(self) -> str:
        return f"№ {self.seq}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "В очереди"
    RUNNING = "running", "Выполняется"
    DONE = "done", "Готово"
    FAILED = "failed", "Не выполнено"


class BackgroundJob(BaseModel):
    """A long piece of work a person started from a page and waits for (a roster, a batch
    of codes, a bundle of PDFs): it runs as a task, reports how many of its items are done,
    and leaves a result file that only its owner may download, or the reasons it failed,
    in Russian (ADR 0017)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто запустил",
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField("вид работы", max_length=50)
    title = models.CharField("что делается", max_length=300)
    status = models.CharField(
        "состояние", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField("всего", default=0)
    done = models.PositiveIntegerField("готово", default=0)
    message = models.TextField("итог", blank=True)
    errors = models.JSONField("причины отказа", default=list, blank=True)
    back_url = models.CharField("вернуться к", max_length=500, blank=True)
    # The address the job was started at: the links its files carry lead there (ADR 0013).
    site_url = models.CharField("адрес сайта", max_length=300, blank=True)
    source = models.FileField("исходный файл", upload_to="jobs/source/", blank=True)
    source_name = models.CharField("имя исходного файла", max_length=200, blank=True)
    result = models.FileField("результат", upload_to="jobs/result/", blank=True)
    result_name = models.CharField("имя файла результата", max_length=200, blank=True)
    result_type = models.CharField("тип файла результата", max_length=100, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)
    # Set when the result file was deleted at the end of its keeping (ADR 0611).
    result_purged_at = models.DateTimeField("файл результата удалён", null=True, blank=True)
    # A job that did its work and found what needs acting on (a broken audit chain): its
    # page shows the result as an alert, not as a plain success (ADR 0615).
    attention = models.BooleanField("требует внимания", default=False)

    class Meta:
        verbose_name = "фоновая работа"
        verbose_name_plural = "фоновые работы"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}

    @property
    def result_offered(self) -> bool:
        """A file to download: the job is done, left one, and it was not deleted at the
        end of its keeping (ADR 0611). The pages, the API and the download ask this."""
        return self.status == JobStatus.DONE and bool(self.result) and not self.result_purged_at

    @property
    def percent(self) -> int:
        """Done as a whole percentage; any non-zero progress shows at least 1 %."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.total or not self.done:
            return 0
        return max(1, min(100, self.done * 100 // self.total))
