"""Background work of the codes app: certificates and activation notices by e-mail."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from nmo.codes.documents import certificate_file_name, render_certificate
from nmo.codes.models import ConfirmationCode
from nmo.core.links import links_from
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
