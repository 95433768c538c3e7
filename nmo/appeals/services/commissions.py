"""The appeal commission as the regulation forms it: standing for a term by the director's
order at НПЦ (npc-5.3), per appeal by the rector's order within 3 working days at РостГМУ
(rgmu-5.3); chair, deputy chair, members and a secretary (npc-5.4), all of them staff of
the organisation, appointed from the posts the regulation names for each seat (any of
the staff of the units at НПЦ, the scientific and teaching staff at РостГМУ), and the
chair and members not sitting on the attestation commission of the appealed specialty
(npc-5.5, rgmu-5.5; ADR 0402)."""

from collections.abc import Sequence

from django.db import transaction

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.selectors import list_users, memberships_in
from nmo.appeals.exceptions import AppealCommissionInvalid, AppealNotAllowed
from nmo.appeals.models import Appeal, AppealCommission, AppealSeat
from nmo.appeals.services._common import cite
from nmo.appeals.types import AppealCommissionData, AppealStatus
from nmo.attestation import selectors as attestation_selectors
from nmo.core.exceptions import NotFound
from nmo.core.services import record_audit
from nmo.regulations import rules as regulation_rules
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.models import RegulationVersion
from nmo.regulations.types import AppealCommissionKind, CommissionRole, Post

ORDER_MAX = 50
POST_MAX = 300
TITLE_MAX = 300
STAFF_ROLES = (Role.ORGANISATION_STAFF, Role.COMMISSION_MEMBER)
"""The roles of the accounts app that make a person one of the organisation's staff
(ADR 0402): its employee, or one of its teaching staff invited to sit on commissions."""


def _composition_errors(version: RegulationVersion, data: AppealCommissionData) -> list[str]:
    reg = regulation_selectors.rules_of(version)
    counts = {role: 0 for role in CommissionRole}
    for seat in data.seats:
        counts[CommissionRole(seat.role)] += 1
    errors = []
    composition = cite(version, "appeal.deputy_chair_required")
    if counts[CommissionRole.CHAIR] != 1:
        errors.append(f"В комиссии один председатель{composition}.")
    if reg.appeal.deputy_chair_required and counts[CommissionRole.DEPUTY_CHAIR] != 1:
        errors.append(f"В комиссии один заместитель председателя{composition}.")
    if counts[CommissionRole.MEMBER] < 1:
        errors.append(f"Укажите членов апелляционной комиссии{composition}.")
    if counts[CommissionRole.SECRETARY] != 1:
        errors.append(f"В комиссии один секретарь{composition}.")
    people = [s.person_id for s in data.seats]
    if len(set(people)) != len(people):
        errors.append("Один человек занимает в комиссии одно место.")
    return errors


def _staff_ids(organisation: Organisation, ids: list[int]) -> set[int]:
    return set(
        memberships_in(organisation)
        .filter(role__in=STAFF_ROLES, user_id__in=ids)
        .values_list("user_id", flat=True)
    )


def not_staff_errors(
    version: RegulationVersion, organisation: Organisation, seats: Sequence[tuple[User, str]]
) -> list[str]:
    """Return a message naming each seated person who is not staff of the organisation
    (holds neither of `STAFF_ROLES` in it): the chair, the deputy chair and the members
    are approved from its staff (npc-5.5; its teaching staff, rgmu-5.5), the secretary is
    one of its staff too (ADR 0402)."""
    staff = _staff_ids(organisation, [person.pk for person, _ in seats])
    clause = cite(version, "appeal.members_exclude_attestation_commission")
    errors = []
    for person, role in seats:
        if person.pk in staff:
            continue
        label = CommissionRole(role).label.capitalize()
        if role == CommissionRole.SECRETARY:
            rule = "секретарь апелляционной комиссии — сотрудник организации"
        else:
            rule = (
                "председатель, заместитель председателя и члены апелляционной комиссии "
                f"утверждаются из числа её сотрудников{clause}"
            )
        errors.append(
            f"{label} {person.full_name} — не сотрудник организации «{organisation}»: {rule}."
        )
    return errors


_APPOINTED = {
    CommissionRole.CHAIR: "председатель апелляционной комиссии назначается",
    CommissionRole.DEPUTY_CHAIR: "заместитель председателя апелляционной комиссии назначается",
    CommissionRole.MEMBER: "члены апелляционной комиссии назначаются",
    CommissionRole.SECRETARY: "секретарь апелляционной комиссии назначается",
}


def post_errors(
    version: RegulationVersion, seats: Sequence[tuple[User, str, Post | None]]
) -> list[str]:
    """Return a message naming the seat, the person and the rule for each seat whose
    person's post (`Post`) the regulation does not appoint it from: the chair, the deputy
    chair and the members from the staff of the units at НПЦ (npc-5.5), from the
    scientific and teaching staff of the University at РостГМУ (rgmu-5.5) — the posts are
    the preset's data (`appeal.chair_from` and the others, ADR 0402). A seat the
    regulation restricts to some posts needs its person's post."""
    reg = regulation_selectors.rules_of(version)
    errors = []
    for person, role, post in seats:
        seat = CommissionRole(role)
        allowed = regulation_rules.appeal_appointees(reg, seat)
        if not allowed or post in allowed:
            continue
        # «из числа» takes the genitive plural: the posts are named as categories in
        # quotes, so their labels stay in the nominative without declension.
        posts = ", ".join(f"«{p.label}»" for p in allowed)
        category = "категории" if len(allowed) == 1 else "категорий"
        rule = (
            f"{_APPOINTED[seat]} из числа лиц {category}: {posts}"
            f"{cite(version, regulation_rules.APPEAL_APPOINTEE_PATHS[seat])}"
        )
        label = seat.label.capitalize()
        if post is None:
            errors.append(
                f"{label} {person.full_name}: укажите, кем является в организации — {rule}."
            )
        else:
            errors.append(f"{label} {person.full_name} — {Post(post).label}: {rule}.")
    return errors


def conflicts_with_attestation(
    version: RegulationVersion, organisation_id: int, specialty_id: int, specialty: str,
    seats: list[tuple[int, str]],
) -> list[str]:  # fmt: skip
    """Return a message naming each chair, deputy chair or member who sits on the
    attestation commission of the appealed specialty (npc-5.5, rgmu-5.5)."""
    reg = regulation_selectors.rules_of(version)
    if not reg.appeal.members_exclude_attestation_commission:
        return []
    barred = attestation_selectors.attestation_commission_members(organisation_id, specialty_id)
    clause = cite(version, "appeal.members_exclude_attestation_commission")
    return [
        f"{barred[person_id]} — член аттестационной комиссии по специальности «{specialty}»: "
        f"председатель и члены апелляционной комиссии не входят в неё{clause}."
        for person_id, role in seats
        if role != CommissionRole.SECRETARY and person_id in barred
    ]


def _appeal_conflicts(appeal: Appeal, seats: list[tuple[int, str]]) -> list[str]:
    commission = appeal.learner_result.attestation.commission
    return conflicts_with_attestation(
        appeal.regulation_version,
        appeal.organisation_id,
        commission.specialty_id,
        commission.specialty.name,
        seats,
    )


@transaction.atomic
def form_appeal_commission(
    *,
    actor: User,
    organisation: Organisation,
    data: AppealCommissionData,
    appeal: Appeal | None = None,
) -> AppealCommission:
    """Record the order approving an appeal commission and its seats.

    Under a standing commission (npc-5.3) the term ends 1 year (the regulation's months)
    after the order; the commission hears the appeals filed while it is in office, and an
    expired one cannot hear. Under a commission per appeal (rgmu-5.3) `appeal` is required:
    the order is due within 3 working days of the application (the appeal keeps that
    day; an order after it is accepted and flagged late on the register), and the
    commission is assigned to the appeal. Chair, deputy chair where the regulation has one,
    members and one secretary (npc-5.4); for an appeal the chair and members may not sit on
    the attestation commission of its specialty (npc-5.5, rgmu-5.5), a message names each
    such person. Every seated person (the secretary too) must be staff of the
    organisation, `STAFF_ROLES` (npc-5.5, rgmu-5.5; ADR 0402): a message names each one who
    is not; and each seat's post (`AppealSeatData.post_kind`) is one the regulation
    appoints the seat from (`post_errors`: any staff post at НПЦ, the scientific and
    teaching staff at РостГМУ), a message names the seat, the person and the rule. Staff
    of the organisation only. Audited as "appeal.commission.form"."""
    require_staff_of(actor, organisation)
    version = regulation_selectors.current_version(organisation)
    reg = regulation_selectors.rules_of(version)
    errors: dict[str, list[str]] = {}
    number = " ".join(data.order_number.split())
    if not number or len(number) > ORDER_MAX:
        errors["order_number"] = [f"Укажите номер приказа (не более {ORDER_MAX} символов)."]
    title = " ".join(data.title.split()) or "Апелляционная комиссия"
    if len(title) > TITLE_MAX:
        errors["title"] = [f"Не более {TITLE_MAX} символов."]
    if any(len(s.post) > POST_MAX for s in data.seats):
        errors["seats"] = [f"Должность — не более {POST_MAX} символов."]
    if any(s.post_kind and s.post_kind not in Post.values for s in data.seats):
        errors.setdefault("seats", []).append("Выберите, кем является человек, из списка.")
    per_appeal = reg.appeal.commission_kind == AppealCommissionKind.PER_APPEAL
    if per_appeal:
        if appeal is None:
            raise AppealCommissionInvalid(
                "Апелляционная комиссия создаётся по каждой апелляции: укажите апелляцию"
                f"{cite(version, 'appeal.commission_kind')}."
            )
        if appeal.organisation_id != organisation.pk:
            raise NotFound()
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status not in (AppealStatus.FILED, AppealStatus.SCHEDULED):
            raise AppealNotAllowed("Состав комиссии меняется только до заседания.")
        if data.order_date < appeal.filed_on:
            errors["order_date"] = [
                f"Приказ издаётся после поступления заявления ({appeal.filed_on:%d.%m.%Y})."
            ]
    elif appeal is not None:
        raise AppealCommissionInvalid(
            "Апелляционная комиссия постоянная: назначьте её апелляции из списка комиссий"
            f"{cite(version, 'appeal.commission_kind')}."
        )
    people = {u.pk: u for u in list_users(ids=[s.person_id for s in data.seats])}
    if any(s.person_id not in people for s in data.seats):
        errors["seats"] = ["Выберите сотрудников из списка."]
    seat_errors = _composition_errors(version, data)
    seated = [(people[s.person_id], s.role) for s in data.seats if s.person_id in people]
    seat_errors += not_staff_errors(version, organisation, seated)
    staff = _staff_ids(organisation, [person.pk for person, _ in seated])
    seat_errors += post_errors(
        version,
        [
            (people[s.person_id], s.role, s.post_kind or None)
            for s in data.seats
            if s.person_id in staff and (not s.post_kind or s.post_kind in Post.values)
        ],
    )
    if per_appeal and appeal is not None:
        seat_errors += _appeal_conflicts(appeal, [(s.person_id, s.role) for s in data.seats])
    if seat_errors:
        errors.setdefault("seats", []).extend(seat_errors)
    if errors:
        raise AppealCommissionInvalid(errors=errors)
    commission = AppealCommission.objects.create(
        organisation=organisation,
        kind=reg.appeal.commission_kind,
        title=title,
        order_number=number,
        order_date=data.order_date,
        valid_to=regulation_rules.appeal_commission_term_end(reg, data.order_date),
        regulation_version=version,
        created_by=actor,
    )
    for seat in data.seats:
        AppealSeat.objects.create(
            commission=commission,
            person=people[seat.person_id],
            role=CommissionRole(seat.role).value,
            post=seat.post.strip(),
            post_kind=Post(seat.post_kind).value if seat.post_kind else "",
        )
    record_audit(
        actor=actor,
        action="appeal.commission.form",
        target=commission,
        changes={
            "order_number": number,
            "order_date": data.order_date,
            "valid_to": commission.valid_to,
            "appeal": appeal.pk if appeal else None,
            "seats": [
                {
                    "person": s.person_id,
                    "role": CommissionRole(s.role).value,
                    "post_kind": Post(s.post_kind).value if s.post_kind else "",
                }
                for s in data.seats
            ],
        },
    )
    if appeal is not None:
        _assign(actor, appeal, commission)
    return commission


def _assign(actor: User, appeal: Appeal, commission: AppealCommission) -> None:
    before = appeal.commission_id
    appeal.commission = commission
    appeal.save(update_fields=["commission", "updated_at"])
    record_audit(
        actor=actor,
        action="appeal.commission.assign",
        target=appeal,
        changes={"before": before, "after": commission.pk},
    )


def _standing_errors(appeal: Appeal, commission: AppealCommission) -> list[str]:
    seats = list(AppealSeat.objects.filter(commission=commission).values_list("person_id", "role"))
    errors = _appeal_conflicts(appeal, seats)
    if commission.valid_to is not None and commission.valid_to < appeal.filed_on:
        errors.append(
            f"Срок полномочий комиссии истёк {commission.valid_to:%d.%m.%Y}"
            f"{cite(appeal.regulation_version, 'appeal.commission_term_months')}."
        )
    if commission.order_date > appeal.hearing_due_on:
        errors.append("Комиссия утверждена позже последнего дня рассмотрения апелляции.")
    return errors


def assign_if_eligible(*, actor: User, appeal: Appeal, commission: AppealCommission) -> bool:
    """Assign a standing commission in office to a new appeal when none of its chair and
    members sits on the attestation commission of the specialty; return whether it was."""
    if _standing_errors(appeal, commission):
        return False
    _assign(actor, appeal, commission)
    return True


@transaction.atomic
def assign_appeal_commission(
    *, actor: User, appeal: Appeal, commission: AppealCommission
) -> Appeal:
    """Assign a standing appeal commission to an appeal before its hearing (npc-5.3):
    one of the organisation, in office when the appeal was filed, whose chair and members
    do not sit on the attestation commission of the appealed specialty (npc-5.5; the
    message names the person). Staff only. Audited as "appeal.commission.assign"."""
    appeal = (
        Appeal.objects.select_for_update()
        .select_related(
            "organisation",
            "regulation_version",
            "learner_result__attestation__commission__specialty",
        )
        .get(pk=appeal.pk)
    )
    require_staff_of(actor, appeal.organisation)
    if commission.organisation_id != appeal.organisation_id:
        raise NotFound()
    if appeal.status not in (AppealStatus.FILED, AppealStatus.SCHEDULED):
        raise AppealNotAllowed("Комиссия назначается до заседания.")
    if not commission.is_standing:
        raise AppealCommissionInvalid("Эта комиссия создана для другой апелляции.")
    errors = _standing_errors(appeal, commission)
    if errors:
        raise AppealCommissionInvalid(errors={"commission": errors})
    _assign(actor, appeal, commission)
    return appeal
