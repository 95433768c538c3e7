"""Admission to the final attestation by the regulation's rule (npc-2.3, rgmu-2.3), for
every learner completing the programme (rgmu-1.4), with overrides by staff."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import User
from nmo.core.exceptions import Conflict
from nmo.core.services import record_audit
from nmo.programmes.exceptions import AdmissionOverrideInvalid
from nmo.programmes.models import Admission, Cohort, Enrolment, EnrolmentStatus
from nmo.programmes.rules import admission_reasons, justification_error
from nmo.programmes.selectors import (
    admission_facts,
    admission_result,
    list_enrolments,
    regulation_of_cohort,
)
from nmo.programmes.types import AdmissionResult


@transaction.atomic
def decide_admission(*, actor: User, cohort: Cohort, attempt: int = 1) -> list[AdmissionResult]:
    """Decide, for every learner of the cohort who has not withdrawn, whether they may sit
    the attestation (the attempt: 1, or 2 for the retake), and record why not.

    The conditions are the regulation's: the programme mastered and the intermediate
    assessments passed at НПЦ (npc-2.3); also no outstanding debts and the (individual)
    curriculum done in full at РостГМУ (rgmu-2.3). Each condition not met is a Russian
    sentence naming the clause. No learner is skipped (rgmu-1.4): each gets a decision,
    and deciding again brings every decision up to date except those staff overrode,
    which stand. For the retake (attempt 2) only the learners whose retake was granted
    hold an admission (`admit_to_retake`), and deciding again leaves those as they are:
    nobody else is admitted to a retake by this. Audited as "admission.decide"."""
    cohort = (
        Cohort.objects.select_for_update()
        .select_related("programme__organisation")
        .get(pk=cohort.pk)
    )
    require_staff_of(actor, cohort.programme.organisation)
    if attempt < 1:
        raise Conflict("Номер попытки начинается с 1.", code="admission_attempt_invalid")
    reg = regulation_of_cohort(cohort)
    now = timezone.now()
    existing = {
        a.enrolment_id: a
        for a in Admission.objects.filter(enrolment__cohort=cohort, attempt=attempt)
    }
    results: list[AdmissionResult] = []
    decided: list[dict[str, Any]] = []
    for enrolment in list_enrolments(cohort, active_only=True):
        if attempt > 1 and enrolment.pk not in existing:
            continue  # a retake is admitted by granting the learner's application
        reasons = admission_reasons(reg, admission_facts(enrolment))
        admission = existing.get(enrolment.pk)
        if admission is None:
            admission = Admission.objects.create(
                enrolment=enrolment,
                attempt=attempt,
                admitted=not reasons,
                reasons=reasons,
                decided_at=now,
                decided_by=actor,
            )
        elif not admission.overridden:
            admission.admitted = not reasons
            admission.reasons = reasons
            admission.decided_at = now
            admission.decided_by = actor
            admission.save(
                update_fields=["admitted", "reasons", "decided_at", "decided_by", "updated_at"]
            )
        admission.enrolment = enrolment
        results.append(admission_result(admission))
        decided.append(
            {
                "enrolment": enrolment.pk,
                "admitted": admission.admitted,
                "overridden": admission.overridden,
            }
        )
    record_audit(
        actor=actor,
        action="admission.decide",
        target=cohort,
        changes={
            "attempt": attempt,
            "admitted": sum(1 for r in results if r.admitted),
            "refused": sum(1 for r in results if not r.admitted),
            "decisions": decided,
        },
    )
    return results


@transaction.atomic
def override_admission(
    *, actor: User, admission: Admission, admitted: bool, justification: str
) -> Admission:
    """Change an admission decision by hand (either way), with a written justification of
    at least 20 characters (AdmissionOverrideInvalid otherwise). The overridden decision
    stands when admission is decided again. Audited as "admission.override" with the
    decision before and after."""
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    enrolment = Enrolment.objects.select_related("cohort__programme__organisation", "learner").get(
        pk=admission.enrolment_id
    )
    require_staff_of(actor, enrolment.cohort.programme.organisation)
    justification = justification.strip()
    problem = justification_error(justification)
    if problem:
        raise AdmissionOverrideInvalid(errors={"justification": [problem]})
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(
            "Слушатель отчислен: решение о допуске не принимается.", code="enrolment_withdrawn"
        )
    before = {
        "admitted": admission.admitted,
        "overridden": admission.overridden,
        "justification": admission.justification,
        "reasons": list(admission.reasons),
    }
    admission.admitted = admitted
    admission.overridden = True
    admission.justification = justification
    admission.decided_at = timezone.now()
    admission.decided_by = actor
    admission.save(
        update_fields=[
            "admitted", "overridden", "justification", "decided_at", "decided_by", "updated_at"
        ]
    )  # fmt: skip
    admission.enrolment = enrolment
    record_audit(
        actor=actor,
        action="admission.override",
        target=admission,
        changes={
            "before": before,
            "after": {
                "admitted": admitted,
                "overridden": True,
                "justification": justification,
                "reasons": list(admission.reasons),
            },
        },
    )
    return admission


RETAKE_ATTEMPT = 2
"""The retake is the second and last attempt (npc-2.9, rgmu-2.9)."""


@transaction.atomic
def admit_to_retake(*, actor: User, enrolment: Enrolment, justification: str) -> Admission:
    """Admit the learner of `enrolment` to the retake (attempt 2) once the organisation has
    granted their application (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10): the attempt-2
    admission is created, or brought up to date, as admitted with no reasons, and keeps
    `justification` (at least 20 characters, AdmissionOverrideInvalid otherwise; the
    retake decision it follows). Staff of the organisation only; a withdrawn learner is
    refused (Conflict). Audited as "admission.retake" with the decision before and after."""
    enrolment = Enrolment.objects.select_related("cohort__programme__organisation", "learner").get(
        pk=enrolment.pk
    )
    require_staff_of(actor, enrolment.cohort.programme.organisation)
    justification = justification.strip()
    problem = justification_error(justification)
    if problem:
        raise AdmissionOverrideInvalid(errors={"justification": [problem]})
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(
            "Слушатель отчислен: к повторной итоговой аттестации он не допускается.",
            code="enrolment_withdrawn",
        )
    admission = (
        Admission.objects.select_for_update()
        .filter(enrolment=enrolment, attempt=RETAKE_ATTEMPT)
        .first()
    )
    before: dict[str, Any] | None = None
    now = timezone.now()
    if admission is None:
        admission = Admission.objects.create(
            enrolment=enrolment,
            attempt=RETAKE_ATTEMPT,
            admitted=True,
            reasons=[],
            overridden=True,  # a staff decision (the granted retake): re-deciding keeps it
            justification=justification,
            decided_at=now,
            decided_by=actor,
        )
    else:
        before = {
            "admitted": admission.admitted,
            "reasons": list(admission.reasons),
            "justification": admission.justification,
        }
        admission.admitted = True
        admission.reasons = []
        admission.overridden = True
        admission.justification = justification
        admission.decided_at = now
        admission.decided_by = actor
        admission.save(
            update_fields=[
                "admitted", "reasons", "overridden", "justification", "decided_at",
                "decided_by", "updated_at",
            ]
        )  # fmt: skip
    admission.enrolment = enrolment
    record_audit(
        actor=actor,
        action="admission.retake",
        target=admission,
        changes={
            "before": before,
            "after": {
                "attempt": RETAKE_ATTEMPT,
                "admitted": True,
                "reasons": [],
                "justification": justification,
            },
        },
    )
    return admission
