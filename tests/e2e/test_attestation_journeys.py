"""Final attestation, end to end, under each regulation preset (issue «Final attestation»,
point 12): the study department decides admission and schedules the attestation; on the
day, the commission records who sat, the learners' stage results and the votes, and
decides; the learner sees the result at once; every signatory signs the documents, and the
signed PDF shows what the pages showed.

Black-box: the organisation, its commission, the programme and the cohort are made in
Python; everything after happens in the browser, by role and label.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Locator, Page, expect

from nmo.attestation.models import CommissionSeat
from nmo.attestation.tests import factories
from nmo.catalog.services import load_specialties
from nmo.programmes import services as programme_services
from nmo.programmes.types import LearnerRow
from nmo.workcalendar.services import seed_calendar
from tests.e2e.helpers import main_menu, open_pdf, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = factories.PASSWORD
HELD_ON = factories.HELD_ON  # Friday 16.10.2026, the cohort's last day
HELD = HELD_ON.strftime("%d.%m.%Y")
# The pages need "today" to be the day of the attestation: results are entered on that day.
ATTESTATION_MORNING = datetime(2026, 10, 16, 9, 30, tzinfo=ZoneInfo("Europe/Moscow"))
ADDRESS = "ул. Авиаторов, 38, ауд. 12"
FAILED_MODULE = "Модуль 2. Неотложные состояния"

ANTONOVA = "Антонова Алла Борисовна"
BORISOV = "Борисов Борис Викторович"
VASILYEVA = "Васильева Вера Глебовна"


@dataclass
class Cast:
    """Who takes part, with the e-mails they sign in with (all share PASSWORD)."""

    staff: str
    cohort: str  # the cohort as the pages name it: «title (dd.mm.yyyy–dd.mm.yyyy)»
    cohort_title: str
    chair: tuple[str, str]  # (e-mail, full name)
    deputy: tuple[str, str] | None
    members: list[tuple[str, str]]
    secretary: tuple[str, str]
    role_labels: dict[str, str]  # full name → role as the pages write it
    learners: dict[str, str]  # full name → e-mail


def _cast(key: str) -> Cast:
    """Set up, through the services, an organisation under the preset with its staff, a
    commission, a programme with its stages and a cohort of three learners who completed
    the programme — one of whom failed an intermediate assessment."""
    load_specialties()
    seed_calendar()
    org = factories.organisation_under(key, email=f"uchebny-otdel-{key}@example.ru")
    commission = factories.make_commission(org)
    seats = factories.seats_by_role(commission)
    programme = factories.make_programme(org)
    title = "ПП-2026/10" if key == "rgmu" else "ПК-2026/10"
    cohort = factories.make_cohort(org, programme, title=title)
    learners: dict[str, str] = {}
    for index, (last, first, middle) in enumerate(factories.LEARNER_NAMES, start=1):
        email = f"learner-{key}-{index}@example.ru"
        enrolment = programme_services.enrol_learner(
            actor=org.staff,
            cohort=cohort,
            learner=LearnerRow(
                row=index,
                last_name=last,
                first_name=first,
                middle_name=middle,
                snils=factories.snils_number(),
                email=email,
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
        learner = enrolment.learner
        learner.set_password(PASSWORD)
        learner.save(update_fields=["password"])
        learners[learner.full_name] = email
        if learner.full_name == VASILYEVA:
            programme_services.record_intermediate_result(
                actor=org.staff,
                enrolment=enrolment,
                title=FAILED_MODULE,
                passed=False,
                assessed_on=date(2026, 10, 9),
            )

    def who(seat: CommissionSeat) -> tuple[str, str]:
        return seat.person.email, seat.person.full_name

    deputies = seats.get("deputy_chair") or []
    return Cast(
        staff=org.staff.email,
        cohort=str(cohort),
        cohort_title=title,
        chair=who(seats["chair"][0]),
        deputy=who(deputies[0]) if deputies else None,
        members=[who(s) for s in seats["member"]],
        secretary=who(seats["secretary"][0]),
        role_labels={s.person.full_name: s.role_label for group in seats.values() for s in group},
        learners=learners,
    )


def _said(page: Page, message: str | re.Pattern[str]) -> None:
    """The page reports `message` in a status message (a locked grading page has a second
    status, the reason of the lock)."""
    expect(page.get_by_role("status").filter(has_text=message)).to_be_visible()


# --- the study department ------------------------------------------------------------------


def _staff_decide_admission(page: Page, cast: Cast) -> None:
    """Admission for the whole cohort; the learner with the failed module is refused, and
    the page says why (npc-2.3, rgmu-2.3)."""
    sign_in(page, cast.staff, PASSWORD)
    main_menu(page).get_by_role("link", name="Группы").click()
    page.get_by_role("link", name=cast.cohort_title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Группа {cast.cohort}")
    decisions = page.get_by_role("table", name=re.compile("^Решения о допуске"))
    expect(decisions).to_contain_text("Решение о допуске ещё не принималось.")

    page.get_by_role("button", name="Принять решение о допуске").click()
    _said(page, "Решение о допуске принято: допущены — 2, не допущены — 1.")
    expect(decisions).to_have_accessible_name("Решения о допуске: допущены 2 из 3")
    for name in (ANTONOVA, BORISOV):
        row = decisions.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        expect(row.get_by_role("cell").first).to_have_text("допущен")
    refused = decisions.get_by_role("row").filter(has=page.get_by_role("rowheader", name=VASILYEVA))
    expect(refused.get_by_role("cell").first).to_have_text("не допущен")
    expect(refused).to_contain_text(f"Не пройдены промежуточные аттестации: «{FAILED_MODULE}»")


def _staff_schedule(page: Page, cast: Cast) -> None:
    """Schedule the attestation of the cohort for its last day; only the admitted learners
    are in it."""
    main_menu(page).get_by_role("link", name="Аттестации").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Итоговые аттестации")
    page.get_by_role("region", name="Назначить аттестацию группы").get_by_role(
        "link", name=cast.cohort
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Итоговая аттестация группы {cast.cohort}"
    )
    expect(page.get_by_label("Аттестационная комиссия")).to_contain_text("Педиатрия")
    expect(page.get_by_label("Дата проведения")).to_have_value(HELD)
    page.get_by_label("Адрес или аудитория").fill(ADDRESS)
    page.get_by_role("button", name="Назначить").click()

    _said(page, "Итоговая аттестация назначена.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Итоговая аттестация {HELD}")
    results = page.get_by_role("table", name=re.compile("^Явка, результаты этапов"))
    expect(results.get_by_role("rowheader")).to_have_text([ANTONOVA, BORISOV])
    sign_out(page)


# --- the commission -----------------------------------------------------------------------


def _open_attestation(page: Page, email: str) -> None:
    sign_in(page, email, PASSWORD)
    main_menu(page).get_by_role("link", name="Аттестации").click()
    page.get_by_role("link", name=HELD, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Итоговая аттестация {HELD}")


def _record_members(page: Page, cast: Cast, present: list[str]) -> None:
    for name in present:
        page.get_by_label(f"{name} — {cast.role_labels[name]}", exact=True).check()
    page.get_by_role("button", name="Отметить присутствие").click()
    _said(page, "Присутствие членов комиссии отмечено.")
    sitting = page.get_by_role("table", name="Состав комиссии и присутствие")
    for name in cast.role_labels:
        row = sitting.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        expect(row.get_by_role("cell").last).to_have_text(
            "присутствует" if name in present else "отсутствует"
        )


def _enter_results(page: Page, grades: dict[str, list[str]]) -> None:
    """grades: full name → the value of each stage in order: the test percentage first,
    then the grade of each other stage as its list offers it."""
    for name, values in grades.items():
        expect(page.get_by_label(f"Явка: {name}")).to_have_value("present")
        percent, *others = values
        page.get_by_label(re.compile(rf"^{name}, этап 1 .*% правильных ответов$")).fill(percent)
        for order, grade in enumerate(others, start=2):
            page.get_by_label(re.compile(rf"^{name}, этап {order} ")).select_option(label=grade)
    page.get_by_role("button", name="Сохранить результаты").click()
    _said(page, "Результаты сохранены.")


def _expect_final(page: Page, finals: dict[str, str]) -> None:
    results = page.get_by_role("table", name=re.compile("^Явка, результаты этапов"))
    for name, final in finals.items():
        row = results.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        expect(row.get_by_role("cell").nth(-2)).to_contain_text(final)


def _vote(page: Page, learner: str, votes_for: int, votes_against: int = 0) -> None:
    page.get_by_role("combobox", name="По кому голосуют").select_option(label=learner)
    page.get_by_role("spinbutton", name="За", exact=True).fill(str(votes_for))
    page.get_by_role("spinbutton", name="Против", exact=True).fill(str(votes_against))
    page.get_by_role("spinbutton", name="Воздержались", exact=True).fill("0")
    page.get_by_role("button", name="Записать голосование").click()
    _said(page, "Результаты голосования записаны.")


def _expect_votes(page: Page, tallies: dict[str, tuple[int, int]]) -> None:
    table = page.get_by_role("table", name="Результаты голосования по слушателям")
    for name, (votes_for, votes_against) in tallies.items():
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        expect(row.get_by_role("cell")).to_have_text(
            [str(votes_for), str(votes_against), "0", "не указан"]
        )


def _decide(page: Page, finals: dict[str, str]) -> None:
    page.get_by_role("button", name="Принять решение").click()
    _said(page, "Решение принято: слушатели видят результаты в личном кабинете")
    expect(page.get_by_role("button", name="Принять решение")).to_have_count(0)
    results = page.get_by_role("table", name=re.compile("^Явка, результаты этапов"))
    for name in finals:
        row = results.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        expect(row.get_by_role("cell").last).to_have_text("итоговая аттестация пройдена")


def _sign_everything(page: Page, expected: int) -> None:
    """Sign, one by one, every document the signed-in person is asked to sign."""
    buttons = page.get_by_role("button", name=re.compile("^Подписать: "))
    expect(buttons).to_have_count(expected)
    for left in range(expected - 1, -1, -1):
        buttons.first.click()
        _said(page, re.compile("Ваша подпись учтена|Подписано всеми"))
        expect(buttons).to_have_count(left)


def _signatory_signs(page: Page, email: str, documents: int) -> None:
    _open_attestation(page, email)
    _sign_everything(page, documents)
    sign_out(page)


# --- the learner ----------------------------------------------------------------------------


def _learner_sees(page: Page, email: str, programme: str, stages: list[str], final: str) -> None:
    """The learner's own page shows the decision taken today, each stage and the final
    grade (npc-4.11)."""
    sign_in(page, email, PASSWORD)
    main_menu(page).get_by_role("link", name="Моя аттестация").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Моя итоговая аттестация")
    mine = page.get_by_role("region", name=f"{programme}: {HELD}")
    expect(mine).to_contain_text(f"Решение комиссии принято {HELD}")
    table = mine.get_by_role("table", name="Оценки по этапам")
    expect(table.get_by_role("cell")).to_have_text(stages)
    expect(mine.get_by_text("Итоговая оценка:")).to_have_text(f"Итоговая оценка: {final}.")
    expect(mine.get_by_text("Решение комиссии:")).to_have_text(
        "Решение комиссии: итоговая аттестация пройдена."
    )
    sign_out(page)


def _document_row(page: Page, title: str) -> Locator:
    table = page.get_by_role("table", name="Документы аттестации и подписи")
    return table.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


# --- the journeys ---------------------------------------------------------------------------


@pytest.mark.clause("npc-2.3", "npc-4.10", "npc-4.11", "npc-2.12", "npc-2.13", "npc-app1")
def test_npc_credit_test_from_admission_to_the_signed_statement(page: Page) -> None:
    """НПЦ, a qualification upgrade ending in a зачёт of testing and interview (two-point).
    The study department decides admission: the learner who failed an intermediate
    assessment is refused, with that reason on the page (npc-2.3); the other two are
    scheduled. On the day the chair is absent: the secretary marks the deputy chair and the
    members present, and the deputy presides (npc-4.10); the secretary enters the test
    percentages and the interview, and the unanimous vote; the deputy chair takes the
    decision. The learner sees the stage results and «зачтено» on their page the same day
    (npc-4.11). The statement (npc-2.12) is signed by the deputy chair who presided, the
    members who sat and the secretary — not by the absent chair (npc-2.13) — and its PDF,
    in the form of Appendix 1, names the programme, the date, the composition, who
    presided, each learner with the final grade, and the signatures (npc-app1)."""
    with time_machine.travel(ATTESTATION_MORNING, tick=True):
        cast = _cast("npc")
        assert cast.deputy is not None
        deputy_email, deputy = cast.deputy
        secretary_email, secretary = cast.secretary
        sitting = [deputy, *(name for _, name in cast.members), secretary]

        _staff_decide_admission(page, cast)
        _staff_schedule(page, cast)

        _open_attestation(page, secretary_email)
        _record_members(page, cast, sitting)
        sitting_table = page.get_by_role("table", name="Состав комиссии и присутствие")
        expect(
            sitting_table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=deputy))
        ).to_contain_text("— председательствует")
        _enter_results(page, {ANTONOVA: ["92", "зачтено"], BORISOV: ["78", "зачтено"]})
        _expect_final(page, {ANTONOVA: "зачтено", BORISOV: "зачтено"})
        _vote(page, "Все явившиеся слушатели (одинаково)", 3)
        _expect_votes(page, {ANTONOVA: (3, 0), BORISOV: (3, 0)})
        sign_out(page)

        _open_attestation(page, deputy_email)
        _decide(page, {ANTONOVA: "зачтено", BORISOV: "зачтено"})
        statement = _document_row(page, "Ведомость итоговой аттестации")
        expect(statement).to_contain_text(f"{deputy} (заместитель председателя): ждёт подписи")
        expect(statement).not_to_contain_text(cast.chair[1])
        _sign_everything(page, 2)  # the statement and the protocol of the meeting
        sign_out(page)

        _learner_sees(
            page,
            cast.learners[ANTONOVA],
            "Неотложная помощь детям",
            ["92% правильных ответов — зачтено", "зачтено"],
            "зачтено",
        )
        for email, _ in cast.members:
            _signatory_signs(page, email, 2)

        _open_attestation(page, secretary_email)
        _sign_everything(page, 2)
        _said(page, "Подписано всеми")
        statement = _document_row(page, "Ведомость итоговой аттестации")
        expect(statement.get_by_role("cell").first).to_have_text("Подписана всеми, сдана в архив")
        for name in sitting:
            expect(statement).to_contain_text(re.compile(rf"{name} \([^)]*\): подписано {HELD}"))
        text = open_pdf(page, statement.get_by_role("link", name="PDF", exact=True))

    assert "Ведомость итоговой аттестации" in text
    assert "«Неотложная помощь детям»" in text
    assert f"Дата проведения итоговой аттестации {HELD}" in text
    assert f"Председатель итоговой аттестационной комиссии {cast.chair[1]}" in text
    assert f"Зам. председателя итоговой аттестационной комиссии {deputy}" in text
    assert f"В отсутствие председателя заседание вёл {deputy} (заместитель председателя)." in text
    assert f"1 {ANTONOVA} зачтено" in text
    assert f"2 {BORISOV} зачтено" in text
    assert VASILYEVA not in text
    assert f"подписано в системе НМО всеми подписантами ({len(sitting)})" in text
    assert "ПРОЕКТ" not in text


@pytest.mark.clause("rgmu-2.3", "rgmu-4.10", "rgmu-2.12", "rgmu-2.13", "rgmu-app1", "rgmu-app2")
def test_rgmu_exam_from_admission_to_signed_protocols_and_report(page: Page) -> None:
    """РостГМУ, a professional retraining ending in an exam: testing (four-point bands),
    practical skills (зачтено / не зачтено) and interview (four-point). The learner who
    failed an intermediate assessment is refused admission, with the reason shown
    (rgmu-2.3). On the day the chair sits with both members and the secretary; the
    secretary enters the results and the open votes — unanimous for one learner, two for
    and one against for the other, still a majority of those present — and the chair takes
    the decision (rgmu-4.10). The results go into a protocol per learner and the
    commission's report (rgmu-2.12), each signed by the chair, the members and the
    secretary (rgmu-2.13). The protocol's PDF shows the learner, the test percentage with
    its band, the skills, the interview, the overall grade, the decision on the right to
    practise and the votes (rgmu-app1); the report's PDF shows how many passed and were
    refused, each learner's final grade and vote (rgmu-app2)."""
    with time_machine.travel(ATTESTATION_MORNING, tick=True):
        cast = _cast("rgmu")
        assert cast.deputy is None
        chair_email, chair = cast.chair
        secretary_email, secretary = cast.secretary
        sitting = [chair, *(name for _, name in cast.members), secretary]

        _staff_decide_admission(page, cast)
        _staff_schedule(page, cast)

        _open_attestation(page, secretary_email)
        _record_members(page, cast, sitting)
        _enter_results(
            page,
            {ANTONOVA: ["95", "зачтено", "отлично"], BORISOV: ["85", "зачтено", "хорошо"]},
        )
        _expect_final(page, {ANTONOVA: "отлично", BORISOV: "хорошо"})
        _vote(page, ANTONOVA, 3)
        _vote(page, BORISOV, 2, 1)
        _expect_votes(page, {ANTONOVA: (3, 0), BORISOV: (2, 1)})
        sign_out(page)

        _open_attestation(page, chair_email)
        _decide(page, {ANTONOVA: "отлично", BORISOV: "хорошо"})
        _sign_everything(page, 3)
        sign_out(page)

        _learner_sees(
            page,
            cast.learners[BORISOV],
            "Педиатрия",
            ["85% правильных ответов — хорошо", "зачтено", "хорошо"],
            "хорошо",
        )
        for email, _ in cast.members:
            _signatory_signs(page, email, 3)

        _open_attestation(page, secretary_email)
        _sign_everything(page, 3)
        protocol = _document_row(page, f"Протокол итоговой аттестации (переподготовка): {BORISOV}")
        report = _document_row(page, "Отчёт комиссии")
        for row in (protocol, report):
            for name in sitting:
                expect(row).to_contain_text(re.compile(rf"{name} \([^)]*\): подписано {HELD}"))
        protocol_text = open_pdf(page, protocol.get_by_role("link", name="PDF", exact=True))
        report_text = open_pdf(page, report.get_by_role("link", name="PDF", exact=True))

    assert f"Фамилия, имя, отчество соискателя: {BORISOV}" in protocol_text
    assert "4.1. Тестовый контроль: 85% правильных ответов — хорошо" in protocol_text
    assert "4.2. Оценка умений, практических навыков: зачтено" in protocol_text
    assert "4.3. Оценка результатов собеседования: хорошо" in protocol_text
    assert "4.4. Общая оценка: хорошо" in protocol_text
    assert "удостоверяет право на ведение профессиональной деятельности" in protocol_text
    assert "за 2 человека, против 1 человек" in protocol_text
    assert f"Председатель итоговой аттестационной комиссии: {chair}" in protocol_text
    assert f"подписано в системе НМО всеми подписантами ({len(sitting)})" in protocol_text
    assert "ПРОЕКТ" not in protocol_text

    assert "утверждает положительную аттестацию 2 слушателей" in report_text
    assert "отказывает в аттестации по программе ДПО 0 слушателям" in report_text
    assert f"1 {ANTONOVA} отлично за — 3, против — 0" in report_text
    assert f"2 {BORISOV} хорошо за — 2, против — 1" in report_text
    assert VASILYEVA not in report_text
    assert f"подписано в системе НМО всеми подписантами ({len(sitting)})" in report_text
