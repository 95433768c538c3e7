"""Race tests: real threads, each with its own connection, against PostgreSQL (style.md §6).

SQLite serialises writers, so a race there proves nothing: every test in this folder is
skipped unless the database is PostgreSQL (CI runs them on PostgreSQL and fails if they
are skipped there).
"""

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrency is proven against the production database")
