"""CME certificates (Свидетельство НМО) and their public verification (faq-certificate,
faq-cert-from-provider)."""

import io
import zipfile
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from nmo.codes.documents import QR_MASK, certificate_context, render_certificate
from nmo.codes.models import ConfirmationCode
from nmo.codes.services import activate_code, import_roster
from nmo.codes.tests.factories import issued_codes
from nmo.printing.qr import qr_png_data_uri

pytestmark = pytest.mark.django_db


def roster(rows):
    workbook = Workbook()
    for row in [["ФИО", "E-mail"], *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def listed(provider, event):
    """Three roster participants with codes (no e-mails, so nothing is sent)."""
    import_roster(
        actor=provider,
        activity=event,
        file_name="r.xlsx",
        content=roster(
            [["Иванова Мария Петровна", ""], ["Петров Пётр", ""], ["Сидоров Семён", ""]]
        ),
    )
    return list(
        ConfirmationCode.objects.filter(activity=event)
        .select_related("participant", "activity__provider")
        .order_by("id")
    )


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def provider_client(provider):
    client = Client()
    client.force_login(provider)
    return client


@pytest.mark.clause("faq-certificate", "faq-cert-from-provider")
def test_certificate_shows_participant_event_credits_provider_and_code(event, listed):
    """A participant's certificate is a one-page PDF with their name, the event, its
    dates, credits, the provider and the code."""
    code = listed[0]
    pages = pdf_text(render_certificate(code))
    assert len(pages) == 1
    text = flat(pages[0])
    assert "СВИДЕТЕЛЬСТВО НМО" in text
    assert "Иванова Мария Петровна" in text
    assert event.title in text
    assert "12.03.2025" in text
    assert "13.03.2025" in text
    assert "Количество кредитов 6" in text
    assert "Общество кардиологов" in text
    assert code.value in text


@pytest.mark.clause("faq-certificate")
def test_certificate_of_a_code_without_roster_leaves_the_name_blank(provider, event):
    code = issued_codes(provider, event, 1)[0]
    text = flat(pdf_text(render_certificate(code))[0])
    assert "(фамилия, имя, отчество участника)" in text
    assert code.value in text


@pytest.mark.clause("faq-certificate")
def test_qr_code_opens_the_verification_page_saying_genuine(event, listed):
    """The QR code encodes the verification URL; that page says the certificate is
    genuine and shows the event, provider, dates and credits, but not the holder."""
    code = listed[0]
    context = certificate_context(code)
    url = context["verification_url"]
    assert context["qr"] == qr_png_data_uri(url, mask=QR_MASK)
    path = urlsplit(url).path
    assert resolve(path).view_name == "codes:verify"
    response = Client().get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "подлинн" in page
    assert event.title in page
    assert "Общество кардиологов" in page
    assert "12.03.2025" in page
    assert "Код активирован</dt><dd>нет" in page
    assert "Иванова" not in page


def test_verification_shows_activation_but_not_who(specialist, event, listed):
    code = listed[0]
    activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.1")
    page = Client().get(reverse("codes:verify", args=[code.value.lower()])).content.decode()
    assert "Код активирован</dt><dd>да" in page
    assert specialist.last_name not in page
    assert specialist.email not in page


def test_unknown_code_is_not_genuine(db):
    response = Client().get(reverse("codes:verify", args=["AAAA-AAAA0000"]))
    assert response.status_code == 404
    assert "не найдено" in response.content.decode()


@pytest.mark.clause("faq-cert-from-provider")
def test_provider_downloads_all_certificates_in_one_pdf(provider_client, event, listed):
    """Download all: one PDF with one page per participant, in list order."""
    response = provider_client.get(reverse("codes:certificates_pdf", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_text(response.content)
    assert len(pages) == 3
    for page, code in zip(pages, listed, strict=True):
        assert code.participant.full_name in flat(page)
        assert code.value in page


def test_provider_downloads_a_zip_of_certificates(provider_client, event, listed):
    response = provider_client.get(reverse("codes:certificates_zip", args=[event.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(
        f"Свидетельство НМО — {c.value}.pdf" for c in listed
    )
    first = archive.read(f"Свидетельство НМО — {listed[0].value}.pdf")
    assert listed[0].participant.full_name in flat(pdf_text(first)[0])


def test_provider_downloads_one_certificate_and_the_codes_list(provider_client, event, listed):
    one = provider_client.get(reverse("codes:certificate_pdf", args=[event.pk, listed[1].pk]))
    assert one.status_code == 200
    assert "Петров Пётр" in flat(pdf_text(one.content)[0])
    sheet = provider_client.get(reverse("codes:codes_xlsx", args=[event.pk]))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "Код (ИКП)"
    assert [r[1] for r in rows[1:]] == [c.value for c in listed]
    assert rows[1][2] == "Иванова Мария Петровна"


def test_large_events_download_in_parts(provider_client, provider, event, monkeypatch):
    from nmo.codes import documents

    monkeypatch.setattr(documents, "CERTIFICATES_PER_FILE", 2)
    issued_codes(provider, event, 3)
    second = provider_client.get(reverse("codes:certificates_pdf", args=[event.pk]) + "?part=2")
    assert len(pdf_text(second.content)) == 1
    third = provider_client.get(reverse("codes:certificates_pdf", args=[event.pk]) + "?part=3")
    assert third.status_code == 404


@pytest.mark.clause("faq-cert-from-provider")
def test_it_checks_access(event, listed, other_provider, specialist):
    """Certificates are the provider's: another provider gets 404, a specialist 403, a
    visitor is sent to log in. The verification page is public."""
    urls = [
        reverse("codes:certificates_pdf", args=[event.pk]),
        reverse("codes:certificates_zip", args=[event.pk]),
        reverse("codes:codes_xlsx", args=[event.pk]),
        reverse("codes:certificate_pdf", args=[event.pk, listed[0].pk]),
        reverse("codes:activity_codes", args=[event.pk]),
    ]
    visitor = Client()
    other = Client()
    other.force_login(other_provider)
    doctor = Client()
    doctor.force_login(specialist)
    for url in urls:
        assert visitor.get(url).status_code == 302
        assert other.get(url).status_code == 404
        assert doctor.get(url).status_code == 403
    assert visitor.get(reverse("codes:verify", args=[listed[0].value])).status_code == 200


@pytest.mark.clause("faq-certificate")
def test_a_certificate_with_long_details_fits_one_page(provider):
    """A certificate is one A4 page even when the event's title, place and provider are
    long, so a batch of N participants prints as N pages (faq-certificate)."""
    from nmo.codes.tests.factories import accredited_event

    event = accredited_event(
        submitted_by=provider,
        title=(
            "Актуальные вопросы диагностики и лечения сердечно-сосудистых заболеваний "
            "у детей и подростков: междисциплинарный подход, клинические рекомендации 2026"
        ),
        location=(
            "г. Москва, Краснопресненская набережная, д. 12, Центр международной торговли, "
            "конгресс-центр, зал «Амфитеатр»"
        ),
    )
    code = issued_codes(provider, event, 1)[0]
    assert len(PdfReader(io.BytesIO(render_certificate(code))).pages) == 1


def test_certificate_agrees_with_the_participant_and_the_credits(event, listed, provider):
    """«приняла участие» for Иванова Мария Петровна, «принял участие» for Петров Пётр, the
    credits as «6 зачётных единиц (академических часов)»; a blank certificate says «является
    участником» (issue 12: no «(а)», no «(зачётных единиц, академических часов)»)."""
    woman = flat(pdf_text(render_certificate(listed[0]))[0])
    man = flat(pdf_text(render_certificate(listed[1]))[0])
    blank = flat(pdf_text(render_certificate(issued_codes(provider, event, 1)[0]))[0])
    assert "приняла участие в учебном мероприятии" in woman
    assert "принял участие в учебном мероприятии" in man
    assert "является участником учебного мероприятия" in blank
    for text in (woman, man, blank):
        assert "(а)" not in text
        assert "Количество кредитов 6 зачётных единиц (академических часов)" in text
