"""The whole ДПП chain in the browser, as a specialist lives it (issue 15, point 6): find
the programme in the public catalogue, apply for its cohort, be enrolled by the study
department with the contract, pass the final attestation (the department and the
commission at work on their pages), and see the qualification document and its hours in
the five-year cycle's cabinet (faq-join-steps, faq-cycle-hours, faq-portal-cycles)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from nmo.accounts.services import Registration, register_specialist
from nmo.attestation.tests import factories
from nmo.catalog.services import load_specialties
from nmo.cycles.services import enter_cycle
from nmo.documents.models import QualificationDocument
from nmo.programmes.models import Cohort, Enrolment, Programme
from nmo.workcalendar.services import seed_calendar
from tests.e2e.helpers import ensure_default_cycle_rule, main_menu, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOSCOW = ZoneInfo("Europe/Moscow")
PASSWORD = factories.PASSWORD
PEDIATRICS = "31.08.19"
# She applies a month before the cohort starts; the attestation is on its last day.
APPLYING = datetime(2026, 9, 14, 10, 0, tzinfo=MOSCOW)
ATTESTATION_MORNING = datetime(2026, 10, 16, 9, 30, tzinfo=MOSCOW)
HELD = factories.HELD_ON.strftime("%d.%m.%Y")
LEARNER = "Детская Анна Сергеевна"


def _said(page: Page, message: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("status").filter(has_text=message)).to_be_visible()


@pytest.mark.clause("faq-join-steps", "faq-cycle-hours", "faq-portal-cycles")
def test_a_specialist_goes_from_the_catalogue_to_the_hours_in_the_cabinet(page: Page) -> None:
    """A paediatrician in her five-year cycle finds the organisation's programme (ПК, 36 h,
    60 % distance) in the catalogue, applies from its page under a contract; the study
    department accepts and records the contract, which enrols her — the same account, not
    a second one. On the cohort's last day the department marks the programme mastered,
    decides admission and schedules the attestation; the commission records who sat, her
    stage results and the vote, and the chair takes the decision; the department issues
    the documents. Her cabinet shows the programme's 36 hours in the ДПП part of the cycle,
    dated on the document's day, with the link to the document's public check page."""
    load_specialties()
    seed_calendar()
    org = factories.organisation_under("npc", email="uo@npc-chain.example.ru")
    commission = factories.make_commission(org)
    seats = factories.seats_by_role(commission)
    programme = factories.make_programme(org)
    Programme.objects.filter(pk=programme.pk).update(
        published=True,
        by_certificate=True,
        price=25000,
        summary="Для педиатров.",
        remote_share_percent=60,
    )
    cohort = factories.make_cohort(org, programme, title="ПК-2026/10")
    Cohort.objects.filter(pk=cohort.pk).update(seats=2)
    cohort.refresh_from_db()
    specialist = register_specialist(
        data=Registration(
            email="pediatr@example.ru",
            password=PASSWORD,
            last_name="Детская",
            first_name="Анна",
            middle_name="Сергеевна",
            snils=factories.snils_number(),
            personal_data_consent=True,
        )
    )
    ensure_default_cycle_rule()
    enter_cycle(specialist=specialist, specialty_code=PEDIATRICS, starts_on=date(2025, 3, 1))

    with time_machine.travel(APPLYING, tick=True):
        # 1. The catalogue, the programme's page and its cohort; she applies.
        sign_in(page, specialist.email, PASSWORD)
        page.goto("/catalogue/?kind=programme")
        page.get_by_role("link", name=programme.title).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(programme.title)
        page.get_by_role("link", name="Подать заявку в группу").first.click()
        page.get_by_label("Основание обучения").select_option("specialist_contract")
        page.get_by_role("button", name="Подать заявку").click()
        expect(page.get_by_text("подана", exact=True)).to_be_visible()
        sign_out(page)

        # 2. The study department accepts it and records the contract.
        sign_in(page, org.staff.email, PASSWORD)
        main_menu(page).get_by_role("link", name="Заявки").click()
        page.get_by_role("link", name="подана").click()
        accept = page.get_by_role("form", name="Принять и зачислить")
        accept.get_by_label("Номер договора").fill("ДПП-7/2026")
        accept.get_by_label("Дата договора").fill("14.09.2026")
        page.get_by_role("button", name="Принять заявку").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("принята")
        sign_out(page)
    enrolment = Enrolment.objects.get(cohort=cohort)
    assert enrolment.learner_id == specialist.pk  # one person, not a second account

    with time_machine.travel(ATTESTATION_MORNING, tick=True):
        # 3. The cohort's last day: the department marks the programme mastered, decides
        #    admission and schedules the attestation.
        sign_in(page, org.staff.email, PASSWORD)
        main_menu(page).get_by_role("link", name="Группы").click()
        page.get_by_role("link", name="ПК-2026/10", exact=True).click()
        page.get_by_label("и учебный (индивидуальный) план выполнен в полном объёме").check()
        page.get_by_role("button", name="Отметить всех слушателей группы").click()
        _said(page, f"Отмечены как освоившие программу (1): {LEARNER}.")
        page.get_by_role("button", name="Принять решение о допуске").click()
        _said(page, "Решение о допуске принято: допущены — 1, не допущены — 0.")
        main_menu(page).get_by_role("link", name="Аттестации").click()
        page.get_by_role("region", name="Назначить аттестацию группы").get_by_role(
            "link", name=str(cohort)
        ).click()
        expect(page.get_by_label("Дата проведения")).to_have_value(HELD)
        page.get_by_label("Адрес или аудитория").fill("ул. Авиаторов, 38, ауд. 12")
        page.get_by_role("button", name="Назначить").click()
        _said(page, "Итоговая аттестация назначена.")
        sign_out(page)

        # 4. The commission: the secretary records who sat, the stage results and the
        #    vote; the chair takes the decision.
        chair = seats["chair"][0].person
        sitting = [seats["chair"][0], *seats["member"], seats["secretary"][0]]
        _open_attestation(page, seats["secretary"][0].person.email)
        for seat in sitting:
            page.get_by_label(f"{seat.person.full_name} — {seat.role_label}", exact=True).check()
        page.get_by_role("button", name="Отметить присутствие").click()
        _said(page, "Присутствие членов комиссии отмечено.")
        page.get_by_label(re.compile(rf"^{LEARNER}, этап 1 .*% правильных ответов$")).fill("88")
        page.get_by_label(re.compile(rf"^{LEARNER}, этап 2 ")).select_option(label="зачтено")
        page.get_by_role("button", name="Сохранить результаты").click()
        _said(page, "Результаты сохранены.")
        page.get_by_role("combobox", name="По кому голосуют").select_option(label=LEARNER)
        page.get_by_role("spinbutton", name="За", exact=True).fill(str(len(sitting) - 1))
        page.get_by_role("spinbutton", name="Против", exact=True).fill("0")
        page.get_by_role("spinbutton", name="Воздержались", exact=True).fill("0")
        page.get_by_role("button", name="Записать голосование").click()
        _said(page, "Результаты голосования записаны.")
        sign_out(page)

        _open_attestation(page, chair.email)
        page.get_by_role("button", name="Принять решение").click()
        _said(page, "Решение принято: слушатели видят результаты в личном кабинете")
        sign_out(page)

        # 5. The department issues the documents on training of the decided attestation.
        _open_attestation(page, org.staff.email)
        page.get_by_role("button", name="Выдать документы об обучении").click()
        _said(page, "Выдано документов об обучении: 1. Документов о квалификации: 1")
        sign_out(page)
        document = QualificationDocument.objects.get(enrolment=enrolment)
        assert document.issued_on == factories.HELD_ON

        # 6. She sees the hours in the cycle and opens the document's check page.
        sign_in(page, specialist.email, PASSWORD)
        main_menu(page).get_by_role("link", name="Мой кабинет").click()
        expect(page.get_by_text(f"Программа ДПП «{programme.title}»")).to_be_visible()
        expect(page.locator(f'[aria-valuetext="{programme.hours} из 108 ч"]')).to_have_count(1)
        page.get_by_role("link", name=f"Проверить документ {document.display_number}").first.click()
        expect(page.locator("main")).to_contain_text(document.display_number)


def _open_attestation(page: Page, email: str) -> None:
    sign_in(page, email, PASSWORD)
    main_menu(page).get_by_role("link", name="Аттестации").click()
    page.get_by_role("link", name=HELD, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Итоговая аттестация {HELD}")
