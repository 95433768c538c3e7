"""The QR code on a CME certificate leads to the address the product is served at
(ADR 0013): a server on a port of its own renders the PDF, the test reads the QR code
off the rendered page, follows it and gets the verification page from that server."""

import io
import urllib.request

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import Workbook

from nmo.codes.models import ConfirmationCode
from nmo.codes.services import import_roster
from nmo.codes.tasks import send_certificate
from nmo.codes.tests.factories import issued_codes


def qr_links(pdf: bytes) -> list[str]:
    """The texts of the QR codes on the PDF's pages, read off the rendered pictures."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for page in document:
        picture = page.render(scale=3).to_pil().convert("L")
        found += [barcode.text for barcode in zxingcpp.read_barcodes(picture)]
    return found


def fetch(url: str, *, session: str = "") -> tuple[int, bytes]:
    request = urllib.request.Request(url)  # noqa: S310 (the test's own live server)
    if session:
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, response.read()


@pytest.mark.clause("faq-certificate")
@override_settings(SITE_URL="")
def test_the_certificate_qr_leads_to_the_server_that_printed_it(live_server, provider, event):
    """No SITE_URL: the QR code carries the scheme, host and port of the request."""
    code = issued_codes(provider, event, 1)[0]
    assert not live_server.url.endswith(":8000")
    client = Client()
    client.force_login(provider)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    path = reverse("codes:certificate_pdf", args=[event.pk, code.pk])

    status, pdf = fetch(live_server.url + path, session=session)
    assert status == 200
    assert pdf.startswith(b"%PDF")
    [link] = qr_links(pdf)
    assert link == live_server.url + reverse("codes:verify", args=[code.value])

    status, page = fetch(link)
    assert status == 200
    assert "Свидетельство подлинное" in page.decode()
    assert event.title in page.decode()


@pytest.mark.django_db
@override_settings(SITE_URL="https://nmo.example.ru")
def test_a_configured_public_address_wins(provider, event):
    """Behind a proxy the public address is configured; the QR code carries it."""
    code = issued_codes(provider, event, 1)[0]
    client = Client()
    client.force_login(provider)
    response = client.get(
        reverse("codes:certificate_pdf", args=[event.pk, code.pk]), HTTP_HOST="localhost:8123"
    )
    [link] = qr_links(response.content)
    assert link.startswith("https://nmo.example.ru/codes/")


def roster(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in [["ФИО", "E-mail"], *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
@override_settings(SITE_URL="", SITE_URL_FALLBACK="http://127.0.0.1:8413")
def test_a_certificate_mailed_by_the_worker_leads_to_the_address_it_was_given(
    provider, event, mailoutbox, django_capture_on_commit_callbacks
):
    """The task worker has no request: the certificate it mails carries the address the
    roster was uploaded at, handed to the task; with none, the address `make run` serves."""
    with django_capture_on_commit_callbacks(execute=True):
        import_roster(
            actor=provider,
            activity=event,
            file_name="r.xlsx",
            content=roster([["Иванова Мария Петровна", "ivanova@example.ru"]]),
        )
    [mailed] = mailoutbox
    [(_, pdf, _)] = mailed.attachments
    [link] = qr_links(pdf)
    code = ConfirmationCode.objects.get(activity=event)
    assert link == "http://127.0.0.1:8413" + reverse("codes:verify", args=[code.value])

    send_certificate.call(code_id=code.pk, site_url="http://nmo.hospital.local:8123")
    [(_, pdf, _)] = mailoutbox[-1].attachments
    [link] = qr_links(pdf)
    assert link.startswith("http://nmo.hospital.local:8123/codes/verify/")


@pytest.mark.django_db
@override_settings(
    SITE_URL="",
    SITE_URL_FALLBACK="http://127.0.0.1:8000",
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
)
def test_a_bundle_built_by_the_worker_carries_the_address_it_was_asked_at(provider, event):
    """A bundle of certificates is a background job: the worker has no request, and its
    certificates still lead to the address the provider asked at, not the fallback."""
    from django.core.management import call_command

    issued_codes(provider, event, 4)
    client = Client(HTTP_HOST="localhost:8555")
    client.force_login(provider)
    started = client.post(reverse("codes:certificates_pdf", args=[event.pk]))
    assert started.status_code == 302
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    download = client.get(started["Location"] + "file/")
    assert download.status_code == 200
    links = qr_links(download.getvalue())
    assert len(links) == 4
    assert all(link.startswith("http://localhost:8555/") for link in links), links
