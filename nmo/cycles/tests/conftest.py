"""Actor and data fixtures of the cycles tests (shared actors live in the root conftest)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nmo.accounts.services import add_user
from nmo.cycles.tests import factories

MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = datetime(2026, 6, 15, 12, 0, tzinfo=MOSCOW)


@pytest.fixture(autouse=True)
def _today():
    """Every cycles test runs on 15 June 2026 (Moscow), so dates in the tests are fixed."""
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def cardiology(db):
    return factories.specialty(factories.CARDIOLOGY)


@pytest.fixture
def therapy(db):
    return factories.specialty(factories.THERAPY)


@pytest.fixture
def staff(db):
    return add_user(
        email="study-office@example.ru",
        password="pw-1234567890",
        role="organisation_staff",
        organisation_name="ФГБОУ ВО РостГМУ Минздрава России",
    )


@pytest.fixture
def other_specialist(db):
    return add_user(
        email="petrov@example.ru",
        password="pw-1234567890",
        role="specialist",
        last_name="Петров",
        first_name="Пётр",
        snils="123-456-789 64",
    )
