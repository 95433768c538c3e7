"""Signing all at once under real concurrency on PostgreSQL (ADR 0115, ADR 0105): signers
of one attestation press «sign all» at the same moment. Each record ends frozen exactly
once — one `document.freeze`, one archive number, every signature on it — and nobody's
action fails: the records are locked in id order, so the second signer waits for the
first and then reads its signatures (npc-2.13, rgmu-2.13)."""

import pytest
from django.db import connection

from nmo.attestation import services
from nmo.attestation.models import AttestationDocument, DocumentSignature
from nmo.attestation.selectors import pending_ids, required_signers
from nmo.attestation.tests.factories import decided
from nmo.core.models import AuditEntry
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def sign_all(setup, user, shown):  # type: ignore[no-untyped-def]
    done = services.sign_all_records(
        actor=user, attestation=setup.attestation, record_ids=shown[user.pk]
    )
    return sorted(r.pk for r in done.frozen)


def frozen_once(setup, signer_count: int) -> list[AttestationDocument]:  # type: ignore[no-untyped-def]
    records = list(AttestationDocument.objects.filter(attestation=setup.attestation))
    assert {r.status for r in records} == {"frozen"}
    for record in records:
        assert DocumentSignature.objects.filter(document=record).count() == signer_count
        freezes = AuditEntry.objects.filter(action="document.freeze", object_id=str(record.pk))
        assert freezes.count() == 1, record
        assert record.pdf_sha256
    return records


@pytest.mark.clause("rgmu-2.13")
def test_the_last_two_signers_sign_all_at_once():
    """РостГМУ, 3 protocols and the report: the chair and a member have signed; the other
    member and the secretary sign all at the same moment (rgmu-2.13). Both succeed; one
    of them gives each record its last signature and freezes it, once, with all four
    signatures; the protocols take the archive numbers 1..3."""
    setup = decided("rgmu")
    signers = [s.seat.person for s in required_signers(setup.attestation)]
    assert len(signers) == 4
    shown = {p.pk: pending_ids(p, setup.attestation) for p in signers}
    for first in signers[:2]:
        sign_all(setup, first, shown)
    racers = signers[2:]

    results = race(2, lambda index: sign_all(setup, racers[index], shown))

    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    frozen_by = [value for _, value in results]
    everything = sorted(shown[racers[0].pk])
    # Whoever came second froze every record; the first froze none.
    assert sorted(frozen_by, key=len) == [[], everything]
    records = frozen_once(setup, 4)
    protocols = sorted(r.number for r in records if r.kind == "retraining_protocol")
    assert protocols == [1, 2, 3]
    assert AuditEntry.objects.filter(action="document.sign").count() == 4 * len(records)


@pytest.mark.clause("npc-2.13")
def test_every_signer_signs_all_at_once():
    """НПЦ: the five signers of the statement and of the meeting protocol (npc-2.13) sign
    all at the same moment: all succeed, each record is frozen once, with five signatures;
    the statement is numbered 1."""
    setup = decided("npc")
    signers = [s.seat.person for s in required_signers(setup.attestation)]
    assert len(signers) == 5
    shown = {p.pk: pending_ids(p, setup.attestation) for p in signers}

    results = race(len(signers), lambda index: sign_all(setup, signers[index], shown))

    assert [outcome for outcome, _ in results] == ["ok"] * len(signers), results
    assert sum(len(value) for _, value in results) == 2  # the statement, the meeting protocol
    records = frozen_once(setup, 5)
    assert sorted(r.kind for r in records) == ["attestation_statement", "meeting_protocol"]
    [statement] = [r for r in records if r.kind == "attestation_statement"]
    assert statement.number == 1
