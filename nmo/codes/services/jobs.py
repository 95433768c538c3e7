"""Long work on codes started from a page runs as a background job with a progress bar
(ADR 0017): a large roster, a large batch of codes, a bundle of certificates. Small ones
stay in the request, so a person gets an immediate answer."""

from django.urls import reverse

from nmo.accounts.models import User
from nmo.catalog.models import Activity
from nmo.codes.access import check_provider_staff
from nmo.codes.documents import INSTANT_CERTIFICATES, count_of_part
from nmo.codes.exceptions import CodeCountInvalid, RosterInvalid
from nmo.codes.rules import MAX_CODES_PER_ISSUE
from nmo.codes.services.issue import (
    check_roster_file,
    ensure_accredited_event,
    read_roster_file,
)
from nmo.core.exceptions import NotFound
from nmo.core.jobs import start_job
from nmo.core.models import BackgroundJob

#: Codes issued while the person waits; a larger batch is a job (ADR 0017).
INSTANT_CODES = 100
#: Roster rows loaded while the person waits; a longer roster is a job.
INSTANT_ROSTER_ROWS = 10
#: A roster file larger than this is not even read in the request: it goes to a job.
INSTANT_ROSTER_BYTES = 64 * 1024


def _back(activity: Activity) -> str:
    return reverse("codes:activity_codes", args=[activity.pk])


def certificates_need_job(activity: Activity, part: int) -> bool:
    """Whether this part of the event's certificates is too large to render while the
    person waits."""
    return count_of_part(activity, part) > INSTANT_CERTIFICATES


def start_certificates_bundle(
    *, actor: User, activity: Activity, part: int, archive: bool
) -> BackgroundJob:
    """Prepare one part of the event's certificates (one PDF, or a ZIP of one PDF per
    participant) in the background; the job's result is the file. NotFound when the part
    holds no certificates."""
    from nmo.codes.tasks import build_certificates

    check_provider_staff(actor, activity)
    count = count_of_part(activity, part)
    if not count:
        raise NotFound()
    form = "архивом ZIP" if archive else "одним файлом PDF"
    return start_job(
        owner=actor,
        kind="codes.certificates",
        title=f"Свидетельства НМО ({count}) {form}: «{activity.title}»",
        task=build_certificates,
        total=count,
        back_url=_back(activity),
        activity_id=activity.pk,
        part=part,
        archive=archive,
    )


def roster_is_small(file_name: str, content: bytes) -> bool:
    """Whether a roster is small enough to load while the person waits: a file of at most
    INSTANT_ROSTER_BYTES with at most INSTANT_ROSTER_ROWS rows under the header. A file
    that cannot be read counts as small, so its refusal is shown at once: a hostile or
    oversized file is refused in the request, never queued (ADR 0025)."""
    try:
        check_roster_file(file_name, content)
    except RosterInvalid:
        return True
    if len(content) > INSTANT_ROSTER_BYTES:
        return False
    try:
        rows = read_roster_file(file_name, content)
    except RosterInvalid:
        return True
    filled = [row for row in rows if any(str(cell or "").strip() for cell in row)]
    return len(filled) - 1 <= INSTANT_ROSTER_ROWS


def start_roster_import(
    *, actor: User, activity: Activity, file_name: str, content: bytes
) -> BackgroundJob:
    """Load a roster in the background (`import_roster`, all or nothing); the status page
    lists every bad row in Russian if the file is refused."""
    from nmo.codes.tasks import import_roster_job

    check_provider_staff(actor, activity)
    ensure_accredited_event(activity)
    check_roster_file(file_name, content)
    return start_job(
        owner=actor,
        kind="codes.roster",
        title=f"Список участников: «{activity.title}»",
        task=import_roster_job,
        back_url=_back(activity),
        source=content,
        source_name=file_name,
        activity_id=activity.pk,
    )


def start_code_issue(*, actor: User, activity: Activity, count: int) -> BackgroundJob:
    """Issue a large batch of codes in the background (`issue_codes`)."""
    from nmo.codes.tasks import issue_codes_job

    check_provider_staff(actor, activity)
    ensure_accredited_event(activity)
    if not 1 <= count <= MAX_CODES_PER_ISSUE:
        raise CodeCountInvalid(
            errors={"count": [f"Можно выпустить от 1 до {MAX_CODES_PER_ISSUE} кодов за раз."]}
        )
    return start_job(
        owner=actor,
        kind="codes.issue",
        title=f"Выпуск кодов ({count}): «{activity.title}»",
        task=issue_codes_job,
        total=count,
        back_url=_back(activity),
        activity_id=activity.pk,
        count=count,
    )
