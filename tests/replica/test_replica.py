"""A real streaming replica behind the app (ADR 0605, issue 16 point 4): a throwaway
primary, its standby from `pg_basebackup -R`, gunicorn with REPLICA_DATABASE_URL, and
HTTP clients. With the standby's replay paused, the writer reads their own write and the
public reader still gets the catalogue, from the stale replica.

Runs in the PostgreSQL stage only (it needs PostgreSQL's server programs; about a minute,
most of it the migrations of the throwaway database)."""

import re
from collections.abc import Iterator

import pytest
import requests
from django.db import connection

from tests.replica.cluster import PASSWORD, TITLE, Replicated, pg_bin, replicated_app


@pytest.fixture(scope="module")
def cluster() -> Iterator[Replicated]:
    if connection.vendor != "postgresql":
        pytest.skip("the replica harness runs in the PostgreSQL stage")
    if pg_bin() is None:
        pytest.fail("PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are missing")
    with replicated_app() as replicated:
        yield replicated


def _token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": _token(page.text)},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _catalogue(client: requests.Session | None, base: str) -> requests.Response:
    getter = client.get if client is not None else requests.get
    return getter(f"{base}/catalogue/", params={"q": "Реплика"}, timeout=30)


def test_the_writer_reads_their_write_and_public_readers_always_get_an_answer(cluster):
    """With the standby's replay paused, an expert accredits an application over HTTP:
    the expert's next page of the public catalogue lists it at once (read from the
    primary, their browser carries their write's WAL position), while an anonymous
    reader's catalogue still answers 200 from the replica without it. Once replay
    resumes and the standby catches up, both read the replica and both see it. With the
    standby stopped, public readers are answered from the primary.

    One test on one cluster: the harness takes a minute to build (the migrations)."""
    base = cluster.app_url
    assert TITLE not in _catalogue(None, base).text  # submitted, not yet in the catalogue
    expert = _signed_in(base, "expert@example.ru")
    cluster.pause_replay()
    review = f"{base}/catalogue/review/{cluster.activity_id}/"
    decided = expert.post(
        review,
        data={
            "decision": "accredited",
            "credits": "6",
            "comment": "",
            "csrfmiddlewaretoken": _token(expert.get(review, timeout=30).text),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert decided.status_code == 302, decided.text[:500]
    assert (
        cluster.primary.query(
            "SELECT status FROM catalog_activity WHERE id = %s", [cluster.activity_id]
        )
        == "accredited"
    )
    assert (
        cluster.standby.query(
            "SELECT status FROM catalog_activity WHERE id = %s", [cluster.activity_id]
        )
        == "submitted"
    )  # the replica is behind
    assert expert.cookies.get("nmo_wal")

    for _ in range(3):  # every read, not one lucky one
        own = _catalogue(expert, base)
        assert own.status_code == 200
        assert TITLE in own.text
        public = _catalogue(None, base)
        assert public.status_code == 200
        assert "Каталог" in public.text
        assert TITLE not in public.text  # served by the paused replica: an answer, stale
    assert expert.cookies.get("nmo_wal")  # still pinned: the replica has not replayed it

    cluster.resume_replay()
    cluster.wait_caught_up()
    assert TITLE in _catalogue(None, base).text
    own = _catalogue(expert, base)
    assert TITLE in own.text
    assert not expert.cookies.get("nmo_wal")  # caught up: the writer reads the replica again

    # The standby stops: the public catalogue is read from the primary (after one failed
    # connection the replica is left alone for REPLICA_RETRY_SECONDS), never an error page.
    cluster.standby.stop()
    for _ in range(3):
        response = _catalogue(None, base)
        assert response.status_code == 200
        assert TITLE in response.text
