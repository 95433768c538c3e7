"""The cabinet page: cycles with accessible progress, the cycle form, the credit history."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nmo.cycles.models import Cycle
from nmo.cycles.services import add_plan_item, enter_cycle, post_credit
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db

URL = "/cabinet/"
# 12 for the cabinet itself, 3 for the panels of other apps (ADR 0117: the cycles'
# specialties, the programmes panel's applications and its open cohorts), each one query
# whatever the data.
MAX_QUERIES = 15


@pytest.fixture
def cycle(specialist, cardiology):
    return enter_cycle(
        specialist=specialist, specialty_code=factories.CARDIOLOGY, starts_on=date(2025, 3, 1)
    )


def test_it_checks_access(client, provider, admin_user):
    """A visitor is sent to log in; a provider or administrator gets 403."""
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    for user in (provider, admin_user):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_the_menu_leads_a_specialist_to_the_cabinet(client, specialist):
    client.force_login(specialist)
    html = client.get("/").content.decode()
    assert 'href="/cabinet/"' in html
    assert "Мой кабинет" in html


@pytest.mark.clause("faq-portal-cycles", "faq-cycle-hours")
def test_progress_is_shown_in_words_and_accessible_bars(client, specialist, cycle):
    """Each part is a role="progressbar" with its values and a visible text "6 из 16 ч"
    and a status in words; excess is written out (never colour only)."""
    post_credit(
        specialist=specialist,
        activity=factories.event(credits=6),
        source="code",
        occurred_on=date(2025, 10, 1),
    )
    post_credit(
        specialist=specialist,
        activity=factories.module(credits=24),
        source="module",
        occurred_on=date(2025, 10, 2),
    )
    client.force_login(specialist)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Кардиология" in html
    assert "01.03.2025 — 28.02.2030" in html
    assert html.count('role="progressbar"') == 4
    assert 'aria-valuemin="0" aria-valuemax="16" aria-valuenow="6"' in html
    assert "6 из 16 ч" in html
    assert "осталось 10 ч" in html
    assert "20 из 20 ч" in html
    assert "✓ выполнено" in html
    assert "сверх требуемого 4 ч" in html
    assert "26 из 144 ч" in html
    assert "условие пока не выполнено" in html


@pytest.mark.clause("faq-voluntary", "faq-portal-cycles")
def test_a_specialist_enters_a_cycle_from_the_cabinet(client, specialist, cardiology):
    """Without a cycle the cabinet says participation is voluntary and offers the form;
    the form creates the cycle; a bad date is answered 422 with the error."""
    client.force_login(specialist)
    html = client.get(URL).content.decode()
    assert "Участие добровольное" in html
    assert '<option value="31.08.36">Кардиология</option>' in html
    bad = client.post("/cabinet/cycles/new/", {"specialty": "31.08.36", "starts_on": "2020-01-01"})
    assert bad.status_code == 422
    assert "закончился" in bad.content.decode()
    response = client.post(
        "/cabinet/cycles/new/", {"specialty": "31.08.36", "starts_on": "2025-03-01"}
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(specialist=specialist)
    assert response["Location"].endswith(f"#cycle-{cycle.pk}")
    again = client.post(
        "/cabinet/cycles/new/", {"specialty": "31.08.36", "starts_on": "2026-01-01"}
    )
    assert again.status_code == 422
    assert "уже есть цикл" in again.content.decode()


@pytest.mark.clause("faq-keep-proof")
def test_the_history_lists_entries_with_their_notices(client, specialist, cycle):
    entry = post_credit(
        specialist=specialist,
        activity=factories.event(title="Кардиология-2025", credits=6),
        source="code",
        occurred_on=date(2025, 10, 1),
    )
    client.force_login(specialist)
    html = client.get(URL).content.decode()
    assert "Кардиология-2025" in html
    assert "01.10.2025" in html
    assert "Активация ИКП" in html
    assert f'href="/cabinet/entries/{entry.pk}/notice.pdf"' in html


def _queries(client, *, cold=True):
    """The number of queries of one cabinet visit; `cold` empties the cache first."""
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_cabinet_query_count_does_not_grow_with_data(
    client, specialist, cycle, therapy, django_assert_max_num_queries
):
    """A fixed number of queries, whatever the number of cycles, entries and plan items:
    progress of all cycles in one query, plans in one, a history page in one."""
    post_credit(
        specialist=specialist,
        activity=factories.module(),
        source="module",
        occurred_on=date(2025, 5, 1),
    )
    client.force_login(specialist)
    small = _queries(client)
    enter_cycle(specialist=specialist, specialty_code=factories.THERAPY, starts_on=date(2025, 3, 1))
    for n in range(40):
        activity = factories.event(
            credits=1, specialties=[factories.CARDIOLOGY if n % 2 else factories.THERAPY]
        )
        if n < 10 and n % 2:
            add_plan_item(specialist=specialist, cycle=cycle, activity=activity)
        post_credit(
            specialist=specialist, activity=activity, source="code", occurred_on=date(2025, 5, 1)
        )
    assert _queries(client) == small
    cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(URL)


def test_a_repeated_visit_reads_the_cache_and_a_change_shows_at_once(client, specialist, cycle):
    """While nothing changes, the cycles and history come from the cache (no ledger
    query); a new credit is shown on the very next visit."""
    client.force_login(specialist)
    cold = _queries(client)
    warm = _queries(client, cold=False)
    assert warm <= cold - 4
    post_credit(
        specialist=specialist,
        activity=factories.event(title="Новая конференция", credits=6),
        source="code",
        occurred_on=date(2025, 10, 1),
    )
    html = client.get(URL).content.decode()
    assert "Новая конференция" in html
    assert "6 из 16 ч" in html


def test_a_plan_item_is_removed_through_the_shared_form(client, specialist, cycle):
    """The remove buttons of the cached plan submit the page's one CSRF-protected form."""
    item = add_plan_item(specialist=specialist, cycle=cycle, activity=factories.module())
    client.force_login(specialist)
    html = client.get(URL).content.decode()
    assert '<form id="plan-remove-form" method="post" hidden>' in html
    assert f'form="plan-remove-form" formaction="/cabinet/plan/{item.pk}/remove/"' in html
