"""The activation outside any transaction on PostgreSQL — as the API and the pages run it
— is one pipeline of two round trips in its own transaction (ADR 0610, 0613): BEGIN,
the claim with its credit and the chain's lock, then the audit line on the hash chain
and the COMMIT. These tests drive the
service as a request does (autocommit, no test transaction around it) and check that
every way out leaves all or nothing, and a connection with no transaction and no lock
left open for the next request."""

import pytest
from django.db import connection
from psycopg.pq import TransactionStatus

from nmo.codes.exceptions import CodeNotActivated
from nmo.codes.models import ConfirmationCode
from nmo.codes.services import activate_code
from nmo.codes.tests.factories import (
    accredited_event,
    issued_codes,
    make_specialist,
    provider_staff,
)
from nmo.core.chain import verify_chain
from nmo.core.models import AuditEntry
from nmo.cycles.models import CreditEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def _generous_throttle(settings):  # type: ignore[no-untyped-def]
    settings.THROTTLE_ACTIVATION_FAILURES = 1000


@pytest.fixture
def event():  # type: ignore[no-untyped-def]
    staff = provider_staff("pipeline-provider@example.ru", "Общество кардиологов")
    return staff, accredited_event(submitted_by=staff)


def left_clean() -> None:
    """No transaction and no advisory lock (the audit chain's) left on the connection."""
    assert connection.get_autocommit()
    assert not connection.in_atomic_block
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        assert cursor.fetchone()[0] == 0


def nothing_written(code, specialist, lines: int) -> None:  # type: ignore[no-untyped-def]
    """The connection is left clean and the failed activation left nothing: the code
    unused, no credit, no new audit line."""
    left_clean()
    code.refresh_from_db()
    assert code.activated_at is None
    assert not CreditEntry.objects.filter(specialist=specialist).exists()
    assert AuditEntry.objects.count() == lines


@pytest.mark.clause("faq-ikp-activation")
def test_an_activation_outside_a_transaction_commits_the_credit_and_its_chained_line(event):
    """The credit, the claimed code and the audit line are committed together; the line
    takes the next place on the chain, which verifies intact; nothing is left open."""
    staff, activity = event
    code = issued_codes(staff, activity, 1)[0]
    specialist = make_specialist("pipeline@example.ru")
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()

    activation = activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.7")

    left_clean()
    entry = CreditEntry.objects.get(specialist=specialist, activity=activity)
    assert entry.pk == activation.credit_entry_id
    assert entry.hours == 6
    code.refresh_from_db()
    assert code.activated_by_id == specialist.pk
    line = AuditEntry.objects.get(action="code.activate", object_id=str(code.pk))
    assert line.seq == (before or 0) + 1
    assert line.actor_id == specialist.pk
    assert line.changes["credit_entry"] == entry.pk
    report = verify_chain()
    assert report.ok, report.broken


@pytest.mark.clause("faq-ikp-error")
def test_a_second_code_of_the_event_writes_nothing_and_leaves_the_connection_clean(event):
    """The specialist's second code of an event breaks the ledger's unique key inside the
    first round trip: nothing of it is written (the code stays unused, no second line),
    the transaction is rolled back and the next activation on the connection works."""
    staff, activity = event
    first, second = issued_codes(staff, activity, 2)
    specialist = make_specialist("pipeline-twice@example.ru")
    activate_code(specialist=specialist, typed_code=first.value, ip="192.0.2.8")
    lines = AuditEntry.objects.count()

    with pytest.raises(CodeNotActivated):
        activate_code(specialist=specialist, typed_code=second.value, ip="192.0.2.8")

    left_clean()
    second.refresh_from_db()
    assert second.activated_at is None
    assert CreditEntry.objects.filter(specialist=specialist, activity=activity).count() == 1
    assert AuditEntry.objects.count() == lines
    other_event = accredited_event(submitted_by=staff, title="Вторая конференция")
    third = issued_codes(staff, other_event, 1)[0]
    activate_code(specialist=specialist, typed_code=third.value, ip="192.0.2.8")
    assert CreditEntry.objects.filter(specialist=specialist).count() == 2
    assert verify_chain().ok


@pytest.mark.clause("faq-ikp-error")
def test_an_unknown_code_claims_nothing_and_releases_the_chain(event):
    """A code that matches nothing: no line, no credit, and the chain's lock taken in the
    first round trip is released at once (another append is not kept waiting)."""
    make_specialist("pipeline-unknown@example.ru")
    specialist = make_specialist("pipeline-unknown2@example.ru")
    lines = AuditEntry.objects.count()

    with pytest.raises(CodeNotActivated):
        activate_code(specialist=specialist, typed_code="ABCD-EFGH2345", ip="192.0.2.9")

    left_clean()
    assert AuditEntry.objects.count() == lines
    assert not CreditEntry.objects.filter(specialist=specialist).exists()


def test_a_failure_between_the_round_trips_rolls_the_claim_back(event, monkeypatch):
    """An error after the claim's round trip, before the audit line is written (here the
    line's hash cannot be computed), rolls the claim and the credit back: a credit never
    stands without its audit line, and the code stays usable."""
    staff, activity = event
    code = issued_codes(staff, activity, 1)[0]
    specialist = make_specialist("pipeline-fault@example.ru")

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("ключ целостности недоступен")

    monkeypatch.setattr("nmo.core.services.content_digest", broken)
    with pytest.raises(RuntimeError):
        activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.10")
    monkeypatch.undo()

    left_clean()
    code.refresh_from_db()
    assert code.activated_at is None
    assert not CreditEntry.objects.filter(specialist=specialist).exists()
    assert not AuditEntry.objects.filter(action="code.activate").exists()
    activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.10")
    assert ConfirmationCode.objects.get(pk=code.pk).activated_by_id == specialist.pk


def test_an_interrupt_after_the_first_fetch_rolls_the_claim_back(event, monkeypatch):
    """A worker stopped between the round trips — gunicorn's timeout raises SystemExit in
    the worker, here just after the claim's row came back — leaves nothing: psycopg still
    sends the pipeline's Sync as the exception unwinds, and the explicit BEGIN keeps that
    Sync from committing the claim without its audit line (ADR 0613)."""
    import psycopg

    staff, activity = event
    code = issued_codes(staff, activity, 1)[0]
    specialist = make_specialist("pipeline-interrupt@example.ru")
    lines = AuditEntry.objects.count()
    real = psycopg.Cursor.fetchone

    def interrupted(self):  # type: ignore[no-untyped-def]
        row = real(self)
        if row is not None and len(row) > 5:  # the activation's own row, not the lock's
            raise SystemExit(1)
        return row

    monkeypatch.setattr(psycopg.Cursor, "fetchone", interrupted)
    with pytest.raises(SystemExit):
        activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.14")
    monkeypatch.undo()

    nothing_written(code, specialist, lines)
    activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.14")
    assert ConfirmationCode.objects.get(pk=code.pk).activated_by_id == specialist.pk
    assert verify_chain().ok


def test_a_success_is_one_pipeline_and_a_miss_keeps_the_prepared_statements(event, monkeypatch):
    """A success is one pipeline of two round trips (ADR 0613); an unknown code is
    answered with a COMMIT of nothing, so the connection keeps the statements it prepared
    (psycopg forgets them all at a ROLLBACK, and the next activations would be planned
    again)."""
    import psycopg

    staff, activity = event
    codes = issued_codes(staff, activity, 7)
    specialists = [make_specialist(f"pipeline-prep{i}@example.ru") for i in range(7)]
    real = psycopg.Connection.pipeline
    pipelines = []

    def counted(self):  # type: ignore[no-untyped-def]
        pipelines.append(1)
        return real(self)

    monkeypatch.setattr(psycopg.Connection, "pipeline", counted)
    for code, specialist in zip(codes[:6], specialists, strict=False):
        activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.11")
    assert len(pipelines) == 6

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return int(cursor.fetchone()[0])

    before = prepared()
    if connection.connection.prepare_threshold is not None:  # not behind PgBouncer
        assert before >= 2  # the activation and the chain's lock, at least
    with pytest.raises(CodeNotActivated):
        activate_code(specialist=specialists[6], typed_code="ABCD-EFGH2345", ip="192.0.2.11")
    left_clean()
    assert prepared() == before


def test_a_miss_does_not_wait_for_the_chains_lock(event, settings):
    """An unknown code never takes the chain's append lock: while another session holds
    it (a long transaction appending audit lines), the miss is answered at once instead
    of queueing behind it."""
    import psycopg

    from nmo.core.chain import APPEND_LOCK

    if settings.DATABASE_POOLER == "pgbouncer":
        # A session's advisory lock behind a pooler in transaction mode stays on whichever
        # server connection took it, and could not be released from here.
        pytest.skip("the lock is held by a session of its own: straight to PostgreSQL only")
    specialist = make_specialist("pipeline-nolock@example.ru")
    db = connection.settings_dict
    holder = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )
    try:
        holder.execute("SELECT pg_advisory_lock(%s)", [APPEND_LOCK])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        with pytest.raises(CodeNotActivated):
            activate_code(specialist=specialist, typed_code="ABCD-EFGH2345", ip="192.0.2.12")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        holder.execute("SELECT pg_advisory_unlock(%s)", [APPEND_LOCK])
        holder.close()
    left_clean()


def test_a_failure_in_the_second_round_trip_rolls_everything_back(event, monkeypatch):
    """The audit line's INSERT failing in the second round trip (here a broken statement)
    rolls back the claim and the credit made in the first: nothing is left but the
    error."""
    from django.db import Error

    staff, activity = event
    code = issued_codes(staff, activity, 1)[0]
    specialist = make_specialist("pipeline-second@example.ru")
    lines = AuditEntry.objects.count()
    monkeypatch.setattr(
        "nmo.core.services._audit_line",
        lambda values, place, moment: ("INSERT INTO core_auditentry (seq) VALUES (%s, %s)", [1, 2]),
    )
    with pytest.raises(Error):
        activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.13")
    monkeypatch.undo()

    nothing_written(code, specialist, lines)


def test_the_pipelines_cursors_are_made_once_per_connection(event, monkeypatch):
    """The pipeline's five cursors are made once for a connection and serve every
    activation on it — after a success, a broken unique key, an unknown code, a failure
    in the second round trip and an interrupt alike, and past the count after which
    psycopg prepares a statement (ADR 0617); a new connection gets its own. Every
    activation still writes all or nothing, and its line verifies on the chain."""
    import psycopg
    from django.db import Error

    made: list[object] = []

    class Counted(psycopg.Cursor):  # type: ignore[type-arg]
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(psycopg, "Cursor", Counted)
    staff, activity = event
    first, second = issued_codes(staff, activity, 2)
    later = [
        issued_codes(staff, accredited_event(submitted_by=staff, title=f"Конференция {n}"), 1)[0]
        for n in range(12)
    ]
    specialist = make_specialist("pipeline-cursors@example.ru")
    connection.close()  # a connection of its own, made by the first activation

    activate_code(specialist=specialist, typed_code=first.value, ip="192.0.2.14")
    five = list(made)
    assert len(five) == 5
    with pytest.raises(CodeNotActivated):  # the event's second code: the unique key
        activate_code(specialist=specialist, typed_code=second.value, ip="192.0.2.14")
    with pytest.raises(CodeNotActivated):
        activate_code(specialist=specialist, typed_code="ABCD-EFGH2345", ip="192.0.2.14")
    for code in later[:7]:  # past psycopg's prepare threshold (5)
        activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.14")

    def broken_line(values, place, moment):  # type: ignore[no-untyped-def]
        return "INSERT INTO core_auditentry (seq) VALUES (%s, %s)", [1, 2]

    def interrupted(values, place, moment):  # type: ignore[no-untyped-def]
        raise SystemExit(1)

    failed = []
    for code, failure, error in (
        (later[7], broken_line, Error),
        (later[8], interrupted, SystemExit),
    ):
        with monkeypatch.context() as patched:
            patched.setattr("nmo.core.services._audit_line", failure)
            with pytest.raises(error):
                activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.14")
        left_clean()
        failed.append(code)
    for code in later[9:11]:
        activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.14")
    assert made == five  # the very same five cursors, whatever came before

    connection.close()
    made.clear()
    lines = AuditEntry.objects.count()
    activate_code(specialist=specialist, typed_code=later[11].value, ip="192.0.2.14")
    assert len(made) == 5  # a new connection, five new cursors
    assert not any(cursor in five for cursor in made)
    assert AuditEntry.objects.count() == lines + 1
    left_clean()
    credited = [first, *later[:7], *later[9:]]
    assert sorted(
        CreditEntry.objects.filter(specialist=specialist).values_list("reference", flat=True)
    ) == sorted(code.value for code in credited)
    for code in failed:
        code.refresh_from_db()
        assert code.activated_at is None  # the failed ones claimed nothing
    assert verify_chain().ok
