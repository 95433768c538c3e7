"""Reads of the appeals app: the lists behind pages and API, the documents of an appeal
shown to the commission, the deadlines and their overdue flags, the archive book."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.models import Role, User
from nmo.accounts.selectors import has_role, organisations_for
from nmo.appeals.models import (
    Appeal,
    AppealAttendance,
    AppealCommission,
    AppealProtocol,
    AppealProtocolSignature,
    AppealSeat,
    AppealVote,
)
from nmo.appeals.types import AppealResolution, AppealStatus, HearingDocument, ProtocolStatus
from nmo.attestation import selectors as attestation_selectors
from nmo.attestation.models import LearnerResult
from nmo.attestation.types import AttestationStatus, Outcome
from nmo.regulations import rules as regulation_rules
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.types import AppealDocument, CommissionRole, RegulationRules
from nmo.testing import selectors as testing_selectors
from nmo.workcalendar import selectors as calendar

_RELATED = (
    "organisation",
    "learner",
    "commission",
    "regulation_version__regulation",
    "learner_result__attestation__cohort__programme",
    "learner_result__attestation__commission__specialty",
    "presiding_seat__person",
)


def rules_of_appeal(appeal: Appeal) -> RegulationRules:
    """Return the rules of the regulation version the appeal was filed under."""
    return regulation_selectors.rules_of(appeal.regulation_version)


def get_appeal(appeal_id: int) -> Appeal:
    """Return one appeal with what its pages and the API show."""
    return Appeal.objects.select_related(*_RELATED).get(pk=appeal_id)


def _staff_organisation_ids(actor: User) -> list[int]:
    return [o.pk for o in organisations_for(actor, Role.ORGANISATION_STAFF)]


def list_appeals(actor: User | AnonymousUser) -> QuerySet[Appeal]:
    """Return the appeals the actor may see: the staff's organisations', the learner's own
    and those of the commissions the person sits on; latest filed first."""
    if not getattr(actor, "is_authenticated", False):
        return Appeal.objects.none()
    condition = Q(learner=actor) | Q(commission__seats__person=actor)
    if has_role(actor, Role.ORGANISATION_STAFF):
        condition |= Q(organisation_id__in=_staff_organisation_ids(actor))  # type: ignore[arg-type]
    return (
        Appeal.objects.filter(condition)
        .select_related(*_RELATED)
        .distinct()
        .order_by("-filed_on", "-pk")
    )


def appeals_of_result(result_id: int) -> QuerySet[Appeal]:
    """Return the appeals filed against one result, latest first."""
    return Appeal.objects.filter(learner_result_id=result_id).order_by("-pk")


def list_commissions(actor: User) -> QuerySet[AppealCommission]:
    """Return the appeal commissions of the staff's organisations, latest order first."""
    return (
        AppealCommission.objects.filter(organisation_id__in=_staff_organisation_ids(actor))
        .select_related("organisation")
        .prefetch_related("seats__person")
        .order_by("-order_date", "-pk")
    )


def standing_commissions(organisation_id: int) -> QuerySet[AppealCommission]:
    """Return the organisation's standing appeal commissions, latest order first."""
    return AppealCommission.objects.filter(
        organisation_id=organisation_id, kind="standing"
    ).order_by("-order_date", "-pk")


def seats_of(commission: AppealCommission | None) -> list[AppealSeat]:
    """Return the commission's seats: chair, deputy chair, members, secretary."""
    if commission is None:
        return []
    return _in_commission_order(
        AppealSeat.objects.filter(commission=commission).select_related("person")
    )


def _in_commission_order(seats: Iterable[AppealSeat]) -> list[AppealSeat]:
    """Chair, deputy chair, members, secretary; within a role, as seated."""
    order = {
        CommissionRole.CHAIR: 0,
        CommissionRole.DEPUTY_CHAIR: 1,
        CommissionRole.MEMBER: 2,
        CommissionRole.SECRETARY: 3,
    }
    return sorted(seats, key=lambda s: (order[CommissionRole(s.role)], s.pk))


def voting_seats(commission: AppealCommission | None) -> list[AppealSeat]:
    """Return the listed composition that votes (everyone but the secretary)."""
    return [s for s in seats_of(commission) if s.can_vote]


def attendance_of(appeal: Appeal) -> dict[int, bool]:
    """Return {seat id: present} recorded for the hearing."""
    return dict(AppealAttendance.objects.filter(appeal=appeal).values_list("seat_id", "present"))


def present_seats(appeal: Appeal) -> list[AppealSeat]:
    """Return the seats present at the hearing (the secretary included)."""
    present = {k for k, v in attendance_of(appeal).items() if v}
    return [s for s in seats_of(appeal.commission) if s.pk in present]


def protocol_of(appeal: Appeal) -> AppealProtocol | None:
    """Return the protocol of the appeal's hearing, or None before the decision."""
    return AppealProtocol.objects.filter(appeal=appeal).defer("pdf").first()


def decision_pending(appeal: Appeal) -> bool:
    """Return whether a decision that changes the result (a new result, a retake) is not
    applied to it yet: recorded by the commission's chair or secretary, it waits for the
    study department (`services.apply_appeal_decision`, ADR 0402)."""
    if appeal.status != AppealStatus.DECIDED:
        return False
    if appeal.outcome not in (AppealResolution.NEW_RESULT, AppealResolution.RETAKE):
        return False
    result = attestation_selectors.results_for_appeal(appeal.learner_result_id)
    if result is None:
        return False
    if appeal.outcome == AppealResolution.NEW_RESULT:
        return result.final_grade != appeal.new_grade
    return result.outcome != Outcome.ANNULLED


def votes_of(appeal: Appeal) -> dict[int, str]:
    """Return {seat id: vote choice} of the open vote."""
    return dict(AppealVote.objects.filter(appeal=appeal).values_list("seat_id", "choice"))


def appeal_documents(appeal: Appeal) -> list[HearingDocument]:
    """Return the documents of the appeal the commission works from (npc-5.13, npc-app3,
    rgmu-app4): the application, the attestation's own records of the learner (the
    statement at НПЦ; the learner's protocol and the commission's report at РостГМУ) in
    their current versions, and the learner's written answers when a scan was attached.

    This is the one place that lists them: a document the regulation names and another
    part of the system keeps (the individual attempt protocol of the testing system,
    `AppealDocument.TESTING_PROTOCOL`) is added here."""
    documents = [
        HearingDocument(
            kind=AppealDocument.APPLICATION,
            title=f"Заявление от {appeal.filed_on:%d.%m.%Y}",
            url=reverse("appeals:application_pdf", kwargs={"pk": appeal.pk}),
        )
    ]
    result = appeal.learner_result
    for record in attestation_selectors.current_records(result.attestation):
        if record.learner_result_id not in (None, result.pk):
            continue
        version = f", версия {record.version}" if record.version > 1 else ""
        number = f" № {record.number}" if record.number else ""
        documents.append(
            HearingDocument(
                kind=record.kind,
                title=f"{record.kind_label.capitalize()}{number}{version}",
                url=reverse("appeals:record_pdf", kwargs={"pk": appeal.pk, "record_pk": record.pk}),
                note=record.status_label,
            )
        )
    for attempt in testing_selectors.attempt_protocols_for_result(result.pk):
        documents.append(
            HearingDocument(
                kind=AppealDocument.TESTING_PROTOCOL,
                title=f"Индивидуальный протокол тестирования, попытка {attempt.number}",
                url=reverse(
                    "appeals:attempt_protocol_pdf",
                    kwargs={"pk": appeal.pk, "attempt_pk": attempt.attempt_id},
                ),
                note=attempt.status_label,
            )
        )
    if appeal.answers_scan:
        documents.append(
            HearingDocument(
                kind=AppealDocument.WRITTEN_ANSWERS,
                title="Письменные ответы обучившегося (скан)",
                url=reverse("appeals:answers_scan", kwargs={"pk": appeal.pk}),
            )
        )
    return documents


@dataclass(frozen=True)
class AppealFlags:
    """What is overdue about an appeal, as the register shows it."""

    commission_late: bool
    hearing_overdue: bool
    heard_late: bool
    notice_overdue: bool
    notice_late: bool
    commission_overdue: bool = False
    decision_not_applied: bool = False

    @property
    def any(self) -> bool:
        return (
            self.decision_not_applied
            or self.commission_overdue
            or self.commission_late
            or self.hearing_overdue
            or self.heard_late
            or self.notice_overdue
            or self.notice_late
        )


def flags_for(appeal: Appeal, today: date | None = None) -> AppealFlags:
    """Return the overdue flags of an appeal: no order forming its commission by the
    order's last day, or the order issued after it (rgmu-5.3), no hearing by its last
    day or a hearing after it (npc-5.11, rgmu-5.11), the notice not posted by its last
    day or posted late (npc-5.18, rgmu-5.18), a decision recorded by the commission's
    chair or secretary not yet applied to the result by the study department (ADR 0402)."""
    today = today or timezone.localdate()
    commission = appeal.commission
    commission_late = bool(
        appeal.commission_due_on
        and commission is not None
        and not commission.is_standing
        and commission.order_date > appeal.commission_due_on
    )
    open_statuses = (AppealStatus.FILED, AppealStatus.SCHEDULED)
    commission_overdue = bool(
        appeal.commission_due_on
        and commission is None
        and appeal.status in open_statuses
        and today > appeal.commission_due_on
    )
    hearing_overdue = appeal.status in open_statuses and today > appeal.hearing_due_on
    heard_late = appeal.hearing_on is not None and appeal.hearing_on > appeal.hearing_due_on
    due = appeal.notice_due_on
    notice_overdue = bool(due and appeal.notice_posted_on is None and today > due)
    notice_late = bool(due and appeal.notice_posted_on and appeal.notice_posted_on > due)
    return AppealFlags(
        commission_late,
        hearing_overdue,
        heard_late,
        notice_overdue,
        notice_late,
        commission_overdue=commission_overdue,
        decision_not_applied=decision_pending(appeal),
    )


def letters_to_send(actor: User) -> list[Appeal]:
    """Return the decided appeals whose notice letter is not posted yet, the most urgent
    first (the study department's list of letters to send, npc-5.18, rgmu-5.18)."""
    return list(
        list_appeals(actor)
        .filter(status=AppealStatus.DECIDED, notice_posted_on__isnull=True)
        .filter(organisation_id__in=_staff_organisation_ids(actor))
        .order_by("notice_due_on", "pk")
    )


def protocol_years(actor: User) -> list[tuple[int, list[AppealProtocol]]]:
    """Return the archive book of appeal protocols of the staff's organisations: each
    year with its protocols in number order (npc-5.20)."""
    protocols = (
        AppealProtocol.objects.filter(organisation_id__in=_staff_organisation_ids(actor))
        .select_related("appeal__learner", "organisation")
        .defer("pdf")
        .order_by("-year", "organisation__name", "number")
    )
    years: dict[int, list[AppealProtocol]] = {}
    for protocol in protocols:
        years.setdefault(protocol.year, []).append(protocol)
    return list(years.items())


def protocols_of_year(organisation_ids: Iterable[int], year: int) -> list[AppealProtocol]:
    """Return the frozen protocols of a year, in number order: the year's book."""
    return list(
        AppealProtocol.objects.filter(
            organisation_id__in=list(organisation_ids), year=year, status="frozen"
        ).order_by("organisation__name", "number")
    )


def staff_organisation_ids(actor: User) -> list[int]:
    """Return the ids of the organisations the actor is staff of."""
    return _staff_organisation_ids(actor)


@dataclass(frozen=True)
class AppealOption:
    """A learner's decided result and whether an appeal against it may be filed now."""

    result: LearnerResult
    announced_on: date
    deadline: date
    appeal: Appeal | None

    @property
    def can_file(self) -> bool:
        return self.appeal is None and timezone.localdate() <= self.deadline


def appeal_options_for_learner(user: User) -> list[AppealOption]:
    """Return the learner's decided results with the last day to appeal each (npc-5.10,
    rgmu-5.10) and the appeal already filed, if any."""
    options = []
    for result in attestation_selectors.results_for_learner(user):
        attestation = result.attestation
        if attestation.status != AttestationStatus.DECIDED or attestation.decided_at is None:
            continue
        announced = timezone.localdate(attestation.decided_at)
        reg = regulation_selectors.rules_of(attestation.regulation_version)
        deadline = regulation_rules.appeal_filing_deadline(reg, announced, calendar)
        appeal = (
            Appeal.objects.filter(learner_result=result)
            .exclude(status=AppealStatus.WITHDRAWN)
            .first()
        )
        options.append(AppealOption(result, announced, deadline, appeal))
    return options


def navigation_roles_of(user: User | AnonymousUser) -> set[str]:
    """Return the menu roles the appeals app gives: "appeal_commission" for a person
    seated on an appeal commission, "learner" for an appellant."""
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = set()
    if AppealSeat.objects.filter(person=user).exists():  # type: ignore[misc]
        roles.add("appeal_commission")
    return roles


# --- what awaits a person's signature («На подпись», ADR 0115) ----------------------------


def _protocols_awaiting(user: User) -> QuerySet[AppealProtocol]:
    """The protocols not yet frozen of the hearings the user attended (a seat marked
    present) and has not signed: what `sign_protocol` would accept from them."""
    present = AppealAttendance.objects.filter(
        appeal_id=OuterRef("appeal_id"), seat__person_id=user.pk, present=True
    )
    signed = AppealProtocolSignature.objects.filter(
        protocol_id=OuterRef("pk"), seat__person_id=user.pk
    )
    return (
        AppealProtocol.objects.exclude(status=ProtocolStatus.FROZEN)
        .filter(Exists(present))
        .exclude(Exists(signed))
    )


def protocols_to_sign_count(user: User | AnonymousUser) -> int:
    """How many appeal protocols await the user's signature (the menu's count): one query."""
    if not isinstance(user, User):
        return 0
    return _protocols_awaiting(user).count()


@dataclass(frozen=True)
class ProtocolSigner:
    """One participant of the hearing who signs its protocol and, once given, when."""

    seat: AppealSeat
    signed_at: datetime | None

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class ProtocolToSign:
    """An appeal protocol awaiting one person's signature, with every signer."""

    protocol: AppealProtocol
    appeal: Appeal
    signers: list[ProtocolSigner]

    @property
    def signed(self) -> list[ProtocolSigner]:
        return [s for s in self.signers if s.signed]

    @property
    def unsigned(self) -> list[ProtocolSigner]:
        return [s for s in self.signers if not s.signed]


def protocol_signers(protocol: AppealProtocol) -> list[ProtocolSigner]:
    """Everyone present at the hearing (they sign the protocol, npc-5.16), in the order of
    the commission, each with the time of their signature if given."""
    signed = dict(
        AppealProtocolSignature.objects.filter(protocol=protocol).values_list(
            "seat_id", "signed_at"
        )
    )
    return [ProtocolSigner(seat, signed.get(seat.pk)) for seat in present_seats(protocol.appeal)]


def protocols_to_sign(user: User | AnonymousUser) -> list[ProtocolToSign]:
    """The appeal protocols awaiting the user's signature, the latest hearing first, each
    with who has signed it (and when) and who has not yet."""
    if not isinstance(user, User):
        return []
    awaiting = (
        _protocols_awaiting(user)
        .select_related(
            "appeal__learner",
            "appeal__commission",
            "appeal__learner_result__attestation__cohort__programme",
        )
        .defer("pdf")
        .order_by("-held_on", "-pk")
    )
    protocols = list(awaiting)
    # Everyone's signatures, attendance and seats in three queries for the whole list.
    signed: dict[int, dict[int, datetime]] = {}
    for protocol_id, seat_id, at in AppealProtocolSignature.objects.filter(
        protocol__in=protocols
    ).values_list("protocol_id", "seat_id", "signed_at"):
        signed.setdefault(protocol_id, {})[seat_id] = at
    present = set(
        AppealAttendance.objects.filter(
            appeal_id__in=[p.appeal_id for p in protocols], present=True
        ).values_list("appeal_id", "seat_id")
    )
    seats: dict[int, list[AppealSeat]] = {}
    for seat in AppealSeat.objects.filter(
        commission_id__in={p.appeal.commission_id for p in protocols}
    ).select_related("person"):
        seats.setdefault(seat.commission_id, []).append(seat)
    return [
        ProtocolToSign(
            p,
            p.appeal,
            [
                ProtocolSigner(seat, signed.get(p.pk, {}).get(seat.pk))
                for seat in _in_commission_order(seats.get(p.appeal.commission_id or 0, []))
                if (p.appeal_id, seat.pk) in present
            ],
        )
        for p in protocols
    ]
