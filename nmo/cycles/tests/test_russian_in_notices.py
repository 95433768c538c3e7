"""The specialist's documents speak correct Russian about a man and a woman (issue 12
point 1): the credit notice (PDF and e-mail) and the activity report name the specialist
as registered, in the nominative where the form has a field, and the credits in the
e-mail agree with their number — «начислен 1 кредит (1 академический час)», «начислено
4 кредита (4 академических часа)», never «4 ч (кредитов)»."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from nmo.accounts.services import Registration, register_specialist
from nmo.attestation.tests.factories import snils_number
from nmo.cycles.services import enter_cycle, post_credit, reverse_entry, send_credit_notice
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db

# last, first, middle, sex as registered ("" — told by the patronymic)
PEOPLE = {
    "woman": ("Жукова", "Анна", "Сергеевна", ""),
    "man": ("Шевчук", "Олег", "Иванович", "male"),
}
FORBIDDEN = re.compile(r"\((а|ла|ов|ы|ась)\)|ч \(кредитов\)")


@pytest.fixture(params=sorted(PEOPLE))
def person(request, cardiology):
    last, first, middle, sex = PEOPLE[request.param]
    return register_specialist(
        data=Registration(
            email=f"{request.param}@example.ru",
            password="correct-horse-battery-staple",
            last_name=last,
            first_name=first,
            middle_name=middle,
            snils=snils_number(),
            sex=sex,
            personal_data_consent=True,
        )
    )


def pdf_text(response) -> str:
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def credit(person, credits: int):
    return post_credit(
        specialist=person,
        activity=factories.event(title="Школа кардиолога", credits=credits),
        source="code",
        occurred_on=date(2025, 10, 1),
    )


def test_the_notice_and_the_report_name_the_specialist(client, person):
    cycle = enter_cycle(
        specialist=person, specialty_code=factories.CARDIOLOGY, starts_on=date(2025, 3, 1)
    )
    entry = credit(person, 6)
    client.force_login(person)
    notice = pdf_text(client.get(f"/cabinet/entries/{entry.pk}/notice.pdf"))
    assert f"Специалист {person.full_name}" in notice
    assert "Кредиты (академические часы) 6" in notice
    assert not FORBIDDEN.search(notice), notice
    report = pdf_text(client.get(f"/cabinet/cycles/{cycle.pk}/report.pdf"))
    assert f"Специалист: {person.full_name}" in report
    assert f"/ {person.short_name} /" in report
    assert not FORBIDDEN.search(report), report


@pytest.mark.parametrize(
    ("credits", "said"),
    [
        (1, "Вам начислен 1 кредит (1 академический час) за «Школа кардиолога»."),
        (4, "Вам начислено 4 кредита (4 академических часа) за «Школа кардиолога»."),
        (5, "Вам начислено 5 кредитов (5 академических часов) за «Школа кардиолога»."),
        (21, "Вам начислен 21 кредит (21 академический час) за «Школа кардиолога»."),
    ],
)
def test_the_e_mail_agrees_the_credits_with_their_number(
    person, credits, said, mailoutbox, django_capture_on_commit_callbacks
):
    entry = credit(person, credits)
    with django_capture_on_commit_callbacks(execute=True):
        send_credit_notice(entry=entry)
    [mail] = mailoutbox
    assert f"Здравствуйте, {person.first_name} {person.middle_name}!" in mail.body
    assert said in mail.body
    assert not FORBIDDEN.search(mail.body), mail.body


def test_the_reversal_e_mail_agrees_too(
    person, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    entry = credit(person, 2)
    with django_capture_on_commit_callbacks(execute=True):
        reverse_entry(actor=admin_user, entry=entry, reason="Ошибка провайдера")
    [mail] = [m for m in mailoutbox if "исправление" in m.subject]
    assert (
        "Начисление за «Школа кардиолога» сторнировано: списано 2 кредита "
        "(2 академических часа)." in mail.body
    )
    assert not FORBIDDEN.search(mail.body), mail.body
