"""The online test, end to end, under each preset (issue 13, points 2, 4, 7, 9): a learner
signs in, starts the test from «Мои тесты», answers by keyboard and mouse (each answer
saved at once, «сохранено в …»), reloads without losing time, submits; the commission
sees the score before voting and reads the attempt protocol (PDF). Under РостГМУ the
learner has 90 extra minutes by special conditions and the timer shows them.

The organisation, attestation, bank, form and session are made in Python; everything after
happens in the browser, by role and label."""

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from nmo.attestation.tests.factories import PASSWORD
from nmo.programmes import selectors as programme_selectors
from nmo.testing import selectors
from nmo.testing.models import Attempt
from nmo.testing.tests.factories import OPENS, make_testing
from tests.e2e.helpers import main_menu, pdf_text, sign_in, sign_out
from tests.e2e.test_accessibility import _describe, _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _keyboard_answer(page: Page, question: dict) -> None:
    """Tab to the question's options and choose the right ones by keyboard (arrows in a
    radio group, Space on checkboxes): the change is saved without a button."""
    name = f"q{question['id']}"
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == name:
            break
    else:
        raise AssertionError("the question's options were not reached by Tab")
    if question["kind"] == "multiple":
        # a checkbox is a tab stop each: Space on every right one
        for n, option in enumerate(question["options"]):
            if n:
                page.keyboard.press("Tab")
            if option["correct"]:
                page.keyboard.press("Space")
    else:
        # a radio group is one tab stop: Space on the first, the arrows to the right one
        target = next(i for i, o in enumerate(question["options"]) if o["correct"])
        page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")
    for option in question["options"]:
        box = page.locator(f"#q{question['id']}-o{option['id']}")
        if option["correct"]:
            expect(box).to_be_checked()
        else:
            expect(box).not_to_be_checked()
    expect(page.locator(f"#status-{question['id']}")).to_contain_text("сохранено в")


@pytest.mark.parametrize("preset", ["npc", "rgmu"])
def test_a_learner_takes_the_test_and_the_commission_reads_the_protocol(
    page: Page, axe_source: str, monkeypatch: pytest.MonkeyPatch, preset: str
) -> None:
    t = make_testing(preset)
    learner = t.learner()
    learner.set_password(PASSWORD)
    learner.save(update_fields=["password"])
    extension = 90 if preset == "rgmu" else 0
    monkeypatch.setattr(
        programme_selectors,
        "test_time_extension_minutes",
        lambda *, enrolment_id: extension if enrolment_id == t.setup.enrolments[0].pk else 0,
    )
    page.on("dialog", lambda dialog: dialog.accept())
    with time_machine.travel(OPENS + timedelta(minutes=5), tick=True):
        sign_in(page, learner.email, PASSWORD)
        main_menu(page).get_by_role("link", name="Мои тесты").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Мои тесты")
        page.get_by_role("button", name="Начать тест").click()
        attempt = Attempt.objects.get(learner=learner)
        expect(page.get_by_role("timer")).to_contain_text("1:59:" if extension else "29:")
        assert _violations(page, axe_source) == [], _describe(_violations(page, axe_source))
        questions = selectors.ticket_of(attempt)
        # the first question by keyboard only
        _keyboard_answer(page, questions[0])
        # the others with the mouse: 8 right, 1 wrong
        for n, question in enumerate(questions[1:], start=1):
            options = [o for o in question["options"] if o["correct"] == (n < 9)]
            for option in options if n < 9 else options[:1]:
                page.get_by_label(option["text"], exact=True).check()
            expect(page.locator(f"#status-{question['id']}")).to_contain_text("сохранено в")
        page.get_by_label("Отметить, чтобы вернуться к вопросу").nth(9).check()
        # a reload continues the same attempt with the same deadline
        page.reload()
        expect(page.get_by_role("timer")).to_contain_text("1:59:" if extension else "29:")
        expect(page.locator(f"#status-{questions[0]['id']}")).to_contain_text("сохранено в")
        assert Attempt.objects.filter(learner=learner).count() == 1
        page.get_by_role("button", name="Завершить тест").click()
        expect(page.get_by_text("Тест завершён: верных ответов 9 из 10")).to_be_visible()
        sign_out(page)

        # the commission sees the score before it votes and reads the protocol
        sign_in(page, t.setup.chair.email, PASSWORD)
        main_menu(page).get_by_role("link", name="Тесты", exact=True).click()
        page.get_by_role("link", name="Тест аттестации 16.10.2026").click()
        expect(page.get_by_role("table")).to_contain_text("90,00 %")
        href = page.get_by_role("link", name="Протокол попытки 1").get_attribute("href")
        assert href
        response = page.request.get(href)
        assert response.ok
        assert response.headers["content-type"] == "application/pdf"
        text = pdf_text(response.body())
        page.goto(t.setup.attestation.get_absolute_url())
        expect(page.locator("input[value='90.00'], input[value='90,00']")).to_have_count(1)
    assert "Индивидуальный протокол тестирования" in text
    assert learner.last_name in text
    assert "завершена слушателем" in text
    assert "90,00" in text
    assert questions[0]["text"] in text
    if extension:
        assert "время продлено (особые условия): на 90 мин." in text
        assert "отлично" in text
    else:
        assert "зачтено" in text
