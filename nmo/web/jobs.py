"""The administrators' audit-log export as a background job (ADR 0025): an XLSX of more
rows than the request builds while the person waits."""

from functools import partial
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from nmo.accounts.access import require_admin
from nmo.accounts.models import User
from nmo.core.jobs import JobResult, Progress, run_job, start_job
from nmo.core.models import BackgroundJob
from nmo.core.russian import count as counted
from nmo.core.services import export_audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ROWS = ("запись", "записи", "записей")


def start_audit_export(
    *, actor: User, search: dict[str, Any], filters: dict[str, str], count: int
) -> BackgroundJob:
    """Queue the XLSX export of the entries `search` chooses, as they are now (bounded by
    the newest id), for the administrator `actor`."""
    from nmo.core.models import AuditEntry

    newest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return start_job(
        owner=actor,
        kind="audit.export",
        title=f"Выгрузка журнала аудита в Excel ({counted(count, _ROWS)})",
        task=export_audit_job,
        total=count,
        back_url=reverse("web:audit_log"),
        search=search,
        filters=filters,
        newest=newest,
    )


def _export(
    job: BackgroundJob,
    progress: Progress,
    *,
    search: dict[str, Any],
    filters: dict[str, str],
    newest: int,
) -> JobResult:
    from nmo.web.views import searched_entries

    actor = require_admin(job.owner)
    entries = searched_entries(search).filter(pk__lte=newest)
    total = entries.count()
    progress(0, total)
    content = export_audit(actor=actor, entries=entries, file_format="xlsx", filters=filters)
    progress(total, total)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return JobResult(
        message=f"В выгрузке {counted(total, _ROWS)}.",
        content=content,
        file_name=f"audit-{stamp}.xlsx",
        content_type=XLSX,
    )


@task()
def export_audit_job(
    *, job_id: int, search: dict[str, Any], filters: dict[str, str], newest: int
) -> str:
    """Build the audit-log export the job was started with, as its result file."""
    return run_job(job_id, partial(_export, search=search, filters=filters, newest=newest))
