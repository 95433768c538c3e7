"""Project-wide pytest plumbing: clause traceability (`make clauses`)."""

import json
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
_results: dict[str, list[dict[str, str]]] = defaultdict(list)
_clauses_of: dict[str, tuple[str, ...]] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clauses-report",
        action="store",
        default=None,
        help="write the clause → tests map (reports/clauses.json) to this path",
    )


def _restore_seeded_rows(item: pytest.Item) -> None:
    """A transactional test ends by emptying every table, which would also drop the rows
    migrations seed (the default cycle rule, …) for the tests after it; serialized
    rollback puts them back. Every transactional test must use it: one that flushes
    without it re-creates content types that the next restore would insert again."""
    fixtures = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    kwargs = dict(marker.kwargs) if marker is not None else {}
    transactional = bool(kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & fixtures
    )
    if not transactional or kwargs.get("serialized_rollback"):
        return
    kwargs.update(transaction=True, serialized_rollback=True)
    args = marker.args if marker is not None else ()
    item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        _restore_seeded_rows(item)
        ids: list[str] = []
        for marker in item.iter_markers(name="clause"):
            ids.extend(str(a) for a in marker.args)
        if ids:
            _clauses_of[item.nodeid] = tuple(dict.fromkeys(ids))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    ids = _clauses_of.get(report.nodeid)
    if not ids:
        return
    outcome = None
    if report.when == "call":
        outcome = report.outcome
    elif report.when == "setup" and report.outcome != "passed":
        outcome = "skipped" if report.skipped else "failed"
    elif report.when == "teardown" and report.failed:
        outcome = "failed"
    if outcome is None:
        return
    for clause in ids:
        entries = _results[clause]
        for entry in entries:
            if entry["nodeid"] == report.nodeid:
                if outcome == "failed":
                    entry["outcome"] = "failed"
                break
        else:
            entries.append({"nodeid": report.nodeid, "outcome": outcome})


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = session.config.getoption("--clauses-report")
    if not path or hasattr(session.config, "workerinput"):
        return
    report = {clause: {"tests": tests} for clause, tests in sorted(_results.items())}
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# Actor fixtures shared by every app's tests.

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test accounts only


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def specialist(db):  # type: ignore[no-untyped-def]
    from nmo.accounts.services import Registration, register_specialist

    return register_specialist(
        data=Registration(
            email="ivanova@example.ru",
            password=PASSWORD,
            last_name="Иванова",
            first_name="Мария",
            middle_name="Петровна",
            snils="112-233-445 95",
            personal_data_consent=True,
        )
    )


@pytest.fixture
def admin_user(db):  # type: ignore[no-untyped-def]
    from nmo.accounts.services import add_user

    return add_user(email="admin@example.ru", password=PASSWORD, role="admin")


@pytest.fixture
def provider(db):  # type: ignore[no-untyped-def]
    from nmo.accounts.services import add_user

    return add_user(
        email="provider@example.ru",
        password=PASSWORD,
        role="provider",
        organisation_name="Общество кардиологов",
    )


@pytest.fixture
def api_client():  # type: ignore[no-untyped-def]
    from django.test import Client

    return Client()


@pytest.fixture
def token_for(api_client):  # type: ignore[no-untyped-def]
    """Issue a bearer token through the public endpoint and return the auth header."""

    def issue(user, password: str = PASSWORD) -> dict[str, str]:  # type: ignore[no-untyped-def]
        response = api_client.post(
            "/api/v1/auth/token",
            {"email": user.email, "password": password},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    return issue


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and the cached work calendar never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _worker_keeps_the_tests_connection(monkeypatch):  # type: ignore[no-untyped-def]
    """`manage.py db_worker` closes stale connections between tasks, as it must in
    production. Inside a test's transaction "stale" is the test's own PostgreSQL
    connection (not in autocommit), so a test that runs the real worker keeps it open."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


# The append-only tables (their triggers' migrations): a transactional test's flush on
# SQLite deletes their rows, which the triggers refuse.
APPEND_ONLY_TRIGGERS = (
    ("core_auditentry", "nmo.core.migrations.0002_audit_append_only"),
    ("cycles_creditentry", "nmo.cycles.migrations.0006_ledger_append_only_h_b"),
)


@pytest.fixture(autouse=True)
def _flushable_append_only_tables(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Let pytest-django flush the append-only audit log and credit ledger after a
    transactional test.

    SQLite flushes with DELETE, which their triggers refuse (core 0002, cycles 0006);
    PostgreSQL flushes with TRUNCATE, as the owner role (nmo.core's `flush`, ADR 0023),
    which row triggers let through. This fixture requests pytest-django's database
    fixture, so its teardown runs first: it lifts the triggers, empties the tables and
    restores the triggers before the flush.
    """
    transactional = _is_transactional(request)
    if transactional:
        request.getfixturevalue("transactional_db")
    yield
    if not transactional:
        return
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table, module in APPEND_ONLY_TRIGGERS:
            triggers = importlib.import_module(module)
            for sql in triggers.SQLITE_DOWN:
                cursor.execute(sql)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names from this file
            for sql in triggers.SQLITE:
                cursor.execute(sql)


# Two database roles (ADR 0023): with DATABASE_OWNER_URL set, the test database is
# created, migrated and dropped by the owner role, and the tests run as the application's
# role, with only its privileges. Without it both fixtures change nothing.


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):  # type: ignore[no-untyped-def]
    from nmo.core import db_roles

    db_roles.use_owner()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from nmo.core import db_roles

    with django_db_blocker.unblock():
        db_roles.use_app()
    yield
    with django_db_blocker.unblock():
        db_roles.use_owner()
