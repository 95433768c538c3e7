"""Background jobs a person waits for (ADR 0017): start one from a page, run its work in a
task with progress, keep its result file for its owner, report a failure in Russian.

An app starts a job with `start_job` (its own task receives `job_id`) and its task calls
`run_job(job_id, work)`; `work(job, progress)` does the work and returns a `JobResult`.
Progress is written in autocommit, outside the work's own transaction, so the status page
sees it at once; an all-or-nothing step reports its items when it has committed."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from nmo.core.exceptions import DomainError, NotFound, ValidationFailed
from nmo.core.links import current_site_url, links_from
from nmo.core.models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)

#: What the status page says when the work broke for a reason the person cannot fix.
INTERNAL_FAILURE = (
    "Работа прервалась из-за внутренней ошибки, ничего не записано. Попробуйте ещё раз; "
    "если ошибка повторится, обратитесь в службу поддержки."
)


@dataclass(frozen=True)
class JobResult:
    """What a finished job leaves: a message for the person — `attention` when it reports
    something to act on — and, optionally, a file: its bytes (`content`) or, for a file
    too large to hold, an open file (`file`, read from its start in blocks into the
    result and then closed)."""

    message: str
    attention: bool = False
    content: bytes | None = None
    file: IO[bytes] | None = None
    file_name: str = ""
    content_type: str = ""


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None) -> None: ...


Work = Callable[[BackgroundJob, Progress], JobResult]


@transaction.atomic
def start_job(
    *,
    owner: AbstractBaseUser,
    kind: str,
    title: str,
    task: Task[Any, Any],
    total: int = 0,
    back_url: str = "",
    source: bytes | None = None,
    source_name: str = "",
    **task_kwargs: Any,
) -> BackgroundJob:
    """Record a job of `owner` and queue `task(job_id=…, **task_kwargs)` to run it once
    this transaction commits (with the database queue the task row commits with the job).
    The job keeps the address it was started at: the links in its files lead there.
    `source` (an uploaded file) is kept beside the job until the work has read it."""
    job = BackgroundJob.objects.create(
        owner_id=owner.pk,
        kind=kind,
        title=title[:300],
        total=total,
        back_url=back_url[:500],
        site_url=current_site_url()[:300],
        source_name=source_name[:200],
    )
    if source is not None:
        job.source.save(f"{job.pk}.upload", ContentFile(source), save=True)
    from nmo.core.services import enqueue_after_commit

    enqueue_after_commit(task, job_id=job.pk, **task_kwargs)
    return job


def _save(job: BackgroundJob, **values: Any) -> None:
    values["updated_at"] = timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(**values)
    for field, value in values.items():
        setattr(job, field, value)


def _reasons(exc: DomainError) -> list[str]:
    if isinstance(exc, ValidationFailed) and exc.errors:
        return [message for messages in exc.errors.values() for message in messages]
    return [exc.message]


def run_job(job_id: int, work: Work) -> str:
    """Run a queued job: mark it running, call `work(job, progress)`, then store its result
    or its reasons for failing; return the final status. A refusal by the rules
    (`DomainError`) is shown with its Russian messages; anything else is logged and shown
    as an internal failure. A job already finished (a task run twice) is left as it is."""
    job = BackgroundJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.finished:
        return "missing" if job is None else job.status
    _save(job, status=JobStatus.RUNNING)

    def progress(done: int, total: int | None = None) -> None:
        values: dict[str, Any] = {"done": max(0, done)}
        if total is not None:
            values["total"] = max(0, total)
        _save(job, **values)

    try:
        with links_from(job.site_url):
            outcome = work(job, progress)
    except DomainError as exc:
        _save(job, status=JobStatus.FAILED, errors=_reasons(exc), finished_at=timezone.now())
    except Exception:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        _save(job, status=JobStatus.FAILED, errors=[INTERNAL_FAILURE], finished_at=timezone.now())
    else:
        try:
            _store_result(job, outcome)
        except Exception:
            # The storage refused the file (a full disk): the job fails with the same
            # answer as any internal failure, never stays «выполняется», and no half-written
            # result is kept.
            logger.exception("background job %s (%s): result not stored", job.pk, job.kind)
            if job.result:
                job.result.delete(save=False)
            _save(
                job, status=JobStatus.FAILED, errors=[INTERNAL_FAILURE], finished_at=timezone.now()
            )
            return job.status
        _save(
            job,
            status=JobStatus.DONE,
            done=max(job.done, job.total),
            message=outcome.message,
            attention=outcome.attention,
            result=job.result.name or "",
            result_name=outcome.file_name[:200],
            result_type=outcome.content_type[:100],
            finished_at=timezone.now(),
        )
    finally:
        if job.source:
            job.source.delete(save=False)
            _save(job, source="")
    return job.status


def _store_result(job: BackgroundJob, outcome: JobResult) -> None:
    """Save the job's file into its `result`: an open file copied in blocks (a 100,000-row
    export is never held in memory), or the bytes given."""
    if outcome.file is not None:
        with outcome.file:
            outcome.file.seek(0)
            job.result.save(
                f"{job.pk}-{outcome.file_name}",
                File(outcome.file, name=outcome.file_name),
                save=False,
            )
    elif outcome.content is not None:
        job.result.save(f"{job.pk}-{outcome.file_name}", ContentFile(outcome.content), save=False)


def purge_results(*, finished_before: datetime, batch: int = 500) -> int:
    """Delete the result files of jobs finished before `finished_before` and note when on
    each job (ADR 0611): an export kept for ever is personal data kept for ever, and the
    storage grows by every export. The job itself stays, so its owner's page says the file
    is gone and why. Returns how many files were deleted; a file already missing from the
    storage counts as deleted."""
    purged, after = 0, 0
    while True:
        jobs = list(
            BackgroundJob.objects.filter(
                status=JobStatus.DONE, finished_at__lt=finished_before, pk__gt=after
            )
            .exclude(result="")
            .order_by("pk")[:batch]
        )
        if not jobs:
            return purged
        for job in jobs:
            after = job.pk
            # Marked first, so the file is no longer offered; named until it is gone, so a
            # file the storage would not delete is tried again by the next run.
            if job.result_purged_at is None:
                _save(job, result_purged_at=timezone.now())
            try:
                job.result.storage.delete(job.result.name or "")
            except OSError:
                logger.exception("job %s: its result file could not be deleted", job.pk)
                continue
            _save(job, result="")
            purged += 1


def read_source(job: BackgroundJob) -> bytes:
    """The uploaded file the job was started with."""
    with job.source.open("rb") as handle:
        content: bytes = handle.read()
    return content


def unfinished_job(owner: AbstractBaseUser, *, kind: str, title: str) -> BackgroundJob | None:
    """The owner's job of this kind and title still queued or running, if any: asked
    twice for the same long work (a reload, a client calling again), the caller gets the
    job already under way instead of a second one."""
    return (
        BackgroundJob.objects.filter(
            owner_id=owner.pk,
            kind=kind,
            title=title[:300],
            status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
        )
        .order_by("-created_at")
        .first()
    )


def jobs_of(user: AbstractBaseUser, *, limit: int = 50) -> list[BackgroundJob]:
    """The person's latest jobs, newest first (the «Мои задания» page), by the owner's
    index."""
    return list(BackgroundJob.objects.filter(owner_id=user.pk).order_by("-created_at")[:limit])


def job_of(user: AbstractBaseUser, job_id: int) -> BackgroundJob:
    """The job if `user` started it; NotFound otherwise, as if it did not exist."""
    job = BackgroundJob.objects.filter(pk=job_id, owner_id=user.pk).first()
    if job is None:
        raise NotFound()
    return job


def open_result(job: BackgroundJob) -> Any:
    """The result file of a finished job, open for reading (a download streams it);
    NotFound when it has none."""
    if not job.result_offered:
        raise NotFound()
    return job.result.open("rb")


def read_result(job: BackgroundJob) -> bytes:
    """The result file of a finished job; NotFound when it has none."""
    if not job.result_offered:
        raise NotFound()
    with job.result.open("rb") as handle:
        content: bytes = handle.read()
    return content
