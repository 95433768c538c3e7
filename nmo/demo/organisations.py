"""The educational organisations of the demo, one under each preset: departments, a
standing attestation commission whose persons have accounts, programmes, a cohort mid-way
through its training, and a cohort whose final attestation the commission decided today —
results, votes, the decision, the records being signed, documents issued and one of them
revoked and issued again, a retake application on file and a failed learner who may still
file one. Everything goes through the apps' services, as the staff and the commission
would do it on the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from nmo.accounts.models import Organisation, Unit, UnitKind, User
from nmo.accounts.services import add_unit
from nmo.attestation.models import Attestation, Commission, LearnerResult
from nmo.attestation.selectors import (
    active_seats,
    current_records,
    list_learner_results,
    required_signers,
)
from nmo.attestation.services import (
    apply_for_retake,
    decide_attestation,
    form_commission,
    issue_documents_for,
    record_member_attendance,
    record_results_sheet,
    record_votes,
    schedule_attestation,
    sign_record,
)
from nmo.attestation.types import (
    Attendance,
    AttestationData,
    CommissionData,
    Place,
    RetakeKind,
    SeatData,
    StageEntry,
    VoteTally,
)
from nmo.demo.catalogue import specialty as catalogue_specialty
from nmo.demo.people import Person, person, snils
from nmo.documents.services import (
    configure_details,
    issue_document,
    record_handover,
    revoke_document,
)
from nmo.programmes.models import (
    Cohort,
    Enrolment,
    PaymentBasis,
    Programme,
    ProgrammeApplication,
    ProgrammeStage,
)
from nmo.programmes.selectors import (
    applications_of_specialist,
    cohorts_open_for_applications,
    list_enrolments,
    list_programmes,
    list_stages,
)
from nmo.programmes.services import (
    add_stage,
    apply_for_cohort,
    create_cohort,
    create_programme,
    decide_admission,
    import_learners,
    publish_programme,
    record_debt,
    record_intermediate_result,
    set_curriculum,
    update_catalogue_card,
    update_enrolment,
)
from nmo.programmes.types import (
    ApplicationRequest,
    CatalogueCardData,
    CohortData,
    CurriculumData,
    DisciplineData,
    LearnerRow,
    ProgrammeData,
    StageData,
)
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    CommissionRole,
    Grade,
    GradeScale,
    Post,
    ProgrammeKind,
    StageKind,
    VoteChoice,
)
from nmo.workcalendar.selectors import first_working_day_on_or_after


@dataclass(frozen=True)
class Seat:
    """A person of the commission: their demo account, seat and post."""

    account: str  # the e-mail key of the demo account
    role: CommissionRole
    post: str
    posts: tuple[Post, ...] = ()


@dataclass(frozen=True)
class ProgrammePlan:
    title: str
    kind: ProgrammeKind
    form: AttestationForm
    hours: int
    attestation_hours: int
    specialty: str
    department: int  # index into the organisation's departments
    stages: tuple[tuple[StageKind, GradeScale], ...]
    remote_share_percent: int = 0


@dataclass(frozen=True)
class Learner:
    """A learner of the decided cohort and how the attestation went for them: the stage
    results by stage kind (a percent for testing, else a grade), or absent."""

    person: Person
    email: str
    snils: str
    results: dict[StageKind, Decimal | Grade] = field(default_factory=dict)
    absent: bool = False


@dataclass(frozen=True)
class OrganisationPlan:
    key: str
    name: str
    address: str
    study_department: str
    departments: tuple[str, ...]
    commission_title: str
    commission_specialty: str
    order: str
    seats: tuple[Seat, ...]
    programmes: tuple[ProgrammePlan, ...]
    decided_weeks: int  # how long the decided cohort has been studying
    midway_weeks: tuple[int, int]  # the mid-way cohort: weeks since its start, weeks left
    learners: tuple[Learner, ...]
    midway_learners: tuple[tuple[Person, str, str], ...]
    revoked_reason: str
    document_series: str = ""


@dataclass
class OrganisationCounts:
    cohorts: int = 0
    learners: int = 0
    documents: int = 0


def _learner_email(key: str, n: int) -> str:
    return f"{key}.slushatel{n:02d}@nmo.local"


def _learners(
    key: str, first: int, results: list[dict[StageKind, Decimal | Grade] | None]
) -> tuple[Learner, ...]:
    found = []
    for index, result in enumerate(results):
        n = first + index
        found.append(
            Learner(
                person=person(n),
                email=_learner_email(key, index + 1),
                snils=snils(n),
                results=result or {},
                absent=result is None,
            )
        )
    return tuple(found)


# -- the two organisations ------------------------------------------------------------------

NPC_PASSED = {StageKind.TESTING: Decimal("88"), StageKind.INTERVIEW: Grade.PASSED}
NPC_FAILED = {StageKind.TESTING: Decimal("54"), StageKind.INTERVIEW: Grade.FAILED}
RGMU_EXCELLENT = {
    StageKind.TESTING: Decimal("94"),
    StageKind.PRACTICAL_SKILLS: Grade.PASSED,
    StageKind.INTERVIEW: Grade.EXCELLENT,
}
RGMU_GOOD = {
    StageKind.TESTING: Decimal("83"),
    StageKind.PRACTICAL_SKILLS: Grade.PASSED,
    StageKind.INTERVIEW: Grade.GOOD,
}
RGMU_FAILED = {
    StageKind.TESTING: Decimal("58"),
    StageKind.PRACTICAL_SKILLS: Grade.FAILED,
    StageKind.INTERVIEW: Grade.UNSATISFACTORY,
}


def plans(learner_accounts: dict[str, tuple[Person, str]]) -> tuple[OrganisationPlan, ...]:
    """НПЦ ДЗМ and РостГМУ. `learner_accounts` gives the two learners of each organisation
    who have a demo account (the first passes, the second fails), by organisation key."""
    from nmo.demo.data import NPC, ROSTGMU

    def decided(
        key: str, first: int, results: list[dict[StageKind, Decimal | Grade] | None]
    ) -> tuple[Learner, ...]:
        passed, passed_email = learner_accounts[f"{key}-passed"]
        failed, failed_email = learner_accounts[f"{key}-failed"]
        with_accounts = (
            Learner(passed, passed_email, "", results[0]),
            Learner(failed, failed_email, "", results[1]),
        )
        return with_accounts + _learners(key, first, results[2:])

    def midway(key: str, first: int, count: int) -> tuple[tuple[Person, str, str], ...]:
        return tuple(
            (person(first + i), _learner_email(key, 20 + i), snils(first + i)) for i in range(count)
        )

    npc = OrganisationPlan(
        key="npc",
        name=NPC,
        address="Москва, ул. Авиаторов, 38, учебный корпус, ауд. 12",
        study_department="Учебный отдел",
        departments=("Кафедра педиатрии", "Кафедра неонатологии и детской хирургии"),
        commission_title="Аттестационная комиссия по специальности «Педиатрия»",
        commission_specialty="31.08.19",
        order="214-о",
        seats=(
            Seat(
                "npc-chair",
                CommissionRole.CHAIR,
                "Начальник учебного отдела",
                (Post.HEAD_OF_STUDY_DEPARTMENT,),
            ),
            Seat(
                "npc-deputy",
                CommissionRole.DEPUTY_CHAIR,
                "Заведующий кафедрой педиатрии",
                (Post.HEAD_OF_PROGRAMME_UNIT,),
            ),
            Seat(
                "npc-member",
                CommissionRole.MEMBER,
                "Доцент кафедры педиатрии",
                (Post.TEACHING_STAFF,),
            ),
            Seat(
                "npc-member2",
                CommissionRole.MEMBER,
                "Профессор кафедры педиатрии",
                (Post.TEACHING_STAFF,),
            ),
            Seat(
                "npc-secretary",
                CommissionRole.SECRETARY,
                "Методист учебного отдела",
                (Post.STUDY_DEPARTMENT_STAFF,),
            ),
        ),
        programmes=(
            ProgrammePlan(
                "Неотложная помощь детям на догоспитальном этапе",
                ProgrammeKind.QUALIFICATION_UPGRADE,
                AttestationForm.CREDIT_TEST,
                36,
                2,
                "31.08.19",
                0,
                (
                    (StageKind.TESTING, GradeScale.TWO_POINT),
                    (StageKind.INTERVIEW, GradeScale.TWO_POINT),
                ),
                remote_share_percent=50,
            ),
            ProgrammePlan(
                "Выхаживание недоношенных новорождённых",
                ProgrammeKind.QUALIFICATION_UPGRADE,
                AttestationForm.CREDIT_TEST,
                72,
                4,
                "31.08.18",
                1,
                ((StageKind.TESTING, GradeScale.TWO_POINT),),
            ),
        ),
        decided_weeks=2,
        midway_weeks=(1, 2),
        learners=decided(
            "npc", 10, [NPC_PASSED, NPC_FAILED, NPC_PASSED, NPC_PASSED, NPC_PASSED, None]
        ),
        midway_learners=midway("npc", 30, 8),
        revoked_reason="Ошибка в написании фамилии слушателя; выдан новый документ.",
    )
    rgmu = OrganisationPlan(
        key="rostgmu",
        name=ROSTGMU,
        address="Ростов-на-Дону, пер. Нахичеванский, 29, корпус 2, ауд. 305",
        study_department="Отдел дополнительного профессионального образования",
        departments=(
            "Кафедра кардиологии, ревматологии и функциональной диагностики",
            "Кафедра терапии",
        ),
        commission_title="Аттестационная комиссия по специальности «Кардиология»",
        commission_specialty="31.08.36",
        order="1187",
        seats=(
            Seat(
                "rostgmu-chair",
                CommissionRole.CHAIR,
                "Заведующий кафедрой кардиологии",
                (Post.HEAD_OF_PROGRAMME_UNIT,),
            ),
            Seat(
                "rostgmu-member",
                CommissionRole.MEMBER,
                "Профессор кафедры кардиологии",
                (Post.TEACHING_STAFF,),
            ),
            Seat(
                "rostgmu-member2",
                CommissionRole.MEMBER,
                "Доцент кафедры кардиологии",
                (Post.TEACHING_STAFF,),
            ),
            Seat(
                "rostgmu-secretary",
                CommissionRole.SECRETARY,
                "Ассистент кафедры кардиологии",
                (Post.PROGRAMME_UNIT_STAFF,),
            ),
        ),
        programmes=(
            ProgrammePlan(
                "Кардиология",
                ProgrammeKind.PROFESSIONAL_RETRAINING,
                AttestationForm.EXAM,
                504,
                6,
                "31.08.36",
                0,
                (
                    (StageKind.TESTING, GradeScale.FOUR_POINT),
                    (StageKind.PRACTICAL_SKILLS, GradeScale.TWO_POINT),
                    (StageKind.INTERVIEW, GradeScale.FOUR_POINT),
                ),
            ),
            ProgrammePlan(
                "Функциональная диагностика в кардиологии",
                ProgrammeKind.QUALIFICATION_UPGRADE,
                AttestationForm.CREDIT_TEST,
                36,
                2,
                "31.08.36",
                0,
                ((StageKind.TESTING, GradeScale.TWO_POINT),),
                remote_share_percent=100,
            ),
        ),
        decided_weeks=16,
        midway_weeks=(8, 8),
        learners=decided(
            "rostgmu", 50, [RGMU_GOOD, RGMU_FAILED, RGMU_EXCELLENT, RGMU_GOOD, RGMU_EXCELLENT]
        ),
        midway_learners=midway("rostgmu", 70, 8),
        revoked_reason="Диплом выдан с ошибкой в дате рождения; взамен выдан новый.",
        document_series="612400",
    )
    return (npc, rgmu)


# -- loading ---------------------------------------------------------------------------------


def has_programmes(staff: User) -> bool:
    return list_programmes(staff).exists()


DOCUMENT_DETAILS: dict[str, dict[str, str]] = {
    "npc": {
        "full_name": "Государственное бюджетное учреждение здравоохранения города Москвы "
        "«Научно-практический центр специализированной медицинской помощи детям имени "
        "В.Ф. Войно-Ясенецкого Департамента здравоохранения города Москвы»",
        "short_name": "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»",
        "details": "119620, г. Москва, ул. Авиаторов, д. 38",
        "city": "Москва",
        "head_post": "Директор",
        "head_name": "А. В. Кузнецов",
        "secretary_post": "Секретарь",
        "secretary_name": "О. Н. Смирнова",
    },
    "rostgmu": {
        "full_name": "Федеральное государственное бюджетное образовательное учреждение "
        "высшего образования «Ростовский государственный медицинский университет» "
        "Министерства здравоохранения Российской Федерации",
        "short_name": "ФГБОУ ВО РостГМУ Минздрава России",
        "details": "344022, г. Ростов-на-Дону, пер. Нахичеванский, д. 29",
        "city": "Ростов-на-Дону",
        "head_post": "Проректор по последипломному образованию",
        "head_name": "Д. С. Николаев",
        "secretary_post": "Секретарь",
        "secretary_name": "Е. А. Фёдорова",
    },
}
"""The demo organisations' details printed on their documents (the people are fictional)."""

RETRAINING_CURRICULUM = CurriculumData(
    qualification_title="Врач-кардиолог",
    practice_field="кардиологии",
    disciplines=(
        DisciplineData("Фундаментальные дисциплины", 72),
        DisciplineData("Специальные дисциплины (кардиология)", 306),
        DisciplineData("Смежные дисциплины", 72),
        DisciplineData("Обучающий симуляционный курс", 48),
    ),
)


def _units(plan: OrganisationPlan, organisation: Organisation) -> list[Unit]:
    add_unit(organisation=organisation, name=plan.study_department, kind=UnitKind.STUDY_DEPARTMENT)
    return [
        add_unit(organisation=organisation, name=name, kind=UnitKind.DEPARTMENT)
        for name in plan.departments
    ]


def _programme(
    plan: ProgrammePlan, *, staff: User, organisation: Organisation, units: list[Unit]
) -> Programme:
    specialty = catalogue_specialty(plan.specialty)
    programme = create_programme(
        actor=staff,
        organisation=organisation,
        data=ProgrammeData(
            unit_id=units[plan.department].pk,
            kind=plan.kind,
            title=plan.title,
            hours=plan.hours,
            attestation_form=plan.form,
            attestation_hours=plan.attestation_hours,
            remote_share_percent=plan.remote_share_percent,
            specialty_ids=(specialty.pk,),
        ),
    )
    for kind, scale in plan.stages:
        add_stage(
            actor=staff,
            programme=programme,
            data=StageData(
                kind=kind,
                scale=scale,
                duration_minutes=60 if kind == StageKind.TESTING else 30,
                mode="written" if kind == StageKind.TESTING else "oral",
            ),
        )
    return programme


def _commission(
    plan: OrganisationPlan,
    *,
    staff: User,
    organisation: Organisation,
    accounts: dict[str, User],
    today: date,
) -> Commission:
    specialty = catalogue_specialty(plan.commission_specialty)
    order_date = date(today.year, 1, 9) if today.month > 1 else date(today.year - 1, 12, 26)
    return form_commission(
        actor=staff,
        organisation=organisation,
        data=CommissionData(
            specialty_id=specialty.pk,
            title=plan.commission_title,
            order_number=plan.order,
            order_date=order_date,
            valid_from=order_date,
            seats=tuple(
                SeatData(accounts[seat.account].pk, seat.role, seat.post, seat.posts)
                for seat in plan.seats
            ),
        ),
    )


def _rows(learners: list[tuple[Person, str, str]]) -> list[LearnerRow]:
    return [
        LearnerRow(
            row=index,
            last_name=p.last_name,
            first_name=p.first_name,
            middle_name=p.middle_name,
            snils=number,
            email=email,
            contract_number=f"ДПО-{index + 101}",
            # What ФИС ФРДО asks (ADR 0114), so that the demo's FRDO export uploads.
            birth_date=date(1970 + index % 25, 1 + index % 12, 1 + index % 28),
            education_level="higher",
            diploma_series=f"1077{index % 10:02d}",
            diploma_number=f"{1_234_500 + index:07d}",
            funding_source="contract",
        )
        for index, (p, email, number) in enumerate(learners)
    ]


def _cohort(
    *,
    staff: User,
    programme: Programme,
    title: str,
    starts_on: date,
    ends_on: date,
    address: str,
) -> Cohort:
    return create_cohort(
        actor=staff,
        programme=programme,
        data=CohortData(
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            attestation_date=ends_on,
            place=AttestationPlace.ORGANISATION,
            address=address,
            study_form="part_time",
        ),
    )


def _complete(staff: User, enrolments: list[Enrolment]) -> None:
    for enrolment in enrolments:
        update_enrolment(
            actor=staff,
            enrolment=enrolment,
            programme_completed=True,
            curriculum_completed=True,
            status="enrolled",
            contract_number=enrolment.contract_number,
            contract_date=enrolment.contract_date,
        )


def _entries(
    results: list[LearnerResult], stages: list[ProgrammeStage], by_email: dict[str, Learner]
) -> tuple[dict[int, Attendance], list[StageEntry]]:
    attendance: dict[int, Attendance] = {}
    entries: list[StageEntry] = []
    for result in results:
        learner = by_email[result.enrolment.learner.email]
        if learner.absent:
            attendance[result.pk] = Attendance.ABSENT_NO_REASON
            continue
        for stage in stages:
            value = learner.results[StageKind(stage.kind)]
            if isinstance(value, Grade):
                entries.append(StageEntry(result.pk, stage.pk, grade=value))
            else:
                entries.append(StageEntry(result.pk, stage.pk, percent=value))
    return attendance, entries


def _attestation_today(
    plan: OrganisationPlan,
    *,
    staff: User,
    cohort: Cohort,
    commission: Commission,
    accounts: dict[str, User],
    today: date,
) -> Attestation:
    """Schedule the attestation for today, enter the sheet, record the sitting and the
    votes, and let the chair announce the decision."""
    secretary = accounts[f"{plan.key}-secretary"]
    chair = accounts[f"{plan.key}-chair"]
    attestation = schedule_attestation(
        actor=staff,
        cohort=cohort,
        data=AttestationData(
            commission_id=commission.pk,
            held_on=today,
            place=Place.ORGANISATION,
            address=plan.address,
        ),
    )
    record_member_attendance(
        actor=secretary,
        attestation=attestation,
        present_seat_ids=[seat.pk for seat in active_seats(commission)],
    )
    results = list(list_learner_results(attestation))
    attendance, entries = _entries(
        results,
        list(list_stages(cohort.programme)),
        {learner.email: learner for learner in plan.learners},
    )
    record_results_sheet(
        actor=secretary, attestation=attestation, attendance=attendance, entries=entries
    )
    voting = sum(1 for seat in plan.seats if seat.role != CommissionRole.SECRETARY)
    record_votes(
        actor=secretary,
        attestation=attestation,
        tally=VoteTally(
            votes_for=voting, votes_against=0, abstained=0, presiding_vote=VoteChoice.FOR
        ),
    )
    return decide_attestation(actor=chair, attestation=attestation)


CATALOGUE_CARDS: dict[str, tuple[str, Decimal | None, bool, int]] = {
    # title → (summary, price, by certificate, seats of each upcoming cohort)
    "Неотложная помощь детям на догоспитальном этапе": (
        "Для педиатров и врачей скорой помощи: оценка состояния ребёнка, алгоритмы "
        "неотложной помощи, симуляционные занятия. Половина программы — дистанционно.",
        Decimal("14500"),
        True,
        24,
    ),
    "Функциональная диагностика в кардиологии": (
        "ЭКГ, суточное мониторирование, нагрузочные пробы: разбор записей с "
        "преподавателями кафедры. Полностью дистанционно.",
        None,
        True,
        30,
    ),
}
"""The demo's programmes offered in the public catalogue (issue 15, ADR 0116)."""


def _offer_in_catalogue(
    plan: OrganisationPlan, *, staff: User, programmes: list[Programme], today: date
) -> int:
    """Two upcoming cohorts with seats for each programme of CATALOGUE_CARDS, its card
    filled and the programme published; returns the number of cohorts opened."""
    opened = 0
    for programme in programmes:
        card = CATALOGUE_CARDS.get(programme.title)
        if card is None:
            continue
        summary, price, by_certificate, seats = card
        cohorts = []
        for n, weeks in enumerate((3, 9), start=1):
            starts_on = first_working_day_on_or_after(today + timedelta(weeks=weeks))
            cohorts.append(
                _cohort(
                    staff=staff,
                    programme=programme,
                    title=f"{programme.title}: набор {n}",
                    starts_on=starts_on,
                    ends_on=first_working_day_on_or_after(starts_on + timedelta(weeks=2)),
                    address=plan.address,
                )
            )
        update_catalogue_card(
            actor=staff,
            programme=programme,
            data=CatalogueCardData(
                summary=summary,
                price=price,
                by_certificate=by_certificate,
                seats={c.pk: seats for c in cohorts},
            ),
        )
        publish_programme(actor=staff, programme=programme)
        opened += len(cohorts)
    return opened


#: The programme the demo's cardiologist has applied for from the catalogue.
APPLIED_FOR = "Функциональная диагностика в кардиологии"


def apply_from_the_catalogue(specialist: User) -> ProgrammeApplication | None:
    """The cardiologist's application, with her educational certificate, for the first
    open cohort of APPLIED_FOR: it waits in the organisation's «Заявки» and shows in her
    plan (faq-join-steps). Nothing when she has applied already or nothing is open."""
    if applications_of_specialist(specialist).exists():
        return None
    cohort = (
        cohorts_open_for_applications()
        .filter(programme__title=APPLIED_FOR)
        .order_by("starts_on", "pk")
        .first()
    )
    if cohort is None:
        return None
    return apply_for_cohort(
        actor=specialist,
        cohort=cohort,
        request=ApplicationRequest(
            payment_basis=PaymentBasis.EDUCATION_VOUCHER,
            voucher_number="ОС-77-2026/00418",
            comment="Прошу зачислить в ближайшую группу.",
        ),
    )


def load_organisation(
    plan: OrganisationPlan,
    *,
    staff: User,
    organisation: Organisation,
    accounts: dict[str, User],
    today: date,
) -> OrganisationCounts:
    counts = OrganisationCounts()
    units = _units(plan, organisation)
    commission = _commission(
        plan, staff=staff, organisation=organisation, accounts=accounts, today=today
    )
    programmes = [
        _programme(p, staff=staff, organisation=organisation, units=units) for p in plan.programmes
    ]
    main = programmes[0]
    # What the qualification documents print about the organisation and, for a diploma,
    # about its programme (ADR 0112).
    configure_details(actor=staff, organisation=organisation, values=DOCUMENT_DETAILS[plan.key])
    for programme in programmes:
        if programme.kind == ProgrammeKind.PROFESSIONAL_RETRAINING:
            set_curriculum(actor=staff, programme=programme, data=RETRAINING_CURRICULUM)

    # The cohort mid-way: enrolled, intermediate assessments under way.
    weeks_in, weeks_left = plan.midway_weeks
    midway = _cohort(
        staff=staff,
        programme=main,
        title=f"{main.title}: группа {today:%m}-{today.year % 100}/2",
        starts_on=today - timedelta(weeks=weeks_in),
        # its attestation closes the training: on a working day of the work calendar
        ends_on=first_working_day_on_or_after(today + timedelta(weeks=weeks_left)),
        address=plan.address,
    )
    imported = import_learners(
        actor=staff, cohort=midway, learners=_rows(list(plan.midway_learners))
    )
    enrolments = list(list_enrolments(midway))
    for index, enrolment in enumerate(enrolments):
        record_intermediate_result(
            actor=staff,
            enrolment=enrolment,
            title="Промежуточное тестирование по модулю 1",
            passed=index != 3,
            assessed_on=today - timedelta(days=2),
        )
    if plan.key == "rostgmu":
        record_debt(
            actor=staff,
            enrolment=enrolments[5],
            description="Не сдан отчёт по практике в кардиологическом отделении",
        )
    counts.cohorts += 1
    counts.learners += imported.enrolled

    # The cohort whose attestation the commission decided today.
    decided = _cohort(
        staff=staff,
        programme=main,
        title=f"{main.title}: группа {today:%m}-{today.year % 100}/1",
        starts_on=today - timedelta(weeks=plan.decided_weeks),
        ends_on=today,
        address=plan.address,
    )
    rows = [(learner.person, learner.email, learner.snils) for learner in plan.learners]
    imported = import_learners(actor=staff, cohort=decided, learners=_rows(rows))
    if main.kind == ProgrammeKind.PROFESSIONAL_RETRAINING:
        for enrolment in list_enrolments(decided):
            for discipline in RETRAINING_CURRICULUM.disciplines:
                record_intermediate_result(
                    actor=staff,
                    enrolment=enrolment,
                    title=discipline.title,
                    passed=True,
                    assessed_on=today - timedelta(days=7),
                )
    _complete(staff, list(list_enrolments(decided)))
    decide_admission(actor=staff, cohort=decided, attempt=1)
    attestation = _attestation_today(
        plan, staff=staff, cohort=decided, commission=commission, accounts=accounts, today=today
    )
    counts.cohorts += 1
    counts.learners += imported.enrolled

    # Documents for those who passed; one revoked and issued again, one handed over.
    documents = issue_documents_for(actor=staff, attestation=attestation, issued_on=today)
    counts.documents += len(documents)
    revoked = documents[-1]
    revoke_document(actor=staff, document=revoked, reason=plan.revoked_reason, ground="exchanged")
    issue_document(actor=staff, enrolment=revoked.enrolment, kind=revoked.kind, issued_on=today)
    counts.documents += 1
    record_handover(actor=staff, document=documents[0], mode="in_person", handed_on=today)

    # The records: НПЦ's statement signed by everyone (archived); at РостГМУ the chair and
    # the secretary have signed, the members have yet to.
    signers = required_signers(attestation)
    for record in current_records(attestation):
        for signer in signers:
            if plan.key == "rostgmu" and signer.seat.role == CommissionRole.MEMBER:
                continue
            sign_record(actor=signer.seat.person, record=record)

    # A learner absent without a valid reason: the staff file the retake application
    # brought in on paper; the learner who failed may still file one in the cabinet.
    absent = [learner for learner in plan.learners if learner.absent]
    if absent:
        result = next(
            r
            for r in list_learner_results(attestation)
            if r.enrolment.learner.email == absent[0].email
        )
        apply_for_retake(actor=staff, learner_result=result, kind=RetakeKind.NO_VALID_REASON)
    counts.cohorts += _offer_in_catalogue(plan, staff=staff, programmes=programmes, today=today)
    return counts
