"""Builders of the attestation tests. Organisations work under a preset (installed with
`install_presets` and applied with `apply_preset`); programmes, cohorts, enrolments and
admissions are made through the programmes app's services, and commissions through
`form_commission`, so every row a test sees is one the regulation allows."""

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from nmo.accounts.models import Organisation, Unit, UnitKind, User
from nmo.accounts.rules import snils_check_number
from nmo.accounts.services import add_user
from nmo.attestation import services
from nmo.attestation.models import Attestation, Commission, CommissionSeat, LearnerResult
from nmo.attestation.types import AttestationData, CommissionData, Place, SeatData, StageEntry
from nmo.catalog.models import Specialty
from nmo.programmes import services as programme_services
from nmo.programmes.models import Cohort, Enrolment, Programme, ProgrammeStage
from nmo.programmes.types import CohortData, LearnerRow, ProgrammeData, StageData
from nmo.regulations.services import apply_preset, install_presets
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    CommissionRole,
    Grade,
    GradeScale,
    PresetCode,
    ProgrammeKind,
    StageKind,
    VoteChoice,
    VoteTally,
)

PASSWORD = "correct-horse-battery-staple"
NPC = "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"
RGMU = "ФГБОУ ВО РостГМУ Минздрава России"
PRESETS = {"npc": PresetCode.NPC_DZM, "rgmu": PresetCode.ROSTGMU}

_numbers = itertools.count(1)

STARTS = date(2026, 10, 5)
ENDS = date(2026, 10, 16)
HELD_ON = date(2026, 10, 16)


@dataclass
class Org:
    """An educational organisation under a preset, its study-department staff and units."""

    preset: str
    staff: User
    organisation: Organisation
    study_department: Unit
    department: Unit


@dataclass
class Setup:
    """An organisation with a commission, a programme, a cohort of admitted learners and a
    scheduled attestation."""

    org: Org
    commission: Commission
    programme: Programme
    cohort: Cohort
    enrolments: list[Enrolment]
    attestation: Attestation | None = None
    seats: dict[str, list[CommissionSeat]] = field(default_factory=dict)

    @property
    def chair(self) -> User:
        return self.seats["chair"][0].person

    @property
    def secretary(self) -> User:
        return self.seats["secretary"][0].person

    @property
    def members(self) -> list[User]:
        return [s.person for s in self.seats["member"]]

    @property
    def deputy(self) -> User | None:
        deputies = self.seats.get("deputy_chair") or []
        return deputies[0].person if deputies else None

    def seat(self, user: User) -> CommissionSeat:
        return next(s for group in self.seats.values() for s in group if s.person_id == user.pk)

    def results(self) -> list[LearnerResult]:
        assert self.attestation is not None
        return list(
            LearnerResult.objects.filter(attestation=self.attestation)
            .select_related("enrolment__learner")
            .order_by("enrolment__learner__last_name", "pk")
        )

    def stages(self) -> list[ProgrammeStage]:
        return list(self.programme.stages.order_by("order"))


def organisation_under(key: str, *, name: str | None = None, email: str | None = None) -> Org:
    """An educational organisation working under the preset "npc" or "rgmu"."""
    install_presets()
    name = name or (NPC if key == "npc" else RGMU)
    email = email or f"staff-{key}-{next(_numbers)}@example.ru"
    staff = add_user(
        email=email,
        password=PASSWORD,
        role="organisation_staff",
        organisation_name=name,
        last_name="Учебный",
        first_name="Отдел",
    )
    organisation = Organisation.objects.get(name=name)
    apply_preset(actor=staff, organisation=organisation, preset_code=PRESETS[key])
    study, _ = Unit.objects.get_or_create(
        organisation=organisation, name="Учебный отдел", kind=UnitKind.STUDY_DEPARTMENT
    )
    department, _ = Unit.objects.get_or_create(
        organisation=organisation, name="Кафедра педиатрии", kind=UnitKind.DEPARTMENT
    )
    return Org(key, staff, organisation, study, department)


def person(last_name: str, first_name: str = "Анна", middle_name: str = "Сергеевна") -> User:
    n = next(_numbers)
    return User.objects.create_user(
        email=f"person{n}@example.ru",
        password=PASSWORD,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
    )


def specialty(code: str = "31.08.19", name: str = "Педиатрия") -> Specialty:
    found, _ = Specialty.objects.get_or_create(
        code=code, defaults={"name": name, "level": "higher_medical"}
    )
    return found


def seats_for(key: str) -> list[SeatData]:
    """A composition the preset allows: НПЦ — chair, deputy chair, two members, secretary
    (npc-4.4); РостГМУ — chair, two members, secretary (rgmu-4.4)."""
    seats = [
        SeatData(
            person("Председателева", "Ольга", "Ивановна").pk, CommissionRole.CHAIR, "Начальник"
        ),
    ]
    if key == "npc":
        seats.append(
            SeatData(
                person("Заместителев", "Игорь", "Петрович").pk,
                CommissionRole.DEPUTY_CHAIR,
                "Заведующий отделением",
            )
        )
    seats += [
        SeatData(person("Членова", "Мария", "Андреевна").pk, CommissionRole.MEMBER, "Доцент"),
        SeatData(person("Участников", "Пётр", "Ильич").pk, CommissionRole.MEMBER, "Профессор"),
        SeatData(
            person("Секретарёва", "Елена", "Олеговна").pk, CommissionRole.SECRETARY, "Методист"
        ),
    ]
    return seats


def commission_data(key: str, **overrides) -> CommissionData:
    values = {
        "specialty_id": specialty().pk,
        "title": "Аттестационная комиссия по специальности «Педиатрия»",
        "order_number": "250/5",
        "order_date": date(2026, 9, 1),
        "valid_from": date(2026, 9, 1),
        "seats": tuple(seats_for(key)),
    }
    values.update(overrides)
    return CommissionData(**values)


def make_commission(org: Org, **overrides) -> Commission:
    return services.form_commission(
        actor=org.staff,
        organisation=org.organisation,
        data=commission_data(org.preset, **overrides),
    )


def seats_by_role(commission: Commission) -> dict[str, list[CommissionSeat]]:
    found: dict[str, list[CommissionSeat]] = {}
    for seat in commission.seats.filter(is_active=True).select_related("person").order_by("pk"):
        found.setdefault(seat.role, []).append(seat)
    return found


def make_programme(org: Org, *, retraining: bool | None = None, stages=None) -> Programme:
    """НПЦ: a qualification upgrade with a зачёт of testing and interview (npc-2.5). РостГМУ:
    a retraining with an exam of testing (four-point), practical skills (зачтено / не
    зачтено) and interview (four-point), as in rgmu-app1."""
    if retraining is None:
        retraining = org.preset == "rgmu"
    exam = retraining
    programme = programme_services.create_programme(
        actor=org.staff,
        organisation=org.organisation,
        data=ProgrammeData(
            unit_id=org.department.pk,
            kind=(
                ProgrammeKind.PROFESSIONAL_RETRAINING
                if retraining
                else ProgrammeKind.QUALIFICATION_UPGRADE
            ),
            title="Педиатрия" if retraining else "Неотложная помощь детям",
            hours=504 if retraining else 36,
            attestation_form=AttestationForm.EXAM if exam else AttestationForm.CREDIT_TEST,
            attestation_hours=6 if retraining else 2,
            specialty_ids=(specialty().pk,),
        ),
    )
    if stages is None:
        if exam:
            stages = [
                (StageKind.TESTING, GradeScale.FOUR_POINT),
                (StageKind.PRACTICAL_SKILLS, GradeScale.TWO_POINT),
                (StageKind.INTERVIEW, GradeScale.FOUR_POINT),
            ]
        else:
            stages = [
                (StageKind.TESTING, GradeScale.TWO_POINT),
                (StageKind.INTERVIEW, GradeScale.TWO_POINT),
            ]
    for kind, scale in stages:
        programme_services.add_stage(
            actor=org.staff,
            programme=programme,
            data=StageData(kind=kind, scale=scale, duration_minutes=60, mode="written"),
        )
    return programme


def snils_number() -> str:
    n = 300_000_000 + next(_numbers) * 7
    first_nine = f"{n:09d}"
    return f"{first_nine}{snils_check_number(first_nine):02d}"


LEARNER_NAMES = [
    ("Антонова", "Алла", "Борисовна"),
    ("Борисов", "Борис", "Викторович"),
    ("Васильева", "Вера", "Глебовна"),
]


def make_cohort(org: Org, programme: Programme, **overrides) -> Cohort:
    values = {
        "starts_on": STARTS,
        "ends_on": ENDS,
        "attestation_date": HELD_ON,
        "place": AttestationPlace.ORGANISATION,
    }
    values.update(overrides)
    return programme_services.create_cohort(
        actor=org.staff, programme=programme, data=CohortData(**values)
    )


def enrol_admitted(org: Org, cohort: Cohort, names=None, attempt: int = 1) -> list[Enrolment]:
    """Enrol learners who completed the programme and admit them (npc-2.3, rgmu-2.3)."""
    enrolments = []
    for index, (last, first, middle) in enumerate(names or LEARNER_NAMES, start=1):
        enrolment = programme_services.enrol_learner(
            actor=org.staff,
            cohort=cohort,
            learner=LearnerRow(
                row=index,
                last_name=last,
                first_name=first,
                middle_name=middle,
                snils=snils_number(),
                email=f"learner{next(_numbers)}@example.ru",
            ),
        )
        enrolment = programme_services.update_enrolment(
            actor=org.staff,
            enrolment=enrolment,
            programme_completed=True,
            curriculum_completed=True,
            status="enrolled",
            contract_number="",
            contract_date=None,
        )
        enrolments.append(enrolment)
    programme_services.decide_admission(actor=org.staff, cohort=cohort, attempt=attempt)
    return enrolments


def build(key: str, *, schedule: bool = True, org: Org | None = None, **place) -> Setup:
    """An organisation under the preset with everything up to a scheduled attestation."""
    org = org or organisation_under(key)
    commission = make_commission(org)
    programme = make_programme(org)
    cohort = make_cohort(org, programme)
    enrolments = enrol_admitted(org, cohort)
    setup = Setup(org, commission, programme, cohort, enrolments, seats=seats_by_role(commission))
    if schedule:
        setup.attestation = schedule_for(setup, **place)
    return setup


def attestation_data(setup: Setup, **overrides) -> AttestationData:
    values = {
        "commission_id": setup.commission.pk,
        "held_on": HELD_ON,
        "place": Place.ORGANISATION,
        "address": "ул. Авиаторов, 38, ауд. 12",
    }
    values.update(overrides)
    return AttestationData(**values)


def schedule_for(setup: Setup, **overrides) -> Attestation:
    return services.schedule_attestation(
        actor=setup.org.staff, cohort=setup.cohort, data=attestation_data(setup, **overrides)
    )


# --- results -------------------------------------------------------------------------------

GOOD_RESULT = {
    StageKind.TESTING: Decimal("85"),
    StageKind.PRACTICAL_SKILLS: Grade.PASSED,
    StageKind.INTERVIEW: Grade.GOOD,
    StageKind.CASE_TASKS: Grade.GOOD,
    StageKind.DEFENCE: Grade.GOOD,
}


def entry(result: LearnerResult, stage: ProgrammeStage, value) -> StageEntry:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return StageEntry(result.pk, stage.pk, percent=Decimal(str(value)))
    return StageEntry(result.pk, stage.pk, grade=Grade(value))


def grade_all(setup: Setup, actor: User | None = None, values=None) -> None:
    """Enter a result for every present learner on every stage: 85% on testing, зачтено
    for skills; хорошо (four-point) or зачтено (two-point) for the others."""
    entries = []
    for result in setup.results():
        if not result.is_present:
            continue
        for stage in setup.stages():
            value = (values or {}).get((result.pk, stage.kind))
            if value is None:
                value = GOOD_RESULT[StageKind(stage.kind)]
                if stage.scale == GradeScale.TWO_POINT and stage.kind != StageKind.TESTING:
                    value = Grade.PASSED
            entries.append(entry(result, stage, value))
    services.record_stage_results(
        actor=actor or setup.secretary, attestation=setup.attestation, entries=entries
    )


def all_present(setup: Setup, actor: User | None = None, *, absent=(), presiding=None) -> None:
    present = [s.pk for group in setup.seats.values() for s in group if s.person_id not in absent]
    services.record_member_attendance(
        actor=actor or setup.secretary,
        attestation=setup.attestation,
        present_seat_ids=present,
        presiding_seat_id=presiding,
    )


def vote_all(setup: Setup, actor: User | None = None, **tally) -> None:
    voting = sum(len(setup.seats.get(r, [])) for r in ("chair", "deputy_chair", "member"))
    values = {
        "votes_for": voting,
        "votes_against": 0,
        "abstained": 0,
        "presiding_vote": VoteChoice.FOR,
    }
    values.update(tally)
    services.record_votes(
        actor=actor or setup.secretary, attestation=setup.attestation, tally=VoteTally(**values)
    )


def decided(key: str, **kwargs) -> Setup:
    """A setup whose attestation is graded, voted and decided."""
    setup = build(key, **kwargs)
    all_present(setup)
    grade_all(setup)
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    setup.attestation.refresh_from_db()
    return setup
