"""Background work of the documents app: the FRDO file of a big year, which a staff
member waits for on the job's page (ADR 0017, 0607)."""

from functools import partial

from django_tasks import task

from nmo.accounts.models import Organisation
from nmo.accounts.selectors import get_organisation
from nmo.core.exceptions import NotFound
from nmo.core.jobs import JobResult, Progress, run_job
from nmo.core.models import BackgroundJob


def _export(
    job: BackgroundJob, progress: Progress, *, organisation_id: int, year: int
) -> JobResult:
    from nmo.documents import frdo

    try:
        organisation = get_organisation(organisation_id)
    except Organisation.DoesNotExist as exc:
        raise NotFound() from exc
    progress(0, frdo.frdo_export_size(organisation, year))
    rows = 0

    def written(done: int) -> None:
        nonlocal rows
        rows = done
        progress(done)

    # The staff role is checked again (it may have been taken away since the start); a
    # year with gaps found now fails the job with the export's own messages.
    out = frdo.export_frdo(actor=job.owner, organisation=organisation, year=year, written=written)
    return JobResult(
        message=frdo.written_message(rows),
        file=out,
        file_name=frdo.frdo_file_name(organisation, year),
        content_type=frdo.CONTENT_TYPE,
    )


@task()
def export_frdo_job(*, job_id: int, organisation_id: int, year: int) -> str:
    """Write an organisation's FRDO file of a year as the job's result, row by row into a
    temporary file (constant memory), then into the job's result."""
    return run_job(job_id, partial(_export, organisation_id=organisation_id, year=year))
