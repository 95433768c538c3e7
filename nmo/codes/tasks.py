"""Background work of the codes app: certificates and activation notices by e-mail, and
the jobs a provider waits for on the status page (ADR 0017): a bundle of certificates, a
roster, a batch of codes."""

from functools import partial

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from nmo.codes.access import access_provider_activity
from nmo.codes.documents import (
    certificate_file_name,
    certificates_file_name,
    certificates_zip,
    codes_of_part,
    render_certificate,
    render_certificates,
)
from nmo.codes.models import ConfirmationCode
from nmo.core.jobs import JobResult, Progress, read_source, run_job
from nmo.core.links import links_from
from nmo.core.models import BackgroundJob
from nmo.cycles.selectors import credits_for_activity


@task()
def send_certificate(*, code_id: int, site_url: str = "") -> int:
    """E-mail a roster participant their CME certificate as a PDF attachment
    (faq-certificate). Enqueued after the roster's transaction commits, with the address
    the roster was uploaded at: the certificate's QR code leads there (nmo.core.links)."""
    code = (
        ConfirmationCode.objects.select_related("activity", "activity__provider", "participant")
        .filter(pk=code_id)
        .first()
    )
    if code is None or code.participant is None or not code.participant.email:
        return 0
    context = {"participant": code.participant, "activity": code.activity, "code": code.value}
    message = EmailMessage(
        subject=" ".join(f"Свидетельство НМО: {code.activity.title}".split())[:200],
        body=render_to_string("codes/email/certificate.txt", context),
        to=[code.participant.email],
    )
    with links_from(site_url):
        pdf = render_certificate(code)
    message.attach(certificate_file_name(code), pdf, "application/pdf")
    return message.send()


@task()
def send_activation_notice(*, specialist_id: int, code: str) -> int:
    """E-mail the specialist that their code was activated and how many credits it
    brought (faq-email-notice). Queued in the activation's own transaction (or after its
    commit): it reads what was committed, so it needs only the specialist and the code."""
    found = (
        ConfirmationCode.objects.select_related("activity", "activated_by")
        .filter(value=code, activated_by_id=specialist_id)
        .first()
    )
    if found is None or found.activated_by is None or not found.activated_by.email:
        return 0
    specialist, activity = found.activated_by, found.activity
    credited = credits_for_activity(specialist_id=specialist_id, activity_id=activity.pk)
    credits = credited if credited is not None else int(activity.credits or 0)
    body = render_to_string(
        "codes/email/activation_notice.txt",
        {
            "specialist": specialist,
            "activity": activity,
            "credits": credits,
            "activated_at": timezone.localtime(found.activated_at),
            "code": code,
        },
    )
    message = EmailMessage(
        subject=f"Начислены кредиты НМО: {credits}", body=body, to=[specialist.email]
    )
    return message.send()


def _certificates(
    job: BackgroundJob, progress: Progress, *, activity_id: int, part: int, archive: bool
) -> JobResult:
    activity = access_provider_activity(job.owner, activity_id)
    codes = codes_of_part(activity, part)
    progress(0, len(codes))
    if archive:
        content = certificates_zip(codes, progress=progress)
        content_type = "application/zip"
    else:
        content = render_certificates(codes, progress=progress)
        content_type = "application/pdf"
    return JobResult(
        message=f"Свидетельств в файле: {len(codes)}.",
        content=content,
        file_name=certificates_file_name(activity, part, archive=archive),
        content_type=content_type,
    )


@task()
def build_certificates(*, job_id: int, activity_id: int, part: int, archive: bool) -> str:
    """Render one part of an event's certificates into one PDF or a ZIP, certificate by
    certificate, as the job's result file."""
    work = partial(_certificates, activity_id=activity_id, part=part, archive=archive)
    return run_job(job_id, work)


def _roster(job: BackgroundJob, progress: Progress, *, activity_id: int) -> JobResult:
    from nmo.codes.services import import_roster

    activity = access_provider_activity(job.owner, activity_id)
    result = import_roster(
        actor=job.owner,
        activity=activity,
        file_name=job.source_name,
        content=read_source(job),
    )
    count = len(result.participant_ids)
    progress(count, count)
    return JobResult(
        message=f"Список загружен: участников {count}, выпущено кодов {len(result.codes)}; "
        f"свидетельства отправляются по почте: {result.emailed}."
    )


@task()
def import_roster_job(*, job_id: int, activity_id: int) -> str:
    """Load the roster the job was started with, all or nothing."""
    return run_job(job_id, partial(_roster, activity_id=activity_id))


def _issue(job: BackgroundJob, progress: Progress, *, activity_id: int, count: int) -> JobResult:
    from nmo.codes.services import issue_codes

    activity = access_provider_activity(job.owner, activity_id)
    issued = issue_codes(actor=job.owner, activity=activity, count=count)
    progress(len(issued.codes), count)
    return JobResult(message=f"Выпущено кодов: {len(issued.codes)}.")


@task()
def issue_codes_job(*, job_id: int, activity_id: int, count: int) -> str:
    """Issue a batch of codes in one transaction."""
    return run_job(job_id, partial(_issue, activity_id=activity_id, count=count))
