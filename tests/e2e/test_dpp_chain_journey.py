"""The whole ДПП chain in the browser, as a specialist lives it (issue 15, point 6): find
the programme in the public catalogue, apply for its cohort, be enrolled by the study
department with the contract, finish the programme, and see the qualification document
and its hours in the five-year cycle's cabinet (faq-join-steps, faq-cycle-hours,
faq-portal-cycles)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from nmo.accounts.services import Registration, register_specialist
from nmo.cycles.services import enter_cycle
from nmo.cycles.tests import factories as cycle_factories
from nmo.documents.rules import qualification_document_for
from nmo.documents.services import issue_document
from nmo.programmes.models import Cohort, Enrolment, Programme
from nmo.programmes.tests.conftest import PASSWORD, organisation_under
from nmo.programmes.tests.factories import snils_number
from nmo.programmes.tests.test_applications import offered
from tests.e2e.helpers import ensure_default_cycle_rule, main_menu, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.clause("faq-join-steps", "faq-cycle-hours", "faq-portal-cycles")
def test_a_specialist_goes_from_the_catalogue_to_the_hours_in_the_cabinet(page: Page) -> None:
    """A cardiologist in her five-year cycle finds the organisation's programme (ПК) in the
    catalogue, applies from its page under a contract; the study department accepts and
    records the contract; when the programme is finished the organisation issues the
    удостоверение; the specialist's cabinet shows the programme's hours in the ДПП part
    of the cycle with the link to the document's public check page, which names it."""
    cardiology = cycle_factories.specialty(cycle_factories.CARDIOLOGY)
    org = organisation_under("npc_dzm", name="ГБУЗ НПЦ", email="uo@npc-chain.example.ru")
    cohort = offered(org, seats=2)
    programme = cohort.programme
    programme.specialties.set([cardiology])
    Programme.objects.filter(pk=programme.pk).update(remote_share_percent=60)
    specialist = register_specialist(
        data=Registration(
            email="kardio@example.ru",
            password=PASSWORD,
            last_name="Кардиологова",
            first_name="Анна",
            middle_name="Сергеевна",
            snils=snils_number(),
            personal_data_consent=True,
        )
    )
    ensure_default_cycle_rule()
    enter_cycle(
        specialist=specialist, specialty_code=cycle_factories.CARDIOLOGY, starts_on=date(2025, 3, 1)
    )

    # 1. The catalogue, as anyone sees it, then the programme's page and its cohort.
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
    accept.get_by_label("Дата договора").fill(timezone.localdate().strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Принять заявку").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("принята")
    sign_out(page)
    enrolment = Enrolment.objects.get(cohort=cohort)
    assert enrolment.learner_id == specialist.pk  # one person, not a second account

    # 3. Weeks later the programme is over: the organisation issues the удостоверение.
    today = timezone.localdate()
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=6),
        attestation_date=today - timedelta(days=6),
    )
    document = issue_document(
        actor=org.staff,
        enrolment=enrolment,
        kind=qualification_document_for(programme.kind),
        issued_on=today - timedelta(days=5),
    )

    # 4. The specialist sees the hours in the cycle and opens the document's check page.
    sign_in(page, specialist.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Мой кабинет").click()
    hours = programme.hours
    expect(page.get_by_text(f"Программа ДПП «{programme.title}»")).to_be_visible()
    expect(page.locator(f'[aria-valuetext="{hours} из 108 ч"]')).to_have_count(1)
    page.get_by_role("link", name=f"Проверить документ {document.display_number}").first.click()
    expect(page.locator("main")).to_contain_text(document.display_number)
