"""Small steps shared by the browser journeys."""

import importlib
from io import BytesIO
from pathlib import Path

from django.apps import apps
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

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


def pdf_text(source: str | Path | bytes) -> str:
    """The text of every page of a PDF (a path or its bytes), with runs of white space made
    single spaces, so a phrase the layout wraps is still found whole."""
    reader = PdfReader(BytesIO(source) if isinstance(source, bytes) else source)
    text = " ".join(p.extract_text() or "" for p in reader.pages)
    return " ".join(text.split())


def open_pdf(page: Page, link: Locator) -> str:
    """Follow a link to a PDF that the server sends inline, and return the PDF's text.

    Chromium shows such a PDF in its viewer: there is no download to wait for, and the
    viewer keeps the body from Playwright. So the link is followed (its response must be
    a PDF), then the same address is fetched again with the page's cookies for the text,
    and the browser comes back to the page."""
    href = link.get_attribute("href")
    assert href, "the link has no address"
    with page.expect_response(lambda r: r.url.endswith(href)) as info:
        link.click()
    assert info.value.ok, info.value.status
    fetched = page.request.get(href)
    assert fetched.ok, fetched.status
    assert fetched.headers["content-type"] == "application/pdf"
    page.go_back()
    return pdf_text(fetched.body())


def sign_out(page: Page) -> None:
    """Sign out with the header's «Выйти» button; wait until the header offers «Войти»."""
    header = page.get_by_role("banner")
    header.get_by_role("button", name="Выйти").click()
    expect(header.get_by_role("link", name="Войти")).to_be_visible()
