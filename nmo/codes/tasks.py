"""Background work of the codes app: certificates by e-mail."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django_tasks import task

from nmo.codes.documents import certificate_file_name, render_certificate
from nmo.codes.models import ConfirmationCode


@task()
def send_certificate(*, code_id: int) -> int:
    """E-mail a roster participant their CME certificate as a PDF attachment
    (faq-certificate). Enqueued after the roster's transaction commits."""
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
    message.attach(certificate_file_name(code), render_certificate(code), "application/pdf")
    return message.send()
