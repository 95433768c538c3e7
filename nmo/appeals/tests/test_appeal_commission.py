"""The appeal commission (npc-5.3, npc-5.4, npc-5.5, rgmu-5.3, rgmu-5.5): standing for a
year by the director's order at НПЦ, per appeal by the rector's order within 3 working
days at РостГМУ; chair, deputy chair, members, secretary; staff of the organisation,
appointed from the posts the regulation names (any staff post at НПЦ, the scientific and
teaching staff at РостГМУ); nobody of the attestation commission of the specialty."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from nmo.accounts.models import Membership, Role
from nmo.appeals import services
from nmo.appeals.exceptions import AppealCommissionInvalid, HearingInvalid
from nmo.appeals.models import AppealCommission, AppealSeat
from nmo.appeals.selectors import flags_for
from nmo.appeals.tests.factories import (
    HELD_ON,
    ORDER_DATE,
    appeal_setup,
    file_as_learner,
    on,
    teacher,
    with_commission,
)
from nmo.appeals.types import AppealSeatData
from nmo.attestation.tests.factories import organisation_under, person
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.regulations.types import CommissionRole, Post

pytestmark = pytest.mark.django_db


@pytest.mark.clause("npc-5.3", "npc-5.4")
def test_npc_standing_commission_serves_one_year_and_an_expired_one_cannot_hear():
    """npc-5.3, npc-5.4: the director's order approves a standing commission of a chair,
    a deputy chair, members and a secretary for one year (13.01.2025 → 13.01.2026); it is
    assigned to an appeal filed in its term; once expired it cannot hear."""
    s = appeal_setup("npc")
    commission = services.form_appeal_commission(
        actor=s.staff, organisation=s.org.organisation, data=s.commission_data()
    )
    assert commission.is_standing
    assert commission.valid_to == date(2026, 1, 13)
    roles = sorted(commission.seats.values_list("role", flat=True))
    assert roles == sorted(["chair", "deputy_chair", "member", "member", "secretary"])
    appeal = file_as_learner(s, HELD_ON)
    services.assign_appeal_commission(actor=s.staff, appeal=appeal, commission=commission)
    old = services.form_appeal_commission(
        actor=s.staff,
        organisation=s.org.organisation,
        data=s.commission_data(date(2024, 10, 1), order_number="1-old"),
    )
    assert old.valid_to == date(2025, 10, 1)
    with pytest.raises(AppealCommissionInvalid) as refused:
        services.assign_appeal_commission(actor=s.staff, appeal=appeal, commission=old)
    assert "Срок полномочий комиссии истёк 01.10.2025" in str(refused.value.errors)


@pytest.mark.clause("npc-5.3")
def test_a_new_appeal_gets_the_standing_commission_in_office():
    """npc-5.3: an appeal filed while a standing commission is in office is assigned to
    it at once."""
    s = appeal_setup("npc")
    commission = services.form_appeal_commission(
        actor=s.staff, organisation=s.org.organisation, data=s.commission_data()
    )
    appeal = file_as_learner(s, HELD_ON)
    assert appeal.commission == commission


@pytest.mark.clause("npc-5.4")
def test_the_composition_is_checked():
    """npc-5.4: one chair, one deputy chair, members, one secretary."""
    s = appeal_setup("npc")
    seats = (
        AppealSeatData(s.chair.pk, CommissionRole.CHAIR),
        AppealSeatData(s.members[0].pk, CommissionRole.CHAIR),
    )
    with pytest.raises(AppealCommissionInvalid) as refused:
        services.form_appeal_commission(
            actor=s.staff, organisation=s.org.organisation, data=s.commission_data(seats=seats)
        )
    messages = " ".join(refused.value.errors["seats"])
    assert "один председатель" in messages
    assert "заместитель председателя" in messages
    assert "членов апелляционной комиссии" in messages
    assert "один секретарь" in messages


@pytest.mark.clause("npc-5.5", "rgmu-5.5")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_a_member_of_the_attestation_commission_may_not_sit_and_is_named(key):
    """npc-5.5, rgmu-5.5: the chair and members of the appeal commission are not members
    of the attestation commission of the appealed specialty; the message names the
    person (the attestation commission's chair here)."""
    s = appeal_setup(key)
    barred = s.attestation.chair
    Membership.objects.create(
        user=barred, role=Role.COMMISSION_MEMBER, organisation=s.org.organisation
    )  # one of the staff, so only the attestation commission bars her
    appeal = file_as_learner(s, HELD_ON)
    data = s.commission_data(appeal.filed_on, seats=s.seats(chair=barred))
    if key == "npc":
        commission = services.form_appeal_commission(
            actor=s.staff, organisation=s.org.organisation, data=data
        )
        with pytest.raises(AppealCommissionInvalid) as refused:
            services.assign_appeal_commission(actor=s.staff, appeal=appeal, commission=commission)
    else:
        with pytest.raises(AppealCommissionInvalid) as refused:
            services.form_appeal_commission(
                actor=s.staff, organisation=s.org.organisation, data=data, appeal=appeal
            )
    text = str(refused.value.errors)
    assert f"{barred.full_name} — член аттестационной комиссии по специальности «Педиатрия»" in text
    assert "п. 5.5 Положения" in text


@pytest.mark.clause("npc-5.5", "rgmu-5.5")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_only_staff_of_the_organisation_sit_and_the_message_names_each_other_person(key):
    """npc-5.5, rgmu-5.5: the chair, the deputy chair and the members are approved from
    the organisation's staff (its teaching staff at РостГМУ), the secretary is one of its
    staff too (ADR 0402): a learner as chair, a person of no organisation as a member,
    another organisation's employee as deputy chair and a learner as secretary are each
    refused by name; nothing is recorded. The same seats of the organisation's staff are
    accepted."""
    s = appeal_setup(key)
    appeal = file_as_learner(s, HELD_ON)
    learner = s.passed.enrolment.learner
    nobody = person("Посторонний", "Иван", "Иванович")
    other = organisation_under(key, name="ГБУЗ Другая больница", email="o@x.example.ru")
    stranger = teacher(other.organisation, "Чужая", "Нина", "Львовна")
    seats = (
        AppealSeatData(learner.pk, CommissionRole.CHAIR),
        AppealSeatData(stranger.pk, CommissionRole.DEPUTY_CHAIR),
        AppealSeatData(s.members[0].pk, CommissionRole.MEMBER, "Доцент", Post.ACADEMIC_STAFF),
        AppealSeatData(nobody.pk, CommissionRole.MEMBER),
        AppealSeatData(s.learner.pk, CommissionRole.SECRETARY),
    )
    per_appeal = {"appeal": appeal} if key == "rgmu" else {}
    with pytest.raises(AppealCommissionInvalid) as refused:
        services.form_appeal_commission(
            actor=s.staff,
            organisation=s.org.organisation,
            data=s.commission_data(appeal.filed_on, seats=seats),
            **per_appeal,
        )
    messages = refused.value.errors["seats"]
    organisation = str(s.org.organisation)
    clause = "п. 5.5 Положения"
    expected = [
        f"Председатель {learner.full_name} — не сотрудник организации «{organisation}»",
        f"Заместитель председателя {stranger.full_name} — не сотрудник организации",
        f"Член комиссии {nobody.full_name} — не сотрудник организации",
        f"Секретарь {s.learner.full_name} — не сотрудник организации",
    ]
    for text in expected:
        assert any(text in m for m in messages), (text, messages)
    assert not any(s.members[0].full_name in m for m in messages)
    assert all(clause in m for m in messages if not m.startswith("Секретарь"))
    assert AppealCommission.objects.filter(organisation=s.org.organisation).count() == 0
    commission = services.form_appeal_commission(
        actor=s.staff,
        organisation=s.org.organisation,
        data=s.commission_data(appeal.filed_on),
        **per_appeal,
    )
    assert commission.seats.count() == 5


RGMU_MEMBERS_RULE = (
    "члены апелляционной комиссии назначаются из числа лиц категорий: "
    "«научно-педагогический работник», «преподаватель подразделения по профилю ДПП» "
    "(п. 5.5 Положения РостГМУ)"
)


@pytest.mark.clause("rgmu-5.5")
def test_rgmu_seats_only_scientific_and_teaching_staff_and_names_a_study_department_employee():
    """rgmu-5.5: the chair and members are appointed from the scientific and teaching
    staff of the University (the preset's `appeal.members_from`): a member who is an
    employee of the study department, one of the staff but not teaching staff, is refused
    with a message naming the seat, the person and the rule; a deputy chair whose post is
    not given is refused too; nothing is recorded. The same member as a teacher of the
    programme's unit is accepted, and each seat keeps its post."""
    s = appeal_setup("rgmu")
    appeal = file_as_learner(s, HELD_ON)
    clerk, colleague = s.members
    seats = list(s.seats())
    seats[1] = AppealSeatData(s.deputy.pk, CommissionRole.DEPUTY_CHAIR, "Начальник отдела")
    seats[2] = AppealSeatData(
        clerk.pk, CommissionRole.MEMBER, "Методист", Post.STUDY_DEPARTMENT_STAFF
    )
    with pytest.raises(AppealCommissionInvalid) as refused:
        services.form_appeal_commission(
            actor=s.staff,
            organisation=s.org.organisation,
            data=s.commission_data(appeal.filed_on, seats=tuple(seats)),
            appeal=appeal,
        )
    messages = refused.value.errors["seats"]
    assert messages == [
        f"Заместитель председателя {s.deputy.full_name}: укажите, кем является в организации "
        "— заместитель председателя апелляционной комиссии назначается из числа лиц "
        "категорий: «научно-педагогический работник», «преподаватель подразделения по "
        "профилю ДПП» (п. 5.5 Положения РостГМУ).",
        f"Член комиссии {clerk.full_name} — сотрудник учебного отдела: {RGMU_MEMBERS_RULE}.",
    ]
    assert not any(colleague.full_name in m for m in messages)
    assert not AppealCommission.objects.filter(organisation=s.org.organisation).exists()
    seats[1] = s.seats()[1]
    seats[2] = AppealSeatData(clerk.pk, CommissionRole.MEMBER, "Ассистент", Post.TEACHING_STAFF)
    commission = services.form_appeal_commission(
        actor=s.staff,
        organisation=s.org.organisation,
        data=s.commission_data(appeal.filed_on, seats=tuple(seats)),
        appeal=appeal,
    )
    kinds = dict(commission.seats.values_list("person_id", "post_kind"))
    assert kinds[clerk.pk] == Post.TEACHING_STAFF
    assert kinds[colleague.pk] == Post.ACADEMIC_STAFF
    assert kinds[s.secretary.pk] == Post.STUDY_DEPARTMENT_STAFF
    entry = AuditEntry.objects.get(action="appeal.commission.form")
    assert {"person": clerk.pk, "role": "member", "post_kind": "teaching_staff"} in (
        entry.changes["seats"]
    )


@pytest.mark.clause("npc-5.5")
def test_npc_seats_its_staff_of_any_unit_but_needs_the_post():
    """npc-5.5: the chair and members are appointed from the staff of the Centre's units —
    any post of its staff (the preset's `appeal.members_from` lists them all): a member of
    another unit (a clinical one) and a member of the study department are accepted; a
    member whose post is not given is refused by name."""
    s = appeal_setup("npc")
    clinician, clerk = s.members
    seats = list(s.seats())
    seats[2] = AppealSeatData(clinician.pk, CommissionRole.MEMBER, "Врач-педиатр")
    with pytest.raises(AppealCommissionInvalid) as refused:
        services.form_appeal_commission(
            actor=s.staff,
            organisation=s.org.organisation,
            data=s.commission_data(seats=tuple(seats)),
        )
    (message,) = refused.value.errors["seats"]
    assert message.startswith(
        f"Член комиссии {clinician.full_name}: укажите, кем является в организации — члены "
        "апелляционной комиссии назначаются из числа лиц категорий: «начальник учебного "
        "отдела», «"
    )
    assert message.endswith("(п. 5.5 Положения НПЦ ДЗМ).")
    seats[2] = AppealSeatData(
        clinician.pk, CommissionRole.MEMBER, "Врач-педиатр", Post.OTHER_UNIT_STAFF
    )
    seats[3] = AppealSeatData(
        clerk.pk, CommissionRole.MEMBER, "Методист", Post.STUDY_DEPARTMENT_STAFF
    )
    commission = services.form_appeal_commission(
        actor=s.staff, organisation=s.org.organisation, data=s.commission_data(seats=tuple(seats))
    )
    assert AppealSeat.objects.get(commission=commission, person=clinician).post_kind == (
        Post.OTHER_UNIT_STAFF
    )


def _order_form(s, members_post_kind: str, **extra) -> dict[str, str]:
    return {
        "title": "Апелляционная комиссия",
        "order_number": "45-р",
        "order_date": "31.10.2025",
        "chair": s.chair.email,
        "chair_post": "Профессор кафедры педиатрии",
        "chair_post_kind": "academic_staff",
        "deputy": s.deputy.email,
        "deputy_post": "Доцент кафедры педиатрии",
        "deputy_post_kind": "teaching_staff",
        "members": "\n".join(f"{m.email}; Специалист" for m in s.members),
        "members_post_kind": members_post_kind,
        "secretary": s.secretary.email,
        "secretary_post": "Методист",
        "secretary_post_kind": "study_department_staff",
        **extra,
    }


@pytest.mark.clause("rgmu-5.5")
def test_rgmu_order_page_refuses_study_department_members_by_name_and_accepts_teaching_staff():
    """rgmu-5.5: on the appeal's page the study department enters the rector's order with
    what each person is in the University; members entered as employees of the study
    department are refused (422), each named with the rule; entered as teaching staff,
    the order is recorded and the commission list shows their posts."""
    s = appeal_setup("rgmu")
    appeal = file_as_learner(s, HELD_ON)
    client = Client()
    client.force_login(s.staff)
    url = reverse("appeals:appeal_commission", args=[appeal.pk])
    with on(HELD_ON):
        page = client.get(appeal.get_absolute_url()).content.decode()
        assert "Члены комиссии: кем являются в организации" in page
        assert "научно-педагогический работник" in page
        refused = client.post(url, _order_form(s, "study_department_staff"))
    assert refused.status_code == 422
    text = refused.content.decode()
    for member in s.members:
        assert f"Член комиссии {member.full_name} — сотрудник учебного отдела" in text
    assert RGMU_MEMBERS_RULE in text
    assert s.chair.full_name not in text.split("Исправьте ошибки", 1)[1].split("</ul>", 1)[0]
    assert not AppealCommission.objects.exists()
    with on(HELD_ON):
        accepted = client.post(url, _order_form(s, "teaching_staff"))
    assert accepted.status_code == 302
    appeal.refresh_from_db()
    kinds = dict(appeal.commission.seats.values_list("person_id", "post_kind"))
    assert kinds == {
        s.chair.pk: "academic_staff",
        s.deputy.pk: "teaching_staff",
        s.members[0].pk: "teaching_staff",
        s.members[1].pk: "teaching_staff",
        s.secretary.pk: "study_department_staff",
    }
    listing = client.get(reverse("appeals:commission_list")).content.decode()
    assert "Специалист (преподаватель подразделения по профилю ДПП)" in listing


@pytest.mark.clause("npc-5.5")
def test_npc_order_page_accepts_its_staff_of_another_unit():
    """npc-5.5: the director's order entered on the commissions page with members who are
    employees of another unit of the Centre (a clinical one) is recorded."""
    s = appeal_setup("npc")
    client = Client()
    client.force_login(s.staff)
    response = client.post(
        reverse("appeals:commission_list"),
        _order_form(s, "other_unit_staff", order_date="13.01.2025"),
    )
    assert response.status_code == 302
    commission = AppealCommission.objects.get(organisation=s.org.organisation)
    assert set(
        commission.seats.filter(role=CommissionRole.MEMBER).values_list("post_kind", flat=True)
    ) == {"other_unit_staff"}


@pytest.mark.clause("rgmu-5.3")
@pytest.mark.parametrize(
    ("order_date", "late"),
    [
        (date(2025, 11, 5), False),  # N-1 (03.11 and 04.11 are holidays)
        (date(2025, 11, 6), False),  # N: the 3rd working day after 31.10 (01.11 worked)
        (date(2025, 11, 7), True),  # N+1: accepted, flagged late
    ],
)
def test_rgmu_commission_per_appeal_by_the_rectors_order_within_3_working_days(order_date, late):
    """rgmu-5.3: the rector's order forms the commission for the appeal no later than 3
    working days after the application arrived (a transferred working Saturday and two
    holidays inside the window); a later order is accepted and flagged on the register."""
    s = appeal_setup("rgmu")
    appeal = file_as_learner(s, HELD_ON)
    assert appeal.commission_due_on == date(2025, 11, 6)
    commission = services.form_appeal_commission(
        actor=s.staff, organisation=s.org.organisation, data=s.commission_data(order_date),
        appeal=appeal,
    )  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.commission == commission
    assert not commission.is_standing
    assert commission.valid_to is None
    assert flags_for(appeal, date(2025, 11, 7)).commission_late is late


@pytest.mark.clause("rgmu-5.3")
@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (date(2025, 11, 5), False),  # N-1 (03.11 and 04.11 are holidays)
        (date(2025, 11, 6), False),  # N: the 3rd working day after 31.10 (01.11 worked)
        (date(2025, 11, 7), True),  # N+1: no order yet — flagged
    ],
)
def test_rgmu_no_order_by_the_3rd_working_day_is_flagged_on_the_register(today, overdue):
    """rgmu-5.3: while no rector's order forms the commission, the register flags the
    appeal once the order's last day (3 working days after the application, counted on
    the work calendar with a transferred working Saturday and two holidays) has passed;
    the order issued, the flag becomes «приказ издан после срока»."""
    s = appeal_setup("rgmu")
    appeal = file_as_learner(s, HELD_ON)
    assert flags_for(appeal, today).commission_overdue is overdue
    client = Client()
    client.force_login(s.staff)
    with on(today):
        register = client.get(reverse("appeals:appeal_list")).content.decode()
        detail = client.get(appeal.get_absolute_url()).content.decode()
    assert ("приказ не издан в срок" in register) is overdue
    assert ("приказ не издан в срок" in detail) is overdue
    with_commission(s, appeal, date(2025, 11, 7))
    appeal.refresh_from_db()
    assert not flags_for(appeal, today).commission_overdue
    with on(today):
        register = client.get(reverse("appeals:appeal_list")).content.decode()
    assert "приказ не издан в срок" not in register
    assert "приказ издан после срока" in register


@pytest.mark.clause("rgmu-5.3")
def test_rgmu_standing_commission_is_refused_and_the_order_dates_the_hearing():
    """rgmu-5.3: a commission without an appeal is refused at РостГМУ; the hearing is not
    before the order."""
    s = appeal_setup("rgmu")
    with pytest.raises(AppealCommissionInvalid):
        services.form_appeal_commission(
            actor=s.staff, organisation=s.org.organisation, data=s.commission_data()
        )
    appeal = with_commission(s, file_as_learner(s, HELD_ON), date(2025, 11, 5))
    with pytest.raises(HearingInvalid) as refused:
        services.schedule_hearing(
            actor=s.staff, appeal=appeal, hearing_on=date(2025, 11, 1), place="ауд. 1"
        )
    assert "не раньше" in str(refused.value.errors)


def test_it_checks_access():
    """A learner may not form a commission (403); another organisation's staff may not
    assign theirs (404)."""
    s = appeal_setup("npc")
    with pytest.raises(PermissionDenied):
        services.form_appeal_commission(
            actor=s.learner, organisation=s.org.organisation, data=s.commission_data()
        )
    other = appeal_setup("npc", name="ГБУЗ Другая больница")
    commission = services.form_appeal_commission(
        actor=other.staff, organisation=other.org.organisation, data=other.commission_data()
    )
    appeal = file_as_learner(s, HELD_ON)
    with pytest.raises(NotFound):
        services.assign_appeal_commission(actor=s.staff, appeal=appeal, commission=commission)
    assert AppealCommission.objects.count() == 1
    assert ORDER_DATE < HELD_ON
