"""E-mail goes through a real SMTP server (aiosmtpd) started by the test."""

import re
import socket
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


def _body(message: Message) -> str:
    part = message.get_payload(0) if message.is_multipart() else message
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def test_password_reset_mail_is_delivered_and_its_link_works(
    client, specialist, smtp_server, django_capture_on_commit_callbacks
):
    """A person who forgot the password asks for a reset, receives the letter through
    SMTP after the request commits, follows its link, sets a new password and logs in."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/accounts/password-reset/", {"email": "IVANOVA@example.ru"})
        assert response.status_code == 302
    assert smtp_server.messages == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(smtp_server.messages) == 1
    letter = smtp_server.messages[0]
    assert letter["To"] == specialist.email
    assert str(make_header(decode_header(letter["Subject"]))) == "НМО: восстановление пароля"
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", _body(letter)).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Новый пароль" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_url,
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"

    client.logout()
    login = client.post(
        "/accounts/login/", {"username": specialist.email, "password": "a-brand-new-passphrase"}
    )
    assert login.status_code == 302
    reused = client.get(link, follow=True)
    assert "Ссылка недействительна" in reused.content.decode()


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client, smtp_server, django_capture_on_commit_callbacks
):
    """Asking for an unknown address reveals nothing and sends nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "nobody@example.ru"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert smtp_server.messages == []
