"""Reads of commissions, attestations, results, votes and documents."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)

from nmo.accounts.models import Role, User
from nmo.accounts.selectors import organisations_for
from nmo.attestation.models import (
    Attestation,
    AttestationDocument,
    Commission,
    CommissionSeat,
    DocumentSignature,
    LearnerResult,
    MemberAttendance,
    RetakeApplication,
    StageResult,
)
from nmo.attestation.types import (
    DOCUMENT_KIND_LABELS,
    OUTCOME_LABELS,
    PLACE_LABELS,
    RETAKE_HELD_OPEN,
    AttestationStatus,
    DocumentKind,
    DocumentStatus,
    LearnerOutcome,
    Outcome,
    Place,
    RetakeDeadlines,
    RetakeKind,
    RetakeStatus,
)
from nmo.documents.models import QualificationDocument
from nmo.documents.types import DocumentStatus as RegisterStatus
from nmo.programmes import selectors as programme_selectors
from nmo.programmes.models import Cohort, Enrolment, EnrolmentStatus, Programme, ProgrammeStage
from nmo.regulations import rules as regulation_rules
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.types import CommissionRole, Grade, RegulationRules, Signatory, label_of
from nmo.workcalendar import selectors as calendar

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
    if not user.is_authenticated:
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


def retake_left(attestation: Attestation) -> bool:
    """Whether the regulation allows another attempt after this one (npc-2.9, rgmu-2.9:
    the retake, once)."""
    return attestation.attempt < 1 + rules_of_attestation(attestation).retake.max_retakes


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


def current_documents(attestation: Attestation) -> QuerySet[AttestationDocument]:
    """Return the latest version of each document of the attestation."""
    return (
        AttestationDocument.objects.filter(attestation=attestation, superseded_by__isnull=True)
        .select_related("learner_result__enrolment__learner")
        .prefetch_related("signatures__seat__person")
        .order_by("kind", "learner_result__enrolment__learner__last_name", "pk")
    )


def document_history(document: AttestationDocument) -> list[AttestationDocument]:
    """Return every version of a document, the first first."""
    versions = [document]
    current = document
    while current.supersedes_id is not None:
        current = AttestationDocument.objects.get(pk=current.supersedes_id)
        versions.append(current)
    newer = document
    while True:
        following = AttestationDocument.objects.filter(supersedes=newer).first()
        if following is None:
            break
        versions.append(following)
        newer = following
    return sorted(versions, key=lambda d: d.version)


def lock_reason(attestation: Attestation, results: Sequence[LearnerResult] = ()) -> str:
    """Return why the results may not change, or "": the current version of a document
    covering them is signed (npc-2.13, rgmu-2.13; ADR 0105), or the commission has decided
    (the attestation must first be returned to the entry of results)."""
    frozen = AttestationDocument.objects.filter(
        attestation=attestation, status=DocumentStatus.FROZEN, superseded_by__isnull=True
    )
    if results:
        frozen = frozen.filter(
            Q(learner_result__isnull=True) | Q(learner_result__in=[r.pk for r in results])
        )
    kinds = sorted({label_of_kind(k) for k in frozen.values_list("kind", flat=True)})
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


def label_of_kind(kind: str) -> str:
    """Return the Russian name of a document kind."""
    return DOCUMENT_KIND_LABELS[DocumentKind(kind)]


# --- documents ---------------------------------------------------------------------------


def document_kinds(attestation: Attestation) -> list[DocumentKind]:
    """Return the documents the regulation names for this attestation: the statement at
    НПЦ (npc-2.12, npc-app1); at РостГМУ a protocol per learner of a retraining
    programme (rgmu-app1) and the commission's report (rgmu-app2) — rgmu-2.12."""
    named = rules_of_attestation(attestation).documents.result_documents
    programme: Programme = attestation.cohort.programme
    kinds = []
    for kind in named:
        if (
            kind.value == DocumentKind.RETRAINING_PROTOCOL
            and programme.kind != "professional_retraining"
        ):
            continue
        kinds.append(DocumentKind(kind.value))
    return kinds


@dataclass(frozen=True)
class Signer:
    """A seat whose signature a document needs, and the line it signs on."""

    seat: CommissionSeat
    line: str


def required_signers(attestation: Attestation) -> list[Signer]:
    """Return who signs the attestation's documents (npc-2.13, rgmu-2.13): the chair — or
    whoever presided in the chair's absence —, the members who sat, and the secretary."""
    signatories = rules_of_attestation(attestation).documents.signatories
    present = {k for k, v in member_attendance(attestation).items() if v}
    seats = active_seats(attestation.commission)
    presiding = attestation.presiding_seat
    found: list[Signer] = []
    if Signatory.CHAIR_OR_REPLACEMENT in signatories and presiding is not None:
        line = "Председатель итоговой аттестационной комиссии"
        if presiding.role != CommissionRole.CHAIR:
            line += f" (председательствовал: {label_of(CommissionRole(presiding.role))})"
        found.append(Signer(presiding, line))
    if Signatory.MEMBERS in signatories:
        for seat in seats:
            if (
                seat.role in VOTING_ROLES
                and seat.pk in present
                and seat.pk != (presiding.pk if presiding else None)
            ):
                line = (
                    "Зам. председателя итоговой аттестационной комиссии"
                    if seat.role == CommissionRole.DEPUTY_CHAIR
                    else "Член итоговой аттестационной комиссии"
                )
                found.append(Signer(seat, line))
    if Signatory.SECRETARY in signatories:
        found.extend(
            Signer(s, "Секретарь итоговой аттестационной комиссии")
            for s in seats
            if s.role == CommissionRole.SECRETARY
        )
    return found


def signatures_of(document: AttestationDocument) -> dict[int, DocumentSignature]:
    """Return the document's signatures by seat id."""
    return {
        s.seat_id: s
        for s in DocumentSignature.objects.filter(document=document).select_related("seat__person")
    }


# --- learners ----------------------------------------------------------------------------


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
            (r.stage.get_kind_display(), label_of(Grade(r.grade)))
            for r in sorted(result.stage_results.all(), key=lambda r: r.stage.order)
        ),
    )


# --- what a document says ----------------------------------------------------------------


def _date(value: date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _tally_text(result: LearnerResult) -> str:
    if result.votes_for is None:
        return ""
    text = f"за — {result.votes_for}, против — {result.votes_against}"
    if result.abstained:
        text += f", воздержались — {result.abstained}"
    return text


def _grade_text(result: LearnerResult) -> str:
    if not result.is_present:
        return result.attendance_label
    return label_of(Grade(result.final_grade)) if result.final_grade else ""


def document_header(attestation: Attestation) -> dict[str, Any]:
    """The part every document of the attestation shares: the heading of the appendix form
    (programme, dates, specialty, department, date), the commission's composition and the
    signature lines. Read once when a cohort's documents are drawn up together."""
    cohort = attestation.cohort
    programme = cohort.programme
    commission = attestation.commission
    seats = active_seats(commission)

    def names(role: CommissionRole) -> list[str]:
        return [s.person.full_name for s in seats if s.role == role]

    presiding = attestation.presiding_seat
    place = PLACE_LABELS[Place(attestation.place)]
    return {
        "organisation": str(commission.organisation.name),
        "programme": programme.title,
        "programme_kind": programme.get_kind_display(),
        "hours": programme.hours,
        "specialties": ", ".join(s.name for s in programme.specialties.order_by("name")),
        "specialty": commission.specialty.name,
        "starts_on": _date(cohort.starts_on),
        "ends_on": _date(cohort.ends_on),
        "held_on": _date(attestation.held_on),
        "attempt": attestation.attempt,
        "department": cohort.unit.name,
        "place": place,
        "address": attestation.address,
        "videoconference_url": attestation.videoconference_url,
        "commission": commission.title,
        "order": (
            f"{commission.approved_by} № {commission.order_number} "
            f"от {_date(commission.order_date)}"
        ),
        "chair": ", ".join(names(CommissionRole.CHAIR)),
        "deputy": ", ".join(names(CommissionRole.DEPUTY_CHAIR)),
        "secretary": ", ".join(names(CommissionRole.SECRETARY)),
        "members": names(CommissionRole.MEMBER),
        "members_text": ", ".join(names(CommissionRole.MEMBER)),
        "presiding": presiding.person.full_name if presiding else "",
        "presiding_note": (
            f"В отсутствие председателя заседание вёл(а) {presiding.person.full_name} "
            f"({label_of(CommissionRole(presiding.role))})."
            if presiding is not None and presiding.role != CommissionRole.CHAIR
            else ""
        ),
        "regulation": (
            f"{attestation.regulation_version.regulation.title}, "
            f"редакция {attestation.regulation_version.number}"
        ),
        "signers": signer_lines(attestation),
    }


def document_content(
    attestation: Attestation,
    kind: DocumentKind,
    learner_result: LearnerResult | None = None,
    *,
    number: int | None = None,
    version: int = 1,
    header: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return what a document says, as JSON-ready data: the shared heading
    (`document_header`, passed in when drawing up many), the learners with their final
    grades and the votes — the statement (npc-app1), the retraining protocol of one
    learner (rgmu-app1) or the commission's report (rgmu-app2). The snapshot is stored on
    the document, so a later change of a name or a title does not change what was
    signed."""
    content: dict[str, Any] = {
        "kind": kind.value,
        "title": DOCUMENT_KIND_LABELS[kind],
        "number": number,
        "version": version,
        **(header if header is not None else document_header(attestation)),
    }
    if kind == DocumentKind.RETRAINING_PROTOCOL:
        if learner_result is None:
            raise ValueError("a retraining protocol is drawn up per learner")
        content.update(_protocol_content(learner_result, attestation))
    else:
        # Only the cohort-wide documents read the whole cohort; a protocol reads its own
        # learner (drawing up 500 protocols used to read the cohort 500 times).
        results = list(list_learner_results(attestation))
        rows = []
        for index, result in enumerate(results, start=1):
            rows.append(
                {
                    "n": index,
                    "name": result.enrolment.learner.full_name,
                    "grade": _grade_text(result),
                    "outcome": OUTCOME_LABELS[Outcome(result.outcome)] if result.outcome else "",
                    "votes": _tally_text(result),
                }
            )
        content["learners"] = rows
        content["passed_count"] = sum(1 for r in results if r.outcome == Outcome.PASSED)
        content["refused_count"] = sum(1 for r in results if r.outcome == Outcome.FAILED)
        content["absent_count"] = sum(1 for r in results if not r.is_present)
        tallies = {
            (r.votes_for, r.votes_against, r.abstained or 0)
            for r in results
            if r.is_present and r.votes_for is not None
        }
        if len(tallies) == 1:
            votes_for, votes_against, abstained = tallies.pop()
            content["votes"] = {"for": votes_for, "against": votes_against, "abstained": abstained}
            content["votes_for_text"] = str(votes_for)
            content["votes_against_text"] = str(votes_against)
            content["abstained_text"] = str(abstained)
        else:
            content["votes"] = None
            per_learner = "по каждому слушателю — в таблице" if tallies else "—"
            content["votes_for_text"] = content["votes_against_text"] = per_learner
            content["abstained_text"] = per_learner
    return content


def _protocol_content(result: LearnerResult, attestation: Attestation) -> dict[str, Any]:
    # A no-op when the caller prefetched them (drawing up a cohort's protocols).
    prefetch_related_objects([result], "stage_results__stage")
    stages: dict[str, list[StageResult]] = {}
    for stage_result in sorted(result.stage_results.all(), key=lambda r: (r.stage.order, r.pk)):
        stages.setdefault(stage_result.stage.kind, []).append(stage_result)

    def first(kind: str) -> StageResult | None:
        found = stages.get(kind) or []
        return found[0] if found else None

    testing = first("testing")
    skills = first("practical_skills")
    interview = first("interview")
    shown = {r.pk for r in (testing, skills, interview) if r is not None}
    others = [
        {"title": r.stage.get_kind_display(), "grade": label_of(Grade(r.grade))}
        for group in stages.values()
        for r in group
        if r.pk not in shown
    ]
    passed = result.outcome == Outcome.PASSED
    specialty = attestation.commission.specialty.name
    percent = (
        f"{testing.percent.normalize():f}"
        if testing is not None and testing.percent is not None
        else ""
    )
    return {
        "learner": result.enrolment.learner.full_name,
        "attendance": result.attendance_label,
        "testing": (
            {"percent": percent, "grade": label_of(Grade(testing.grade))}
            if testing is not None
            else None
        ),
        "testing_text": (
            f"{percent}% правильных ответов — {label_of(Grade(testing.grade))}"
            if testing is not None
            else "не предусмотрен программой"
        ),
        "other_text": "; ".join(f"{o['title']}: {o['grade']}" for o in others),
        "skills": label_of(Grade(skills.grade)) if skills is not None else "не предусмотрена",
        "interview": (
            label_of(Grade(interview.grade)) if interview is not None else "не предусмотрено"
        ),
        "other_stages": others,
        "overall": label_of(Grade(result.final_grade)) if result.final_grade else "",
        "outcome": OUTCOME_LABELS[Outcome(result.outcome)] if result.outcome else "",
        "passed": passed,
        "decision": (
            f"Итоговая аттестационная комиссия удостоверяет право на ведение профессиональной "
            f"деятельности в сфере «{specialty}»."
            if passed
            else f"Итоговая аттестационная комиссия отказывает в праве ведения "
            f"профессиональной деятельности в сфере «{specialty}»."
        ),
        "votes_for": result.votes_for,
        "votes_against": result.votes_against,
        "abstained": result.abstained or 0,
        "remarks": result.remarks,
        "diploma_series": result.diploma_series,
        "diploma_number": result.diploma_number,
        "diploma_date": _date(result.diploma_issued_on),
    }


def signer_lines(attestation: Attestation) -> list[dict[str, str]]:
    """Return the signature lines of the attestation's documents: the line and the name."""
    return [
        {"line": s.line, "name": s.seat.person.full_name} for s in required_signers(attestation)
    ]


# --- retakes (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10) ------------------------------------


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
        if deadlines is None:
            continue
        reg = rules_of_attestation(result.attestation)
        application = (
            RetakeApplication.objects.filter(learner_result=result).order_by("-pk").first()
        )
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


def retake_filing_candidates(actor: User) -> list[tuple[LearnerResult, RetakeDeadlines]]:
    """The decided, not passed results of the staff's organisations for which an
    application may still be filed: no application pending or decided, no later attempt,
    the one retake not used up. A paper application may have arrived in time and be
    recorded later, so the window itself is left to `apply_for_retake`."""
    live_documents = QualificationDocument.objects.filter(
        enrolment_id=OuterRef("enrolment_id"), status=RegisterStatus.ISSUED
    )
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
