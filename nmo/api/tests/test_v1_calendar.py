"""API v1, work calendar (api.md: Work calendar): public, no token."""

from datetime import date

import pytest
from django.core.cache import cache

from nmo.accounts.services import add_user
from nmo.workcalendar.services import mark_day, seed_calendar
from nmo.workcalendar.types import DayKind

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded():
    seed_calendar(first_year=2024, last_year=2026)


def _add(client, day, days):
    return client.get(f"{URL}/add-working-days", {"date": day, "days": days})


def test_year_lists_non_working_days_and_working_weekends(client, seeded):
    """2025: every weekend that is not worked plus the holidays are non-working; Saturday
    1 November is the one working weekend day."""
    response = client.get(f"{URL}/2025")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2025
    assert body["working_weekend_days"] == ["2025-11-01"]
    off = body["non_working_days"]
    assert off == sorted(off)
    for day in ("2025-01-01", "2025-01-08", "2025-05-02", "2025-05-08", "2025-11-03", "2025-12-31"):
        assert day in off
    assert "2025-01-04" in off  # a Saturday
    assert "2025-11-01" not in off
    assert "2025-01-09" not in off
    assert len(off) == 365 - 247


def test_a_year_without_seeded_rows_is_weekends_only(client):
    """An unseeded year in range is answered from weekends alone."""
    response = client.get(f"{URL}/1995")
    assert response.status_code == 200
    body = response.json()
    assert body["working_weekend_days"] == []
    assert all(date.fromisoformat(d).weekday() >= 5 for d in body["non_working_days"])


@pytest.mark.parametrize("year", ["1989", "2101"])
def test_a_year_out_of_range_is_a_validation_error(client, year):
    response = client.get(f"{URL}/{year}")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "year" in response.json()["errors"]


def test_a_year_that_is_not_a_number_is_a_validation_error(client):
    response = client.get(f"{URL}/next")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_the_eve_of_the_may_holidays(client, seeded):
    """One working day after Wednesday 30 April 2025 is Monday 5 May (1–4 May off)."""
    response = _add(client, "2025-04-30", 1)
    assert response.status_code == 200
    assert response.json() == {"date": "2025-05-05"}


def test_a_friday_before_a_holiday_weekend(client, seeded):
    """One working day after Friday 8 May 2026 is Tuesday 12 May: Victory Day falls on
    Saturday 9 May and its day off is Monday 11 May."""
    assert _add(client, "2026-05-08", 1).json() == {"date": "2026-05-12"}


@pytest.mark.parametrize(
    ("days", "expected"),
    [(9, "2025-01-20"), (10, "2025-01-21"), (11, "2025-01-22")],
)
def test_ten_working_days_across_the_new_year(client, seeded, days, expected):
    """Ten working days after Friday 27 December 2024 end on Tuesday 21 January 2025:
    Saturday 28 December is worked, 29 December to 8 January are off (N−1, N, N+1)."""
    response = _add(client, "2024-12-27", days)
    assert response.status_code == 200
    assert response.json()["date"] == expected


def test_a_working_saturday_is_counted(client, seeded):
    """One working day after Friday 31 October 2025 is Saturday 1 November."""
    assert _add(client, "2025-10-31", 1).json() == {"date": "2025-11-01"}


def test_an_administrators_mark_is_seen_at_once(client, seeded):
    admin = add_user(email="admin@example.org", password="Adm1n-passw0rd!", role="admin")
    assert _add(client, "2025-03-11", 1).json() == {"date": "2025-03-12"}
    mark_day(
        actor=admin,
        day=date(2025, 3, 12),
        is_working=False,
        kind=DayKind.EXTRA_DAY_OFF,
        name="",
        decree="Указ (пример)",
    )
    assert _add(client, "2025-03-11", 1).json() == {"date": "2025-03-13"}


@pytest.mark.parametrize("days", ["0", "-1", "3651", "ten"])
def test_days_out_of_range_are_a_validation_error(client, days):
    """N must be a whole number from 1 to 3650."""
    response = _add(client, "2025-03-11", days)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "days" in response.json()["errors"]


@pytest.mark.parametrize("day", ["2025-02-30", "11.03.2025", "", "9999-12-31", "1900-01-01"])
def test_a_bad_date_is_a_validation_error(client, day):
    response = _add(client, day, 1)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "date" in response.json()["errors"]


def test_both_parameters_are_required(client):
    response = client.get(f"{URL}/add-working-days")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"date", "days"}


def test_the_calendar_is_public(client, seeded):
    """No token is needed; a token that is not valid is not even looked at."""
    response = client.get(f"{URL}/2025", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 200
