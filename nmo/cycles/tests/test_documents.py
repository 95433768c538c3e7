"""Documents of the cabinet: the activity report and the credit notices (PDF)."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from nmo.cycles.selectors import notice_token
from nmo.cycles.services import (
    add_plan_item,
    enter_cycle,
    post_credit,
    record_programme_hours,
    reverse_entry,
)
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def cycle(specialist, cardiology):
    return enter_cycle(
        specialist=specialist, specialty_code=factories.CARDIOLOGY, starts_on=date(2025, 3, 1)
    )


@pytest.fixture
def entry(specialist, cycle):
    return post_credit(
        specialist=specialist,
        activity=factories.event(title="Школа кардиолога", credits=6),
        source="code",
        occurred_on=date(2025, 10, 1),
    )


@pytest.mark.clause("faq-report")
def test_the_activity_report_holds_the_person_the_cycle_and_the_totals(
    client, specialist, cycle, entry, staff
):
    """The report for the educational organisation is produced from the plan and the
    ledger: name, SNILS, specialty, cycle dates, required and earned per part, the
    entries and the plan, the date (faq-report)."""
    record_programme_hours(
        actor=staff,
        specialist=specialist,
        specialty=cycle.specialty,
        hours=108,
        remote_hours=60,
        completed_on=date(2026, 5, 30),
        reference="Удостоверение 612400012345",
    )
    add_plan_item(specialist=specialist, cycle=cycle, activity=factories.module(title="ЭКГ"))
    client.force_login(specialist)
    text = _text(client.get(f"/cabinet/cycles/{cycle.pk}/report.pdf"))
    for expected in (
        "Отчет об образовательной активности",
        "Иванова Мария Петровна",
        "112-233-445 95",
        "31.08.36 Кардиология",
        "01.03.2025 — 28.02.2030",
        "Школа кардиолога",
        "Удостоверение 612400012345",
        "ЭКГ",
        "запланировано",
        "144",
        "114",
        "15.06.2026",
    ):
        assert expected in text, expected


@pytest.mark.clause("faq-keep-proof")
def test_a_credit_notice_stays_downloadable(client, specialist, entry):
    """The notice of an entry can be downloaded at any time later (faq-keep-proof)."""
    with time_machine.travel(datetime(2029, 1, 10, 9, 0, tzinfo=ZoneInfo("Europe/Moscow"))):
        client.force_login(specialist)
        text = _text(client.get(f"/cabinet/entries/{entry.pk}/notice.pdf"))
    assert "Уведомление о начислении кредитов" in text
    assert f"№ {entry.pk}" in text
    assert "Иванова Мария Петровна" in text
    assert "Школа кардиолога" in text
    assert "Кардиология" in text
    assert "Активация ИКП" in text


@pytest.mark.clause("faq-keep-proof", "faq-report")
def test_it_checks_access(client, specialist, other_specialist, entry, cycle):
    """Another specialist gets 404 for the notice and for the report; a visitor is sent
    to log in."""
    notice = f"/cabinet/entries/{entry.pk}/notice.pdf"
    report = f"/cabinet/cycles/{cycle.pk}/report.pdf"
    assert client.get(notice).status_code == 302
    client.force_login(other_specialist)
    assert client.get(notice).status_code == 404
    assert client.get(report).status_code == 404


@pytest.mark.clause("faq-keep-proof")
def test_the_verification_page_shows_whether_the_entry_stands(client, entry, admin_user):
    """The QR of a notice leads to a public page that confirms the entry with initials
    only; after a reversal it says so; a forged token is not found."""
    url = f"/cabinet/verify/{notice_token(entry)}/"
    html = client.get(url).content.decode()
    assert "Запись действительна" in html
    assert "Иванова М.П." in html
    assert "112-233" not in html
    reverse_entry(actor=admin_user, entry=entry, reason="Ошибка")
    assert "Запись сторнирована" in client.get(url).content.decode()
    assert client.get(f"/cabinet/verify/{entry.pk}/").status_code == 404


def test_a_300_entry_activity_report_splits_no_row(client, specialist, cycle):
    """An activity report of 300 ledger entries (issue 12, point 5): each entry's row stands
    whole on one page, the ledger's head repeats on each page it spans, and the specialist's
    signature line stays with the report's date on a page that holds more than the
    signature; the file is named in Russian (faq-report)."""
    from urllib.parse import unquote

    from nmo.printing.tests.pdf_checks import pages_text

    titles = []
    for n in range(300):
        # Long titles, so that a row takes two or three lines and could be cut.
        title = (
            f"Школа кардиолога № {n + 1}: современные подходы к диагностике и лечению "
            "хронической сердечной недостаточности у пациентов пожилого возраста"
        )
        titles.append(title)
        post_credit(
            specialist=specialist,
            activity=factories.event(title=title, credits=1),
            source="code",
            occurred_on=date(2025, 10, 1),
        )
    client.force_login(specialist)
    response = client.get(f"/cabinet/cycles/{cycle.pk}/report.pdf")
    assert response.status_code == 200
    pages = pages_text(response.content)
    assert len(pages) > 10
    for title in titles:
        # The row: the title, the kind and the provider, whole on one page.
        row = f"{title} (учебное мероприятие)"
        assert sum(row in page for page in pages) == 1, title
    ledger_pages = [p for p in pages if "Школа кардиолога №" in p]
    assert all("№ записи Дата" in p for p in ledger_pages)
    [last] = [p for p in pages if "Отчет сформирован" in p]
    assert "/ Иванова М.П. /" in last
    assert len(last.split("Отчет сформирован")[0].strip()) > 40
    header = response["Content-Disposition"]
    name = unquote(header.split("filename*=UTF-8''")[1])
    assert (
        name == "Отчёт об образовательной активности НМО — Иванова М.П. — 31.08.36 — 2025–2030.pdf"
    )


@pytest.mark.clause("faq-keep-proof", "faq-sync-why")
def test_the_notice_of_a_synced_credit_names_where_it_came_from(
    client, specialist, cycle, settings
):
    """The notice of a credit brought over from the credit portal names that portal, the
    record's number there and the time of the synchronisation (its provenance), and does
    not pass it off as a programme (faq-sync-why, faq-keep-proof)."""
    settings.OTHER_PORTAL_URL = "https://credits.example.ru"
    settings.OTHER_PORTAL_NAME = "Портал непрерывного образования"
    entry = factories.synced_credit(
        specialist,
        portal="https://credits.example.ru",
        title="Конференция «Кардиология сегодня»",
        synced_at=datetime(2025, 10, 2, 12, 30, tzinfo=ZoneInfo("UTC")),
    )
    client.force_login(specialist)
    text = " ".join(_text(client.get(f"/cabinet/entries/{entry.pk}/notice.pdf")).split())
    text = text.replace("https:// ", "https://")  # a long address wraps in its cell
    assert "Уведомление о начислении кредитов" in text
    assert "Конференция «Кардиология сегодня»" in text
    assert (
        "Получено с портала учёта кредитов «Портал непрерывного образования» "
        "(https://credits.example.ru)" in text
    )
    assert "Номер записи на портале учёта кредитов № 4217" in text
    assert "Синхронизировано 02.10.2025 15:30" in text  # Moscow time
    assert "Синхронизация с порталом учёта кредитов" in text
    assert "Программа ДПП" not in text
    assert "Образовательная организация" not in text
