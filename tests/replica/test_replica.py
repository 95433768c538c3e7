"""A real streaming replica behind the app (ADR 0605, issue 16 point 4): a throwaway
primary, its standby from `pg_basebackup -R`, gunicorn with REPLICA_DATABASE_URL, and
HTTP clients. With the standby's replay paused, the writer reads their own write and the
public reader still gets the catalogue, from the stale replica. A replica lost in the
middle of a request (its backend terminated, its server stopped) costs the reader nothing:
the page is answered from the primary, and the replica serves again once it is back
(ADR 0608).

Runs in the PostgreSQL stage only (it needs PostgreSQL's server programs; about a minute,
most of it the migrations of the throwaway database)."""

import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from tests.replica.cluster import (
    CODE,
    PASSWORD,
    RETRY_SECONDS,
    SECOND_TITLE,
    TITLE,
    Replicated,
    pg_bin,
    replicated_app,
)


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


def _accredit(expert: requests.Session, base: str, activity_id: int) -> None:
    review = f"{base}/catalogue/review/{activity_id}/"
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
    _accredit(expert, base, cluster.activity_id)
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


def _lost_mid_request(
    cluster: Replicated, lose: Callable[[list[int]], None]
) -> tuple[requests.Response, requests.Response]:
    """An anonymous catalogue and a code's verification page, each sent while the
    standby's replay holds a lock on the tables they read: each waits on the standby in
    the middle of its request (one per gunicorn worker), `lose` takes the standby from
    under them, then the lock is released on the primary."""
    base = cluster.app_url
    with ThreadPoolExecutor(2) as pool:
        with cluster.replay_holds(["catalog_activity", "codes_confirmationcode"]) as holder:
            catalogue = pool.submit(_catalogue, None, base)
            verification = pool.submit(requests.get, f"{base}/codes/verify/{CODE}/", timeout=60)
            lose(cluster.waiting_readers(2))
            holder.rollback()  # the primary may answer now
        return catalogue.result(timeout=90), verification.result(timeout=90)


def _answered(catalogue: requests.Response, verification: requests.Response) -> None:
    assert catalogue.status_code == 200, catalogue.text[:500]
    assert TITLE in catalogue.text
    assert verification.status_code == 200, verification.text[:500]
    assert "Свидетельство подлинное" in verification.text
    assert TITLE in verification.text


def test_a_replica_lost_mid_request_costs_the_reader_nothing(cluster):
    """Two readers wait on the standby in the middle of their requests (the catalogue and
    a code's verification page; the standby's replay holds a lock the primary took). Their
    standby backends are terminated — both pages answer 200 with the accredited activity,
    from the primary, and each worker logs the loss. Then the standby server itself is
    stopped (`pg_ctl stop -m immediate`) under two waiting readers: the same. Once the
    standby is back and REPLICA_RETRY_SECONDS have passed, public reads go to the replica
    again (with its replay paused they miss a change only the primary has), while an
    expert who writes reads their write at once."""
    base = cluster.app_url
    expert = _signed_in(base, "expert@example.ru")
    if (
        cluster.primary.query(
            "SELECT status FROM catalog_activity WHERE id = %s", [cluster.activity_id]
        )
        != "accredited"
    ):
        _accredit(expert, base, cluster.activity_id)  # this test run alone
    cluster.start_standby()
    cluster.wait_caught_up(timeout=60)
    time.sleep(RETRY_SECONDS + 0.5)  # whatever failed before, the workers try the replica

    def terminate(pids: list[int]) -> None:
        for pid in pids:
            assert cluster.standby.query("SELECT pg_terminate_backend(%s)", [pid])

    _answered(*_lost_mid_request(cluster, terminate))
    assert cluster.app_output().count("посреди запроса") == 2  # one a worker

    time.sleep(RETRY_SECONDS + 0.5)
    _answered(*_lost_mid_request(cluster, lambda pids: cluster.standby.stop()))
    assert cluster.app_output().count("посреди запроса") == 4

    # The standby is back: after REPLICA_RETRY_SECONDS public readers read it again.
    cluster.start_standby()
    cluster.wait_caught_up(timeout=60)
    time.sleep(RETRY_SECONDS + 0.5)
    cluster.pause_replay()
    renamed = f"{TITLE}, второй поток"
    cluster.primary.query(
        "UPDATE catalog_activity SET title = %s WHERE id = %s", [renamed, cluster.activity_id]
    )
    for _ in range(4):  # both workers
        public = _catalogue(None, base)
        assert public.status_code == 200
        assert TITLE in public.text
        assert renamed not in public.text  # the paused replica answered, not the primary
        verification = requests.get(f"{base}/codes/verify/{CODE}/", timeout=30)
        assert verification.status_code == 200
        assert renamed not in verification.text

    # A writer reads their own write, the replica still paused.
    _accredit(expert, base, cluster.second_activity_id)
    own = _catalogue(expert, base)
    assert SECOND_TITLE in own.text
    assert renamed in own.text
    public = _catalogue(None, base)
    assert SECOND_TITLE not in public.text

    cluster.resume_replay()
    cluster.wait_caught_up()
    public = _catalogue(None, base)
    assert SECOND_TITLE in public.text
    assert renamed in public.text
