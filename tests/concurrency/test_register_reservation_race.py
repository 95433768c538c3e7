"""Register entries reserved at the commission's decision and documents issued at the same
moment share one register on PostgreSQL: every number 1..N is taken exactly once, by a
reservation or a document, and issuing the reserved learners later uses their reserved
numbers — the signed protocol and the diploma agree (ADR 0106, ADR 0110; rgmu-2.8).
"""

import pytest
from django.db import connection

from nmo.documents import services
from nmo.documents.models import QualificationDocument, RegisterReservation
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


@pytest.mark.clause("rgmu-2.8")
def test_reservations_and_issues_at_once_share_the_numbers_without_gaps_or_twins():
    """Six decisions reserve and six staff requests issue at the same moment in one
    register: the twelve numbers are exactly 1..12, each once; issuing the six reserved
    learners afterwards takes their reserved numbers, so the register holds documents
    1..12 and its next number is 13."""
    org = organisation_under(PresetCode.ROSTGMU, name=RGMU, email="race@rostgmu.example.ru")
    cohort = make_cohort(org)
    enrolments = [enrol(cohort) for _ in range(THREADS)]

    def work(index: int) -> int:
        if index % 2 == 0:
            entry = services.reserve_register_entry(
                actor=None, enrolment=enrolments[index], kind=KIND, issued_on=ISSUED_ON
            )
            return int(entry.number)
        document = services.issue_document(
            actor=org.staff, enrolment=enrolments[index], kind=KIND, issued_on=ISSUED_ON
        )
        return document.number

    results = race(THREADS, work)

    assert [outcome for outcome, _ in results] == ["ok"] * THREADS, results
    assert sorted(value for _, value in results) == list(range(1, THREADS + 1))
    reserved = {r.enrolment_id: r.number for r in RegisterReservation.objects.all()}
    assert len(reserved) == THREADS // 2
    for index in range(0, THREADS, 2):
        document = services.issue_document(
            actor=org.staff, enrolment=enrolments[index], kind=KIND, issued_on=ISSUED_ON
        )
        assert document.number == reserved[enrolments[index].pk]
    numbers = sorted(
        QualificationDocument.objects.filter(organisation=org.organisation).values_list(
            "number", flat=True
        )
    )
    assert numbers == list(range(1, THREADS + 1))
    assert set(RegisterReservation.objects.values_list("status", flat=True)) == {"used"}
