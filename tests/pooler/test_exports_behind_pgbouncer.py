"""The exports behind PgBouncer in transaction mode (ADR 0607): with server-side cursors
off, `.iterator()` would read a year at once; the FRDO export reads keyset chunks —
each an ordinary statement that needs nothing of the connection after it — and streams
a complete file. Runs under `make test-pgbouncer` only (ADR 0604)."""

import pytest
from django.conf import settings
from django.db import connection

from nmo.documents.tests.factories import RGMU, organisation_under
from nmo.documents.tests.test_frdo_streaming import exported_in_chunks
from nmo.regulations.types import PresetCode

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _behind_pgbouncer() -> None:
    if getattr(settings, "DATABASE_POOLER", "") != "pgbouncer" or connection.vendor != "postgresql":
        pytest.skip("runs under `make test-pgbouncer` (ADR 0604)")


def test_the_frdo_export_reads_a_year_in_chunks_behind_the_pooler(monkeypatch):
    """45 documents in chunks of 10 through the pooler: five reads with a LIMIT, no
    cursor declared, and the file holds every document once, in register order."""
    rgmu = organisation_under(PresetCode.ROSTGMU, name=RGMU, email="pooled-frdo@example.ru")
    statements, numbers = exported_in_chunks(rgmu, 45, 10, monkeypatch)
    reads = [sql for sql in statements if "documents_qualificationdocument" in sql]
    assert len(reads) == 5
    assert all("LIMIT 10" in read for read in reads)
    assert not any("DECLARE" in sql for sql in statements)
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 45
