"""Qualification documents as files (ADR 0029, issue 12 point 5): kept in the archive, so
PDF/A-3b with every font embedded and their metadata set; downloaded under a Russian name
saying what they are."""

from urllib.parse import unquote

import pytest
from django.urls import reverse

from nmo.documents.services import issue_training_record
from nmo.documents.tests.factories import ISSUED_ON, issue, make_enrolment
from nmo.printing.tests.pdf_checks import assert_pdfa_3b
from nmo.regulations.types import ProgrammeKind

pytestmark = pytest.mark.django_db


def _kinds(org):
    certificate = issue(org, make_enrolment(org, last_name="Егоров", first_name="Евгений"))
    diploma = issue(
        org,
        make_enrolment(org, kind=ProgrammeKind.PROFESSIONAL_RETRAINING, last_name="Жукова"),
    )
    record = issue_training_record(
        actor=org.staff, enrolment=make_enrolment(org, last_name="Шевчук"), issued_on=ISSUED_ON
    )
    return [certificate, diploma, record]


def test_each_kind_is_pdfa_with_its_metadata(rgmu):
    """An удостоверение, a диплом and a справка are each PDF/A-3b (pdfaid part 3,
    conformance B), in Russian, with every font embedded; the title names the kind and
    number, the custom fields the registration number and the verification link."""
    for document in _kinds(rgmu):
        reader = assert_pdfa_3b(bytes(document.pdf))
        info = reader.metadata
        assert document.display_number in info.title
        assert info["/RegistrationNumber"] == str(document.registration_number)
        assert info["/VerificationURL"].endswith(f"{document.verification_token}/")
        assert document.holder_name in info.subject


def test_the_download_is_named_in_russian(rgmu, client):
    """«Удостоверение о ПК № 000001 — Егоров Е.… — <дата>.pdf», with `filename*` in UTF-8
    and an ASCII fallback."""
    names = {
        "Удостоверение о ПК": "Егоров",
        "Диплом о ПП": "Жукова",
        "Справка об обучении": "Шевчук",
    }
    client.force_login(rgmu.staff)
    for document, (title, surname) in zip(_kinds(rgmu), names.items(), strict=True):
        response = client.get(reverse("documents:document_pdf", args=[document.pk]))
        header = response["Content-Disposition"]
        assert header.startswith('attachment; filename="')
        name = unquote(header.split("filename*=UTF-8''")[1])
        initials = "".join(f"{p[0]}." for p in document.holder_name.split()[1:3])
        assert name == (
            f"{title} {document.display_number} — {surname} {initials} — {ISSUED_ON:%d.%m.%Y}.pdf"
        )
