"""The audit chain's append lock never deadlocks with a row lock (found by schemathesis:
`POST /api/v1/cohorts` answered 500 «deadlock detected»).

A transaction that inserts a child row and audits it takes the chain's append lock
(ADR 0024); PostgreSQL checks the child's foreign key only at COMMIT (Django's keys are
DEFERRABLE INITIALLY DEFERRED). Meanwhile another transaction locks the parent row FOR
UPDATE and waits for the append lock to audit its own change. At COMMIT the first one
waits for the parent row, the second for the append lock: a deadlock, unless the
pending key checks run before the append lock is taken."""

import threading

import pytest
from django.db import connection, connections, transaction

from nmo.core.services import record_audit
from nmo.programmes.models import Programme, ProgrammeDiscipline
from nmo.programmes.tests.conftest import organisation_under
from nmo.programmes.tests.factories import make_programme

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_a_child_insert_and_a_parent_lock_both_audit_without_a_deadlock():
    """One study department adds a discipline to a programme and audits it; another
    locks the same programme to change it and audits that. Both commit; neither gets
    «deadlock detected»."""
    org = organisation_under("npc_dzm", name="НПЦ", email="uo@npc.example.ru")
    programme = make_programme(org)
    audited = threading.Event()
    locked = threading.Event()
    errors: list[BaseException] = []

    def adds_a_discipline() -> None:
        try:
            with transaction.atomic():
                ProgrammeDiscipline.objects.create(
                    programme_id=programme.pk, order=1, title="Модуль", hours=8
                )
                record_audit(actor=None, action="race.child", changes={})
                audited.set()
                # Give the other transaction the time to lock the parent and queue for
                # the append lock before this one commits (and checks its key).
                locked.wait(timeout=5)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def locks_the_programme() -> None:
        try:
            audited.wait(timeout=30)
            with transaction.atomic():
                Programme.objects.select_for_update().get(pk=programme.pk)
                locked.set()
                record_audit(actor=None, action="race.parent", changes={})
        except BaseException as exc:
            errors.append(exc)
        finally:
            locked.set()
            connections.close_all()

    threads = [
        threading.Thread(target=adds_a_discipline),
        threading.Thread(target=locks_the_programme),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert errors == []
    assert ProgrammeDiscipline.objects.filter(programme_id=programme.pk).count() == 1
