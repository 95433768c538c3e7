"""Small steps shared by the browser journeys."""

import importlib

from django.apps import apps
from playwright.sync_api import Locator, Page, expect

from nmo.accounts.rules import format_snils, snils_check_number

# The migration that seeds the default cycle rule (faq-cycle-hours) as data.
_DEFAULT_RULE_MIGRATION = "nmo.cycles.migrations.0003_default_cycle_rule"


def valid_snils(first_nine: str) -> str:
    """A SNILS with the right check number, as printed on the card: «112-233-445 95»."""
    return format_snils(f"{first_nine}{snils_check_number(first_nine):02d}")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab once; check that the focus landed on `target`: the tab order is the visual one."""
    page.keyboard.press("Tab")
    expect(target).to_be_focused()


def outline_style_of_focus(page: Page) -> str:
    """The computed outline style of the element that has the keyboard focus."""
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")


def ensure_default_cycle_rule() -> None:
    """Put back the default cycle rule its data migration seeds, if it is gone.

    A transactional test (every browser test) ends with a flush that empties every table,
    migration-seeded rows included, and --reuse-db keeps the emptied database for the next
    run; a journey that enters a cycle needs the rule. The migration's own function is
    reused, so the rule is the seeded one and the call is idempotent.
    """
    importlib.import_module(_DEFAULT_RULE_MIGRATION).create_default_rule(apps, None)


def main_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Основное меню")


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the header's «Войти» link; wait until the header offers «Выйти»."""
    page.goto("/")
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Вход")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(header.get_by_role("button", name="Выйти")).to_be_visible()


def sign_out(page: Page) -> None:
    """Sign out with the header's «Выйти» button; wait until the header offers «Войти»."""
    header = page.get_by_role("banner")
    header.get_by_role("button", name="Выйти").click()
    expect(header.get_by_role("link", name="Войти")).to_be_visible()
