"""The catalogue's programme pages in a real browser (issue 15 point 1, ADR 0116): the
specialist's way from the catalogue to a programme, and axe's WCAG 2.1 A/AA rules on the
catalogue with programmes, a programme's public page and the staff's card page."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from nmo.catalog.services import load_specialties
from nmo.programmes import services
from nmo.programmes.tests.conftest import PASSWORD, organisation_under
from nmo.programmes.tests.factories import make_cohort, make_programme
from nmo.programmes.types import CatalogueCardData
from tests.e2e.helpers import sign_in
from tests.e2e.test_accessibility import _describe, _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class World:
    staff_email: str
    published_id: int
    draft_id: int


@pytest.fixture
def world(db) -> World:
    from nmo.catalog.models import Specialty

    load_specialties()
    paediatrics = Specialty.objects.get(code="31.08.19")
    org = organisation_under("npc_dzm", name="ГБУЗ «НПЦ»", email="uo@npc.example.ru")
    starts_on = timezone.localdate() + timedelta(days=30)
    dates = {
        "starts_on": starts_on,
        "ends_on": starts_on + timedelta(days=11),
        "attestation_date": starts_on + timedelta(days=11),
        "study_form": "part_time",
    }
    published = make_programme(org, specialty_ids=(paediatrics.pk,))
    cohort = make_cohort(org, published, **dates)
    services.update_catalogue_card(
        actor=org.staff,
        programme=published,
        data=CatalogueCardData(
            summary="Неотложные состояния у детей: алгоритмы и симуляционные занятия.",
            price=Decimal("14500"),
            by_certificate=True,
            seats={cohort.pk: 24},
        ),
    )
    services.publish_programme(actor=org.staff, programme=published)
    draft = make_programme(org, title="Выхаживание недоношенных новорождённых")
    make_cohort(org, draft, **dates)
    return World(org.staff.email, published.pk, draft.pk)


@pytest.mark.clause("faq-join-steps")
def test_a_visitor_finds_a_programme_and_its_pages_are_accessible(
    page: Page, axe_source: str, world: World
) -> None:
    """faq-join-steps step 1 in the browser: from the catalogue's «Программы ДПП» tab a
    visitor searches by title, opens the programme and sees its cohort with seats; the
    catalogue with programmes and the programme's page break no WCAG 2.1 A/AA rule."""
    page.goto("/catalogue/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("программы ДПП")
    assert _violations(page, axe_source) == [], _describe(_violations(page, axe_source))

    page.get_by_role("navigation", name="Разделы каталога").get_by_role(
        "link", name="Программы ДПП"
    ).click()
    page.get_by_label("Название содержит").fill("НЕОТЛОЖНАЯ")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("heading", name="Найдено: 1")).to_be_visible()
    violations = _violations(page, axe_source)
    assert violations == [], _describe(violations)

    page.get_by_role("link", name="Неотложная помощь детям").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Неотложная помощь детям")
    expect(page.get_by_role("table")).to_contain_text("24 из 24")
    expect(page.get_by_text("14\u00a0500\u00a0руб.")).to_be_visible()
    violations = _violations(page, axe_source)
    assert violations == [], _describe(violations)


def test_the_staff_card_page_and_its_refusal_are_accessible(
    page: Page, axe_source: str, world: World
) -> None:
    """The card page, and the same page refusing to publish a programme that lacks what a
    specialist needs (the alert takes the focus), stay A/AA."""
    sign_in(page, world.staff_email, PASSWORD)
    page.goto(f"/programmes/{world.draft_id}/")
    page.get_by_role("link", name="Карточка в каталоге").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Программа в каталоге")
    violations = _violations(page, axe_source)
    assert violations == [], _describe(violations)

    page.get_by_role("button", name="Опубликовать в каталоге").click()
    expect(page.get_by_role("alert")).to_contain_text("ни одной специальности")
    violations = _violations(page, axe_source)
    assert violations == [], _describe(violations)
