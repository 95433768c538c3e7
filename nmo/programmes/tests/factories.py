"""Builders of the programmes tests. Programmes, stages and cohorts are made through the
services, so every row a test sees is one the regulation allows; the XLSX generators
write example files in the documented formats."""

import itertools
from datetime import date

from nmo.accounts.rules import snils_check_number
from nmo.programmes import services
from nmo.programmes.models import Cohort, Programme
from nmo.programmes.types import CohortData, LearnerRow, ProgrammeData, StageData
from nmo.programmes.xlsx import bank_workbook, learners_workbook
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    GradeScale,
    ProgrammeKind,
    StageKind,
)

_numbers = itertools.count(1)


def snils_number(seed: int | None = None) -> str:
    """A valid SNILS (11 digits with the right check number), unique per call."""
    n = 200_000_000 + (seed if seed is not None else next(_numbers)) * 7
    first_nine = f"{n:09d}"
    return f"{first_nine}{snils_check_number(first_nine):02d}"


def programme_data(org, **overrides) -> ProgrammeData:
    values = {
        "unit_id": org.department.pk,
        "kind": ProgrammeKind.QUALIFICATION_UPGRADE,
        "title": "Неотложная помощь детям",
        "hours": 36,
        "attestation_form": AttestationForm.CREDIT_TEST,
        "attestation_hours": 2,
    }
    values.update(overrides)
    return ProgrammeData(**values)


def stage_data(**overrides) -> StageData:
    values = {
        "kind": StageKind.TESTING,
        "scale": GradeScale.TWO_POINT,
        "duration_minutes": 60,
        "mode": "written",
    }
    values.update(overrides)
    return StageData(**values)


def make_programme(org, *, stages: int = 1, **overrides) -> Programme:
    programme = services.create_programme(
        actor=org.staff, organisation=org.organisation, data=programme_data(org, **overrides)
    )
    kinds = [StageKind.TESTING, StageKind.INTERVIEW, StageKind.CASE_TASKS]
    for index in range(stages):
        services.add_stage(
            actor=org.staff, programme=programme, data=stage_data(kind=kinds[index % 3])
        )
    return programme


def cohort_data(**overrides) -> CohortData:
    values = {
        "starts_on": date(2026, 5, 4),
        "ends_on": date(2026, 5, 15),
        "attestation_date": date(2026, 5, 15),
        "place": AttestationPlace.ORGANISATION,
    }
    values.update(overrides)
    return CohortData(**values)


def make_cohort(org, programme: Programme | None = None, **overrides) -> Cohort:
    programme = programme or make_programme(org)
    return services.create_cohort(
        actor=org.staff, programme=programme, data=cohort_data(**overrides)
    )


def learner_row(n: int = 1, **overrides) -> LearnerRow:
    values = {
        "row": n,
        "last_name": "Петров",
        "first_name": "Пётр",
        "middle_name": "Петрович",
        "snils": snils_number(),
        "email": f"learner{next(_numbers)}@example.ru",
        "phone": "+7 900 000-00-00",
        "contract_number": f"ПК-{n}/2026",
        "contract_date": date(2026, 4, 20),
    }
    values.update(overrides)
    return LearnerRow(**values)


def enrol(org, cohort: Cohort, **overrides):
    return services.enrol_learner(actor=org.staff, cohort=cohort, learner=learner_row(**overrides))


def bank_file(rows) -> bytes:
    """An assessment-bank XLSX in the documented format (header «Вид», «Этап», «Текст»,
    «Вариант 1»…«Вариант 4», «Правильные ответы»)."""
    return bank_workbook(rows)


def learners_file(rows, header=None) -> bytes:
    """A learners XLSX in the documented format."""
    return learners_workbook(rows, header=header) if header else learners_workbook(rows)
