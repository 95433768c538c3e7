"""Builders of the documents tests: an educational organisation under a regulation preset,
its programmes, cohorts and learners, made directly with the programmes models (the
documents app only reads them), and issued documents made through the services."""

import itertools
from dataclasses import dataclass
from datetime import date

from nmo.accounts.models import Organisation, Unit, UnitKind, User
from nmo.accounts.services import add_user
from nmo.programmes.models import Cohort, Enrolment, Programme
from nmo.regulations.selectors import current_version
from nmo.regulations.services import apply_preset, install_presets
from nmo.regulations.types import PresetCode, ProgrammeKind

PASSWORD = "correct-horse-battery-staple"
NPC = "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"
RGMU = "ФГБОУ ВО РостГМУ Минздрава России"

STARTS_ON = date(2026, 3, 2)
ENDS_ON = date(2026, 3, 13)
ISSUED_ON = date(2026, 3, 13)

_numbers = itertools.count(1)


@dataclass(frozen=True)
class Org:
    """An educational organisation under a preset, with a staff member and a department."""

    preset: PresetCode
    staff: User
    organisation: Organisation
    department: Unit


def admin() -> User:
    existing = User.objects.filter(email="docs-admin@example.ru").first()
    return existing or add_user(email="docs-admin@example.ru", password=PASSWORD, role="admin")


def organisation_under(preset: PresetCode, *, name: str, email: str) -> Org:
    """Staff of a new educational organisation working under `preset`."""
    staff = add_user(
        email=email,
        password=PASSWORD,
        role="organisation_staff",
        organisation_name=name,
        last_name="Сотрудникова",
        first_name="Анна",
    )
    organisation = Organisation.objects.get(name=name)
    install_presets()
    apply_preset(actor=admin(), organisation=organisation, preset_code=preset)
    department = Unit.objects.create(
        organisation=organisation, name="Кафедра педиатрии", kind=UnitKind.DEPARTMENT
    )
    return Org(preset, staff, organisation, department)


def make_programme(
    org: Org,
    *,
    kind: ProgrammeKind = ProgrammeKind.QUALIFICATION_UPGRADE,
    title: str = "Неотложная помощь детям",
    hours: int = 36,
) -> Programme:
    return Programme.objects.create(
        organisation=org.organisation,
        unit=org.department,
        kind=kind,
        title=title,
        hours=hours,
        attestation_form="credit_test",
        attestation_hours=2,
    )


def make_cohort(
    org: Org,
    programme: Programme | None = None,
    *,
    starts_on: date = STARTS_ON,
    ends_on: date = ENDS_ON,
) -> Cohort:
    return Cohort.objects.create(
        programme=programme or make_programme(org),
        unit=org.department,
        starts_on=starts_on,
        ends_on=ends_on,
        attestation_date=ends_on,
        place="organisation",
        regulation_version=current_version(org.organisation),
    )


def make_learner(
    *,
    last_name: str = "Петров",
    first_name: str = "Пётр",
    middle_name: str = "Петрович",
    snils: str | None = None,
) -> User:
    n = next(_numbers)
    return User.objects.create_user(
        f"learner{n}@example.ru",
        PASSWORD,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        snils=snils,
    )


def enrol(cohort: Cohort, learner: User | None = None, **status: object) -> Enrolment:
    return Enrolment.objects.create(
        cohort=cohort,
        learner=learner or make_learner(),
        programme_completed=True,
        curriculum_completed=True,
        **status,
    )


def make_enrolment(
    org: Org, *, kind: ProgrammeKind = ProgrammeKind.QUALIFICATION_UPGRADE, **learner: str
) -> Enrolment:
    """A learner enrolled in a new cohort of a new programme of `kind`."""
    cohort = make_cohort(org, make_programme(org, kind=kind))
    return enrol(cohort, make_learner(**learner))


def issue(org: Org, enrolment: Enrolment, kind: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """Issue the programme's qualification document (or `kind`) through the service."""
    from nmo.documents.rules import qualification_document_for
    from nmo.documents.services import issue_document

    chosen = kind or qualification_document_for(enrolment.cohort.programme.kind)
    kwargs.setdefault("issued_on", ISSUED_ON)
    return issue_document(actor=org.staff, enrolment=enrolment, kind=chosen, **kwargs)
