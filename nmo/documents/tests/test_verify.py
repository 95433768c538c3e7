"""The public verification page a document's QR code leads to: the holder's full name, the
programme, hours, issue date, series and number, organisation and status — valid, or
revoked with date and reason — and nothing else personal (npc-2.8, rgmu-2.8, npc-2.11,
rgmu-2.11)."""

import io
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from nmo.documents.printing import QR_MASK, document_context
from nmo.documents.selectors import verification_url
from nmo.documents.services import configure_register, issue_training_record, revoke_document
from nmo.documents.tests.factories import (
    ISSUED_ON,
    enrol,
    issue,
    make_cohort,
    make_learner,
    make_programme,
)
from nmo.printing.qr import qr_png_data_uri

pytestmark = pytest.mark.django_db

SNILS = "11223344595"


@pytest.fixture
def document(org):
    configure_register(
        actor=org.staff,
        organisation=org.organisation,
        kind="qualification_certificate",
        series="7724",
    )
    learner = make_learner(
        last_name="Орлова", first_name="Дарья", middle_name="Олеговна", snils=SNILS
    )
    programme = make_programme(org, title="Детская кардиология", hours=144)
    return issue(org, enrol(make_cohort(org, programme), learner))


def qr_path(document) -> str:
    """The path the document's QR code encodes, as a phone would open it."""
    url = verification_url(document.verification_token)
    assert document_context(document)["qr"] == qr_png_data_uri(url, mask=QR_MASK)
    pdf_text = "".join(PdfReader(io.BytesIO(bytes(document.pdf))).pages[0].extract_text().split())
    assert url in pdf_text  # printed next to the code as well
    return urlsplit(url).path


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_the_qr_code_leads_to_the_page_with_the_facts(org, document, client):
    """Scanning the QR code opens a page, for anybody, that shows the holder, programme,
    hours, issue date, series and number, organisation and that the document is valid."""
    response = client.get(qr_path(document))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Орлова Дарья Олеговна" in page
    assert "Детская кардиология" in page
    assert "144 академических часов" in page
    assert ISSUED_ON.strftime("%d.%m.%Y") in page
    assert "серия 7724 № 000001" in page
    assert org.organisation.name in page
    assert "Документ действителен" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_a_revoked_document_shows_date_and_reason(org, document, client):
    """A revoked document's page says it is revoked, when, and why."""
    revoke_document(actor=org.staff, document=document, reason="Выдан дубликат взамен утраченного")
    document.refresh_from_db()
    page = client.get(qr_path(document)).content.decode()
    assert "Документ аннулирован" in page
    assert timezone.localtime(document.revoked_at).strftime("%d.%m.%Y") in page
    assert "Выдан дубликат взамен утраченного" in page
    assert "Документ действителен" not in page


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
def test_a_training_record_is_verified_too(org, client):
    """A справка carries a QR code leading to the same kind of page."""
    record = issue_training_record(
        actor=org.staff, enrolment=enrol(make_cohort(org)), issued_on=ISSUED_ON
    )
    page = client.get(qr_path(record)).content.decode()
    assert "Справка об обучении (о периоде обучения)" in page


def test_nothing_personal_beyond_the_name(org, document, client):
    """The page shows neither SNILS nor e-mail nor the training dates or any grade."""
    learner = document.enrolment.learner
    page = client.get(qr_path(document)).content.decode()
    assert SNILS not in page
    assert "112-233-445 95" not in page
    assert learner.email not in page
    assert "СНИЛС" not in page
    assert "02.03.2026" not in page  # the training period
    assert "оценк" not in page.lower()


def test_an_unknown_token_is_a_404_page(document, client):
    """An unknown or altered token answers the 404 page."""
    response = client.get(reverse("documents:verify", args=["x" * 43]))
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
    altered = document.verification_token[:-1] + (
        "A" if document.verification_token[-1] != "A" else "B"
    )
    assert client.get(reverse("documents:verify", args=[altered])).status_code == 404


def test_it_checks_access(org, document, client, outsider):
    """The page is public by its unguessable token only: the document's id does not open
    it; any visitor or signed-in person with the token does."""
    assert client.get(reverse("documents:verify", args=[str(document.pk)])).status_code == 404
    assert client.get(qr_path(document)).status_code == 200
    client.force_login(outsider)
    assert client.get(qr_path(document)).status_code == 200
    assert len(document.verification_token) >= 43


def test_validity_and_revocation_are_unmistakable(org, document, client):
    """Issue 10: the verdict is a large block with its own icon, colour and words — the
    valid one announced politely, the revoked one as an alert — not a plain paragraph."""
    page = client.get(qr_path(document)).content.decode()
    assert 'class="status-block status-valid" role="status"' in page
    assert "status-revoked" not in page
    revoke_document(actor=org.staff, document=document, reason="Выдан дубликат взамен утраченного")
    page = client.get(qr_path(document)).content.decode()
    assert 'class="status-block status-revoked" role="alert"' in page
    assert "status-valid" not in page
