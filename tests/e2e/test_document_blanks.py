"""A study department sets the details its qualification documents print and where the
values go on its blanks, checks a layout against the calibration page, and prints a
document onto its blank (issue 12, point 4; ADR 0112). The pages stay WCAG 2.1 AA with
their errors shown."""

import re

import pytest
from playwright.sync_api import Page, expect

from nmo.documents.tests.factories import PASSWORD, issue, make_enrolment, organisation_under
from nmo.regulations.types import PresetCode
from tests.e2e.helpers import open_pdf, sign_in
from tests.e2e.test_accessibility import _describe, _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_configure_details_and_a_blank_and_print_on_it(page: Page, axe_source: str) -> None:
    """Staff fill the details (a missing head is explained), fix a field placed off the
    sheet, open the calibration page and print a certificate onto the blank."""
    org = organisation_under(
        PresetCode.NPC_DZM, name="ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»", email="uo@npc.example.ru"
    )
    document = issue(
        org, make_enrolment(org, last_name="Шевчук", first_name="Ольга", middle_name="Ивановна")
    )
    sign_in(page, org.staff.email, PASSWORD)
    page.goto("/documents/")
    page.get_by_role("link", name="Реквизиты и бланки").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Реквизиты для документов о квалификации"
    )
    page.get_by_label("Город").fill("Москва")
    page.get_by_label("Должность руководителя").fill("Директор")
    page.get_by_label("Должность секретаря").fill("Секретарь")
    page.get_by_label(re.compile("^Секретарь")).fill("О. Н. Смирнова")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("alert")).to_contain_text("Руководитель")
    assert _violations(page, axe_source) == [], _describe(_violations(page, axe_source))
    page.get_by_label(re.compile("^Руководитель")).fill("А. В. Кузнецов")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Реквизиты организации для документов сохранены"
    )

    page.get_by_role("link", name="расположение полей").first.click()
    page.get_by_label("Фамилия, имя, отчество (дательный падеж): X, мм").fill("400")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("alert")).to_contain_text("X должен быть в пределах листа")
    violations = _violations(page, axe_source)
    assert violations == [], _describe(violations)
    page.get_by_label("Фамилия, имя, отчество (дательный падеж): X, мм").fill("150")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_contain_text("Расположение полей на бланке сохранено")

    calibration = open_pdf(page, page.get_by_role("link", name="Калибровочный лист (PDF)"))
    assert "Калибровочный лист" in calibration

    page.goto(document.get_absolute_url())
    page.get_by_label("Только значения на бланке организации").check()
    with page.expect_response(lambda r: "/print/" in r.url) as info:
        page.get_by_role("button", name="Печать (PDF)").click()
    assert info.value.ok
    assert info.value.headers["content-type"] == "application/pdf"
