"""The pages an organisation sets itself up with, in a real browser: the administrator's
page with a department, a pending invitation and people, and the invitee's page (also
showing its errors) break no WCAG 2.1 A/AA rule axe checks; the cohort page marks learners
complete in bulk (ADR 0015)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from nmo.accounts.models import Organisation
from nmo.accounts.selectors import invitation_token
from nmo.accounts.services import (
    add_user,
    create_unit,
    invite_to_organisation,
    set_up_organisation,
)
from tests.e2e.helpers import sign_in
from tests.e2e.test_accessibility import _describe, _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Orgadmin-Vesna-2026"


def _organisation_with_admin() -> tuple[Organisation, str]:
    """An organisation set up by the platform administrator, its administrator's account
    made by accepting the invitation, a department and a pending invitation."""
    from nmo.accounts.services import Acceptance, accept_invitation

    admin = add_user(email="admin@nmo.example.ru", password=PASSWORD, role="admin")
    invitation = set_up_organisation(
        actor=admin,
        name="ГАУЗ Городская больница № 5",
        short_name="ГБ № 5",
        kind="educational",
        admin_email="head@gb5.example.ru",
    )
    head = accept_invitation(
        token=invitation_token(invitation),
        data=Acceptance(password=PASSWORD, last_name="Орлова", first_name="Анна"),
    )
    organisation = invitation.organisation
    create_unit(actor=head, organisation=organisation, name="Кафедра педиатрии", kind="department")
    invite_to_organisation(
        actor=head,
        organisation=organisation,
        email="staff@gb5.example.ru",
        role="organisation_staff",
    )
    return organisation, head.email


def test_the_organisation_page_has_no_wcag_a_or_aa_violations(page: Page, axe_source: str) -> None:
    """The administrator's page lists the department, the invitation and the people."""
    organisation, email = _organisation_with_admin()
    sign_in(page, email, PASSWORD)
    page.goto(reverse("accounts:organisation_admin"))
    expect(page.get_by_role("heading", level=1)).to_have_text(organisation.name)
    expect(page.get_by_role("cell", name="staff@gb5.example.ru")).to_be_visible()

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)


def test_the_invitation_page_and_its_errors_have_no_wcag_a_or_aa_violations(
    page: Page, axe_source: str
) -> None:
    """The invitee's page: a new account's form, refusing a short password in Russian."""
    organisation, _ = _organisation_with_admin()
    invitation = organisation.invitations.get(email="staff@gb5.example.ru")
    page.goto(reverse("accounts:invitation_accept", args=[invitation_token(invitation)]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Приглашение")
    page.locator("#id_last_name").fill("Попова")
    page.locator("#id_first_name").fill("Елена")
    page.locator("#id_password").fill("123")
    page.locator("#id_password_again").fill("123")
    page.get_by_role("button", name="Создать учётную запись").click()
    expect(page.get_by_role("alert")).to_contain_text("слишком короткий")

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)


def test_the_cohort_page_marks_learners_complete_in_bulk(page: Page, axe_source: str) -> None:
    """Staff tick two learners of three and mark them; the page says who was marked."""
    from nmo.programmes.tests.conftest import PASSWORD as STAFF_PASSWORD
    from nmo.programmes.tests.conftest import organisation_under
    from nmo.programmes.tests.factories import enrol, make_cohort

    org = organisation_under("npc_dzm", name="ГБУЗ НПЦ", email="uo@npc.example.ru")
    cohort = make_cohort(org)
    enrol(org, cohort, last_name="Алексеева")
    enrol(org, cohort, last_name="Борисов")
    enrol(org, cohort, last_name="Васильев")
    sign_in(page, org.staff.email, STAFF_PASSWORD)
    page.goto(reverse("programmes:cohort_detail", args=[cohort.pk]))
    page.get_by_label("Выбрать: Алексеева Пётр Петрович").check()
    page.get_by_label("Выбрать: Борисов Пётр Петрович").check()
    page.get_by_role("button", name="Отметить выбранных: программа освоена").click()
    expect(page.locator(".messages")).to_contain_text("Отмечены как освоившие программу (2)")

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)
