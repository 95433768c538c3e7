"""The last seat of a cohort under real concurrency on PostgreSQL (ADR 0117): specialists
applying at the same moment through the API, and the study department accepting at the
same moment, never take more seats than the cohort offers — exactly one wins, the others
get a clear Russian 409."""

import pytest
from django.db import connection
from django.test import Client

from nmo.accounts.services import issue_token_for_user
from nmo.programmes import services
from nmo.programmes.models import Cohort, Enrolment, ProgrammeApplication
from nmo.programmes.tests.conftest import organisation_under
from nmo.programmes.tests.test_applications import BY_CONTRACT, another_specialist, offered
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

THREADS = 8


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def _org():
    return organisation_under("npc_dzm", name="ГБУЗ НПЦ (гонка)", email="uo@race.example.ru")


@pytest.mark.clause("faq-join-steps")
def test_concurrent_applications_for_the_last_seat_leave_one():
    """faq-join-steps: eight specialists apply through the API for a cohort's last seat
    at the same moment: one application is filed (201), seven are told in Russian that no
    seat is left (409); the cohort holds exactly one application."""
    org = _org()
    cohort = offered(org, seats=1)
    people = [another_specialist(n) for n in range(THREADS)]
    tokens = [issue_token_for_user(actor=person).raw for person in people]

    def work(index: int) -> tuple[int, dict]:
        response = Client().post(
            f"/api/v1/cohorts/{cohort.pk}/applications",
            {"payment_basis": "specialist_contract"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[index]}",
        )
        return response.status_code, response.json()

    results = race(THREADS, work)
    assert [outcome for outcome, _ in results] == ["ok"] * THREADS, results
    statuses = sorted(status for _, (status, _) in results)
    assert statuses == [201] + [409] * (THREADS - 1), results
    refusals = [body for _, (status, body) in results if status == 409]
    assert {body["code"] for body in refusals} == {"no_seats_left"}
    assert all("Свободных мест в группе не осталось" in body["detail"] for body in refusals)
    assert ProgrammeApplication.objects.filter(cohort=cohort).count() == 1


def test_concurrent_acceptances_for_the_last_seat_enrol_one():
    """Four applications were filed while the cohort offered four seats; the organisation
    then cut the seats to one. Four staff acceptances at the same moment enrol exactly one
    specialist; the other three are refused with a Russian 409 and stay filed."""
    org = _org()
    cohort = offered(org, seats=4)
    applications = [
        services.apply_for_cohort(actor=another_specialist(n), cohort=cohort, request=BY_CONTRACT)
        for n in range(4)
    ]
    Cohort.objects.filter(pk=cohort.pk).update(seats=1)
    token = issue_token_for_user(actor=org.staff).raw

    def work(index: int) -> tuple[int, dict]:
        response = Client().post(
            f"/api/v1/applications/{applications[index].pk}/accept",
            {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return response.status_code, response.json()

    results = race(4, work)
    statuses = sorted(status for _, (status, _) in results)
    assert statuses == [200, 409, 409, 409], results
    assert {b["code"] for _, (s, b) in results if s == 409} == {"no_seats_left"}
    assert Enrolment.objects.filter(cohort=cohort).count() == 1
    assert ProgrammeApplication.objects.filter(cohort=cohort, status="accepted").count() == 1
    assert ProgrammeApplication.objects.filter(cohort=cohort, status="filed").count() == 3
