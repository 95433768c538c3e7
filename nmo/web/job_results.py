"""How long a background job's result file is kept (ADR 0611): JOB_RESULT_KEEP_WORKING_DAYS
working days of the work calendar after the day the job finished, through the last of
them. The jobs live in core, which knows no calendar; the site floor counts the days."""

from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from nmo.core.models import BackgroundJob
from nmo.workcalendar.selectors import add_working_days, subtract_working_days


def kept_until(job: BackgroundJob) -> date | None:
    """The last day the job's result file can be downloaded; None without one."""
    if not job.result_offered or job.finished_at is None:
        return None
    finished_on = timezone.localdate(job.finished_at)
    return add_working_days(finished_on, int(settings.JOB_RESULT_KEEP_WORKING_DAYS))


def purge_cutoff(today: date) -> datetime:
    """Files of jobs finished before this moment are past their keeping on `today`: the
    start of the day whose last keeping day was yesterday."""
    first_kept = subtract_working_days(today, int(settings.JOB_RESULT_KEEP_WORKING_DAYS))
    return timezone.make_aware(datetime.combine(first_kept, time.min))
