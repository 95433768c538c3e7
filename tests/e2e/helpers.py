"""Small steps shared by the browser journeys."""

from playwright.sync_api import Locator, Page, expect

from nmo.accounts.rules import format_snils, snils_check_number


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
