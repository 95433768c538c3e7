"""The audit log's search is bounded in time on PostgreSQL (ADR 0618): a search that reads
too much of the log — a rare name as written over every month of a national log — is cut
off by `statement_timeout` and answered at once in Russian, asking for a period, instead
of holding the request past the proxy's timeout. These tests make the search slow for
sure: many entries and a limit of one millisecond."""

import pytest
from django.db import connection

from nmo.core.models import AuditEntry
from nmo.web import views

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

STOPPED = "Поиск остановлен: он шёл дольше"


@pytest.fixture
def large_log() -> int:
    """Fifty thousand entries written this hour: a text none of them holds is searched
    through all of them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditEntry._meta.db_table} "  # noqa: S608 - the model's table
            "(created_at, actor_repr, action, object_type, object_id, object_repr, changes, "
            "prev_hash, entry_hash) "
            "SELECT now() - g * interval '10 milliseconds', 'Иванов Иван ' || g, 'test.bulk', "
            "'', '', 'Запись ' || g, '{}', '', '' FROM generate_series(1, 50000) g"
        )
    return AuditEntry.objects.count()


def test_a_search_that_runs_too_long_is_stopped_with_a_russian_answer(
    client, admin_user, monkeypatch, large_log
):
    """Past the limit the page answers 200 with «Поиск остановлен…» and no entries, the
    export shows the same instead of a file; with the usual limit the same search
    answers: nothing found, every filter kept."""
    client.force_login(admin_user)
    search = {"person": "Ни Кого Такого", "object_text": "Нет такого объекта"}
    monkeypatch.setattr(views, "AUDIT_SEARCH_SECONDS", 0.001)

    response = client.get("/audit/", search)
    assert response.status_code == 200
    html = response.content.decode()
    assert STOPPED in html
    assert "Укажите период" in html
    assert 'value="Нет такого объекта"' in html  # the filters stay as typed

    export = client.get("/audit/export/", {**search, "format": "csv"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/html")
    assert STOPPED in export.content.decode()
    assert not AuditEntry.objects.filter(action="audit.export").exists()

    monkeypatch.undo()  # the usual limit
    answered = client.get("/audit/", search)
    assert answered.status_code == 200
    assert STOPPED not in answered.content.decode()
    assert "Записей не найдено." in answered.content.decode()
    unfiltered = client.get("/audit/").content.decode()
    assert STOPPED not in unfiltered
    assert "Иванов Иван 1<" in unfiltered or "Иванов Иван 1 " in unfiltered


def test_the_limit_is_the_searchs_own(client, admin_user, monkeypatch, large_log):
    """The limit holds only inside the search's transaction: after a search that finished
    under it, and after one cut off by it, the connection's next statement runs without
    it; inside a caller's transaction the caller's limit is put back."""
    from nmo.core.sql import time_limited

    client.force_login(admin_user)
    monkeypatch.setattr(views, "AUDIT_SEARCH_SECONDS", 7)
    assert (
        "Записей не найдено."
        in client.get("/audit/", {"object_text": "Нет такого"}).content.decode()
    )

    def limit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return str(cursor.fetchone()[0])

    assert limit() == "0"
    monkeypatch.setattr(views, "AUDIT_SEARCH_SECONDS", 0.001)
    assert STOPPED in client.get("/audit/", {"object_text": "Нет такого"}).content.decode()
    assert limit() == "0"

    from django.db import transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '45s'")
        with time_limited("default", 7):
            assert limit() == "7s"
        assert limit() == "45s"
    assert limit() == "0"
