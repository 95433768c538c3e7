"""The справка об обучении / о периоде обучения for a learner who did not pass the final
attestation, failed it (including on the retake) or was withdrawn (npc-2.11, rgmu-2.11).
Whether the learner passed is the attestation app's decision: calling
`issue_training_record` asserts that they did not."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from nmo.documents.exceptions import DocumentAlreadyIssued, DocumentInvalid
from nmo.documents.models import QualificationDocument
from nmo.documents.services import issue_document, issue_training_record, revoke_document
from nmo.documents.tests.factories import (
    ENDS_ON,
    ISSUED_ON,
    STARTS_ON,
    enrol,
    issue,
    make_cohort,
    make_enrolment,
    make_learner,
)
from nmo.documents.types import DocumentKind
from nmo.regulations.types import ProgrammeKind

pytestmark = pytest.mark.django_db


def text_of(document: QualificationDocument) -> str:
    page = PdfReader(io.BytesIO(bytes(document.pdf))).pages[0]
    return " ".join((page.extract_text() or "").split())


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
def test_a_learner_who_did_not_pass_gets_a_training_record(org):
    """A learner who did not pass receives a справка об обучении with the period actually
    studied, numbered in its own register, as an A4 portrait PDF (npc-2.11, rgmu-2.11)."""
    enrolment = make_enrolment(
        org, last_name="Соколов", first_name="Игорь", middle_name="Викторович"
    )
    record = issue_training_record(actor=org.staff, enrolment=enrolment, issued_on=ISSUED_ON)

    assert record.kind == DocumentKind.TRAINING_RECORD
    assert record.number == 1
    assert record.registration_number == "СО-1"
    assert (record.period_from, record.period_to) == (STARTS_ON, ENDS_ON)
    assert (record.studied_from, record.studied_to) == (STARTS_ON, ENDS_ON)
    page = PdfReader(io.BytesIO(bytes(record.pdf))).pages[0]
    assert float(page.mediabox.height) > float(page.mediabox.width)  # portrait
    text = text_of(record)
    assert "СПРАВКА" in text
    assert "об обучении (о периоде обучения)" in text
    assert "Соколов Игорь Викторович" in text
    assert "Неотложная помощь детям" in text
    assert "№ 000001" in text


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
def test_a_withdrawn_learner_gets_a_record_of_the_period_studied(org):
    """A learner withdrawn midway receives a справка о периоде обучения for the days they
    actually studied (npc-2.11, rgmu-2.11)."""
    enrolment = enrol(make_cohort(org), status="withdrawn")
    record = issue_training_record(
        actor=org.staff,
        enrolment=enrolment,
        issued_on=date(2026, 3, 10),
        period_from=STARTS_ON,
        period_to=date(2026, 3, 6),
    )
    assert (record.studied_from, record.studied_to) == (STARTS_ON, date(2026, 3, 6))
    assert "с 02.03.2026 по 06.03.2026" in text_of(record)


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
def test_the_studied_period_defaults_to_the_issue_date(org):
    """Without a period, a record issued before the cohort ends covers the days up to the
    issue date."""
    record = issue_training_record(
        actor=org.staff, enrolment=make_enrolment(org), issued_on=date(2026, 3, 9)
    )
    assert (record.studied_from, record.studied_to) == (STARTS_ON, date(2026, 3, 9))


@pytest.mark.clause("rgmu-2.11")
def test_a_retraining_learner_who_failed_gets_a_record(rgmu):
    """At РостГМУ a learner of a retraining who failed (including on the retake) also
    receives the справка (rgmu-2.11)."""
    enrolment = make_enrolment(rgmu, kind=ProgrammeKind.PROFESSIONAL_RETRAINING)
    record = issue_training_record(actor=rgmu.staff, enrolment=enrolment, issued_on=ISSUED_ON)
    assert record.kind == DocumentKind.TRAINING_RECORD
    assert "профессиональной переподготовки" in text_of(record)


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
def test_issue_document_with_the_record_kind_is_the_same(org):
    """`issue_document(kind="training_record")` issues the same справка."""
    record = issue_document(
        actor=org.staff,
        enrolment=make_enrolment(org),
        kind="training_record",
        issued_on=ISSUED_ON,
    )
    assert record.kind == DocumentKind.TRAINING_RECORD
    assert record.studied_to == ENDS_ON


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
def test_no_record_for_a_learner_who_holds_a_qualification_document(org):
    """A learner holding a live удостоверение or диплом passed: no справка is issued; one
    справка at a time per enrolment."""
    enrolment = make_enrolment(org)
    issue(org, enrolment)
    with pytest.raises(DocumentAlreadyIssued) as refused:
        issue_training_record(actor=org.staff, enrolment=enrolment, issued_on=ISSUED_ON)
    assert "справка" in refused.value.message

    other = make_enrolment(org)
    issue_training_record(actor=org.staff, enrolment=other, issued_on=ISSUED_ON)
    with pytest.raises(DocumentAlreadyIssued):
        issue_training_record(actor=org.staff, enrolment=other, issued_on=ISSUED_ON)


@pytest.mark.clause("rgmu-2.11", "rgmu-2.8")
def test_passing_the_retake_after_a_record_gives_the_qualification_document(rgmu):
    """A learner who got a справка and then passed the retake receives the удостоверение;
    the справка stays on record."""
    enrolment = make_enrolment(rgmu)
    record = issue_training_record(actor=rgmu.staff, enrolment=enrolment, issued_on=ISSUED_ON)
    certificate = issue(rgmu, enrolment, issued_on=date(2026, 4, 10))
    assert certificate.number == 1
    record.refresh_from_db()
    assert record.status == "issued"


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
def test_the_studied_period_is_checked(org):
    """The period studied is ordered, starts no earlier than the cohort and has ended by
    the issue date."""
    enrolment = make_enrolment(org)
    cases = [
        ({"period_from": date(2026, 3, 1)}, "period_from"),
        ({"period_from": date(2026, 3, 10), "period_to": date(2026, 3, 5)}, "period_to"),
        ({"period_to": date(2026, 3, 20)}, "period_to"),
    ]
    for period, field in cases:
        with pytest.raises(DocumentInvalid) as refused:
            issue_training_record(
                actor=org.staff, enrolment=enrolment, issued_on=ISSUED_ON, **period
            )
        assert field in refused.value.errors
    assert not QualificationDocument.objects.exists()


def test_a_revoked_record_can_be_reissued(org):
    """A revoked справка is replaced by a new one with the next number."""
    enrolment = make_enrolment(org)
    first = issue_training_record(actor=org.staff, enrolment=enrolment, issued_on=ISSUED_ON)
    revoke_document(actor=org.staff, document=first, reason="Неверно указан период обучения")
    second = issue_training_record(actor=org.staff, enrolment=enrolment, issued_on=ISSUED_ON)
    assert (second.number, second.replaces) == (2, first)


def test_it_checks_access(org, outsider, specialist):
    """Only the staff of the programme's organisation issue a справка: other staff get
    NotFound, the learner and other people PermissionDenied, a visitor NotAuthenticated."""
    from django.contrib.auth.models import AnonymousUser

    enrolment = make_enrolment(org)
    with pytest.raises(NotFound):
        issue_training_record(actor=outsider, enrolment=enrolment, issued_on=ISSUED_ON)
    for actor in (specialist, enrolment.learner, make_learner()):
        with pytest.raises(PermissionDenied):
            issue_training_record(actor=actor, enrolment=enrolment, issued_on=ISSUED_ON)
    with pytest.raises(NotAuthenticated):
        issue_training_record(actor=AnonymousUser(), enrolment=enrolment, issued_on=ISSUED_ON)
    assert not QualificationDocument.objects.exists()
