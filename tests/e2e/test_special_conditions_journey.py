"""A disabled learner asks for special conditions with the keyboard, the study department
grants them, and the commission's sheet of a videoconference attestation shows them and
records the connection (rgmu-7.2, rgmu-7.4, rgmu-7.6, rgmu-6.1). Every page on the way
passes axe's WCAG 2.1 A/AA rules."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from nmo.attestation.tests import factories
from nmo.attestation.types import Place
from tests.e2e.helpers import main_menu, sign_in, sign_out
from tests.e2e.test_accessibility import _describe, _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MSK = ZoneInfo("Europe/Moscow")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _clean(page: Page, axe_source: str) -> None:
    violations = _violations(page, axe_source)
    assert violations == [], _describe(violations)


@pytest.mark.clause("rgmu-7.2", "rgmu-7.4", "rgmu-7.6", "rgmu-6.1")
def test_special_conditions_from_the_application_to_the_commission_sheet(
    page: Page, axe_source: str, tmp_path
) -> None:
    """The learner files the application with the keyboard (labels, Space, Enter), stage by stage,
    three months and more before the attestation (rgmu-7.6); the department grants +90
    minutes for written stages, +20 for oral preparation and an assistant (rgmu-7.4,
    rgmu-7.2); on the day the secretary sees them on the sheet of the videoconference
    attestation and records that the learner and the commission see and hear each other
    (rgmu-6.1)."""
    setup = factories.build(
        "rgmu", place=Place.REMOTE, videoconference_url="https://meet.jit.si/nmo-e2e"
    )
    enrolment = setup.enrolments[0]
    learner = enrolment.learner
    learner.set_password(factories.PASSWORD)
    learner.save(update_fields=["password"])
    staff_email = setup.org.staff.email
    secretary_email = setup.secretary.email
    name = learner.full_name
    scan = tmp_path / "mse.pdf"
    scan.write_bytes(PDF)

    with time_machine.travel(datetime(2026, 6, 1, 10, 0, tzinfo=MSK)):
        sign_in(page, learner.email, factories.PASSWORD)
        main_menu(page).get_by_role("link", name="Специальные условия").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Специальные условия итоговой аттестации"
        )
        expect(page.get_by_text("не позднее 16.07.2026")).to_be_visible()
        _clean(page, axe_source)
        page.get_by_role("link", name="Подать заявление").click()
        # for each attestation stage (rgmu-7.7): the assistant at the test and the
        # interview, extra time for the test
        assistant = page.get_by_label("Ассистент: этап 1, тестирование (письменно)")
        assistant.focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(page.get_by_label("Ассистент: этап 3, собеседование", exact=False)).to_be_focused()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        expect(
            page.get_by_label("Больше времени: этап 1, тестирование", exact=False)
        ).to_be_focused()
        page.keyboard.press("Space")
        for _ in range(3):
            page.keyboard.press("Tab")
        expect(page.get_by_label("Технические средства", exact=False)).to_be_focused()
        page.keyboard.type("Программа экранного доступа NVDA")
        page.get_by_label("Подтверждающие документы").set_input_files(str(scan))
        _clean(page, axe_source)
        submit = page.get_by_role("button", name="Подать заявление")
        submit.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Заявление подано.")).to_be_visible()
        expect(page.get_by_role("heading", name="подано, ждёт решения")).to_be_visible()
        sign_out(page)

        sign_in(page, staff_email, factories.PASSWORD)
        # The staff reach the applications from the cohorts' list (the menu keeps one line).
        main_menu(page).get_by_role("link", name="Группы").click()
        page.get_by_role("link", name="Заявления о специальных условиях").click()
        card = page.get_by_role("region", name=f"{name} — {setup.programme.title}")
        expect(card).to_contain_text("Программа экранного доступа NVDA")
        expect(card).to_contain_text("нужен на этапах: 1. тестирование; 3. собеседование")
        expect(card).to_contain_text("нужно на этапе: 1. тестирование (письменно)")
        expect(
            card.get_by_label("Дополнительно на письменные испытания", exact=False)
        ).to_have_value("90")
        _clean(page, axe_source)
        card.get_by_role("button", name="Предоставить").click()
        expect(page.get_by_text("Специальные условия предоставлены: слушатель")).to_be_visible()
        sign_out(page)

    with time_machine.travel(datetime(2026, 10, 16, 9, 30, tzinfo=MSK)):
        sign_in(page, secretary_email, factories.PASSWORD)
        page.goto(setup.attestation.get_absolute_url())
        conditions = page.get_by_role("table", name="Специальные условия слушателей")
        row = conditions.get_by_role("row", name=name)
        expect(row).to_contain_text("присутствует ассистент (этапы: 1, 3)")
        expect(row).to_contain_text("Программа экранного доступа NVDA")
        expect(row).to_contain_text("150 мин. — на 90 мин. дольше")
        form = page.get_by_role("form", name="Записать состояние видеоконференции")
        form.get_by_label("Слушатель").select_option(label=name)
        form.get_by_label("Связь").select_option(
            label="слушатель и комиссия видят и слышат друг друга"
        )
        form.get_by_role("button", name="Записать").click()
        expect(page.get_by_text("Состояние видеоконференции записано.")).to_be_visible()
        connection = page.get_by_role("table", name="Связь со слушателями")
        expect(connection.get_by_role("row", name=name)).to_contain_text("видят и слышат")
        _clean(page, axe_source)
