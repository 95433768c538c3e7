"""The public pages pass axe-core's WCAG 2.0/2.1 level A and AA rules: contrast, labels, landmarks…

The spec (README, «Pages») asks for WCAG 2.1 AA; axe is installed from tests/e2e/package-lock.json.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


def _violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} WCAG violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Непрерывное медицинское образование и итоговая аттестация"),
        ("/accounts/register/", "Регистрация специалиста"),
        ("/accounts/login/", "Вход"),
        ("/accounts/password-reset/", "Восстановление пароля"),
    ],
    ids=["home", "register", "login", "password-reset"],
)
def test_public_page_has_no_wcag_a_or_aa_violations(
    page: Page, axe_source: str, path: str, heading: str
) -> None:
    """Each public page, as a visitor first sees it, breaks no WCAG 2.1 A/AA rule axe checks."""
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)


def test_registration_errors_have_no_wcag_a_or_aa_violations(page: Page, axe_source: str) -> None:
    """The registration form showing its errors (summary, red text, invalid fields) stays A/AA."""
    page.goto("/accounts/register/")
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("Фамилия"))

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)
