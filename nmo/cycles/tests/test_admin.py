"""Back office: cycle rules are added as data through the service; the ledger is read-only."""

import json
from datetime import date

import pytest

from nmo.core.models import AuditEntry
from nmo.cycles.models import CycleRule
from nmo.cycles.services import post_credit
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Пилот 2027",
    "total_hours": "150",
    "parts": json.dumps({"programme": 108, "events": 16, "modules": 20}),
    "part_kinds": json.dumps(
        {"programme": ["programme"], "events": ["event"], "modules": ["module"]}
    ),
    "overflow": json.dumps({"events": "into_total", "modules": "into_total"}),
    "min_remote_share_of_programme": "0.50",
    "years": "5",
    "make_default": "on",
}


@pytest.mark.clause("faq-cycle-hours")
def test_an_admin_adds_a_rule_that_new_cycles_take(client, admin_user):
    """A rule is data: added in the back office (checked and audited by the service) it
    becomes the default with no change of code (faq-cycle-hours)."""
    client.force_login(admin_user)
    response = client.post("/admin/cycles/cyclerule/add/", RULE)
    assert response.status_code == 302
    rule = CycleRule.objects.get(is_default=True)
    assert (rule.name, rule.total_hours) == ("Пилот 2027", 150)
    assert AuditEntry.objects.filter(action="cycle_rule.add").exists()
    assert CycleRule.objects.filter(is_default=True).count() == 1
    assert client.get(f"/admin/cycles/cyclerule/{rule.pk}/change/").status_code == 200


def test_an_unsound_rule_is_refused_in_the_back_office(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/cycles/cyclerule/add/", {**RULE, "overflow": "{}"})
    assert response.status_code == 200
    assert "Сумма частей меньше общего объёма" in response.content.decode()
    assert not CycleRule.objects.filter(name="Пилот 2027").exists()


def test_the_ledger_is_read_only_in_the_back_office(client, admin_user, specialist):
    """No add, change or delete of ledger entries; each line links to the reversal form."""
    entry = post_credit(
        specialist=specialist,
        activity=factories.event(),
        source="code",
        occurred_on=date(2025, 10, 1),
    )
    client.force_login(admin_user)
    listing = client.get("/admin/cycles/creditentry/")
    assert listing.status_code == 200
    assert f"/cabinet/ledger/{entry.pk}/reverse/" in listing.content.decode()
    assert client.get("/admin/cycles/creditentry/add/").status_code == 403
    assert client.post(f"/admin/cycles/creditentry/{entry.pk}/delete/").status_code == 403


def test_the_ledgers_back_office_list_holds_at_the_countrys_size(
    client, admin_user, specialist, monkeypatch
):
    """The ledger holds 50M entries (ADR 0616): its list is counted up to COUNT_CAP (one
    count over a LIMIT, no second count of the table, no count per filter value, no
    calendar of years drawn from every entry), newest first, and pages through the first
    COUNT_CAP entries only; an entry is found by its number, a specialist's entries by
    their surname, and a search matching too many accounts asks to be narrowed."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import nmo.core.paging
    from nmo.cycles.admin import CreditEntryAdmin

    def said(html: str) -> str:
        return " ".join(html.split())

    def listed(html: str) -> list[int]:
        return [int(n) for n in re.findall(r"/cabinet/ledger/(\d+)/reverse/", html)]

    entries = [
        post_credit(
            specialist=specialist,
            activity=factories.event(),
            source="code",
            occurred_on=date(2025, 10, day),
        )
        for day in range(1, 6)
    ]
    newest_first = [e.pk for e in reversed(entries)]
    monkeypatch.setattr(nmo.core.paging, "COUNT_CAP", 3)
    monkeypatch.setattr(CreditEntryAdmin, "list_per_page", 2)
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as captured:
        html = said(client.get("/admin/cycles/creditentry/").content.decode())
    assert "больше 3 записей (показаны первые 3 — уточните поиск или фильтры)" in html
    assert listed(html) == newest_first[:2]
    ledger = [q["sql"] for q in captured.captured_queries if "cycles_creditentry" in q["sql"]]
    counts = [sql for sql in ledger if "COUNT(" in sql.upper()]
    assert len(counts) == 1, counts
    assert "LIMIT 4" in counts[0]
    assert not [sql for sql in ledger if "MIN(" in sql.upper() or "MAX(" in sql.upper()]
    assert "_facets" not in html
    last = said(client.get("/admin/cycles/creditentry/", {"p": "2"}).content.decode())
    assert listed(last) == newest_first[2:3]  # the cap's last entry, no further

    by_number = client.get("/admin/cycles/creditentry/", {"q": str(entries[1].pk)})
    found = said(by_number.content.decode())
    assert listed(found) == [entries[1].pk]
    assert "Найдено: 1 запись" in found
    assert client.get("/admin/cycles/creditentry/", {"q": "²"}).status_code == 200
    monkeypatch.setattr(nmo.core.paging, "COUNT_CAP", 10_000)
    monkeypatch.setattr(CreditEntryAdmin, "list_per_page", 100)
    theirs = said(client.get("/admin/cycles/creditentry/", {"q": "Иванова"}).content.decode())
    assert listed(theirs) == newest_first
    assert "Найдено: 5 записей" in theirs
    monkeypatch.setattr("nmo.cycles.admin._MAX_SPECIALISTS", 0)
    vague = said(client.get("/admin/cycles/creditentry/", {"q": "Иванова"}).content.decode())
    assert "подходит больше 0 специалистов: уточните поиск" in vague
    assert listed(vague) == []
