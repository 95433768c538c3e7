"""Django admin for the calendar goes through the services, so every edit is audited."""

from datetime import date

import pytest
from django.urls import reverse

from nmo.core.models import AuditEntry
from nmo.workcalendar.models import CalendarDay, DaySource
from nmo.workcalendar.services import seed_calendar
from nmo.workcalendar.types import DayKind

pytestmark = pytest.mark.django_db

DECREE = "Постановление Правительства РФ от 04.10.2024 № 1335"


def _data(**overrides):
    data = {
        "date": "2025-03-12",
        "is_working": "",
        "kind": DayKind.EXTRA_DAY_OFF,
        "name": "Дополнительный выходной",
        "decree": DECREE,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_adding_a_day_in_admin_marks_it_through_the_service(client, administrator):
    """The admin's add form stores an administrator's row and audits "calendar.mark_day"."""
    client.force_login(administrator)
    response = client.post(reverse("admin:workcalendar_calendarday_add"), _data())
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CalendarDay.objects.get(date=date(2025, 3, 12))
    assert row.source == DaySource.ADMIN
    assert AuditEntry.objects.filter(action="calendar.mark_day", actor=administrator).exists()


def test_changing_a_seeded_day_in_admin_keeps_it_from_reseeding(client, administrator):
    seed_calendar(first_year=2025, last_year=2025)
    row = CalendarDay.objects.get(date=date(2025, 5, 2))
    client.force_login(administrator)
    response = client.post(
        reverse("admin:workcalendar_calendarday_change", args=[row.pk]),
        _data(date="", kind=DayKind.TRANSFERRED_DAY_OFF, name="Исправлено"),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.source, row.name) == (DaySource.ADMIN, "Исправлено")
    seed_calendar(first_year=2025, last_year=2025)
    row.refresh_from_db()
    assert row.name == "Исправлено"


def test_a_day_without_a_decree_is_refused_in_admin(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("admin:workcalendar_calendarday_add"), _data(decree=""))
    assert response.status_code == 200
    assert not CalendarDay.objects.exists()


def test_a_contradictory_day_is_refused_in_admin(client, administrator):
    """A working "holiday" is reported on the form, not saved."""
    client.force_login(administrator)
    response = client.post(
        reverse("admin:workcalendar_calendarday_add"),
        _data(is_working="on", kind=DayKind.HOLIDAY),
    )
    assert response.status_code == 200
    assert "нерабочий день" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_deleting_in_admin_resets_the_day(client, administrator):
    """Deleting a seeded day an administrator changed brings the seeded values back."""
    seed_calendar(first_year=2025, last_year=2025)
    row = CalendarDay.objects.get(date=date(2025, 11, 1))
    CalendarDay.objects.filter(pk=row.pk).update(source=DaySource.ADMIN, name="Правка")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:workcalendar_calendarday_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    restored = CalendarDay.objects.get(date=date(2025, 11, 1))
    assert (restored.source, restored.kind) == (DaySource.SEEDED, DayKind.WORKING_WEEKEND)
    assert AuditEntry.objects.filter(action="calendar.reset_day").exists()


def test_the_admin_list_shows_the_calendar(client, administrator):
    seed_calendar(first_year=2025, last_year=2025)
    client.force_login(administrator)
    response = client.get(reverse("admin:workcalendar_calendarday_changelist"), {"q": "Победы"})
    assert response.status_code == 200
    assert "День Победы" in response.content.decode()
