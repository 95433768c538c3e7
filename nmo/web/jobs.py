"""The administrators' long work on the audit log as background jobs: the export of more
rows than the request exports while the person waits, as XLSX or CSV (ADR 0025), and the
verification of a chain too long to walk within a request (ADR 0615)."""

from functools import partial
from typing import Any, Literal

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from nmo.accounts.access import require_admin
from nmo.accounts.models import User
from nmo.core.chain import ChainReport
from nmo.core.jobs import JobResult, Progress, run_job, start_job, unfinished_job
from nmo.core.models import BackgroundJob
from nmo.core.russian import agree, grouped, plural
from nmo.core.selectors import newest_audit_id
from nmo.core.services import export_audit, verify_audit_chain

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel"}
_ROWS = ("запись", "записи", "записей")


def start_audit_export(
    *,
    actor: User,
    search: dict[str, Any],
    filters: dict[str, str],
    count: int,
    file_format: Literal["csv", "xlsx"],
    capped: bool = False,
) -> BackgroundJob:
    """Queue the export of the entries `search` chooses, as they are now (bounded by
    the newest id), for the administrator `actor`. `count` is as far as the page counted
    them; `capped`: there are more (ADR 0616), and the job counts them itself."""
    newest = newest_audit_id()
    if capped:
        said = f"больше {grouped(count)} {agree('запись', count, 'gent')}"
    else:
        said = f"{grouped(count)} {plural(count, _ROWS)}"
    return start_job(
        owner=actor,
        kind="audit.export",
        title=f"Выгрузка журнала аудита в {FORMAT_NAMES[file_format]} ({said})",
        task=export_audit_job,
        total=count,
        back_url=reverse("web:audit_log"),
        search=search,
        filters=filters,
        newest=newest,
        file_format=file_format,
    )


def _export(
    job: BackgroundJob,
    progress: Progress,
    *,
    search: dict[str, Any],
    filters: dict[str, str],
    newest: int,
    file_format: Literal["csv", "xlsx"],
) -> JobResult:
    from nmo.web.views import searched_entries

    actor = require_admin(job.owner)
    entries = searched_entries(search).filter(pk__lte=newest)
    total = entries.count()
    progress(0, total)
    content = export_audit(actor=actor, entries=entries, file_format=file_format, filters=filters)
    progress(total, total)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return JobResult(
        message=f"В выгрузке {grouped(total)} {plural(total, _ROWS)}.",
        content=content,
        file_name=f"audit-{stamp}.{file_format}",
        content_type=CONTENT_TYPES[file_format],
    )


@task()
def export_audit_job(
    *,
    job_id: int,
    search: dict[str, Any],
    filters: dict[str, str],
    newest: int,
    file_format: Literal["csv", "xlsx"] = "xlsx",
) -> str:
    """Build the audit-log export the job was started with, as its result file."""
    work = partial(_export, search=search, filters=filters, newest=newest, file_format=file_format)
    return run_job(job_id, work)


VERIFY_KIND = "audit.verify"
VERIFY_TITLE = "Проверка цепочки журнала аудита"


def start_chain_verification(*, actor: User, size: int) -> BackgroundJob:
    """Queue the verification of the live log's chain of `size` entries for the
    administrator `actor`; asked again while one of theirs is under way, that one."""
    running = unfinished_job(actor, kind=VERIFY_KIND, title=VERIFY_TITLE)
    if running is not None:
        return running
    return start_job(
        owner=actor,
        kind=VERIFY_KIND,
        title=VERIFY_TITLE,
        task=verify_chain_job,
        total=size,
        back_url=reverse("web:audit_integrity"),
    )


def chain_message(report: ChainReport) -> str:
    """What the job's page says of the verification: as the integrity page says it."""
    if report.broken is None:
        return (
            f"Цепочка цела: проверено записей — {report.checked}. "
            f"Последняя запись — № {report.last_seq}."
        )
    broken = report.broken
    where = f"Запись id {broken.entry_id}" if broken.entry_id is not None else "Запись"
    if broken.seq is not None:
        where += f", № {broken.seq} в цепочке"
    if broken.created_at is not None:
        where += f", время записи {timezone.localtime(broken.created_at):%d.%m.%Y %H:%M:%S}"
    return (
        f"Цепочка нарушена: {broken.kind_label}. {where}. {broken.detail} "
        f"Целых записей до нарушения — {report.checked}."
    )


def _verify(job: BackgroundJob, progress: Progress) -> JobResult:
    # The role is checked again: it may have been taken away since the job was started.
    actor = require_admin(job.owner)
    report = verify_audit_chain(actor=actor, progress=progress)
    progress(report.checked)
    return JobResult(message=chain_message(report), attention=not report.ok)


@task()
def verify_chain_job(*, job_id: int) -> str:
    """Walk the audit log's chain for the administrator who started the job (the
    verification is recorded in the log, as from the page)."""
    return run_job(job_id, _verify)
