"""Hours reach the cycle once on PostgreSQL (issue 15, ADR 0118): the organisation issues a
qualification document here while its own system reports the same document through
`POST /api/v1/programme-completions`, twice and with the number written differently,
all at the same moment — the learner's ledger holds one entry per document."""

import pytest
from django.db import connection
from django.test import Client

from nmo.accounts.rules import snils_check_number
from nmo.cycles.models import CreditEntry
from nmo.cycles.rules import document_key
from nmo.cycles.tests import factories as cycle_factories
from nmo.documents import services
from nmo.documents.models import QualificationDocument
from nmo.documents.tests.factories import (
    ISSUED_ON,
    PASSWORD,
    RGMU,
    enrol,
    make_cohort,
    make_learner,
    make_programme,
    organisation_under,
)
from nmo.documents.types import DocumentKind
from nmo.regulations.types import PresetCode
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

LEARNERS = 4
KIND = DocumentKind.QUALIFICATION_CERTIFICATE


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def _snils(n: int) -> str:
    first_nine = f"{300_000_001 + 7 * n:09d}"
    return f"{first_nine}{snils_check_number(first_nine):02d}"


@pytest.mark.clause("faq-cycle-hours")
def test_an_issue_and_two_api_reports_of_one_document_at_once_book_it_once():
    """Four learners; for each, one thread issues the certificate (its register entry
    reserved before, so the number is known) and two threads report it by the API — one
    as printed, one with the series and number run together — 12 threads released
    together. Every request succeeds (201 for at most one report per document, 200 for
    the others), and each learner's ledger holds exactly one live entry of 108 h for the
    document (faq-cycle-hours: unique constraint, not luck)."""
    org = organisation_under(PresetCode.ROSTGMU, name=RGMU, email="race-hours@rostgmu.example.ru")
    programme = make_programme(org, hours=108)
    programme.remote_share_percent = 60
    programme.save(update_fields=["remote_share_percent"])
    programme.specialties.set([cycle_factories.specialty(cycle_factories.CARDIOLOGY)])
    cohort = make_cohort(org, programme)
    learners = [make_learner(snils=_snils(i)) for i in range(LEARNERS)]
    enrolments = [enrol(cohort, learner) for learner in learners]
    entries = [
        services.reserve_register_entry(
            actor=org.staff, enrolment=e, kind=KIND, issued_on=ISSUED_ON
        )
        for e in enrolments
    ]
    token = Client().post(
        "/api/v1/auth/token",
        {"email": org.staff.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 200, token.content
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['token']}"}

    def work(index: int) -> int:
        learner, role = divmod(index, 3)
        if role == 0:
            document = services.issue_document(
                actor=org.staff, enrolment=enrolments[learner], kind=KIND, issued_on=ISSUED_ON
            )
            return document.pk
        reserved = entries[learner]
        number = (
            f"серия {reserved.series} № {reserved.number}"
            if role == 1
            else f"{reserved.series}{reserved.number}".replace("-", "")
        )
        response = Client().post(
            "/api/v1/programme-completions",
            {
                "snils": learners[learner].snils,
                "programme_title": programme.title,
                "specialty": cycle_factories.CARDIOLOGY,
                "hours": 108,
                "remote_hours": 64,
                "completed_on": ISSUED_ON.isoformat(),
                "document_number": number,
            },
            content_type="application/json",
            **headers,
        )
        assert response.status_code in (200, 201), response.content
        return response.status_code

    results = race(LEARNERS * 3, work)

    assert [outcome for outcome, _ in results] == ["ok"] * (LEARNERS * 3), results
    for i, learner in enumerate(learners):
        live = CreditEntry.objects.filter(
            specialist=learner, kind="programme", reverses__isnull=True
        )
        assert live.count() == 1, list(live.values())
        document = QualificationDocument.objects.get(enrolment=enrolments[i])
        assert live.get().hours == 108
        assert live.get().document_key == document_key(document.display_number)
        statuses = [results[i * 3 + 1][1], results[i * 3 + 2][1]]
        assert statuses.count(201) <= 1
    assert QualificationDocument.objects.filter(status="issued").count() == LEARNERS
