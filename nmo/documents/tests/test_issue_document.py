"""Issuing qualification documents: an удостоверение for a qualification upgrade, a диплом
for a retraining where the regulation names it, numbered without gaps in the register of
the organisation and kind, with a PDF carrying what is printed (npc-2.8, rgmu-2.8)."""

import hashlib
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.documents.exceptions import (
    DocumentAlreadyIssued,
    DocumentInvalid,
    DocumentKindNotAllowed,
)
from nmo.documents.models import DocumentRegister, QualificationDocument
from nmo.documents.services import configure_register, issue_document, revoke_document
from nmo.documents.tests.factories import (
    ENDS_ON,
    ISSUED_ON,
    STARTS_ON,
    enrol,
    issue,
    make_cohort,
    make_enrolment,
    make_learner,
    make_programme,
)
from nmo.documents.types import DocumentKind
from nmo.regulations.types import ProgrammeKind

pytestmark = pytest.mark.django_db


def pdf_text(document: QualificationDocument) -> str:
    reader = PdfReader(io.BytesIO(bytes(document.pdf)))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_a_qualification_upgrade_gets_an_udostoverenie(org):
    """A learner who passed a qualification upgrade receives an удостоверение о повышении
    квалификации, numbered 1 in the organisation's register, with the snapshot of what is
    printed (npc-2.8, rgmu-2.8)."""
    enrolment = make_enrolment(
        org, last_name="Смирнова", first_name="Елена", middle_name="Андреевна"
    )
    document = issue(org, enrolment)

    assert document.kind == DocumentKind.QUALIFICATION_CERTIFICATE
    assert document.number == 1
    assert document.registration_number == "ПК-1"
    assert document.status == "issued"
    assert document.holder_name == "Смирнова Елена Андреевна"
    assert document.programme_title == "Неотложная помощь детям"
    assert document.hours == 36
    assert (document.period_from, document.period_to) == (STARTS_ON, ENDS_ON)
    assert document.studied_from is None
    assert document.issued_on == ISSUED_ON
    assert document.issued_by == org.staff
    assert document.organisation == org.organisation
    assert len(document.verification_token) >= 40


@pytest.mark.clause("rgmu-2.8")
def test_a_retraining_gets_a_diploma_at_rostgmu(rgmu):
    """Under the РостГМУ regulation a learner who passed a professional retraining
    receives a диплом о профессиональной переподготовке, in its own register (rgmu-2.8)."""
    configure_register(
        actor=rgmu.staff, organisation=rgmu.organisation, kind="retraining_diploma", series="612400"
    )
    enrolment = make_enrolment(rgmu, kind=ProgrammeKind.PROFESSIONAL_RETRAINING)
    document = issue(rgmu, enrolment)

    assert document.kind == DocumentKind.RETRAINING_DIPLOMA
    assert document.series == "612400"
    assert document.number == 1
    assert document.display_number == "серия 612400 № 000001"
    assert document.registration_number == "ПП-1"


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_the_wrong_kind_is_refused(org):
    """A diploma for a qualification upgrade, or an удостоверение for a retraining, is
    refused with a Russian message naming the clause (npc-2.8, rgmu-2.8); no number is
    used."""
    upgrade = make_enrolment(org)
    with pytest.raises(DocumentKindNotAllowed) as refused:
        issue(org, upgrade, kind=DocumentKind.RETRAINING_DIPLOMA)
    assert "удостоверение о повышении квалификации" in refused.value.errors["kind"][0]
    assert refused.value.code == "document_kind_not_allowed"

    retraining = make_enrolment(org, kind=ProgrammeKind.PROFESSIONAL_RETRAINING)
    with pytest.raises(DocumentKindNotAllowed):
        issue(org, retraining, kind=DocumentKind.QUALIFICATION_CERTIFICATE)
    with pytest.raises(DocumentKindNotAllowed):
        issue(org, upgrade, kind="medal")
    assert not QualificationDocument.objects.exists()


@pytest.mark.clause("npc-2.8")
def test_the_npc_issues_no_diplomas(npc):
    """The НПЦ regulation names only the удостоверение (npc-2.8): a diploma is refused even
    for a retraining programme somebody managed to create."""
    enrolment = make_enrolment(npc, kind=ProgrammeKind.PROFESSIONAL_RETRAINING)
    with pytest.raises(DocumentKindNotAllowed) as refused:
        issue(npc, enrolment, kind=DocumentKind.RETRAINING_DIPLOMA)
    assert "только удостоверение о повышении квалификации" in refused.value.message


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_numbers_are_sequential_per_organisation_and_kind(rgmu, npc):
    """Each organisation numbers each kind in its own register: 1, 2, 3 … without gaps;
    another kind or organisation starts at 1 (npc-2.8, rgmu-2.8)."""
    cohort = make_cohort(rgmu)
    numbers = [issue(rgmu, enrol(cohort)).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    diploma = issue(rgmu, make_enrolment(rgmu, kind=ProgrammeKind.PROFESSIONAL_RETRAINING))
    assert diploma.number == 1
    assert issue(npc, make_enrolment(npc)).number == 1
    register = DocumentRegister.objects.get(
        organisation=rgmu.organisation, kind="qualification_certificate"
    )
    assert register.next_number == 4


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_a_refused_issue_uses_no_number(org):
    """A refusal (dates, kind, a second live document) leaves the register untouched: the
    next document still gets the next number."""
    cohort = make_cohort(org)
    first = issue(org, enrol(cohort))
    with pytest.raises(DocumentAlreadyIssued):
        issue(org, first.enrolment)
    with pytest.raises(DocumentInvalid):
        issue(org, enrol(cohort), issued_on=timezone.localdate() + timedelta(days=1))
    assert issue(org, enrol(cohort)).number == 2


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_the_pdf_carries_holder_programme_hours_and_number(org):
    """The PDF (A4 landscape) names the organisation, the holder, the programme, its hours,
    the period, series and number, registration number, issue date and the verification
    link of its QR code; its SHA-256 is stored (npc-2.8, rgmu-2.8)."""
    configure_register(
        actor=org.staff,
        organisation=org.organisation,
        kind="qualification_certificate",
        series="7724",
    )
    programme = make_programme(org, title="Педиатрия: актуальные вопросы", hours=72)
    enrolment = enrol(
        make_cohort(org, programme),
        make_learner(last_name="Кузнецова", first_name="Ольга", middle_name="Игоревна"),
    )
    document = issue(org, enrolment)
    raw = bytes(document.pdf)
    assert raw.startswith(b"%PDF")
    assert document.pdf_sha256 == hashlib.sha256(raw).hexdigest()
    page = PdfReader(io.BytesIO(raw)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape

    text = pdf_text(document)
    assert "УДОСТОВЕРЕНИЕ" in text
    assert "выдано Кузнецовой Ольге Игоревне" in text
    assert "Педиатрия: актуальные вопросы" in text
    assert "72" in text
    assert "серия 7724 № 000001" in text
    assert "ПК-1" in text
    assert ISSUED_ON.strftime("%d.%m.%Y") in text
    assert org.organisation.name.split()[0] in text
    assert document.verification_token[:20] in text.replace(" ", "")


@pytest.mark.clause("rgmu-2.8")
def test_the_diploma_pdf_says_diploma(rgmu):
    """A diploma prints «ДИПЛОМ о профессиональной переподготовке» (rgmu-2.8)."""
    document = issue(rgmu, make_enrolment(rgmu, kind=ProgrammeKind.PROFESSIONAL_RETRAINING))
    text = pdf_text(document)
    assert "ДИПЛОМ" in text
    assert "профессиональной переподготовке" in text


def test_a_reissue_follows_a_revocation_and_names_what_it_replaces(org):
    """One live document of a kind per enrolment: a new one is issued only after the old
    one is revoked; it takes the next number and records the document it replaces."""
    enrolment = make_enrolment(org)
    first = issue(org, enrolment)
    revoke_document(actor=org.staff, document=first, reason="Ошибка в фамилии слушателя")
    second = issue(org, enrolment)
    assert second.number == 2
    assert second.replaces == first
    assert "ВЗАМЕН" in pdf_text(second)


def test_a_withdrawn_learner_gets_no_qualification_document(org):
    """A withdrawn learner did not complete the programme: only a training record."""
    enrolment = enrol(make_cohort(org), status="withdrawn")
    with pytest.raises(DocumentInvalid) as refused:
        issue(org, enrolment)
    assert "справка" in refused.value.errors["enrolment"][0]


def test_dates_are_checked(org):
    """The issue date is not in the future nor before the training; a period given
    explicitly is ordered."""
    enrolment = make_enrolment(org)
    with pytest.raises(DocumentInvalid) as refused:
        issue(org, enrolment, issued_on=STARTS_ON - timedelta(days=1))
    assert "issued_on" in refused.value.errors
    with pytest.raises(DocumentInvalid) as refused:
        issue(org, enrolment, period_from=ENDS_ON, period_to=STARTS_ON)
    assert "period_to" in refused.value.errors
    document = issue(
        org,
        enrolment,
        period_from=STARTS_ON,
        period_to=date(2026, 3, 20),
        issued_on=date(2026, 3, 20),
    )
    assert document.period_to == date(2026, 3, 20)


def test_issue_is_audited(org):
    """The issue is written to the audit log with the number and the PDF's checksum."""
    document = issue(org, make_enrolment(org))
    entry = AuditEntry.objects.get(action="document.issue")
    assert entry.actor == org.staff
    assert entry.object_id == str(document.pk)
    assert entry.changes["number"] == 1
    assert entry.changes["pdf_sha256"] == document.pdf_sha256


def test_it_checks_access(org, outsider, specialist, admin_user):
    """Only organisation staff of the programme's organisation issue: the staff of another
    organisation get NotFound, a person without the role PermissionDenied, an anonymous
    visitor NotAuthenticated. Nothing is numbered."""
    from django.contrib.auth.models import AnonymousUser

    enrolment = make_enrolment(org)
    kind = DocumentKind.QUALIFICATION_CERTIFICATE
    with pytest.raises(NotFound):
        issue_document(actor=outsider, enrolment=enrolment, kind=kind, issued_on=ISSUED_ON)
    for actor in (specialist, admin_user, enrolment.learner):
        with pytest.raises(PermissionDenied):
            issue_document(actor=actor, enrolment=enrolment, kind=kind, issued_on=ISSUED_ON)
    with pytest.raises(NotAuthenticated):
        issue_document(actor=AnonymousUser(), enrolment=enrolment, kind=kind, issued_on=ISSUED_ON)
    assert not QualificationDocument.objects.exists()
    assert not DocumentRegister.objects.exists()
