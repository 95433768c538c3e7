"""Fixtures of the codes tests (the shared actors live in the root conftest.py)."""

import pytest
from django.core.cache import cache

from nmo.codes.tests.factories import accredited_event, make_specialist, provider_staff


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event(provider):  # type: ignore[no-untyped-def]
    """An accredited two-day event of 6 credits of the provider «Общество кардиологов»."""
    return accredited_event(submitted_by=provider)


@pytest.fixture
def other_provider(db):  # type: ignore[no-untyped-def]
    return provider_staff("other-provider@example.ru", "Ассоциация неврологов")


@pytest.fixture
def colleague(db):  # type: ignore[no-untyped-def]
    """A second specialist."""
    return make_specialist("sidorov@example.ru", last_name="Сидоров", first_name="Семён")
