"""Test data of the testing system: an attestation (attestation factories) whose
programme's bank holds test questions, a test form and an open session."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from nmo.attestation.tests.factories import HELD_ON, Setup, build
from nmo.programmes import services as programme_services
from nmo.programmes.services import import_assessment_bank
from nmo.programmes.tests.factories import bank_file
from nmo.programmes.types import SpecialConditionsGrant, SpecialConditionsRequest
from nmo.testing import models, services, types
from nmo.testing.types import Section

MSK = ZoneInfo("Europe/Moscow")
OPENS = datetime(HELD_ON.year, HELD_ON.month, HELD_ON.day, 10, 0, tzinfo=MSK)
CLOSES = datetime(HELD_ON.year, HELD_ON.month, HELD_ON.day, 12, 0, tzinfo=MSK)
BEFORE = datetime(HELD_ON.year, HELD_ON.month, HELD_ON.day, 9, 0, tzinfo=MSK)


def bank_rows(single: int = 10, multiple: int = 2) -> list[tuple]:
    """`single` questions whose right answer is option 1 and `multiple` whose right
    answers are options 1 and 3."""
    rows = []
    for n in range(1, single + 1):
        rows.append(("Тест", "1", f"Вопрос {n}: выберите верное", f"Верно {n}", f"Неверно {n}а",
                     f"Неверно {n}б", f"Неверно {n}в", "1"))  # fmt: skip
    for n in range(1, multiple + 1):
        rows.append(("Тест", "1", f"Множественный {n}: выберите все верные", f"Да {n}",
                     f"Нет {n}", f"Тоже да {n}", f"Нет {n}б", "1, 3"))  # fmt: skip
    return rows


@dataclass
class Testing:
    setup: Setup
    form: models.TestForm
    session: models.TestSession

    @property
    def staff(self):
        return self.setup.org.staff

    def learner(self, index: int = 0):
        return self.setup.enrolments[index].learner


def with_bank(setup: Setup, rows=None) -> None:
    import_assessment_bank(
        actor=setup.org.staff,
        programme=setup.programme,
        file_name="fos.xlsx",
        content=bank_file(rows or bank_rows()),
    )


def stage_of_testing(setup: Setup):
    return next(s for s in setup.stages() if s.kind == "testing")


def make_form(setup: Setup, **overrides) -> models.TestForm:
    values = {"question_count": 10, "time_limit_minutes": 30, "attempts_allowed": 1}
    values.update(overrides)
    return services.define_test_form(
        actor=setup.org.staff, stage=stage_of_testing(setup), data=types.TestFormData(**values)
    )


def make_testing(key: str, **form) -> Testing:
    """An organisation under the preset with a scheduled attestation, a bank of 12 test
    questions (10 single, 2 multiple choice), a form of 10 questions for 30 minutes and a
    session open 10:00–12:00 on the attestation's day."""
    setup = build(key)
    with_bank(setup)
    test_form = make_form(setup, **form)
    session = services.open_test_session(
        actor=setup.org.staff, attestation=setup.attestation, opens_at=OPENS, closes_at=CLOSES
    )
    return Testing(setup, test_form, session)


FILED_ON = date(2026, 6, 1)  # before the deadline: 3 months before HELD_ON (rgmu-7.6)


def grant_extra_time(t: Testing, index: int = 0, minutes: int = 90):
    """The learner files a written application for extra time on written tests (a paper
    one recorded by staff on FILED_ON, before the deadline) and staff grant `minutes`
    through the programmes service: the real grant, nothing patched (rgmu-7.4)."""
    enrolment = t.setup.enrolments[index]
    application = programme_services.file_special_conditions(
        actor=t.staff,
        enrolment=enrolment,
        request=SpecialConditionsRequest(extra_time_written=True),
        filed_on=FILED_ON,
    )
    return programme_services.grant_special_conditions(
        actor=t.staff,
        application=application,
        grant=SpecialConditionsGrant(written_minutes=minutes),
    )


def right_options(question: dict) -> list[int]:
    return [o["id"] for o in question["options"] if o["correct"]]


def wrong_option(question: dict) -> list[int]:
    return [next(o["id"] for o in question["options"] if not o["correct"])]


SECTIONS = (Section("Общие вопросы", 1, 6, 4), Section("Неотложные состояния", 7, 12, 4))
