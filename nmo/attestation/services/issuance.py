"""Issue the documents on training after the commission's decision (npc-2.8, npc-2.11,
rgmu-2.8, rgmu-2.11): the qualification document to those who passed, a справка об
обучении to those who did not pass and can no longer retake (ADR 0109). The documents app
numbers, renders and checks them; this app knows who passed and who may still retake."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import User
from nmo.attestation.models import Attestation, LearnerResult, RetakeApplication
from nmo.attestation.selectors import document_facts_for, retake_deadlines_for, retake_left
from nmo.attestation.services.records import record_diploma
from nmo.attestation.types import RETAKE_HELD_OPEN, AttestationStatus, Outcome
from nmo.core.exceptions import Conflict
from nmo.core.jobs import start_job
from nmo.core.models import BackgroundJob
from nmo.documents import services as document_services
from nmo.documents.exceptions import DocumentAlreadyIssued
from nmo.documents.models import QualificationDocument
from nmo.documents.rules import padded_number, qualification_document_for
from nmo.documents.types import DocumentKind

NO_VALID_REASON = (Outcome.FAILED, Outcome.ABSENT_NO_REASON)
"""Outcomes that give the retake of npc-2.9, rgmu-2.9, and a справка once it is gone."""


class _TrainingRecordRule:
    """Who of one decided attestation is due a справка (npc-2.11, rgmu-2.11; ADR 0109).

    Whoever did not pass the last attempt the regulation allows. On an earlier attempt, a
    learner who failed or was absent without a valid reason once the retake is out of
    reach: the application window (`retake_deadlines_for`) closed before the issue day
    and no application is pending or granted — or at once when the staff ask
    (`include_failed`). A learner absent for a valid reason keeps the right to sit
    (npc-2.10, rgmu-2.10) and gets nothing before the last attempt."""

    def __init__(self, attestation: Attestation, *, day: date, include_failed: bool) -> None:
        self.day = day
        self.include_failed = include_failed
        self.last_attempt = not retake_left(attestation)
        self.retaking: set[int] = set()
        if not self.last_attempt:
            # One query each, not one per learner: applications that keep the retake
            # open, and learners already placed in a later attempt.
            self.retaking = set(
                RetakeApplication.objects.filter(
                    attestation=attestation, status__in=RETAKE_HELD_OPEN
                ).values_list("enrolment_id", flat=True)
            ) | set(
                LearnerResult.objects.filter(
                    enrolment__cohort_id=attestation.cohort_id,
                    attestation__attempt__gt=attestation.attempt,
                ).values_list("enrolment_id", flat=True)
            )
        self._deadline: date | None = None

    def _window_closed(self, result: LearnerResult) -> bool:
        if self._deadline is None:
            # Every no-valid-reason learner of one attestation shares the deadline.
            deadlines = retake_deadlines_for(result)
            if deadlines is None or deadlines.application_deadline is None:
                return False
            self._deadline = deadlines.application_deadline
        return self._deadline < self.day

    def is_due(self, result: LearnerResult) -> bool:
        if not result.outcome or result.outcome == Outcome.PASSED:
            return False
        if self.last_attempt:
            return True
        if result.outcome not in NO_VALID_REASON:
            return False
        if self.include_failed:
            return True
        return result.enrolment_id not in self.retaking and self._window_closed(result)


@transaction.atomic
def issue_documents_for(
    *,
    actor: User,
    attestation: Attestation,
    issued_on: date | None = None,
    include_failed: bool = False,
) -> list[QualificationDocument]:
    """Issue the documents of a decided attestation and return those issued now.

    A learner who passed gets the programme's qualification document
    (`qualification_document_for(programme.kind)`, npc-2.8, rgmu-2.8); a retraining diploma
    takes the register entry reserved when the commission decided, which the protocol's item
    7 already prints (ADR 0110; `record_diploma` then changes nothing, and fills item 7 only
    for a result decided before reservations existed, rgmu-app1). A learner who did not pass
    gets a справка об обучении (npc-2.11; rgmu-2.11 "в том числе повторно") once they can no
    longer retake (ADR 0109): on the retake (the last attempt the regulation allows),
    whatever the outcome; on an earlier attempt, when they failed or were absent without a
    valid reason and either the application window of npc-2.9, rgmu-2.9
    (`retake_deadlines_for`) closed before `issued_on` with no application pending or
    granted, or the staff ask for it now (`include_failed`). Whoever may still apply, or
    whose application is pending or granted, gets nothing yet; a learner absent for a valid
    reason keeps the right to sit (npc-2.10, rgmu-2.10) and gets nothing before the last
    attempt.

    Learners who already hold a live document of that kind are skipped, so a repeated call
    issues nothing more. Only the staff of the organisation may issue (PermissionDenied
    without the role, NotFound for another organisation's staff); an attestation without
    the decision is refused (Conflict). `issued_on` defaults to today."""
    attestation = Attestation.objects.select_related(
        "cohort__programme__organisation", "regulation_version__regulation"
    ).get(pk=attestation.pk)
    programme = attestation.cohort.programme
    require_staff_of(actor, programme.organisation)
    if attestation.status != AttestationStatus.DECIDED:
        raise Conflict(
            "Документы об обучении выдаются после решения аттестационной комиссии.",
            code="attestation_not_decided",
        )
    day = issued_on or timezone.localdate()
    qualification = qualification_document_for(programme.kind)
    training_record = _TrainingRecordRule(attestation, day=day, include_failed=include_failed)
    issued: list[QualificationDocument] = []
    results = (
        LearnerResult.objects.filter(attestation=attestation)
        .select_related("enrolment__learner")
        .order_by("enrolment__learner__last_name", "enrolment__learner__first_name", "pk")
    )
    for result in results:
        result.attestation = attestation
        try:
            if result.outcome == Outcome.PASSED:
                document = document_services.issue_document(
                    actor=actor,
                    enrolment=result.enrolment,
                    kind=qualification,
                    issued_on=day,
                    facts=document_facts_for(result),
                )
                if qualification == DocumentKind.RETRAINING_DIPLOMA:
                    record_diploma(
                        actor=actor,
                        learner_result=result,
                        series=document.series,
                        number=padded_number(document.number),
                        issued_on=document.issued_on,
                    )
            elif training_record.is_due(result):
                document = document_services.issue_training_record(
                    actor=actor, enrolment=result.enrolment, issued_on=day
                )
            else:
                continue
        except DocumentAlreadyIssued:
            continue
        issued.append(document)
    return issued


#: Learners whose documents are issued while the person waits; for more, each document's
#: PDF is rendered by a background job with a status page (ADR 0017).
INSTANT_DOCUMENTS = 3


def documents_need_job(attestation: Attestation) -> bool:
    """Whether issuing the attestation's documents is too long to do while the person
    waits (more learners than INSTANT_DOCUMENTS)."""
    return LearnerResult.objects.filter(attestation=attestation).count() > INSTANT_DOCUMENTS


def start_document_issue(
    *, actor: User, attestation: Attestation, include_failed: bool = False
) -> BackgroundJob:
    """Issue the attestation's documents (`issue_documents_for`, one transaction) in the
    background; the status page gives the outcome or the refusal in Russian. Before the
    commission's decision it is refused at once (Conflict), nothing queued."""
    from nmo.attestation.tasks import issue_documents_job

    attestation = Attestation.objects.select_related("cohort__programme__organisation").get(
        pk=attestation.pk
    )
    require_staff_of(actor, attestation.cohort.programme.organisation)
    if attestation.status != AttestationStatus.DECIDED:  # refused at once, not in the job
        raise Conflict(
            "Документы об обучении выдаются после решения аттестационной комиссии.",
            code="attestation_not_decided",
        )
    total = LearnerResult.objects.filter(attestation=attestation).count()
    return start_job(
        owner=actor,
        kind="attestation.documents",
        title=f"Документы об обучении: {attestation.cohort}",
        task=issue_documents_job,
        total=total,
        back_url=attestation.get_absolute_url(),
        attestation_id=attestation.pk,
        include_failed=include_failed,
    )


def issued_message(issued: list[QualificationDocument]) -> str:
    """What the staff are told after issuing: how many documents of each kind."""
    if not issued:
        return (
            "Новых документов об обучении не выдано: документы уже выданы, а справки тем, "
            "кто ещё может пересдать, выдаются после срока подачи заявления о пересдаче "
            "или по отметке «Выдать справки и тем, кто ещё может пересдать»."
        )
    records = sum(1 for d in issued if d.kind == DocumentKind.TRAINING_RECORD)
    return (
        f"Выдано документов об обучении: {len(issued)}. Документов о квалификации: "
        f"{len(issued) - records}, справок об обучении: {records}."
    )
