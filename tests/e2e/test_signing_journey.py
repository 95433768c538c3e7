"""Signing as a commission in the browser (issue 12 point 7, ADR 0115): a member of the
РостГМУ commission signs in, sees «На подпись» with the count in the main menu, opens the
list of what awaits their signature, reads a document, signs all of the attestation in
one action, and sees the count go. Every page passes axe's WCAG 2.1 A/AA rules.

The attestation is decided through the services; everything after happens in the browser,
by role and label."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from nmo.attestation import services
from nmo.attestation.selectors import current_records, pending_count, required_signers
from nmo.attestation.tests import factories
from nmo.catalog.services import load_specialties
from nmo.workcalendar.services import seed_calendar
from tests.e2e.helpers import main_menu, open_pdf, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({id: v.id, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" "))}));
}"""


def _violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


@pytest.mark.clause("rgmu-2.13")
def test_a_member_signs_everything_awaiting_them_in_one_action(page: Page, axe_source: str) -> None:
    """Three protocols and the report await the member (rgmu-2.13): the menu says
    «На подпись (4)»; the page lists them with who has signed (the chair) and who has not;
    one button signs the four; the menu's count is gone and the list is empty."""
    load_specialties()
    seed_calendar()
    setup = factories.decided("rgmu")
    chair = setup.chair
    member = setup.members[0]
    assert member.pk in {s.seat.person_id for s in required_signers(setup.attestation)}
    # The chair has signed one protocol already.
    first = next(r for r in current_records(setup.attestation) if r.kind == "retraining_protocol")
    services.sign_record(actor=chair, record=first)

    sign_in(page, member.email, factories.PASSWORD)
    menu = main_menu(page)
    link = menu.get_by_role("link", name="На подпись (4)")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("На подпись")
    assert _violations(page, axe_source) == []

    table = page.get_by_role("table", name="Ждут вашей подписи: 4")
    expect(table.get_by_role("row")).to_have_count(5)
    row = table.get_by_role("row").filter(has_text="Антонова Алла Борисовна")
    expect(row).to_contain_text("Председателева Ольга Ивановна, Начальник")
    expect(row).to_contain_text("вы, Доцент")
    text = open_pdf(page, row.get_by_role("link", name="PDF", exact=False))
    assert "Антонова Алла Борисовна" in text

    page.get_by_role("button", name="Подписать все документы аттестации 16.10.2026 (4)").click()
    expect(page.get_by_role("status")).to_contain_text("Ваша подпись поставлена: 4 документа.")
    expect(page.get_by_text("Документов, ожидающих вашей подписи, нет.")).to_be_visible()
    expect(menu.get_by_role("link", name="На подпись", exact=True)).to_be_visible()
    assert pending_count(member) == 0
    assert _violations(page, axe_source) == []
