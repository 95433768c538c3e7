"""Document numbers under real concurrency on PostgreSQL: documents issued at the same
moment for different learners of one organisation get the numbers 1..N of their register
exactly once, and an issue that fails after taking a number gives it back — no gaps, no
duplicates (ADR 0106; npc-2.8, rgmu-2.8).

Each thread opens its own database connection, waits at a barrier so that all of them
fire together, and closes its connections when done.
"""

import time

import pytest
from django.db import connection, transaction

from nmo.core.models import AuditEntry
from nmo.documents import services
from nmo.documents.models import DocumentRegister, QualificationDocument
from nmo.documents.tests.factories import (
    ISSUED_ON,
    RGMU,
    enrol,
    make_cohort,
    organisation_under,
)
from nmo.documents.types import DocumentKind
from nmo.regulations.types import PresetCode
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

THREADS = 12
KIND = DocumentKind.QUALIFICATION_CERTIFICATE


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


class Boom(Exception):
    """The failure injected after a number was allocated."""


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    """One organisation, one cohort, THREADS + 1 learners; no register yet, so the first
    issues also race to create it."""
    org = organisation_under(PresetCode.ROSTGMU, name=RGMU, email="race@rostgmu.example.ru")
    cohort = make_cohort(org)
    enrolments = [enrol(cohort) for _ in range(THREADS + 1)]
    return org, enrolments


def numbers_of(org) -> list[int]:  # type: ignore[no-untyped-def]
    return list(
        QualificationDocument.objects.filter(organisation=org.organisation, kind=KIND)
        .order_by("number")
        .values_list("number", flat=True)
    )


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_twelve_documents_at_once_get_one_to_twelve(setting):
    """12 staff requests issue documents for 12 learners of the same organisation and
    kind at the same moment: the numbers are exactly 1..12, each once, and the register's
    next number is 13."""
    org, enrolments = setting

    def work(index: int) -> int:
        document = services.issue_document(
            actor=org.staff, enrolment=enrolments[index], kind=KIND, issued_on=ISSUED_ON
        )
        return document.number

    results = race(THREADS, work)

    assert [outcome for outcome, _ in results] == ["ok"] * THREADS, results
    assert sorted(value for _, value in results) == list(range(1, THREADS + 1))
    assert numbers_of(org) == list(range(1, THREADS + 1))
    register = DocumentRegister.objects.get(organisation=org.organisation, kind=KIND)
    assert register.next_number == THREADS + 1
    assert DocumentRegister.objects.filter(organisation=org.organisation).count() == 1
    assert AuditEntry.objects.filter(action="document.issue").count() == THREADS


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_an_issue_failing_after_allocation_leaves_no_gap(setting, monkeypatch):
    """Among 13 simultaneous issues, one fails inside the issuing transaction after its
    number was allocated (its PDF cannot be rendered): it rolls back, and the 12 others
    still get exactly 1..12 — the failed number is given to somebody else, not skipped."""
    org, enrolments = setting
    doomed = enrolments[THREADS]
    real_render = services.render_document_pdf

    def render(document: QualificationDocument) -> bytes:
        if document.enrolment_id == doomed.pk:
            time.sleep(0.05)  # hold the register a little, so the others queue behind it
            raise Boom()
        return real_render(document)

    monkeypatch.setattr(services, "render_document_pdf", render)

    def work(index: int) -> int:
        document = services.issue_document(
            actor=org.staff, enrolment=enrolments[index], kind=KIND, issued_on=ISSUED_ON
        )
        return document.number

    results = race(THREADS + 1, work)

    failed = [value for outcome, value in results if outcome == "error"]
    assert len(failed) == 1, results
    assert isinstance(failed[0], Boom)
    assert numbers_of(org) == list(range(1, THREADS + 1))
    assert not QualificationDocument.objects.filter(enrolment=doomed).exists()
    register = DocumentRegister.objects.get(organisation=org.organisation, kind=KIND)
    assert register.next_number == THREADS + 1
    assert AuditEntry.objects.filter(action="document.issue").count() == THREADS


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_a_caller_failing_in_its_own_transaction_leaves_no_gap(setting):
    """The attestation app issues inside its own transaction: when it fails after
    `issue_document` returned (raise inside the transaction, while 12 others issue), the
    document and its number roll back with it and the others get exactly 1..12."""
    org, enrolments = setting
    doomed = enrolments[THREADS]

    def work(index: int) -> int:
        if index == THREADS:
            with transaction.atomic():
                services.issue_document(
                    actor=org.staff, enrolment=doomed, kind=KIND, issued_on=ISSUED_ON
                )
                time.sleep(0.05)  # still holding the register row
                raise Boom()
        document = services.issue_document(
            actor=org.staff, enrolment=enrolments[index], kind=KIND, issued_on=ISSUED_ON
        )
        return document.number

    results = race(THREADS + 1, work)

    assert isinstance(results[THREADS][1], Boom), results
    assert [outcome for outcome, _ in results[:THREADS]] == ["ok"] * THREADS, results
    assert numbers_of(org) == list(range(1, THREADS + 1))
    assert not QualificationDocument.objects.filter(enrolment=doomed).exists()
    assert (
        DocumentRegister.objects.get(organisation=org.organisation, kind=KIND).next_number
        == THREADS + 1
    )
