"""Pages at 360 px and dates in an English browser (issue 10), in Chromium.

At 360 px wide no page of any role scrolls sideways (tables scroll inside their own box);
the cabinet's «Всего» bar shows 6 of 144 hours. In a browser speaking English, date fields
still show and take ДД.ММ.ГГГГ. The staff menu fits on one line at desktop width."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from nmo.accounts.services import add_user
from nmo.attestation.tests.factories import PASSWORD, build
from nmo.cycles.services import enter_cycle, post_credit
from nmo.cycles.tests import factories as cycle_factories
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import ensure_default_cycle_rule, main_menu, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 360
# Pages opened from a list, with the widest tables: a cohort and an attestation.
DETAIL_PAGES: dict[str, list[str]] = {}


@pytest.fixture
def people(specialist, provider, admin_user):  # type: ignore[no-untyped-def]
    ensure_default_cycle_rule()
    cycle_factories.specialty(cycle_factories.CARDIOLOGY)
    enter_cycle(
        specialist=specialist,
        specialty_code=cycle_factories.CARDIOLOGY,
        starts_on=date(2025, 3, 1),
    )
    post_credit(
        specialist=specialist,
        activity=cycle_factories.event(credits=6),
        source="code",
        occurred_on=date(2025, 10, 1),
    )
    setup = build("npc", schedule=True)
    learner = setup.enrolments[0].learner
    learner.set_password(PASSWORD)
    learner.save(update_fields=["password"])
    expert = add_user(email="expert@example.ru", password=PASSWORD, role="accreditation_expert")
    org_admin = add_user(
        email="org-admin@example.ru",
        password=PASSWORD,
        role="organisation_admin",
        organisation_name=setup.org.organisation.name,
    )
    DETAIL_PAGES["organisation_staff"] = [
        reverse("programmes:cohort_detail", args=[setup.cohort.pk]),
        reverse("attestation:attestation_detail", args=[setup.attestation.pk]),
    ]
    return {
        "specialist": specialist,
        "provider": provider,
        "accreditation_expert": expert,
        "organisation_staff": setup.org.staff,
        "commission": setup.chair,
        "learner": learner,
        "admin": admin_user,
        "organisation_admin": org_admin,
    }


def _phone(browser: Browser, live_server: LiveServer, locale: str = "ru-RU") -> Page:
    context = browser.new_context(
        locale=locale,
        viewport={"width": WIDTH, "height": 740},
        base_url=str(live_server),
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _overflow(page: Page) -> int:
    return int(page.evaluate("() => document.scrollingElement.scrollWidth"))


def test_every_roles_pages_fit_360_px(browser: Browser, live_server: LiveServer, people) -> None:
    page = _phone(browser, live_server)
    try:
        for role, user in people.items():
            sign_in(page, user.email, PASSWORD)
            links = main_menu(page).get_by_role("link")
            urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
            for url in ["/", *urls, *DETAIL_PAGES.get(role, [])]:
                if url and url.startswith("/admin/"):
                    continue  # Django's own admin is not ours to lay out
                page.goto(str(url))
                assert _overflow(page) <= WIDTH, f"{role}: {url} is {_overflow(page)} px wide"
                for region in page.locator(".table-scroll").all():
                    assert region.get_attribute("tabindex") == "0"
                    assert region.get_attribute("role") == "region"
            sign_out(page)
    finally:
        page.context.close()


def test_the_cabinet_fits_and_shows_six_of_144(
    browser: Browser, live_server: LiveServer, people
) -> None:
    page = _phone(browser, live_server)
    try:
        sign_in(page, people["specialist"].email, PASSWORD)
        page.goto("/cabinet/")
        assert _overflow(page) <= WIDTH
        total = page.get_by_role("progressbar", name="Всего")
        expect(total).to_have_attribute("aria-valuenow", "6")
        fill = total.locator(".bar-fill")
        assert fill.bounding_box()["width"] >= 4  # type: ignore[index]
        expect(page.get_by_text("6 из 144 ч")).to_be_visible()
    finally:
        page.context.close()


def test_dates_are_dd_mm_yyyy_in_an_english_browser(
    browser: Browser, live_server: LiveServer, people
) -> None:
    context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}, base_url=str(live_server)
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, people["admin"].email, PASSWORD)
        page.goto("/audit/")
        field = page.get_by_label("С даты")
        expect(field).to_have_attribute("type", "text")
        expect(field).to_have_attribute("placeholder", "ДД.ММ.ГГГГ")
        expect(page.get_by_text("Формат: ДД.ММ.ГГГГ").first).to_be_visible()
        field.fill("05.10.2026")
        page.get_by_role("button", name="Показать").click()
        expect(page.get_by_label("С даты")).to_have_value("05.10.2026")
        expect(page.locator(".error-summary")).to_have_count(0)
        page.get_by_label("С даты").fill("2026-10-05")  # ISO is accepted too
        page.get_by_role("button", name="Показать").click()
        expect(page.locator(".error-summary")).to_have_count(0)
        field = page.get_by_label("С даты")
        field.fill("10/05/2026")  # the American order does not pass the field's pattern
        assert field.evaluate("input => input.validity.patternMismatch") is True
        field.fill("05.10.2026")
        assert field.evaluate("input => input.validity.patternMismatch") is False
    finally:
        context.close()


def test_staff_menu_fits_one_line_at_desktop_width(page: Page, people) -> None:
    sign_in(page, people["organisation_staff"].email, PASSWORD)
    tops = (
        main_menu(page)
        .locator("li")
        .evaluate_all("items => items.map(item => Math.round(item.getBoundingClientRect().top))")
    )
    assert len(set(tops)) == 1, tops
    expect(main_menu(page).get_by_role("link", name="Пересдачи")).to_be_visible()
    expect(main_menu(page).get_by_role("link", name="Производственный календарь")).to_have_count(0)
