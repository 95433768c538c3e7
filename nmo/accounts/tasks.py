"""Background work of accounts: the password-reset letter (ADR 0022).

The reset request's view only counts the request and queues `send_password_reset`, the
same for an address an account has and one no account has; the lookup, the link and the
letter happen here, in the worker, so the answer's time tells nothing."""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from nmo.accounts.models import User
from nmo.core.links import current_site_url, links_from
from nmo.core.request_context import reset_client_ip, set_client_ip
from nmo.core.services import record_audit


@task()
def send_password_reset(*, email: str, site_url: str = "", ip: str | None = None) -> int:
    """Send the reset link to every active account with this (normalised) e-mail, an
    account without a usable password included (an enrolled learner sets their first one
    this way); audit the request against the account, or, for an address no account has,
    as a bare fact with nothing personal. The number of letters sent."""
    sent = 0
    token = set_client_ip(ip)
    try:
        users = list(User.objects.filter(email=email, is_active=True))
        if not users:
            record_audit(
                actor=None,
                action="account.password_reset_request_unknown",
                object_type="accounts.user",
                object_repr="неизвестный адрес",
            )
        with links_from(site_url):
            for user in users:
                context = {
                    "user": user,
                    "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                    "site_url": current_site_url(),
                }
                subject = "".join(
                    render_to_string("accounts/password_reset_subject.txt", context).splitlines()
                )
                body = render_to_string("accounts/password_reset_email.txt", context)
                sent += EmailMessage(subject=subject, body=body, to=[user.email]).send()
                record_audit(actor=None, action="account.password_reset_request", target=user)
    finally:
        reset_client_ip(token)
    return sent
