"""Background work of the programmes app: notices to learners on their dates, and the
learners file a staff member waits for on the status page (ADR 0017)."""

from functools import partial

from django_tasks import task

from nmo.core.jobs import JobResult, Progress, read_source, run_job
from nmo.core.models import BackgroundJob


@task()
def send_due_notices(cohort_id: int | None = None) -> dict[str, int]:
    """E-mail the notices due today (npc-2.2, rgmu-2.2, npc-6.2, rgmu-6.3) to the learners
    who have not had them, for every cohort or one. Safe to run at any time and any number
    of times: each learner gets each notice once."""
    from nmo.programmes import services

    run = services.send_due_notices(cohort_id=cohort_id)
    return {"notices": run.notices, "delivered": run.delivered, "failed": run.failed}


def _learners(job: BackgroundJob, progress: Progress, *, cohort_id: int) -> JobResult:
    from nmo.programmes import services
    from nmo.programmes.access import access_cohort

    owner = job.owner
    cohort = access_cohort(owner, cohort_id)
    result = services.import_learners_file(
        actor=owner, cohort=cohort, file_name=job.source_name, content=read_source(job)
    )
    rows = result.enrolled + result.already_enrolled
    progress(rows, rows)
    return JobResult(
        message=f"Зачислено: {result.enrolled}; уже были в группе: {result.already_enrolled}; "
        f"новых учётных записей: {result.created}."
    )


@task()
def import_learners_job(*, job_id: int, cohort_id: int) -> str:
    """Enrol the learners of the file the job was started with, all or none."""
    return run_job(job_id, partial(_learners, cohort_id=cohort_id))
