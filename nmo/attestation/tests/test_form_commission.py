from dataclasses import replace
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from nmo.attestation import services
from nmo.attestation.exceptions import CommissionBreachesRegulation, CommissionInvalid
from nmo.attestation.models import CommissionSeat
from nmo.attestation.tests.factories import (
    commission_data,
    make_commission,
    person,
    seats_for,
    specialty,
)
from nmo.attestation.types import SeatData
from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.regulations.types import CommissionRole, Post

pytestmark = pytest.mark.django_db


def roles(commission):
    return sorted(s.role for s in commission.seats.filter(is_active=True))


def breaches(excinfo) -> str:
    return " ".join(excinfo.value.errors["seats"])


@pytest.mark.clause("npc-4.1", "npc-4.3", "npc-4.4", "rgmu-4.4")
def test_a_commission_is_formed_per_specialty_under_the_order_the_regulation_names(org):
    """A standing commission for a specialty of the nomenclature is approved by the
    director's order at НПЦ (npc-4.1, npc-4.3) and the rector's at РостГМУ; НПЦ seats a
    deputy chair (npc-4.4), РостГМУ does not need one (rgmu-4.4). Audited."""
    commission = make_commission(org)
    assert commission.specialty.name == "Педиатрия"
    assert commission.order_number == "250/5"
    expected = "приказ директора" if org.preset == "npc" else "приказ ректора"
    assert commission.approved_by == expected
    if org.preset == "npc":
        assert roles(commission) == ["chair", "deputy_chair", "member", "member", "secretary"]
    else:
        assert roles(commission) == ["chair", "member", "member", "secretary"]
    entry = AuditEntry.objects.get(action="commission.form")
    assert entry.object_id == str(commission.pk)
    assert entry.changes["order_number"] == "250/5"


def voting(key: str, count: int) -> list[SeatData]:
    """A chair (and at НПЦ a deputy) plus members up to `count` voting persons, and a
    secretary."""
    seats = [SeatData(person("Председателева").pk, CommissionRole.CHAIR)]
    if key == "npc":
        seats.append(SeatData(person("Заместителев").pk, CommissionRole.DEPUTY_CHAIR))
    while len(seats) < count:
        seats.append(SeatData(person(f"Член{len(seats)}").pk, CommissionRole.MEMBER))
    seats.append(SeatData(person("Секретарёва").pk, CommissionRole.SECRETARY))
    return seats


@pytest.mark.clause("npc-4.8", "rgmu-4.7", "npc-4.9", "rgmu-4.9")
@pytest.mark.parametrize(("voting_persons", "accepted"), [(2, False), (3, True), (4, True)])
def test_a_commission_has_at_least_three_persons_without_the_secretary(
    org, voting_persons, accepted
):
    """At least 3 persons (npc-4.8, rgmu-4.7), the secretary not counted (npc-4.9,
    rgmu-4.9, ADR 0102): 2 voting persons and a secretary are refused, 3 and 4 accepted."""
    data = commission_data(org.preset, seats=tuple(voting(org.preset, voting_persons)))
    if accepted:
        commission = services.form_commission(
            actor=org.staff, organisation=org.organisation, data=data
        )
        assert commission.seats.count() == voting_persons + 1
        return
    with pytest.raises(CommissionBreachesRegulation) as excinfo:
        services.form_commission(actor=org.staff, organisation=org.organisation, data=data)
    assert "не менее 3" in breaches(excinfo)
    assert "секретарь в это число не входит" in breaches(excinfo)
    assert (
        "п. 4.8 Положения НПЦ ДЗМ" in excinfo.value.message
        or "п. 4.7 Положения РостГМУ" in excinfo.value.message
    )


@pytest.mark.clause("npc-4.9", "rgmu-4.9")
def test_the_secretary_may_not_also_be_a_member(org):
    """The secretary is not a member of the commission (npc-4.9, rgmu-4.9): the same
    person as a member and the secretary is refused."""
    seats = seats_for(org.preset)
    secretary = seats[-1]
    seats.append(SeatData(secretary.person_id, CommissionRole.MEMBER))
    with pytest.raises(CommissionBreachesRegulation) as excinfo:
        make_commission(org, seats=tuple(seats))
    assert "Секретарь (Секретарёва Елена Олеговна) не является членом комиссии" in breaches(excinfo)


@pytest.mark.clause("npc-4.4", "rgmu-4.4")
def test_a_deputy_chair_is_required_at_npc_only(org):
    """НПЦ's commission has a deputy chair (npc-4.4); РостГМУ's has none, an absent chair
    being replaced by a member (rgmu-4.4)."""
    seats = [s for s in seats_for(org.preset) if s.role != CommissionRole.DEPUTY_CHAIR]
    seats.insert(1, SeatData(person("Третьякова").pk, CommissionRole.MEMBER))
    data = commission_data(org.preset, seats=tuple(seats))
    if org.preset == "rgmu":
        commission = services.form_commission(
            actor=org.staff, organisation=org.organisation, data=data
        )
        assert "deputy_chair" not in roles(commission)
        return
    with pytest.raises(CommissionBreachesRegulation) as excinfo:
        services.form_commission(actor=org.staff, organisation=org.organisation, data=data)
    assert "Не назначен заместитель председателя" in breaches(excinfo)


@pytest.mark.clause("npc-4.4", "rgmu-4.4")
def test_a_commission_has_exactly_one_chair_and_a_secretary(org):
    """One chair and a secretary (npc-4.4, rgmu-4.4): two chairs and no secretary are
    both reported, each in its own message."""
    seats = [s for s in seats_for(org.preset) if s.role != CommissionRole.SECRETARY]
    seats.append(SeatData(person("Второй").pk, CommissionRole.CHAIR))
    with pytest.raises(CommissionBreachesRegulation) as excinfo:
        make_commission(org, seats=tuple(seats))
    messages = excinfo.value.errors["seats"]
    assert "Председатель может быть только один, а назначено: 2." in messages
    assert "Не назначен секретарь комиссии." in messages


@pytest.mark.clause("npc-4.6", "rgmu-4.6")
def test_the_chair_is_appointed_from_the_post_the_regulation_names(org):
    """The chair is the head of the study department at НПЦ (npc-4.6) and the head of the
    unit running the programme at РостГМУ (rgmu-4.6): a head of the unit is accepted as
    chair at РостГМУ and refused at НПЦ."""
    seats = seats_for(org.preset)
    seats[0] = replace(seats[0], posts=(Post.HEAD_OF_PROGRAMME_UNIT,))
    if org.preset == "rgmu":
        commission = make_commission(org, seats=tuple(seats))
        chair = commission.seats.get(role="chair")
        assert chair.posts == ["head_of_programme_unit"]
        return
    with pytest.raises(CommissionBreachesRegulation) as excinfo:
        make_commission(org, seats=tuple(seats))
    assert "назначается из числа: начальник учебного отдела" in breaches(excinfo)


@pytest.mark.clause("npc-4.1")
def test_one_standing_commission_per_specialty_at_a_time(org):
    """Standing commissions are formed per specialty (npc-4.1, rgmu-§4.1): a second one for
    the same specialty and overlapping dates is refused; a later one after the first's
    term, or for another specialty, is accepted."""
    make_commission(org, valid_to=date(2026, 12, 31))
    with pytest.raises(CommissionBreachesRegulation) as excinfo:
        make_commission(org, valid_from=date(2026, 12, 1))
    assert "уже действует комиссия" in breaches(excinfo)
    later = make_commission(org, valid_from=date(2027, 1, 1), order_date=date(2026, 12, 20))
    other = make_commission(
        org, specialty_id=specialty("31.08.36", "Кардиология").pk, title="Кардиология"
    )
    assert later.valid_from == date(2027, 1, 1)
    assert other.specialty.name == "Кардиология"


def test_order_dates_title_and_people_are_checked(org):
    """The order number and title are required, the term may not end before it starts or
    start before the order, and every seat is a known person."""
    seats = (*seats_for(org.preset), SeatData(999_999, CommissionRole.MEMBER))
    with pytest.raises(CommissionInvalid) as excinfo:
        make_commission(
            org,
            title=" ",
            order_number="",
            valid_from=date(2026, 8, 1),
            valid_to=date(2026, 7, 1),
            seats=seats,
        )
    errors = excinfo.value.errors
    assert set(errors) == {"title", "order_number", "valid_from", "valid_to", "seats"}


def test_a_commission_is_updated_and_the_change_audited(org):
    """update_commission re-checks the composition and records the seats before and
    after; a removed person who never sat loses the seat."""
    commission = make_commission(org)
    data = commission_data(org.preset)
    old_member = commission.seats.filter(role="member").first()
    seats = [
        SeatData(s.person_id, s.role, s.post)
        for s in commission.seats.all()
        if s.pk != old_member.pk
    ]
    seats.append(SeatData(person("Новикова").pk, CommissionRole.MEMBER, "Ассистент"))
    services.update_commission(
        actor=org.staff,
        commission=commission,
        data=replace(data, order_number="300/1", seats=tuple(seats)),
    )
    commission.refresh_from_db()
    assert commission.order_number == "300/1"
    assert not CommissionSeat.objects.filter(pk=old_member.pk).exists()
    assert commission.seats.filter(person__last_name="Новикова", is_active=True).exists()
    entry = AuditEntry.objects.get(action="commission.update")
    assert entry.changes["order_number"] == {"before": "250/5", "after": "300/1"}
    assert "seats" in entry.changes


def test_an_update_that_breaks_the_regulation_is_refused(org):
    """A change leaving fewer than 3 voting persons is refused and changes nothing."""
    commission = make_commission(org)
    seats = [SeatData(s.person_id, s.role) for s in commission.seats.all() if s.role != "member"]
    with pytest.raises(CommissionBreachesRegulation):
        services.update_commission(
            actor=org.staff,
            commission=commission,
            data=commission_data(org.preset, seats=tuple(seats)),
        )
    assert commission.seats.filter(role="member").count() == 2


def test_it_checks_access(npc, outsider, specialist):
    """Only the organisation's staff form and change its commissions: staff of another
    organisation get NotFound, a specialist PermissionDenied, a visitor NotAuthenticated."""
    data = commission_data("npc")
    with pytest.raises(NotFound):
        services.form_commission(actor=outsider, organisation=npc.organisation, data=data)
    with pytest.raises(PermissionDenied):
        services.form_commission(actor=specialist, organisation=npc.organisation, data=data)
    with pytest.raises(NotAuthenticated):
        services.form_commission(actor=AnonymousUser(), organisation=npc.organisation, data=data)
    commission = make_commission(npc)
    with pytest.raises(NotFound):
        services.update_commission(actor=outsider, commission=commission, data=data)
