"""Forming and changing attestation commissions under the organisation's regulation
(npc-4.1, 4.3, 4.4, 4.6, 4.8, 4.9; rgmu-4.4, 4.6, 4.7, 4.9)."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from nmo.accounts.models import Organisation, User
from nmo.accounts.selectors import get_organisation, get_unit, list_users
from nmo.attestation.access import check_commission_staff
from nmo.attestation.exceptions import CommissionBreachesRegulation, CommissionInvalid
from nmo.attestation.models import Commission, CommissionSeat, DocumentSignature, MemberAttendance
from nmo.attestation.rules import order_number_only
from nmo.attestation.services._common import cite
from nmo.attestation.types import CommissionData, SeatData
from nmo.catalog import selectors as catalog_selectors
from nmo.core.services import record_audit
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.models import RegulationVersion
from nmo.regulations.rules import commission_composition_errors
from nmo.regulations.types import CommissionRole, Post
from nmo.regulations.types import CommissionSeat as RuleSeat

TITLE_MAX = 300
ORDER_NUMBER_MAX = 50
POST_MAX = 300
ROLE_CODES = frozenset(r.value for r in CommissionRole)
POST_CODES = frozenset(p.value for p in Post)
COMPOSITION_RULES = (
    "commission.deputy_chair_required",
    "commission.min_persons",
    "commission.secretary_is_member",
    "commission.chair_appointee",
    "commission.members_from",
)


def _field_errors(
    organisation: Organisation, data: CommissionData
) -> tuple[dict[str, list[str]], dict[int, User]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not data.title.strip():
        add("title", "Укажите наименование комиссии.")
    elif len(data.title.strip()) > TITLE_MAX:
        add("title", f"Не более {TITLE_MAX} символов.")
    if not order_number_only(data.order_number):
        add("order_number", "Укажите номер приказа, которым утверждён состав комиссии.")
    elif len(data.order_number.strip()) > ORDER_NUMBER_MAX:
        add("order_number", f"Не более {ORDER_NUMBER_MAX} символов.")
    if data.valid_to is not None and data.valid_to < data.valid_from:
        add("valid_to", "Срок действия не может закончиться раньше, чем начался.")
    if data.valid_from < data.order_date:
        add("valid_from", "Комиссия не может действовать раньше даты приказа о её составе.")
    if not catalog_selectors.are_specialties_active([data.specialty_id]):
        add("specialty", "Выберите действующую специальность номенклатуры.")
    if data.unit_id is not None and get_unit(data.unit_id, organisation.pk) is None:
        add("unit", "Выберите подразделение своей организации.")
    people = {u.pk: u for u in list_users(ids=[s.person_id for s in data.seats])}
    for index, seat in enumerate(data.seats):
        person = people.get(seat.person_id)
        if person is None or not person.is_active:
            add("seats", f"Место {index + 1}: такого пользователя нет или он заблокирован.")
        if len(seat.post.strip()) > POST_MAX:
            add("seats", f"Место {index + 1}: должность — не более {POST_MAX} символов.")
        if str(seat.role) not in ROLE_CODES:
            add("seats", f"Место {index + 1}: неизвестная роль в комиссии.")
        for post in seat.posts:
            if str(post) not in POST_CODES:
                add("seats", f"Место {index + 1}: неизвестная должность «{post}».")
    if not data.seats:
        add("seats", "Укажите состав комиссии: председателя, членов и секретаря.")
    return errors, people


def _display_names(people: dict[int, User]) -> dict[int, str]:
    names = {pk: u.full_name or u.email for pk, u in people.items()}
    repeated = {name for name, n in Counter(names.values()).items() if n > 1}
    return {pk: (f"{n} <{people[pk].email}>" if n in repeated else n) for pk, n in names.items()}


def composition_breaches(
    version: RegulationVersion, seats: tuple[SeatData, ...], people: dict[int, User]
) -> list[str]:
    """Return the breaches of the regulation by a composition, one Russian message each
    (the regulation's rule `commission_composition_errors`, ADR 0102)."""
    names = _display_names(people)
    rule_seats = [
        RuleSeat(
            person=names.get(s.person_id, str(s.person_id)),
            role=CommissionRole(s.role),
            posts=frozenset(Post(p) for p in s.posts) if s.posts else None,
        )
        for s in seats
    ]
    return commission_composition_errors(regulation_selectors.rules_of(version), rule_seats)


def _overlapping(
    organisation: Organisation, data: CommissionData, exclude_id: int | None
) -> Commission | None:
    overlapping = Commission.objects.filter(
        organisation=organisation, specialty_id=data.specialty_id
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=data.valid_from))
    if data.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=data.valid_to)
    if exclude_id is not None:
        overlapping = overlapping.exclude(pk=exclude_id)
    return overlapping.order_by("valid_from").first()


def _check(
    organisation: Organisation,
    version: RegulationVersion,
    data: CommissionData,
    *,
    exclude_id: int | None = None,
) -> None:
    errors, people = _field_errors(organisation, data)
    if errors:
        raise CommissionInvalid(errors=errors)
    rules = regulation_selectors.rules_of(version)
    breaches = composition_breaches(version, data.seats, people)
    if rules.commission.standing and rules.commission.per_specialty:
        other = _overlapping(organisation, data, exclude_id)
        if other is not None:
            specialty = catalog_selectors.get_specialty(data.specialty_id)
            breaches.append(
                f"По специальности «{specialty.name}» уже действует комиссия «{other.title}» "
                f"(приказ № {other.order_number} от {other.order_date:%d.%m.%Y}): "
                "постоянно действующая комиссия формируется одна на специальность"
                f"{cite(version, 'commission.per_specialty')}. Ограничьте срок её действия."
            )
    if breaches:
        raise CommissionBreachesRegulation(
            "Состав комиссии не соответствует положению об итоговой аттестации"
            f"{cite(version, *COMPOSITION_RULES)}.",
            errors={"seats": breaches},
        )


def _values(data: CommissionData) -> dict[str, Any]:
    return {
        "specialty_id": data.specialty_id,
        "unit_id": data.unit_id,
        "title": " ".join(data.title.split()),
        "order_number": order_number_only(data.order_number),
        "order_date": data.order_date,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
    }


def _seat_summary(seats: Iterable[SeatData]) -> list[dict[str, Any]]:
    return [
        {"person": s.person_id, "role": str(s.role), "post": s.post, "posts": list(s.posts)}
        for s in seats
    ]


@transaction.atomic
def form_commission(*, actor: User, organisation: Organisation, data: CommissionData) -> Commission:
    """Form a standing attestation commission for a specialty (npc-4.1), approved by the
    order named in the regulation (director's at НПЦ, npc-4.3; rector's at РостГМУ), with
    its seats. The composition must satisfy the organisation's current regulation
    (`commission_composition_errors`: one chair; a deputy chair where required, npc-4.4;
    a secretary who is not a member, npc-4.9, rgmu-4.9; at least 3 persons without the
    secretary, npc-4.8, rgmu-4.7; posts, npc-4.6, rgmu-4.6) and no other commission may
    cover the specialty at the same time. Audited as "commission.form"."""
    check_commission_staff(actor, organisation)
    version = regulation_selectors.current_version(organisation)
    _check(organisation, version, data)
    rules = regulation_selectors.rules_of(version)
    commission = Commission.objects.create(
        organisation=organisation,
        approved_by=rules.commission.approved_by.label,
        regulation_version=version,
        created_by=actor,
        **_values(data),
    )
    CommissionSeat.objects.bulk_create(
        CommissionSeat(
            commission=commission,
            person_id=s.person_id,
            role=CommissionRole(s.role).value,
            post=s.post.strip(),
            posts=[Post(p).value for p in s.posts],
        )
        for s in data.seats
    )
    record_audit(
        actor=actor,
        action="commission.form",
        target=commission,
        changes={**_values(data), "seats": _seat_summary(data.seats)},
    )
    return commission


def _has_sat(seat: CommissionSeat) -> bool:
    return (
        MemberAttendance.objects.filter(seat=seat).exists()
        or DocumentSignature.objects.filter(seat=seat).exists()
    )


@transaction.atomic
def update_commission(*, actor: User, commission: Commission, data: CommissionData) -> Commission:
    """Change a commission's order, validity or composition, checked against the
    organisation's current regulation as `form_commission` does. A person removed from a
    commission that has already sat keeps an inactive seat, so that past attendance and
    signatures still name their signatory. Audited as "commission.update" with the values
    and the seats before and after."""
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    organisation = get_organisation(commission.organisation_id)
    check_commission_staff(actor, organisation)
    version = regulation_selectors.current_version(organisation)
    _check(organisation, version, data, exclude_id=commission.pk)
    rules = regulation_selectors.rules_of(version)
    values = _values(data)
    before = {field: getattr(commission, field) for field in values}
    seats_before = _seat_summary(
        SeatData(s.person_id, CommissionRole(s.role), s.post, tuple(Post(p) for p in s.posts))
        for s in commission.seats.filter(is_active=True).order_by("pk")
    )
    for field, value in values.items():
        setattr(commission, field, value)
    commission.approved_by = rules.commission.approved_by.label
    commission.regulation_version = version
    commission.save(update_fields=[*values, "approved_by", "regulation_version", "updated_at"])

    wanted = {(s.person_id, CommissionRole(s.role).value): s for s in data.seats}
    for seat in commission.seats.filter(is_active=True):
        if (seat.person_id, seat.role) in wanted:
            continue
        if _has_sat(seat):
            seat.is_active = False
            seat.save(update_fields=["is_active", "updated_at"])
        else:
            seat.delete()
    kept = {(s.person_id, s.role): s for s in commission.seats.filter(is_active=True)}
    for key, item in wanted.items():
        post, posts = item.post.strip(), [Post(p).value for p in item.posts]
        existing = kept.get(key)
        if existing is None:
            CommissionSeat.objects.create(
                commission=commission, person_id=key[0], role=key[1], post=post, posts=posts
            )
        elif existing.post != post or existing.posts != posts:
            existing.post, existing.posts = post, posts
            existing.save(update_fields=["post", "posts", "updated_at"])
    changed: dict[str, Any] = {
        f: {"before": before[f], "after": v} for f, v in values.items() if before[f] != v
    }
    seats_after = _seat_summary(data.seats)
    if seats_before != seats_after:
        changed["seats"] = {"before": seats_before, "after": seats_after}
    if changed:
        record_audit(actor=actor, action="commission.update", target=commission, changes=changed)
    return commission
