"""A specialist finds the site, registers, signs out and signs in again, by keyboard in part.

Black-box: elements are found by role and label, as a person (or a screen reader) finds them.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import outline_style_of_focus, tab_to, valid_snils

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAST, FIRST, MIDDLE = "Иванова", "Анна", "Борисовна"
EMAIL = "anna.ivanova@example.org"
PASSWORD = "Kletka-Zima-2026"
SNILS = valid_snils("112233445")  # "112-233-445 95"
WRONG_SNILS = "112-233-445 96"
SNILS_MESSAGE = "СНИЛС указан с ошибкой: не сходится контрольное число."
CONSENT = re.compile(r"^Я даю согласие")
WRONG_LOGIN = "Неверный адрес электронной почты или пароль."


def test_home_page_has_landmarks_and_a_skip_link_for_the_keyboard(page: Page) -> None:
    """The home page is in Russian, has one h1 and the main menu landmark; the first Tab reaches
    a skip link that moves the focus to the main content, and the focus is visible."""
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("navigation", name="Основное меню")).to_be_visible()
    expect(page.get_by_role("main")).to_have_count(1)

    skip = page.get_by_role("link", name="Перейти к основному содержанию")
    tab_to(page, skip)
    expect(skip).to_be_visible()
    assert outline_style_of_focus(page) != "none"

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    # From the start of the page again, the second stop is an ordinary link: its focus shows too.
    page.goto("/")
    page.keyboard.press("Tab")
    tab_to(page, page.get_by_role("banner").get_by_role("link").first)
    assert outline_style_of_focus(page) != "none"


@pytest.mark.clause("npc-1.2")
def test_specialist_registers_signs_out_and_signs_in_again(page: Page) -> None:
    """A specialist registers (seeing the field errors, the consent to personal-data processing
    under 152-ФЗ among them, then the SNILS control-number error), lands on the profile, signs
    out, is refused with a wrong password and signs in (npc-1.2)."""
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Регистрация").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Регистрация специалиста")
    register = page.get_by_role("button", name="Зарегистрироваться")

    # 1. The empty form: the error summary names every required field.
    register.click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="Исправьте ошибки")).to_be_visible()
    for name in ("Фамилия", "Имя", "Электронная почта", "СНИЛС", "Пароль", "Я даю согласие"):
        expect(summary.get_by_role("link", name=re.compile(f"^{name}"))).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("^Отчество"))).to_have_count(0)
    expect(page.get_by_label("Фамилия")).to_have_attribute("aria-invalid", "true")

    # 2. By keyboard only. The summary has the focus; its first link leads to the field, and from
    # there the tab order is the visual order.
    expect(summary).to_be_focused()
    tab_to(page, summary.get_by_role("link", name=re.compile("^Фамилия")))
    page.keyboard.press("Enter")
    expect(page.get_by_label("Фамилия")).to_be_focused()
    page.keyboard.type(LAST)
    for label, value in (
        ("Имя", FIRST),
        ("Отчество", MIDDLE),
        ("Электронная почта", EMAIL),
        ("СНИЛС", WRONG_SNILS),
    ):
        tab_to(page, page.get_by_role("textbox", name=label, exact=True))
        page.keyboard.type(value)
    # Sex and date of birth are optional (ADR 0028): chosen by keyboard, then left empty.
    sex = page.get_by_role("combobox", name="Пол")
    tab_to(page, sex)
    page.keyboard.press("ArrowDown")
    expect(sex).not_to_have_value("")
    tab_to(page, page.get_by_role("textbox", name="Дата рождения", exact=True))
    tab_to(page, page.get_by_role("textbox", name="Пароль", exact=True))
    page.keyboard.type(PASSWORD)
    consent = page.get_by_label(CONSENT)
    tab_to(page, consent)
    expect(consent).not_to_be_checked()
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    tab_to(page, register)
    page.keyboard.press("Enter")

    # The wrong control number is explained in Russian, in the summary and at the field.
    expect(summary).to_contain_text("СНИЛС")
    expect(summary).to_contain_text(SNILS_MESSAGE)
    snils = page.get_by_role("textbox", name="СНИЛС", exact=True)
    expect(snils).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error").get_by_text(SNILS_MESSAGE)).to_be_visible()
    # What was typed is kept, but the password must be typed again.
    expect(page.get_by_label("Фамилия")).to_have_value(LAST)
    expect(page.get_by_label("Пароль")).to_have_value("")
    expect(consent).to_be_checked()

    # 3. Corrected (typed as bare digits): the account is made and the profile shows it.
    snils.fill(re.sub(r"\D", "", SNILS))
    page.get_by_label("Пароль").fill(PASSWORD)
    register.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Личные сведения")
    expect(page).to_have_url(re.compile(r"/accounts/profile/(#.*)?$"))
    expect(page.get_by_role("status")).to_contain_text("Регистрация завершена")
    expect(page.get_by_role("main")).to_contain_text(f"{LAST} {FIRST} {MIDDLE}")
    expect(page.get_by_role("main")).to_contain_text(SNILS)
    header = page.get_by_role("banner")
    short_name = f"{LAST} {FIRST[0]}.{MIDDLE[0]}."
    expect(header.get_by_role("link", name=short_name)).to_be_visible()

    # 4. Sign out.
    header.get_by_role("button", name="Выйти").click()
    expect(header.get_by_role("link", name="Войти")).to_be_visible()
    expect(header.get_by_role("link", name=short_name)).to_have_count(0)

    # 5. Sign in with a wrong password: refused, with the generic message.
    header.get_by_role("link", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Вход")
    page.get_by_label("Электронная почта").fill(EMAIL)
    page.get_by_label("Пароль").fill("Wrong-Password-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_contain_text(WRONG_LOGIN)
    expect(header.get_by_role("link", name=short_name)).to_have_count(0)

    # 6. The right password, submitted with Enter from the password field.
    page.get_by_label("Электронная почта").fill(EMAIL)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_label("Пароль").press("Enter")
    expect(header.get_by_role("link", name=short_name)).to_be_visible()
    expect(header.get_by_role("button", name="Выйти")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
