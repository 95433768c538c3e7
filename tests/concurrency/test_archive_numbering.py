"""Archive numbers under real concurrency on PostgreSQL (ADR 0105): two statements of one
organisation frozen at the same moment get two different numbers, 1 and 2.

Each thread opens its own connection and waits at a barrier (tests/concurrency/harness.py);
skipped on SQLite, which serialises writers and so proves nothing (conftest.py)."""

from dataclasses import replace

import pytest

from nmo.attestation import services
from nmo.attestation.models import AttestationDocument
from nmo.attestation.selectors import current_records, required_signers
from nmo.attestation.tests.factories import (
    all_present,
    decided,
    enrol_admitted,
    grade_all,
    make_cohort,
    schedule_for,
    vote_all,
)
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.mark.clause("npc-2.13")
def test_two_statements_frozen_at_once_get_two_numbers():
    """The last signatures of two statements of one organisation land together: the
    counter row lock gives them 1 and 2, never the same number."""
    first = decided("npc")
    cohort = make_cohort(first.org, first.programme, title="Вторая группа")
    enrol_admitted(first.org, cohort, names=[("Григорьев", "Глеб", "Денисович")])
    second = replace(first, cohort=cohort, enrolments=[], attestation=None)
    second.attestation = schedule_for(second)
    all_present(second)
    grade_all(second)
    vote_all(second)
    services.decide_attestation(actor=second.chair, attestation=second.attestation)
    statements = [
        current_records(s.attestation).get(kind="attestation_statement") for s in (first, second)
    ]
    signers = required_signers(statements[0].attestation)
    for statement in statements:
        for signer in signers[:-1]:
            services.sign_record(actor=signer.seat.person, record=statement)
    last = signers[-1].seat.person
    results = race(
        len(statements), lambda i: services.sign_record(actor=last, record=statements[i])
    )
    assert [outcome for outcome, _ in results] == ["ok", "ok"]
    numbers = sorted(
        AttestationDocument.objects.filter(status="frozen").values_list("number", flat=True)
    )
    assert numbers == [1, 2]
