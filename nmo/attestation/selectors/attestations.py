"""Reads of commissions, attestations, their learners' results and the commission's
attendance; the learner's own results and decided outcome."""

from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from nmo.accounts.models import Role, User
from nmo.accounts.selectors import organisations_for
from nmo.attestation.models import (
    Attestation,
    AttestationDocument,
    Commission,
    CommissionSeat,
    LearnerResult,
    MemberAttendance,
    StageResult,
)
from nmo.attestation.types import (
    AttestationStatus,
    LearnerOutcome,
    Outcome,
    RecordKind,
    RecordStatus,
)
from nmo.programmes import selectors as programme_selectors
from nmo.programmes.models import Cohort, Enrolment, ProgrammeStage
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.types import CommissionRole, Grade, RegulationRules

VOTING_ROLES = (CommissionRole.CHAIR, CommissionRole.DEPUTY_CHAIR, CommissionRole.MEMBER)
ROLE_ORDER = {
    CommissionRole.CHAIR: 0,
    CommissionRole.DEPUTY_CHAIR: 1,
    CommissionRole.MEMBER: 2,
    CommissionRole.SECRETARY: 3,
}

# --- commissions -------------------------------------------------------------------------


def list_commissions(actor: User) -> QuerySet[Commission]:
    """Return the commissions of the actor's organisations, by specialty, with seat counts."""
    return (
        Commission.objects.filter(
            organisation__in=organisations_for(actor, Role.ORGANISATION_STAFF)
        )
        .select_related("organisation", "specialty", "unit")
        .annotate(seat_count=Count("seats", filter=Q(seats__is_active=True)))
        .order_by("organisation__name", "specialty__name", "-valid_from", "pk")
    )


def active_seats(commission: Commission) -> list[CommissionSeat]:
    """Return the commission's current seats: chair, deputy chair, members, secretary."""
    seats = list(
        CommissionSeat.objects.filter(commission=commission, is_active=True).select_related(
            "person"
        )
    )
    return sorted(seats, key=lambda s: (ROLE_ORDER[CommissionRole(s.role)], s.pk))


def voting_seats(commission: Commission) -> list[CommissionSeat]:
    """Return the seats that vote: the chair, the deputy chair and the members — never
    the secretary (npc-4.9, rgmu-4.9)."""
    return [s for s in active_seats(commission) if s.role in VOTING_ROLES]


def commissions_for_cohort(cohort: Cohort) -> QuerySet[Commission]:
    """Return the commissions of the cohort's organisation in force on its planned
    attestation date, for the programme's specialties (npc-4.1)."""
    specialties = list(cohort.programme.specialties.values_list("pk", flat=True))
    on = cohort.attestation_date
    commissions = (
        Commission.objects.filter(organisation_id=cohort.programme.organisation_id)
        .filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    )
    if specialties:
        commissions = commissions.filter(specialty__in=specialties)
    return commissions.select_related("specialty").order_by("specialty__name", "-valid_from")


def is_seated(user: User | AnonymousUser) -> bool:
    """Return whether the user holds a seat on any commission (the menu's "commission"
    role)."""
    if not isinstance(user, User):
        return False
    return CommissionSeat.objects.filter(person=user, is_active=True).exists()


# --- attestations ------------------------------------------------------------------------


def list_attestations(actor: User, *, cohort: Cohort | None = None) -> QuerySet[Attestation]:
    """Return the attestations the actor may see: those of the actor's organisations (as
    staff) and those of the commissions the actor sits on, latest first."""
    staff_of = organisations_for(actor, Role.ORGANISATION_STAFF)
    seated = CommissionSeat.objects.filter(person=actor, is_active=True).values("commission_id")
    attestations = Attestation.objects.filter(
        Q(commission__organisation__in=staff_of) | Q(commission__in=seated)
    )
    if cohort is not None:
        attestations = attestations.filter(cohort=cohort)
    return (
        attestations.select_related("cohort__programme", "commission__specialty")
        .annotate(learner_count=Count("learner_results", distinct=True))
        .order_by("-held_on", "-pk")
    )


def rules_of_attestation(attestation: Attestation) -> RegulationRules:
    """Return the rules the attestation is held under: the version the cohort pinned."""
    return regulation_selectors.rules_of(attestation.regulation_version)


def list_stages(attestation: Attestation) -> list[ProgrammeStage]:
    """Return the stages of the attestation's programme in order (npc-2.5, rgmu-2.5)."""
    return list(attestation.cohort.programme.stages.order_by("order"))


def list_learner_results(attestation: Attestation) -> QuerySet[LearnerResult]:
    """Return the attestation's learners by name, with their stage results."""
    return (
        LearnerResult.objects.filter(attestation=attestation)
        .select_related("enrolment__learner")
        .prefetch_related(
            Prefetch(
                "stage_results",
                queryset=StageResult.objects.select_related("stage").order_by("stage__order"),
            )
        )
        .order_by(
            "enrolment__learner__last_name",
            "enrolment__learner__first_name",
            "enrolment__learner__middle_name",
            "pk",
        )
    )


def grade_criteria(attestation: Attestation) -> list[tuple[Grade, str, str]]:
    """Return the grade criteria of the programme the commission is shown when grading
    (rgmu-3.2; зачтено / не зачтено, npc-3.3)."""
    return programme_selectors.grade_criteria(attestation.cohort.programme)


def member_attendance(attestation: Attestation) -> dict[int, bool]:
    """Return who of the commission attended the sitting, by seat id."""
    return dict(
        MemberAttendance.objects.filter(attestation=attestation).values_list("seat_id", "present")
    )


def present_voting_seats(attestation: Attestation) -> list[CommissionSeat]:
    """Return the voting seats present at the sitting (the secretary never counts)."""
    present = {k for k, v in member_attendance(attestation).items() if v}
    return [s for s in voting_seats(attestation.commission) if s.pk in present]


def lock_reason(attestation: Attestation, results: Sequence[LearnerResult] = ()) -> str:
    """Return why the results may not change, or "": the current version of a record
    covering them is signed (npc-2.13, rgmu-2.13; ADR 0105), or the commission has decided
    (the attestation must first be returned to the entry of results)."""
    frozen = AttestationDocument.objects.filter(
        attestation=attestation, status=RecordStatus.FROZEN, superseded_by__isnull=True
    )
    if results:
        frozen = frozen.filter(
            Q(learner_result__isnull=True) | Q(learner_result__in=[r.pk for r in results])
        )
    kinds = sorted({RecordKind(k).label for k in frozen.values_list("kind", flat=True)})
    if kinds:
        return (
            f"Документы аттестации подписаны ({', '.join(kinds)}): результаты изменить нельзя. "
            "Исправление оформляется новой версией документа с указанием причины."
        )
    if attestation.status == AttestationStatus.DECIDED:
        return (
            "Решение комиссии уже принято. Чтобы изменить результаты, верните аттестацию к "
            "вводу результатов (решение будет принято заново)."
        )
    return ""


# --- learners ----------------------------------------------------------------------------


def lock_learner_result(result_id: int) -> LearnerResult:
    """Lock the learner's result row until the end of the caller's transaction
    (select_for_update; call inside transaction.atomic): the one row the testing system's
    start of an attempt and a department's grant of a new attempt both take (ADR 0307)."""
    return LearnerResult.objects.select_for_update().get(pk=result_id)


def results_for_learner(user: User) -> QuerySet[LearnerResult]:
    """Return the learner's own attestations, latest first, with stage results (the
    cabinet page; npc-4.11). Grades are shown once the commission has decided."""
    return (
        LearnerResult.objects.filter(enrolment__learner=user)
        .select_related(
            "attestation__cohort__programme", "attestation__commission", "enrolment__cohort"
        )
        .prefetch_related(
            Prefetch(
                "stage_results",
                queryset=StageResult.objects.select_related("stage").order_by("stage__order"),
            )
        )
        .order_by("-attestation__held_on", "-pk")
    )


def outcome_for(enrolment: Enrolment) -> LearnerOutcome | None:
    """Return the learner's latest decided result in the cohort — what the documents app
    needs to issue a certificate, a diploma or a training record — or None."""
    result = (
        LearnerResult.objects.filter(
            enrolment=enrolment, attestation__status=AttestationStatus.DECIDED
        )
        .exclude(outcome="")
        .select_related("attestation")
        .prefetch_related("stage_results__stage")
        .order_by("-attestation__attempt", "-attestation__held_on", "-pk")
        .first()
    )
    if result is None:
        return None
    return LearnerOutcome(
        enrolment_id=enrolment.pk,
        learner_result_id=result.pk,
        attestation_id=result.attestation_id,
        attempt=result.attestation.attempt,
        held_on=result.attestation.held_on,
        outcome=Outcome(result.outcome),
        final_grade=Grade(result.final_grade) if result.final_grade else None,
        stage_grades=tuple(
            (r.stage.get_kind_display(), Grade(r.grade).label)
            for r in sorted(result.stage_results.all(), key=lambda r: r.stage.order)
        ),
    )


def attestation_commission_members(organisation_id: int, specialty_id: int) -> dict[int, str]:
    """Return {person id: full name} of the chairs, deputy chairs and members (not the
    secretaries) of the organisation's attestation commissions for the specialty: the
    staff who may not sit on the appeal commission of that specialty (npc-5.5,
    rgmu-5.5)."""
    seats = CommissionSeat.objects.filter(
        commission__organisation_id=organisation_id,
        commission__specialty_id=specialty_id,
        is_active=True,
    ).exclude(role=CommissionRole.SECRETARY)
    return {s.person_id: s.person.full_name for s in seats.select_related("person")}


def results_for_appeal(result_id: int) -> LearnerResult | None:
    """Return a learner's result with what an appeal against it needs (the attestation,
    its commission's specialty, the cohort's programme, the learner), or None."""
    return (
        LearnerResult.objects.select_related(
            "attestation__commission__organisation",
            "attestation__commission__specialty",
            "attestation__cohort__programme",
            "attestation__cohort__unit",
            "attestation__regulation_version__regulation",
            "enrolment__learner",
        )
        .filter(pk=result_id)
        .first()
    )
