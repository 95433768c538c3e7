"""What an appeal decision changes in the attestation (npc-5.16, npc-5.17, rgmu-app4): the
learner's result, the records that show it (new versions with the reason, ADR 0105) and
the documents on training that follow the result. The appeals app decides; this app owns
the result, its records and who is due which document."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from nmo.accounts.models import User
from nmo.accounts.selectors import get_organisation
from nmo.attestation import rules
from nmo.attestation.access import check_commission_staff
from nmo.attestation.models import (
    AttestationDocument,
    LearnerResult,
    RetakeApplication,
)
from nmo.attestation.services.records import _refresh, correct_record, record_diploma
from nmo.attestation.types import (
    AttestationStatus,
    Outcome,
    RecordStatus,
    RetakeKind,
    RetakeStatus,
)
from nmo.core.exceptions import Conflict
from nmo.core.services import record_audit
from nmo.documents import selectors as document_selectors
from nmo.documents import services as document_services
from nmo.documents.exceptions import DocumentAlreadyIssued
from nmo.documents.models import QualificationDocument
from nmo.documents.rules import padded_number, qualification_document_for
from nmo.documents.types import QUALIFICATION_KINDS, DocumentKind
from nmo.programmes import services as programme_services
from nmo.regulations.types import Grade


def _locked(learner_result: LearnerResult) -> LearnerResult:
    return (
        LearnerResult.objects.select_for_update(of=("self",))
        .select_related(
            "attestation__commission__organisation",
            "attestation__cohort__programme",
            "enrolment__learner",
        )
        .get(pk=learner_result.pk)
    )


@transaction.atomic
def change_result_on_appeal(
    *,
    actor: User,
    learner_result: LearnerResult,
    grade: Grade | None,
    reason: str,
) -> list[AttestationDocument]:
    """Replace a decided result by the appeal commission's decision and return the records
    brought up to date.

    With `grade` the appeal is satisfied with a new result: the final grade becomes it and
    the decision follows it (passed for a positive grade). Without it the appeal is
    satisfied with a retake: the attestation commission's decision on the learner is
    annulled (Outcome.ANNULLED). Every current record that shows the learner — the
    statement, the learner's protocol, the commission's report — gets a new version saying
    `reason`: a frozen one a correction (`correct_record`), one being signed a new version
    (its signatures stay on the old one), a draft is rewritten (ADR 0105). Staff of the
    organisation only. Audited as "attestation.appeal_result" with the result before and
    after."""
    result = _locked(learner_result)
    attestation = result.attestation
    check_commission_staff(actor, attestation.commission.organisation)
    if attestation.status != AttestationStatus.DECIDED or not result.outcome:
        raise Conflict(
            "Результат ещё не решён аттестационной комиссией.", code="attestation_not_decided"
        )
    before = {"final_grade": result.final_grade or None, "outcome": result.outcome}
    if grade is None:
        result.outcome = Outcome.ANNULLED
    else:
        result.final_grade = grade.value
        result.outcome = (Outcome.PASSED if rules.is_positive(grade) else Outcome.FAILED).value
    result.save(update_fields=["final_grade", "outcome", "updated_at"])
    record_audit(
        actor=actor,
        action="attestation.appeal_result",
        target=result,
        changes={
            "before": before,
            "after": {"final_grade": result.final_grade or None, "outcome": result.outcome},
            "reason": reason,
        },
    )
    records = AttestationDocument.objects.select_for_update(of=("self",)).filter(
        attestation=attestation, superseded_by__isnull=True
    )
    updated = []
    for record in records:
        if record.learner_result_id not in (None, result.pk):
            continue
        if record.status == RecordStatus.FROZEN:
            updated.append(correct_record(actor=actor, record=record, reason=reason))
        else:
            updated.append(_refresh(actor, record, reason=reason))
    return updated


def _grant_retake_on_appeal(
    *, actor: User, result: LearnerResult, reason: str, retake_on: date, retake_by: date | None
) -> RetakeApplication:
    """Put the learner on the retake list with the appeal commission's day (ADR 0403): the
    application of the result — one the learner had filed, or a new one of kind `appeal`
    — granted on that day. The attempt-2 attestation that takes the learner in is linked
    when it is scheduled (`schedule_attestation`)."""
    attestation = result.attestation
    application = (
        RetakeApplication.objects.select_for_update()
        .filter(learner_result=result)
        .exclude(status=RetakeStatus.REFUSED)
        .first()
    )
    before = None
    if application is None:
        application = RetakeApplication(
            enrolment=result.enrolment,
            attestation=attestation,
            learner_result=result,
            kind=RetakeKind.APPEAL,
            filed_on=timezone.localdate(),
            filed_by=actor,
            on_behalf=True,
            application_deadline=timezone.localdate(),
        )
    else:
        before = {"status": application.status, "retake_on": application.retake_on}
    application.status = RetakeStatus.GRANTED
    application.status_reason = reason
    application.retake_on = retake_on
    application.latest_attestation_date = retake_by or application.latest_attestation_date
    application.retake_attestation = None  # set when the retake taking them in is scheduled
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save()
    record_audit(
        actor=actor,
        action="retake.grant",
        target=application,
        changes={
            "before": before,
            "after": {
                "status": application.status,
                "retake_on": retake_on,
                "retake_attestation": application.retake_attestation_id,
                "latest_attestation_date": application.latest_attestation_date,
            },
            "reason": reason,
        },
    )
    return application


def _live(enrolment_id: int) -> list[QualificationDocument]:
    return list(document_selectors.issued_documents_for_enrolment(enrolment_id))


@transaction.atomic
def follow_appeal_with_documents(
    *,
    actor: User,
    learner_result: LearnerResult,
    reason: str,
    issued_on: date | None = None,
    retake_on: date | None = None,
    retake_by: date | None = None,
) -> list[QualificationDocument]:
    """Bring the learner's documents on training in line with a result changed on appeal
    and return the documents issued or revoked.

    Passed now: a live справка об обучении is revoked with `reason` and the programme's
    qualification document issued (npc-2.8, rgmu-2.8; a retraining diploma goes into the
    protocol's diploma line). Annulled for a retake: a live qualification document is
    revoked with `reason`, and the retake is granted on the study department's list of
    retakes — a granted `RetakeApplication` of kind `appeal` with the day `retake_on` and
    the limit `retake_by` (ADR 0403) — and the learner admitted to attempt 2
    (`admit_to_retake`): the cohort's attempt-2 attestation held on or after that day takes
    them in; the справка follows the retake's result as usual (npc-2.11, rgmu-2.11). Staff
    of the organisation only. Audited as "attestation.appeal_documents" (and
    "retake.grant")."""
    result = _locked(learner_result)
    attestation = result.attestation
    organisation = get_organisation(attestation.commission.organisation_id)
    check_commission_staff(actor, organisation)
    day = issued_on or timezone.localdate()
    changed: list[QualificationDocument] = []
    live = _live(result.enrolment_id)
    if result.outcome == Outcome.PASSED:
        for document in live:
            if document.kind == DocumentKind.TRAINING_RECORD:
                changed.append(
                    document_services.revoke_document(actor=actor, document=document, reason=reason)
                )
        qualification = qualification_document_for(attestation.cohort.programme.kind)
        try:
            document = document_services.issue_document(
                actor=actor, enrolment=result.enrolment, kind=qualification, issued_on=day
            )
        except DocumentAlreadyIssued:
            pass
        else:
            changed.append(document)
            if qualification == DocumentKind.RETRAINING_DIPLOMA:
                record_diploma(
                    actor=actor,
                    learner_result=result,
                    series=document.series,
                    number=padded_number(document.number),
                    issued_on=document.issued_on,
                )
    elif result.outcome == Outcome.ANNULLED:
        for document in live:
            if document.kind in QUALIFICATION_KINDS:
                changed.append(
                    document_services.revoke_document(actor=actor, document=document, reason=reason)
                )
        if retake_on is None:
            raise Conflict(
                "Укажите дату повторного прохождения итоговой аттестации.", code="retake_on_missing"
            )
        _grant_retake_on_appeal(
            actor=actor, result=result, reason=reason, retake_on=retake_on, retake_by=retake_by
        )
        programme_services.admit_to_retake(
            actor=actor,
            enrolment=result.enrolment,
            justification=(
                f"{reason} Повторное прохождение итоговой аттестации назначено на "
                f"{retake_on:%d.%m.%Y}."
            ),
        )
    record_audit(
        actor=actor,
        action="attestation.appeal_documents",
        target=result,
        changes={
            "outcome": result.outcome,
            "documents": [d.pk for d in changed],
            "retake_on": retake_on,
            "reason": reason,
        },
    )
    return changed
