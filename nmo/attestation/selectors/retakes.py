"""Reads of retakes (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10): on which ground a learner
may sit again, the deadlines, the learner's options and the staff's applications and
candidates."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from nmo.accounts.models import Role, User
from nmo.accounts.selectors import organisations_for
from nmo.attestation.models import Attestation, LearnerResult, RetakeApplication
from nmo.attestation.selectors.attestations import rules_of_attestation
from nmo.attestation.types import (
    RETAKE_HELD_OPEN,
    AttestationStatus,
    Outcome,
    RetakeDeadlines,
    RetakeKind,
    RetakeStatus,
)
from nmo.documents.selectors import issued_documents_for_enrolment
from nmo.programmes.models import EnrolmentStatus
from nmo.regulations import rules as regulation_rules
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.types import RegulationRules
from nmo.workcalendar import selectors as calendar


def retake_left(attestation: Attestation) -> bool:
    """Whether the regulation allows another attempt after this one (npc-2.9, rgmu-2.9:
    the retake, once)."""
    return attestation.attempt < 1 + rules_of_attestation(attestation).retake.max_retakes


def retake_kind_for(result: LearnerResult) -> RetakeKind | None:
    """Return the ground on which the learner may ask to sit again, from the decided
    outcome: failed or absent without a valid reason (npc-2.9, rgmu-2.9), absent for a
    valid reason (npc-2.10, rgmu-2.10); None for a pass or an undecided result."""
    if result.attestation.status != AttestationStatus.DECIDED or not result.outcome:
        return None
    outcome = Outcome(result.outcome)
    if outcome in (Outcome.FAILED, Outcome.ABSENT_NO_REASON):
        return RetakeKind.NO_VALID_REASON
    if outcome == Outcome.ABSENT_VALID_REASON:
        return RetakeKind.VALID_REASON
    return None


def retake_deadlines_for(
    result: LearnerResult, *, document_presented_on: date | None = None
) -> RetakeDeadlines | None:
    """Return the learner's deadlines for the result, computed from the attestation's
    regulation version and the work calendar: the last day to apply (for a valid reason
    counted from the day the document is presented, so None until it is known) and the
    last day of the attestation (None where the regulation sets none, npc-2.10)."""
    kind = retake_kind_for(result)
    if kind is None:
        return None
    attestation = result.attestation
    reg = rules_of_attestation(attestation)
    clauses = regulation_selectors.clauses_of(attestation.regulation_version)
    if kind == RetakeKind.NO_VALID_REASON:
        return RetakeDeadlines(
            kind=kind,
            application_deadline=regulation_rules.retake_application_deadline(
                reg, attestation.held_on, calendar
            ),
            latest_attestation_date=regulation_rules.retake_latest_date(reg, attestation.held_on),
            clause=clauses.get("retake.application_working_days", ""),
        )
    deadline = None
    if document_presented_on is not None:
        deadline = regulation_rules.valid_reason_application_deadline(
            reg, document_presented_on, calendar
        )
    return RetakeDeadlines(
        kind=kind,
        application_deadline=deadline,
        latest_attestation_date=regulation_rules.valid_reason_attestation_latest(
            reg, attestation.held_on
        ),
        clause=clauses.get("valid_reason.application_working_days", ""),
    )


@dataclass(frozen=True)
class RetakeOption:
    """One of the learner's results that allows an application, with its deadlines, the
    regulation's numbers to explain them, and the application already filed, if any."""

    result: LearnerResult
    deadlines: RetakeDeadlines
    application: RetakeApplication | None
    can_apply: bool
    rules: RegulationRules


def retake_options_for_learner(user: User) -> list[RetakeOption]:
    """Return the learner's decided results that were not passed, latest first, each with
    the deadlines and whether an application may still be filed (not after the one retake,
    npc-2.9, rgmu-2.9; not twice)."""
    options: list[RetakeOption] = []
    results = (
        LearnerResult.objects.filter(
            enrolment__learner=user, attestation__status=AttestationStatus.DECIDED
        )
        .exclude(outcome__in=["", Outcome.PASSED])
        .select_related(
            "attestation__cohort__programme", "attestation__regulation_version__regulation"
        )
        .order_by("-attestation__held_on", "-pk")
    )
    for result in results:
        deadlines = retake_deadlines_for(result)
        application = (
            RetakeApplication.objects.filter(learner_result=result).order_by("-pk").first()
        )
        if deadlines is None and application is not None and application.kind == RetakeKind.APPEAL:
            # The appeal commission set the retake (ADR 0403): no application to file.
            clauses = regulation_selectors.clauses_of(result.attestation.regulation_version)
            deadlines = RetakeDeadlines(
                kind=RetakeKind.APPEAL,
                application_deadline=None,
                latest_attestation_date=application.latest_attestation_date,
                clause=clauses.get("retake.latest_months", ""),
            )
        if deadlines is None:
            continue
        reg = rules_of_attestation(result.attestation)
        later = LearnerResult.objects.filter(
            enrolment_id=result.enrolment_id,
            attestation__attempt__gt=result.attestation.attempt,
        ).exists()
        can_apply = (
            retake_left(result.attestation)
            and not later
            and (application is None or application.status not in RETAKE_HELD_OPEN)
        )
        options.append(RetakeOption(result, deadlines, application, can_apply, reg))
    return options


def list_retake_applications(
    actor: User, *, open_only: bool = False
) -> QuerySet[RetakeApplication]:
    """Return the retake applications of the staff's organisations, open ones first."""
    applications = RetakeApplication.objects.filter(
        attestation__commission__organisation__in=organisations_for(actor, Role.ORGANISATION_STAFF)
    )
    if open_only:
        applications = applications.filter(
            status__in=[RetakeStatus.FILED, RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION]
        )
    return applications.select_related(
        "enrolment__learner",
        "attestation__cohort__programme",
        "attestation__regulation_version__regulation",
        "filed_by",
        "decided_by",
        "retake_attestation",
    ).order_by("-filed_on", "-pk")


def get_retake_application(application_id: int) -> RetakeApplication:
    """Return a retake application with its learner and programme, as the API shows it
    (the caller has already passed `access_retake_application`)."""
    return RetakeApplication.objects.select_related(
        "enrolment__learner", "attestation__cohort__programme"
    ).get(pk=application_id)


def retake_filing_candidates(actor: User) -> list[tuple[LearnerResult, RetakeDeadlines]]:
    """The decided, not passed results of the staff's organisations for which an
    application may still be filed: no application pending or decided, no later attempt,
    the one retake not used up. A paper application may have arrived in time and be
    recorded later, so the window itself is left to `apply_for_retake`."""
    live_documents = issued_documents_for_enrolment(OuterRef("enrolment_id"))
    pending = RetakeApplication.objects.filter(
        learner_result=OuterRef("pk"), status__in=RETAKE_HELD_OPEN
    )
    later = LearnerResult.objects.filter(
        enrolment_id=OuterRef("enrolment_id"),
        attestation__attempt__gt=OuterRef("attestation__attempt"),
    )
    results = (
        LearnerResult.objects.filter(
            attestation__commission__organisation__in=organisations_for(
                actor, Role.ORGANISATION_STAFF
            ),
            attestation__status=AttestationStatus.DECIDED,
        )
        .exclude(outcome__in=["", Outcome.PASSED])
        .exclude(enrolment__status=EnrolmentStatus.WITHDRAWN)
        .exclude(Exists(pending))
        .exclude(Exists(later))
        # A learner holding a live document (the справка of ADR 0109) is done.
        .exclude(Exists(live_documents))
        .select_related(
            "enrolment__learner",
            "attestation__cohort__programme",
            "attestation__regulation_version__regulation",
        )
        .order_by("-attestation__held_on", "enrolment__learner__last_name", "pk")
    )
    candidates = []
    # The deadlines depend only on the attestation and the ground: computed once for each.
    computed: dict[tuple[int, RetakeKind], RetakeDeadlines | None] = {}
    for result in results:
        kind = retake_kind_for(result)
        if kind is None:
            continue
        key = (result.attestation_id, kind)
        if key not in computed:
            open_ = retake_left(result.attestation)
            computed[key] = retake_deadlines_for(result) if open_ else None
        deadlines = computed[key]
        if deadlines is not None:
            candidates.append((result, deadlines))
    return candidates
