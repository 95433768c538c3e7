"""The cabinet's version (`CabinetStamp`) changes with every change, in its transaction."""

import pytest
from django.db import connection

from nmo.cycles.cache import cabinet_version, invalidate_cabinet, new_version, stamp_upsert

pytestmark = pytest.mark.django_db


def test_every_invalidation_gives_a_new_version(specialist):  # type: ignore[no-untyped-def]
    assert cabinet_version(specialist.pk) == "-"
    invalidate_cabinet(specialist.pk)
    first = cabinet_version(specialist.pk)
    invalidate_cabinet(specialist.pk)
    assert first != "-"
    assert cabinet_version(specialist.pk) not in {first, "-"}


@pytest.mark.parametrize(
    ("rows", "changes"), [("SELECT 1 AS x", True), ("SELECT 1 AS x WHERE 1 = 0", False)]
)
def test_the_statement_form_changes_the_version_once_per_source_row(specialist, rows, changes):  # type: ignore[no-untyped-def]
    """The form the code activation embeds (`SELECT … FROM source`) runs on both
    databases and changes the version only when its source yields a row."""
    invalidate_cabinet(specialist.pk)
    before = cabinet_version(specialist.pk)
    with connection.cursor() as cursor:
        cursor.execute(stamp_upsert(source=f"({rows}) s"), [specialist.pk, new_version()])
    assert (cabinet_version(specialist.pk) != before) is changes
