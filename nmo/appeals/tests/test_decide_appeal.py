"""The decision of the appeal commission and its effect: quorum (npc-5.14, rgmu-5.14),
the deputy chair for the absent chair (npc-5.7), the open vote by a majority of the
listed composition with the chair's casting vote (npc-5.15, rgmu-5.15), the outcomes and
what they change (npc-5.16, npc-5.17, rgmu-app4), the decision final (npc-5.19)."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from nmo.appeals import services
from nmo.appeals.exceptions import AppealFinal, AppealNotAllowed, DecisionRefused, HearingInvalid
from nmo.appeals.tests.factories import (
    HELD_ON,
    appeal_setup,
    file_as_learner,
    filing,
    heard,
    on,
    votes,
)
from nmo.appeals.types import AppealStatus
from nmo.attestation import services as attestation_services
from nmo.attestation.exceptions import AttestationNotReady
from nmo.attestation.models import AttestationDocument, LearnerResult, RetakeApplication
from nmo.attestation.selectors import current_records, required_signers, results_for_learner
from nmo.attestation.tests.factories import schedule_for
from nmo.attestation.types import Outcome
from nmo.core.models import AuditEntry
from nmo.core.russian import by_sex
from nmo.documents.models import QualificationDocument
from nmo.documents.rules import padded_number
from nmo.documents.selectors import documents_of_organisation
from nmo.programmes.models import Admission

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def decide(s, appeal, resolution="rejected", **kw):
    return services.decide_appeal(
        actor=s.staff,
        appeal=appeal,
        resolution=resolution,
        votes=kw.pop("votes", None) or votes(appeal),
        **kw,
    )


@pytest.mark.clause("npc-5.14", "npc-5.7")
@pytest.mark.parametrize(
    ("absent", "quorum"),
    [
        (("member",), True),  # 3 present with the chair: N
        (("member", "member"), False),  # 2 present: N-1
        (("chair",), True),  # the deputy chair acts for the chair (npc-5.7)
        (("chair", "deputy"), False),  # 2 members without the chair or the deputy
    ],
)
def test_npc_quorum_is_three_members_including_the_chair(absent, quorum):
    """npc-5.14: the commission may decide with at least 3 members present including the
    chair; the deputy chair presides in the chair's absence (npc-5.7). Without the quorum
    the decision is refused with the reason and nothing changes."""
    s = appeal_setup("npc")
    people = {"chair": [s.chair], "deputy": [s.deputy], "member": list(s.members)}
    away = [people[role].pop() for role in absent]
    appeal = heard(s, file_as_learner(s, HELD_ON), absent=away)
    if s.chair in away and s.deputy not in away:
        assert appeal.presiding_seat.person == s.deputy
    if quorum:
        decided = decide(s, appeal)
        assert decided.status == AppealStatus.DECIDED
        return
    with pytest.raises(DecisionRefused) as refused:
        decide(s, appeal)
    assert refused.value.code == "appeal_no_quorum"
    assert "не менее 3 членов, включая председателя" in refused.value.message
    assert "п. 5.14 Положения НПЦ ДЗМ" in refused.value.message
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.HEARD


@pytest.mark.clause("rgmu-5.14", "rgmu-5.15")
def test_rgmu_quorum_is_half_the_members_and_the_majority_is_of_the_listed():
    """rgmu-5.14: at least 50 % of the members present (1 of 4 — refused; 2 of 4 —
    competent). rgmu-5.15: the majority is of the listed composition: 2 votes for of 4
    members is no majority even with all present voting for."""
    s = appeal_setup("rgmu")
    appeal = heard(s, file_as_learner(s, HELD_ON), absent=[s.chair, s.deputy, s.members[0]])
    with pytest.raises(DecisionRefused) as refused:
        decide(s, appeal)
    assert "не менее 50% членов" in refused.value.message
    appeal = services.record_hearing(
        actor=s.staff,
        appeal=appeal,
        present_seat_ids=[
            seat.pk
            for seat in appeal.commission.seats.all()
            if seat.person_id in {s.deputy.pk, s.members[1].pk, s.secretary.pk}
        ],
        appellant_attendance="absent",
        discussion="Заявитель не явился, апелляция рассмотрена по документам.",
    )
    with pytest.raises(DecisionRefused) as refused:
        decide(s, appeal)
    assert refused.value.code == "appeal_no_majority"
    assert "большинством голосов от списочного состава" in refused.value.message


@pytest.mark.clause("npc-5.15")
def test_npc_majority_of_the_listed_and_the_chairs_casting_vote():
    """npc-5.15: open vote; 2 for, 1 against of 3 present is not a majority of the 4
    listed; a 2–2 tie is decided by the chair's vote."""
    s = appeal_setup("npc")
    appeal = heard(s, file_as_learner(s, HELD_ON), absent=[s.members[1]])
    split = votes(appeal, **{str(s.members[0].pk): "against"})
    with pytest.raises(DecisionRefused) as refused:
        decide(s, appeal, votes=split)
    assert "ни одна сторона не набрала большинства из 4 членов по списку" in refused.value.message
    appeal = services.record_hearing(
        actor=s.staff,
        appeal=appeal,
        present_seat_ids=list(appeal.commission.seats.values_list("pk", flat=True)),
        appellant_attendance="appellant",
        discussion="Обсуждены ответы слушателя.",
    )
    tie = votes(appeal, **{str(s.members[0].pk): "against", str(s.members[1].pk): "against"})
    decided = decide(s, appeal, votes=tie)
    assert decided.status == AppealStatus.DECIDED
    assert "решающий голос председательствующего" in decided.decision_note
    assert decided.votes.count() == 4


@pytest.mark.clause("npc-5.16")
def test_npc_reject_keeps_the_result():
    """npc-5.16, npc-5.17: rejecting keeps the attestation commission's grade; the
    protocol is drawn up and the notice falls due."""
    s = appeal_setup("npc")
    appeal = decide(s, heard(s, file_as_learner(s, HELD_ON)))
    s.failed.refresh_from_db()
    assert s.failed.outcome == Outcome.FAILED
    assert appeal.outcome == "rejected"
    assert appeal.protocol.number == 1
    assert AuditEntry.objects.filter(action="appeal.decide", object_id=str(appeal.pk)).exists()


@pytest.mark.clause("npc-5.16", "npc-app3")
def test_npc_satisfied_with_zachteno_replaces_the_result_everywhere(
    django_capture_on_commit_callbacks,
):
    """npc-5.16, npc-5.17, npc-app3: satisfied with the result «зачтено» (the only one
    the НПЦ form allows): the learner's result becomes passed on their page; the signed
    statement gets a new version saying why; the удостоверение is issued; the learner is
    e-mailed. «отлично» is refused."""
    s = appeal_setup("npc")
    statement = current_records(s.attestation.attestation).get(kind="attestation_statement")
    for signer in required_signers(s.attestation.attestation):
        attestation_services.sign_record(actor=signer.seat.person, record=statement)
    statement.refresh_from_db()
    assert statement.is_frozen
    appeal = heard(s, file_as_learner(s, HELD_ON))
    with pytest.raises(HearingInvalid) as refused:
        decide(s, appeal, "new_result", new_grade="excellent")
    assert "зачтено" in refused.value.errors["new_grade"][0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide(s, appeal, "new_result", new_grade="passed")
    assert decided.new_grade == "passed"
    assert decided.previous_grade == "failed"
    result = LearnerResult.objects.get(pk=s.failed.pk)
    assert (result.final_grade, result.outcome) == ("passed", Outcome.PASSED)
    mine = results_for_learner(s.learner).get(pk=result.pk)
    assert mine.outcome == Outcome.PASSED
    new_version = AttestationDocument.objects.get(supersedes=statement)
    assert new_version.version == 2
    assert "Решение апелляционной комиссии (протокол № 1" in new_version.correction_reason
    row = next(r for r in new_version.content["learners"] if r["name"] == s.learner.full_name)
    assert row["outcome"] == "итоговая аттестация пройдена"
    assert new_version.content["passed_count"] == 3
    document = QualificationDocument.objects.get(enrolment=result.enrolment, status="issued")
    assert document.kind == "qualification_certificate"
    assert any("Новая итоговая оценка: зачтено" in m.body for m in mail.outbox)


def frozen(s, record):
    """Sign a record of the attestation by everyone who signs it: it is frozen."""
    for signer in required_signers(s.attestation.attestation):
        attestation_services.sign_record(actor=signer.seat.person, record=record)
    record.refresh_from_db()
    assert record.is_frozen
    return record


def register_page(s) -> str:
    return client_for(s.staff).get(reverse("documents:register")).content.decode()


@pytest.mark.clause("rgmu-app4", "npc-5.16")
def test_rgmu_satisfied_with_a_grade_of_the_four_point_scale():
    """rgmu-app4: satisfied with отлично, хорошо, удовлетворительно or зачтено: the
    learner's grade becomes «удовлетворительно»; the learner's signed retraining protocol
    and the commission's signed report each get a new version saying the appeal's reason
    and showing the new grade; the retraining diploma is issued, its number goes into the
    protocol's diploma line, and the documents register lists it."""
    s = appeal_setup("rgmu")
    records = current_records(s.attestation.attestation)
    protocol = frozen(s, records.get(kind="retraining_protocol", learner_result=s.failed))
    report = frozen(s, records.get(kind="commission_report"))
    appeal = heard(s, file_as_learner(s, HELD_ON))
    decided = decide(s, appeal, "new_result", new_grade="satisfactory")
    result = LearnerResult.objects.get(pk=s.failed.pk)
    assert result.final_grade == "satisfactory"
    assert result.outcome == Outcome.PASSED
    assert decided.get_new_grade_display() == "удовлетворительно"
    reason = "Решение апелляционной комиссии (протокол № 1 от 31.10.2025)"
    new_protocol = AttestationDocument.objects.get(supersedes=protocol)
    assert new_protocol.version == 2
    assert reason in new_protocol.correction_reason
    assert "«удовлетворительно»" in new_protocol.correction_reason
    assert new_protocol.content["overall"] == "удовлетворительно"
    assert new_protocol.content["outcome"] == "итоговая аттестация пройдена"
    new_report = AttestationDocument.objects.get(supersedes=report)
    assert new_report.version == 2
    assert reason in new_report.correction_reason
    row = next(r for r in new_report.content["learners"] if r["name"] == s.learner.full_name)
    assert (row["grade"], row["outcome"]) == ("удовлетворительно", "итоговая аттестация пройдена")
    assert (new_report.content["passed_count"], new_report.content["refused_count"]) == (3, 0)
    # The old versions stay as signed, superseded.
    protocol.refresh_from_db()
    assert protocol.is_frozen
    assert protocol.content["overall"] == "неудовлетворительно"
    diploma = QualificationDocument.objects.get(
        enrolment=result.enrolment, status="issued", kind="retraining_diploma"
    )
    current = current_records(s.attestation.attestation).get(
        kind="retraining_protocol", learner_result=s.failed
    )
    assert current.content["diploma_number"] == padded_number(diploma.number)
    in_register = documents_of_organisation(s.org.organisation, kind="retraining_diploma")
    assert diploma in list(in_register)
    assert diploma.display_number in register_page(s)
    assert AuditEntry.objects.filter(
        action="attestation.appeal_result", object_id=str(result.pk)
    ).exists()


@pytest.mark.clause("npc-5.16", "npc-app3")
def test_npc_passed_on_appeal_revokes_the_spravka_and_issues_the_certificate():
    """npc-5.16, npc-2.8, npc-2.11: a learner who failed and was already given a справка
    об обучении is satisfied with «зачтено»: the справка is revoked with the appeal's
    reason, the удостоверение is issued, and the documents register shows the revoked
    справка and the new удостоверение."""
    s = appeal_setup("npc")
    attestation_services.issue_documents_for(
        actor=s.staff, attestation=s.attestation.attestation, issued_on=HELD_ON,
        include_failed=True,
    )  # fmt: skip
    spravka = QualificationDocument.objects.get(
        enrolment=s.failed.enrolment, kind="training_record", status="issued"
    )
    decide(s, heard(s, file_as_learner(s, HELD_ON)), "new_result", new_grade="passed")
    spravka.refresh_from_db()
    assert spravka.status == "revoked"
    assert "Решение апелляционной комиссии (протокол № 1" in spravka.revocation_reason
    certificate = QualificationDocument.objects.get(
        enrolment=s.failed.enrolment, kind="qualification_certificate"
    )
    assert certificate.status == "issued"
    statuses = {
        d.kind: d.status
        for d in documents_of_organisation(s.org.organisation)
        if d.enrolment_id == s.failed.enrolment_id
    }
    assert statuses == {"training_record": "revoked", "qualification_certificate": "issued"}
    page = register_page(s)
    assert certificate.display_number in page
    assert "аннулирован" in page
    audit = AuditEntry.objects.get(
        action="attestation.appeal_documents", object_id=str(s.failed.pk)
    )
    assert set(audit.changes["documents"]) == {spravka.pk, certificate.pk}


@pytest.mark.clause("npc-5.16", "rgmu-app4")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_satisfied_with_a_retake_annuls_the_decision_revokes_the_document_and_admits(key):
    """npc-5.16, rgmu-app4: satisfied with a retake of the final attestation (a breach of
    the procedure): the commission's decision on the learner is annulled, the document
    already issued is revoked, the learner is admitted to the retake on a day no later
    than 3 months after the hearing (npc-2.9, rgmu-2.9)."""
    s = appeal_setup(key)
    attestation_services.issue_documents_for(
        actor=s.staff, attestation=s.attestation.attestation, issued_on=date(2025, 11, 1)
    )
    document = QualificationDocument.objects.get(enrolment=s.passed.enrolment, status="issued")
    learner = s.passed.enrolment.learner
    with on(HELD_ON):
        appeal = services.file_appeal(
            actor=learner, learner_result=s.passed, filing=filing(subject="procedure")
        )
    appeal = heard(s, appeal)
    with pytest.raises(HearingInvalid) as refused:
        decide(s, appeal, "retake", retake_on=date(2026, 2, 1))
    assert "не позднее 31.01.2026" in str(refused.value.errors["retake_on"])
    decided = decide(s, appeal, "retake", retake_on=date(2025, 12, 15))
    assert decided.retake_on == date(2025, 12, 15)
    result = LearnerResult.objects.get(pk=s.passed.pk)
    assert result.outcome == Outcome.ANNULLED
    document.refresh_from_db()
    assert document.status == "revoked"
    assert "апелляционной комиссии" in document.revocation_reason
    assert Admission.objects.get(enrolment=result.enrolment, attempt=2).admitted
    granted = RetakeApplication.objects.get(learner_result=result)
    assert (granted.kind, granted.status) == ("appeal", "granted")
    assert granted.retake_on == date(2025, 12, 15)
    assert granted.latest_attestation_date == date(2026, 1, 31)
    assert "протокол № 1" in granted.status_reason
    assert AuditEntry.objects.filter(action="retake.grant", object_id=str(granted.pk)).exists()


@pytest.mark.clause("npc-5.16", "rgmu-app4", "npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_retake_on_appeal_is_scheduled_no_earlier_than_its_day(key):
    """npc-5.16, rgmu-app4 with npc-2.9, rgmu-2.9 (ADR 0403): the retake set by the
    appeal commission for 15.12.2025 is on the study department's retake list and the
    learner's retake page; a retake of the cohort held before that day does not take the
    learner in (refused, naming who waits and from when); one held on that day does and is
    linked to the granted retake."""
    s = appeal_setup(key)
    appellant = s.passed.enrolment.learner
    with on(HELD_ON):
        appeal = services.file_appeal(
            actor=appellant, learner_result=s.passed, filing=filing(subject="procedure")
        )
    decide(s, heard(s, appeal), "retake", retake_on=date(2025, 12, 15))
    retakes = client_for(s.staff).get(reverse("attestation:retake_list")).content.decode()
    assert appellant.full_name in retakes
    assert "решением апелляционной комиссии" in retakes
    assert "Удовлетворено: 15.12.2025" in retakes
    mine = client_for(appellant).get(reverse("attestation:my_retakes")).content.decode()
    assert "назначено апелляционной комиссией на <strong>15.12.2025</strong>" in mine
    assert "не позднее 31.01.2026" in mine
    with pytest.raises(AttestationNotReady) as early:
        schedule_for(s.attestation, held_on=date(2025, 12, 12), attempt=2)
    assert f"{appellant.full_name} — не ранее 15.12.2025" in early.value.message
    retake = schedule_for(s.attestation, held_on=date(2025, 12, 15), attempt=2)
    assert list(
        LearnerResult.objects.filter(attestation=retake).values_list("enrolment_id", flat=True)
    ) == [s.passed.enrolment_id]
    granted = RetakeApplication.objects.get(learner_result=s.passed)
    assert granted.retake_attestation == retake
    mine = client_for(appellant).get(reverse("attestation:my_retakes")).content.decode()
    assert "итоговая аттестация — 15.12.2025" in mine
    retakes = client_for(s.staff).get(reverse("attestation:retake_list")).content.decode()
    included = by_sex(appellant, "включён", "включена")
    assert f"{included} в повторную аттестацию 15.12.2025" in retakes


@pytest.mark.clause("npc-5.19")
def test_the_decision_is_final_and_a_second_decision_is_refused():
    """npc-5.19: the appeal decision is final: no appeal against the result it decided,
    and the appeal is not decided twice."""
    s = appeal_setup("npc")
    appeal = decide(s, heard(s, file_as_learner(s, HELD_ON)))
    with pytest.raises(AppealFinal) as refused:
        file_as_learner(s, HELD_ON)
    assert "обжалованию не подлежит" in refused.value.message
    assert "п. 5.19 Положения НПЦ ДЗМ" in refused.value.message
    with pytest.raises(AppealNotAllowed) as again:
        decide(s, appeal)
    assert again.value.code == "appeal_decided"
