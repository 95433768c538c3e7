"""A specialist applies for a cohort of a programme (ДПП) from its page, the study
department accepts the application and records the contract, and the specialist sees
«принята» and the cohort in the cabinet's plan (faq-join-steps, steps 1–2; ADR 0117).
Every page on the way passes axe's WCAG 2.1 A/AA rules."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from nmo.accounts.services import Registration, register_specialist
from nmo.programmes.models import Enrolment
from nmo.programmes.tests.conftest import PASSWORD, organisation_under
from nmo.programmes.tests.factories import snils_number
from nmo.programmes.tests.test_applications import offered
from tests.e2e.helpers import main_menu, sign_in, sign_out
from tests.e2e.test_accessibility import _describe, _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _clean(page: Page, axe_source: str) -> None:
    violations = _violations(page, axe_source)
    assert violations == [], _describe(violations)


@pytest.mark.clause("faq-join-steps")
def test_a_specialist_applies_is_accepted_and_sees_the_cohort_in_the_plan(
    page: Page, axe_source: str
) -> None:
    """faq-join-steps: the specialist opens the cohort's page (the catalogue's link),
    applies under a contract; the study department finds the application under «Заявки»,
    accepts it with the contract's number and date; the specialist's cabinet then says
    «принята», «вы слушатель группы», with the contract — the same account is the learner."""
    org = organisation_under("npc_dzm", name="ГБУЗ НПЦ", email="uo@npc-e2e.example.ru")
    cohort = offered(org, seats=2)
    specialist = register_specialist(
        data=Registration(
            email="petrova@example.ru",
            password=PASSWORD,
            last_name="Петрова",
            first_name="Анна",
            middle_name="Сергеевна",
            snils=snils_number(),
            personal_data_consent=True,
        )
    )

    sign_in(page, specialist.email, PASSWORD)
    page.goto(f"/programmes/apply/{cohort.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Неотложная помощь детям")
    _clean(page, axe_source)
    page.get_by_label("Основание обучения").select_option("specialist_contract")
    page.get_by_role("button", name="Подать заявку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Мои заявки на программы ДПП")
    expect(page.get_by_text("подана", exact=True)).to_be_visible()
    _clean(page, axe_source)
    sign_out(page)

    sign_in(page, org.staff.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Заявки").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Заявки на обучение")
    _clean(page, axe_source)
    page.get_by_role("link", name="подана").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("подана")
    _clean(page, axe_source)
    accept = page.get_by_role("form", name="Принять и зачислить")
    accept.get_by_label("Номер договора").fill("ДПП-3/2026")
    accept.get_by_label("Дата договора").fill(timezone.localdate().strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Принять заявку").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("принята")
    expect(page.get_by_text("№ ДПП-3/2026", exact=False)).to_be_visible()
    sign_out(page)

    sign_in(page, specialist.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Мой кабинет").click()
    panel = page.get_by_role("region", name="Программы ДПП: мои заявки")
    expect(panel).to_contain_text("принята")
    expect(panel).to_contain_text("вы слушатель группы, договор № ДПП-3/2026")
    expect(panel).to_contain_text("Неотложная помощь детям")
    _clean(page, axe_source)
    assert Enrolment.objects.get(cohort=cohort).learner_id == specialist.pk
