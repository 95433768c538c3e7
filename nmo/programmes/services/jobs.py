"""A long learners file runs as a background job with a status page (ADR 0017); a short
one is enrolled while the person waits."""

from django.urls import reverse

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import User
from nmo.core.jobs import start_job
from nmo.core.models import BackgroundJob
from nmo.core.uploads import UploadRefused
from nmo.programmes.exceptions import LearnersInvalid
from nmo.programmes.models import Cohort
from nmo.programmes.xlsx import MAX_LEARNER_ROWS, SheetError, check_sheet, read_sheet

#: Learners enrolled while the person waits; a longer file is a job.
INSTANT_LEARNER_ROWS = 10
#: A learners file larger than this is not even read in the request.
INSTANT_LEARNER_BYTES = 64 * 1024


def learners_file_is_small(content: bytes) -> bool:
    """Whether a learners file is small enough to enrol while the person waits. A file
    that cannot be read counts as small, so its refusal is shown at once: a hostile or
    oversized file is refused in the request, never queued (ADR 0025)."""
    try:
        check_sheet(content, max_rows=MAX_LEARNER_ROWS)
    except UploadRefused:
        return True
    if len(content) > INSTANT_LEARNER_BYTES:
        return False
    try:
        rows = read_sheet(content, max_rows=MAX_LEARNER_ROWS)
    except SheetError:
        return True
    filled = [row for row in rows if any(str(cell or "").strip() for cell in row)]
    return len(filled) - 1 <= INSTANT_LEARNER_ROWS


def start_learners_import(
    *, actor: User, cohort: Cohort, file_name: str, content: bytes
) -> BackgroundJob:
    """Enrol the learners of a long XLSX file in the background (`import_learners_file`,
    all or none); the status page lists every bad row in Russian if it is refused."""
    from nmo.programmes.tasks import import_learners_job

    require_staff_of(actor, cohort.programme.organisation)
    try:
        check_sheet(content, max_rows=MAX_LEARNER_ROWS, file_name=file_name)
    except UploadRefused as exc:
        raise LearnersInvalid(errors={"file": [exc.message]}) from exc
    return start_job(
        owner=actor,
        kind="programmes.learners",
        title=f"Список слушателей группы «{cohort.title or cohort.programme.title}»",
        task=import_learners_job,
        back_url=reverse("programmes:cohort_detail", args=[cohort.pk]) + "#learners",
        source=content,
        source_name=file_name,
        cohort_id=cohort.pk,
    )
