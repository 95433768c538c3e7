"""Background work of the attestation app: issuing the documents of an attestation with
many learners, which a staff member waits for on the status page (ADR 0017)."""

from functools import partial

from django_tasks import task

from nmo.core.jobs import JobResult, Progress, run_job
from nmo.core.models import BackgroundJob


def _issue(
    job: BackgroundJob, progress: Progress, *, attestation_id: int, include_failed: bool
) -> JobResult:
    from nmo.attestation import services
    from nmo.attestation.access import access_attestation

    attestation = access_attestation(job.owner, attestation_id)
    issued = services.issue_documents_for(
        actor=job.owner, attestation=attestation, include_failed=include_failed
    )
    return JobResult(message=services.issued_message(issued))


@task()
def issue_documents_job(*, job_id: int, attestation_id: int, include_failed: bool) -> str:
    """Issue the documents of a decided attestation, all in one transaction."""
    work = partial(_issue, attestation_id=attestation_id, include_failed=include_failed)
    return run_job(job_id, work)
