"""`core.sql.insert_select`: a model row inserted by hand-written SQL carries what Django
would have written for it."""

import pytest
from django.db import connection

from nmo.core.models import AuditEntry
from nmo.core.sql import insert_select

pytestmark = pytest.mark.django_db


def _run(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _values() -> dict[str, object]:
    return {"action": "test.insert", "actor_repr": "система", "changes": {"n": 1}}


def test_one_row_per_source_row_with_djangos_values_and_the_computed_ones():
    """Defaults (`object_type`, `ip`), `auto_now_add` and JSON are prepared by the model's
    fields; a computed column takes its value from the source."""
    sql, params = insert_select(
        AuditEntry, _values(), computed={"object_id": "s.x"}, source="(SELECT 'A-17' AS x) s"
    )
    _run(sql, params)
    entry = AuditEntry.objects.get(action="test.insert")
    assert entry.object_id == "A-17"
    assert entry.changes == {"n": 1}
    assert entry.created_at is not None
    assert entry.actor_repr == "система"
    assert (entry.object_type, entry.ip, entry.actor_id) == ("", None, None)


def test_an_empty_source_inserts_nothing():
    sql, params = insert_select(
        AuditEntry,
        _values(),
        computed={"object_id": "s.x"},
        source="(SELECT 'A-17' AS x WHERE 1 = 0) s",
    )
    _run(sql, params)
    assert not AuditEntry.objects.filter(action="test.insert").exists()


def test_a_computed_field_the_model_lacks_is_refused():
    with pytest.raises(ValueError, match="no fields"):
        insert_select(AuditEntry, _values(), computed={"nonsense": "1"}, source="(SELECT 1) s")
