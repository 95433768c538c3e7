"""The calendar pages: a year as twelve month tables, and the administrators' mark form."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from nmo.core.models import AuditEntry
from nmo.workcalendar.models import CalendarDay, DaySource
from nmo.workcalendar.services import mark_day, seed_calendar
from nmo.workcalendar.types import DayKind

pytestmark = pytest.mark.django_db

DECREE = "Постановление Правительства РФ от 04.10.2024 № 1335"
URL_2025 = reverse("workcalendar:year", kwargs={"year": 2025})


@pytest.fixture
def seeded():
    seed_calendar(first_year=2025, last_year=2025)


def _form(**overrides):
    data = {
        "date": "2025-03-12",
        "is_working": "0",
        "kind": DayKind.EXTRA_DAY_OFF,
        "name": "Дополнительный выходной",
        "decree": DECREE,
    }
    data.update(overrides)
    return data


def test_a_visitor_who_is_not_signed_in_is_sent_to_log_in(client):
    response = client.get(URL_2025)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_signed_in_user_sees_the_year_with_text_markers(client, specialist, seeded):
    """Twelve captioned month tables; non-working days carry the text marker "вых" and a
    spoken note, working Saturdays "раб"; no edit form for a non-administrator."""
    client.force_login(specialist)
    response = client.get(URL_2025)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Производственный календарь на 2025 год" in html
    assert html.count('<table class="table month"') == 12
    assert '<caption id="year-table-1-1">Январь 2025</caption>' in html
    assert '<th scope="col">' in html
    assert "вых</span>" in html
    assert "раб</span>" in html
    assert ", нерабочий день" in html
    assert "Рабочих дней: <strong>247</strong>" in html
    assert "Отметить день" not in html


@pytest.mark.time_machine(datetime(2025, 6, 2, 12, tzinfo=ZoneInfo("Europe/Moscow")), tick=False)
def test_the_calendar_page_opens_on_the_current_year(client, specialist):
    client.force_login(specialist)
    response = client.get(reverse("workcalendar:year_current"))
    assert response.status_code == 200
    assert "Производственный календарь на 2025 год" in response.content.decode()


def test_a_year_outside_the_calendar_is_not_found(client, specialist):
    client.force_login(specialist)
    assert client.get(reverse("workcalendar:year", kwargs={"year": 1989})).status_code == 404


def test_an_administrator_sees_the_mark_form(client, administrator):
    client.force_login(administrator)
    html = client.get(URL_2025).content.decode()
    assert "Отметить день" in html
    assert '<label for="id_decree">' in html


def test_an_administrator_marks_a_day_from_the_page(client, administrator):
    """The form calls mark_day: the day is stored, audited, and the page redirects back."""
    client.force_login(administrator)
    response = client.post(URL_2025, _form())
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=date(2025, 3, 12))
    assert (row.source, row.is_working) == (DaySource.ADMIN, False)
    assert AuditEntry.objects.filter(action="calendar.mark_day", actor=administrator).exists()


def test_a_mark_without_a_decree_shows_the_error(client, administrator):
    """A missing decree re-renders the form with the error (422) and stores nothing."""
    client.force_login(administrator)
    response = client.post(URL_2025, _form(decree=""))
    assert response.status_code == 422
    assert "Укажите реквизиты" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_a_contradictory_mark_shows_the_services_error(client, administrator):
    """A weekday cannot be a "working Saturday/Sunday": the service's message is shown."""
    client.force_login(administrator)
    response = client.post(URL_2025, _form(is_working="1", kind=DayKind.WORKING_WEEKEND, name=""))
    assert response.status_code == 422
    assert "подходит только для субботы" in response.content.decode()


def test_a_non_administrator_cannot_mark_a_day(client, specialist):
    """POSTing the form as a specialist is refused with 403."""
    client.force_login(specialist)
    response = client.post(URL_2025, _form())
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_the_reset_button_returns_a_day_to_the_plain_rule(client, administrator):
    mark_day(
        actor=administrator,
        day=date(2025, 3, 12),
        is_working=False,
        kind=DayKind.EXTRA_DAY_OFF,
        name="",
        decree=DECREE,
    )
    client.force_login(administrator)
    response = client.post(reverse("workcalendar:reset"), {"date": "2025-03-12"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=date(2025, 3, 12)).exists()
    assert AuditEntry.objects.filter(action="calendar.reset_day").exists()


def test_the_reset_button_checks_access(client, specialist):
    client.force_login(specialist)
    response = client.post(reverse("workcalendar:reset"), {"date": "2025-03-12"})
    assert response.status_code == 403
