"""Issuing the documents on training after the commission's decision: the qualification
document to those who passed, the retraining diploma into the protocol's diploma line, a
справка to those who failed on their last attempt; idempotent, staff only."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from nmo.attestation import services
from nmo.attestation.exceptions import RecordNotSignable
from nmo.attestation.models import DocumentSignature
from nmo.attestation.selectors import current_records, required_signers
from nmo.attestation.tests.factories import (
    PASSWORD,
    all_present,
    build,
    decided,
    entry,
    grade_all,
    vote_all,
)
from nmo.core.exceptions import Conflict, NotFound, PermissionDenied
from nmo.documents.models import QualificationDocument
from nmo.regulations.types import StageKind

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clause("npc-2.8", "npc-2.11", "rgmu-2.8", "rgmu-2.11"),
]

ISSUED_ON = date(2026, 10, 20)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_npc_passed_learners_get_certificates_numbered_in_order(npc):
    setup = decided("npc", org=npc)
    issued = services.issue_documents_for(
        actor=npc.staff, attestation=setup.attestation, issued_on=ISSUED_ON
    )
    assert [d.kind for d in issued] == ["qualification_certificate"] * 3
    assert [d.number for d in issued] == [1, 2, 3]
    assert {d.enrolment_id for d in issued} == {e.pk for e in setup.enrolments}
    assert all(d.issued_on == ISSUED_ON for d in issued)


def test_rgmu_retraining_diploma_fills_the_protocol(rgmu):
    setup = decided("rgmu", org=rgmu)
    issued = services.issue_documents_for(
        actor=rgmu.staff, attestation=setup.attestation, issued_on=ISSUED_ON
    )
    assert [d.kind for d in issued] == ["retraining_diploma"] * 3
    first = setup.results()[0]
    diploma = next(d for d in issued if d.enrolment_id == first.enrolment_id)
    assert first.diploma_number == f"{diploma.number:06d}"
    assert first.diploma_series == diploma.series
    # The entry reserved at the decision (ADR 0110): the date of the sitting.
    assert first.diploma_issued_on == diploma.issued_on == setup.attestation.held_on
    protocol = next(
        d
        for d in current_records(setup.attestation).filter(kind="retraining_protocol")
        if d.learner_result_id == first.pk
    )
    text = pdf_text(services.render_record_pdf(protocol))
    assert f"№ {diploma.number:06d} от 16.10.2026" in text


def test_a_second_call_issues_nothing_more(npc):
    setup = decided("npc", org=npc)
    first = services.issue_documents_for(actor=npc.staff, attestation=setup.attestation)
    assert len(first) == 3
    assert services.issue_documents_for(actor=npc.staff, attestation=setup.attestation) == []
    assert QualificationDocument.objects.filter(enrolment__cohort=setup.cohort).count() == 3


def test_a_failed_learner_gets_a_training_record_only_when_asked(rgmu):
    """Inside the retake window a failed learner may still pass: the справка waits unless
    the staff ask for it (ADR 0109)."""
    setup = build("rgmu", org=rgmu)
    all_present(setup)
    testing = next(s for s in setup.stages() if s.kind == StageKind.TESTING)
    last = setup.results()[2]
    grade_all(setup)
    services.record_stage_results(
        actor=setup.secretary,
        attestation=setup.attestation,
        entries=[entry(last, testing, Decimal(10))],
    )
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    issued = services.issue_documents_for(
        actor=rgmu.staff, attestation=setup.attestation, issued_on=ISSUED_ON
    )
    assert sorted(d.kind for d in issued) == ["retraining_diploma"] * 2
    more = services.issue_documents_for(
        actor=rgmu.staff, attestation=setup.attestation, issued_on=ISSUED_ON, include_failed=True
    )
    assert [(d.kind, d.enrolment_id) for d in more] == [("training_record", last.enrolment_id)]


def test_an_undecided_attestation_is_refused(npc):
    setup = build("npc", org=npc)
    with pytest.raises(Conflict) as caught:
        services.issue_documents_for(actor=npc.staff, attestation=setup.attestation)
    assert "после решения" in caught.value.message
    assert not QualificationDocument.objects.exists()


def test_it_checks_access(npc, outsider, client):
    setup = decided("npc", org=npc)
    with pytest.raises(NotFound):
        services.issue_documents_for(actor=outsider, attestation=setup.attestation)
    with pytest.raises((PermissionDenied, NotFound)):
        services.issue_documents_for(actor=setup.chair, attestation=setup.attestation)
    url = reverse("attestation:issue_documents", args=[setup.attestation.pk])
    client.login(email=outsider.email, password=PASSWORD)
    assert client.post(url).status_code == 404
    client.login(email=setup.chair.email, password=PASSWORD)
    assert client.post(url).status_code in {403, 404}
    assert not QualificationDocument.objects.exists()


def test_the_page_offers_the_button_and_issues(npc, client):
    setup = decided("npc", org=npc)
    client.login(email=npc.staff.email, password=PASSWORD)
    page = client.get(setup.attestation.get_absolute_url())
    assert "Выдать документы об обучении" in page.content.decode()
    assert reverse("documents:register") in page.content.decode()
    url = reverse("attestation:issue_documents", args=[setup.attestation.pk])
    response = client.post(url, follow=True)
    assert "Выдано документов об обучении: 3." in response.content.decode()
    assert QualificationDocument.objects.filter(enrolment__cohort=setup.cohort).count() == 3


def protocol_of(setup, result):
    return current_records(setup.attestation).get(kind="retraining_protocol", learner_result=result)


@pytest.mark.clause("rgmu-app1", "rgmu-2.13")
def test_issuing_leaves_a_protocol_being_signed_as_it_is(
    rgmu, mailoutbox, django_capture_on_commit_callbacks
):
    """A protocol two signatories have signed already prints, in item 7, the entry the
    register reserved when the commission decided (ADR 0110): issuing the diploma takes
    that very entry, so the protocol is not rewritten — no new version, the signatures
    stay, nobody is asked to sign again — and once everybody has signed, the archived
    protocol and the diploma agree."""
    setup = decided("rgmu", org=rgmu)
    first = setup.results()[0]
    signed = protocol_of(setup, first)
    signers = required_signers(setup.attestation)
    for signer in signers[:2]:
        services.sign_record(actor=signer.seat.person, record=signed)
    given = sorted(
        DocumentSignature.objects.filter(document=signed).values_list("seat_id", "signed_at")
    )
    before = pdf_text(services.render_record_pdf(signed))

    with django_capture_on_commit_callbacks(execute=True):
        issued = services.issue_documents_for(
            actor=rgmu.staff, attestation=setup.attestation, issued_on=ISSUED_ON
        )

    diploma = next(d for d in issued if d.enrolment_id == first.enrolment_id)
    line = f"серия {diploma.series} № {diploma.number:06d} от 16.10.2026"
    assert line in before
    current = protocol_of(setup, first)
    assert (current.pk, current.version) == (signed.pk, 1)
    assert (
        sorted(
            DocumentSignature.objects.filter(document=signed).values_list("seat_id", "signed_at")
        )
        == given
    )
    # Nobody is asked to sign again; the learners are told of their programme's hours
    # reaching their ledger (ADR 0118).
    assert {m.subject for m in mailoutbox} <= {"НМО: начислены кредиты"}
    for signer in signers[2:]:
        services.sign_record(actor=signer.seat.person, record=current)
    current.refresh_from_db()
    assert current.status == "frozen"
    assert line in pdf_text(bytes(current.pdf))
    with pytest.raises(RecordNotSignable):
        services.sign_record(actor=signers[0].seat.person, record=current)


def test_a_protocol_nobody_signed_keeps_its_text_when_the_diploma_is_issued(rgmu):
    """Before anyone signs, the protocol already carries the reserved entry: issuing does
    not change it (the same version, the same text)."""
    setup = decided("rgmu", org=rgmu)
    first = setup.results()[0]
    draft = protocol_of(setup, first)
    services.issue_documents_for(
        actor=rgmu.staff, attestation=setup.attestation, issued_on=ISSUED_ON
    )
    current = protocol_of(setup, first)
    assert current.pk == draft.pk
    assert current.version == 1
    assert current.content == draft.content
    assert "от 16.10.2026" in pdf_text(services.render_record_pdf(current))


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_many_learners_documents_are_issued_by_a_job(npc, outsider, client, monkeypatch):
    """With more than a few learners the button starts a background job (ADR 0017): the
    request renders no PDF; the job's page gives the outcome to the staff member who
    started it and is hidden from anyone else."""
    from django.core.management import call_command

    from nmo.attestation.services import issuance

    monkeypatch.setattr(issuance, "INSTANT_DOCUMENTS", 2)
    setup = decided("npc", org=npc)
    client.login(email=npc.staff.email, password=PASSWORD)
    response = client.post(reverse("attestation:issue_documents", args=[setup.attestation.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/jobs/")
    assert not QualificationDocument.objects.exists()
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    page = client.get(response["Location"]).content.decode()
    assert "Выдано документов об обучении: 3." in page
    assert QualificationDocument.objects.filter(enrolment__cohort=setup.cohort).count() == 3
    client.login(email=outsider.email, password=PASSWORD)
    assert client.get(response["Location"]).status_code == 404
