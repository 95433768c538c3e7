"""Builders of the appeals tests.

The attestation is held on Friday 31.10.2025 and the windows cross the November days of
the official calendar for 2025 (Постановление Правительства РФ от 04.10.2024 № 1335):
Saturday 01.11 is a working day (transferred), Monday 03.11 and Tuesday 04.11 are days
off. Counted by hand:

- the next working day after 31.10 is Saturday 01.11; after 01.11 it is Wednesday 05.11;
- 5 calendar days after 31.10 end on 05.11 (5 working days would end on 10.11: 01, 05,
  06, 07, 10); 10 calendar days after 31.10 end on 10.11;
- 3 working days after 31.10 end on 06.11 (01, 05, 06);
- the day after a hearing on 01.11 is Sunday 02.11: the notice moves to 05.11; after a
  hearing on 31.10 it is Saturday 01.11, a working day.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from nmo.accounts.models import Membership, Role, User
from nmo.appeals import services
from nmo.appeals.models import Appeal, AppealCommission
from nmo.appeals.types import AppealCommissionData, AppealFiling, AppealSeatData
from nmo.attestation import services as attestation_services
from nmo.attestation.models import LearnerResult
from nmo.attestation.tests.factories import (
    Setup,
    all_present,
    enrol_admitted,
    grade_all,
    make_cohort,
    make_commission,
    make_programme,
    organisation_under,
    person,
    schedule_for,
    seats_by_role,
    vote_all,
)
from nmo.regulations.types import CommissionRole, Grade, GradeScale, Post, StageKind
from nmo.workcalendar.services import seed_calendar

MSK = ZoneInfo("Europe/Moscow")
HELD_ON = date(2025, 10, 31)
ORDER_DATE = date(2025, 1, 13)


def on(day: date) -> time_machine.travel:
    """Travel to noon of the day in Moscow."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=MSK), tick=False)


def _failing(stage) -> object:
    if stage.kind == StageKind.TESTING:
        return Decimal("50")
    return Grade.FAILED if stage.scale == GradeScale.TWO_POINT else Grade.UNSATISFACTORY


@dataclass
class AppealSetup:
    """An attestation decided on `decided_on`: the first learner failed, the others
    passed; and the people of an appeal commission who sit on no attestation
    commission."""

    attestation: Setup
    failed: LearnerResult
    passed: LearnerResult
    chair: User
    deputy: User
    members: list[User]
    secretary: User

    @property
    def org(self):
        return self.attestation.org

    @property
    def staff(self) -> User:
        return self.attestation.org.staff

    @property
    def learner(self) -> User:
        return self.failed.enrolment.learner

    def seats(
        self, *, chair: User | None = None, member_post: Post = Post.ACADEMIC_STAFF
    ) -> tuple[AppealSeatData, ...]:
        """The composition: chair, deputy chair and members of the scientific and
        teaching staff (what both presets appoint them from, npc-5.5, rgmu-5.5; the
        members' post is `member_post`), a secretary of the study department."""
        academic = Post.ACADEMIC_STAFF
        return (
            AppealSeatData(
                (chair or self.chair).pk, CommissionRole.CHAIR, "Заместитель директора", academic
            ),
            AppealSeatData(
                self.deputy.pk, CommissionRole.DEPUTY_CHAIR, "Начальник отдела", academic
            ),
            *(
                AppealSeatData(m.pk, CommissionRole.MEMBER, "Доцент", member_post)
                for m in self.members
            ),
            AppealSeatData(
                self.secretary.pk, CommissionRole.SECRETARY, "Методист", Post.STUDY_DEPARTMENT_STAFF
            ),
        )

    def commission_data(self, order_date: date = ORDER_DATE, **kw) -> AppealCommissionData:
        return AppealCommissionData(
            order_number=kw.pop("order_number", "12-а"),
            order_date=order_date,
            seats=kw.pop("seats", None) or self.seats(),
        )


def appeal_setup(key: str, *, decided_on: date = HELD_ON, name: str | None = None) -> AppealSetup:
    """An organisation under the preset whose attestation of 31.10.2025 was decided on
    `decided_on` (the day the results were announced)."""
    seed_calendar(first_year=2025, last_year=2026)
    org = organisation_under(key, name=name)
    commission = make_commission(org, order_date=ORDER_DATE, valid_from=ORDER_DATE)
    programme = make_programme(org)
    cohort = make_cohort(
        org, programme, starts_on=date(2025, 10, 20), ends_on=HELD_ON, attestation_date=HELD_ON
    )
    enrolments = enrol_admitted(org, cohort)
    setup = Setup(org, commission, programme, cohort, enrolments, seats=seats_by_role(commission))
    setup.attestation = schedule_for(setup, held_on=HELD_ON)
    all_present(setup)
    failed = setup.results()[0]
    grade_all(setup, values={(failed.pk, s.kind): _failing(s) for s in setup.stages()})
    vote_all(setup)
    with on(decided_on):
        attestation_services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    setup.attestation.refresh_from_db()
    results = setup.results()
    return AppealSetup(
        attestation=setup,
        failed=results[0],
        passed=results[1],
        chair=teacher(org.organisation, "Апелляционная", "Вера", "Павловна"),
        deputy=teacher(org.organisation, "Заместителева", "Ирина", "Олеговна"),
        members=[
            teacher(org.organisation, "Членов", "Антон", "Ильич"),
            teacher(org.organisation, "Членова", "Дарья", "Юрьевна"),
        ],
        secretary=teacher(org.organisation, "Секретарь", "Олег", "Петрович"),
    )


def teacher(organisation, last_name: str, first_name: str, middle_name: str) -> User:
    """One of the organisation's staff who is not in its study department: the accounts
    role of its teaching staff sitting on commissions (ADR 0402), without the study
    department's powers."""
    user = person(last_name, first_name, middle_name)
    Membership.objects.create(user=user, role=Role.COMMISSION_MEMBER, organisation=organisation)
    return user


def filing(**overrides) -> AppealFiling:
    values = {
        "subject": "grade",
        "text": "Не согласен с оценкой за тестирование: два ответа засчитаны неверно.",
        "phone": "+7 900 000-00-00",
        "postal_address": "344022, г. Ростов-на-Дону, пер. Нахичеванский, д. 29, кв. 1",
    }
    values.update(overrides)
    return AppealFiling(**values)


def file_as_learner(s: AppealSetup, day: date, **overrides) -> Appeal:
    with on(day):
        return services.file_appeal(
            actor=s.learner, learner_result=s.failed, filing=filing(**overrides)
        )


def with_commission(s: AppealSetup, appeal: Appeal, order_date: date | None = None) -> Appeal:
    """Give the appeal its commission: the standing one (НПЦ, formed if missing and
    assigned) or one formed for it (РостГМУ)."""
    appeal.refresh_from_db()
    if appeal.commission_id is None:
        if appeal.commission_due_on is None:
            commission = AppealCommission.objects.filter(organisation=s.org.organisation).first()
            if commission is None:
                commission = services.form_appeal_commission(
                    actor=s.staff, organisation=s.org.organisation, data=s.commission_data()
                )
            services.assign_appeal_commission(actor=s.staff, appeal=appeal, commission=commission)
        else:
            services.form_appeal_commission(
                actor=s.staff,
                organisation=s.org.organisation,
                data=s.commission_data(order_date or appeal.filed_on),
                appeal=appeal,
            )
    appeal.refresh_from_db()
    return appeal


def heard(s: AppealSetup, appeal: Appeal, *, hearing_on: date | None = None, absent=()) -> Appeal:
    """Schedule the hearing and record it with everyone present but `absent`."""
    appeal = with_commission(s, appeal)
    services.schedule_hearing(
        actor=s.staff,
        appeal=appeal,
        hearing_on=hearing_on or appeal.filed_on,
        place="ул. Авиаторов, 38, ауд. 5",
    )
    seats = list(appeal.commission.seats.all())
    present = [seat.pk for seat in seats if seat.person_id not in {p.pk for p in absent}]
    return services.record_hearing(
        actor=s.staff,
        appeal=appeal,
        present_seat_ids=present,
        appellant_attendance="appellant",
        discussion="Комиссия проверила ответы слушателя по ведомости и заслушала заявителя.",
    )


def votes(appeal: Appeal, choice: str = "for", **by_person) -> dict[int, str]:
    """Every present voting seat votes `choice`, or as given by person id."""
    present = set(appeal.attendance.filter(present=True).values_list("seat_id", flat=True))
    return {
        seat.pk: by_person.get(str(seat.person_id), choice)
        for seat in appeal.commission.seats.all()
        if seat.pk in present and seat.role != CommissionRole.SECRETARY
    }
