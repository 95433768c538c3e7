"""The cluster's fixtures: PostgreSQL only (SQLite is one file on one machine), nginx
from the system's packages (CI installs it, and fails here without it, as with chromium)."""

import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import connection

from tests.cluster.harness import Cluster, new_cluster, nginx_binary


@pytest.fixture(scope="module")
def cluster(request, django_db_setup, django_db_blocker) -> Iterator[Cluster]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the nodes share one database server")
    if nginx_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: CI installs it (.ci/run)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    running = new_cluster()
    try:
        with django_db_blocker.unblock():
            running.start()
    except Exception:
        logs = running.logs()
        running.stop()
        pytest.fail(f"the cluster did not start:\n{logs}")
    yield running
    running.stop()
    # The nodes' and nginx's logs stay in the folder when a test failed.
    if request.session.testsfailed == 0:
        shutil.rmtree(running.folder, ignore_errors=True)


@pytest.fixture
def nodes(cluster: Cluster, transactional_db) -> Cluster:  # type: ignore[no-untyped-def]
    """The running cluster, with a fresh Redis (no counters or cached pages of another
    test) and the test's rows committed, so every node sees them."""
    cluster.flush_redis()
    return cluster
