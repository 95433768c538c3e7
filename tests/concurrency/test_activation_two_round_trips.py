"""The activation outside any transaction on PostgreSQL — as the API and the pages run it
— is two pipelined round trips of its own transaction (ADR 0610): the claim with its
credit, then the audit line on the hash chain and the COMMIT. These tests drive the
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
