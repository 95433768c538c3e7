"""Issue the documents on training after the commission's decision (npc-2.8, npc-2.11,
rgmu-2.8, rgmu-2.11): the qualification document to those who passed, a справка об
обучении to those who failed on their last attempt. The documents app numbers, renders and
checks them; this app knows who passed."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from nmo.accounts.access import require_staff_of
from nmo.attestation.models import Attestation, LearnerResult
from nmo.attestation.services.documents import record_diploma
from nmo.attestation.types import AttestationStatus, Outcome
from nmo.core.exceptions import Conflict
from nmo.documents import services as document_services
from nmo.documents.exceptions import DocumentAlreadyIssued
from nmo.documents.models import QualificationDocument
from nmo.documents.rules import NUMBER_WIDTH, qualification_document_for
from nmo.documents.types import DocumentKind

RETAKE_ATTEMPT = 2
"""The retake is the last allowed attempt (npc-2.9, rgmu-2.9)."""


@transaction.atomic
def issue_documents_for(
    *,
    actor: Any,
    attestation: Attestation,
    issued_on: date | None = None,
    include_failed: bool = False,
) -> list[QualificationDocument]:
    """Issue the documents of a decided attestation and return those issued now.

    A learner who passed gets the programme's qualification document
    (`qualification_document_for(programme.kind)`); for a retraining diploma its series,
    number and date go into the protocol's diploma line (`record_diploma`, rgmu-app1). A
    learner who failed gets a справка об обучении when the attempt is the retake (the last
    one allowed) or when the staff ask for it explicitly (`include_failed`). Learners who
    already hold a live document of that kind are skipped, so a repeated call issues
    nothing more. Only the staff of the organisation may issue (PermissionDenied without
    the role, NotFound for another organisation's staff); an attestation without the
    decision is refused (Conflict). `issued_on` defaults to today."""
    attestation = Attestation.objects.select_related("cohort__programme__organisation").get(
        pk=attestation.pk
    )
    programme = attestation.cohort.programme
    require_staff_of(actor, programme.organisation)
    if attestation.status != AttestationStatus.DECIDED:
        raise Conflict(
            "Документы об обучении выдаются после решения аттестационной комиссии.",
            code="attestation_not_decided",
        )
    day = issued_on or timezone.localdate()
    qualification = qualification_document_for(programme.kind)
    last_attempt = attestation.attempt >= RETAKE_ATTEMPT
    issued: list[QualificationDocument] = []
    results = (
        LearnerResult.objects.filter(attestation=attestation)
        .select_related("enrolment__learner")
        .order_by("enrolment__learner__last_name", "enrolment__learner__first_name", "pk")
    )
    for result in results:
        try:
            if result.outcome == Outcome.PASSED:
                document = document_services.issue_document(
                    actor=actor, enrolment=result.enrolment, kind=qualification, issued_on=day
                )
                if qualification == DocumentKind.RETRAINING_DIPLOMA:
                    record_diploma(
                        actor=actor,
                        learner_result=result,
                        series=document.series,
                        number=f"{document.number:0{NUMBER_WIDTH}d}",
                        issued_on=document.issued_on,
                    )
            elif result.outcome == Outcome.FAILED and (last_attempt or include_failed):
                document = document_services.issue_training_record(
                    actor=actor, enrolment=result.enrolment, issued_on=day
                )
            else:
                continue
        except DocumentAlreadyIssued:
            continue
        issued.append(document)
    return issued
