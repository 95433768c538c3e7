"""Appeals under real concurrency on PostgreSQL: two appeals of the same result filed at
the same moment leave one (npc-5.10: one appeal per result and attempt); two decisions
of the same hearing at the same moment leave one decision and one protocol."""

import pytest
from django.db import connection

from nmo.appeals import services
from nmo.appeals.exceptions import AppealExists, AppealNotAllowed
from nmo.appeals.models import Appeal, AppealProtocol
from nmo.appeals.tests.factories import HELD_ON, appeal_setup, filing, heard, on, votes
from tests.concurrency.harness import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True, scope="module")
def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.mark.clause("npc-5.10", "rgmu-5.10")
def test_two_appeals_of_one_result_filed_at_once_leave_one():
    """npc-5.10, rgmu-5.10: the study department records the same paper application
    twice at the same moment: one appeal is filed, the other is told it exists."""
    s = appeal_setup("npc")

    def work(_: int) -> Appeal:
        return services.file_appeal(
            actor=s.staff, learner_result=s.failed, filing=filing(filed_on=HELD_ON)
        )

    results = race(4, work)
    assert [outcome for outcome, _ in results].count("ok") == 1
    assert [type(v) for o, v in results if o == "error"] == [AppealExists] * 3
    assert Appeal.objects.filter(learner_result=s.failed).count() == 1


@pytest.mark.clause("npc-5.15", "npc-5.16")
def test_two_decisions_of_one_hearing_at_once_leave_one():
    """npc-5.15, npc-5.16: two secretaries submit the vote of the same hearing at once:
    one decision is taken with one protocol; the other is told it is decided."""
    s = appeal_setup("npc")
    with on(HELD_ON):
        appeal = services.file_appeal(actor=s.learner, learner_result=s.failed, filing=filing())
    appeal = heard(s, appeal)
    ballot = votes(appeal)

    def work(_: int) -> Appeal:
        return services.decide_appeal(
            actor=s.staff, appeal=appeal, resolution="new_result", new_grade="passed",
            votes=ballot,
        )  # fmt: skip

    results = race(3, work)
    assert [outcome for outcome, _ in results].count("ok") == 1
    errors = [v for o, v in results if o == "error"]
    assert [type(v) for v in errors] == [AppealNotAllowed] * 2
    assert {v.code for v in errors} == {"appeal_decided"}
    assert AppealProtocol.objects.filter(appeal=appeal).count() == 1


@pytest.mark.clause("npc-5.20")
def test_two_appeals_decided_at_once_get_consecutive_protocol_numbers():
    """npc-5.20: two appeals of one organisation heard the same year are decided at the
    same moment: each protocol gets its own number, 1 and 2 — none repeated, none skipped
    (the organisation-year counter row is locked FOR UPDATE)."""
    s = appeal_setup("npc")
    appeals = []
    for result in (s.failed, s.passed):
        with on(HELD_ON):
            appeal = services.file_appeal(
                actor=result.enrolment.learner, learner_result=result, filing=filing()
            )
        appeals.append(heard(s, appeal))
    ballots = [votes(a) for a in appeals]

    def work(index: int) -> Appeal:
        return services.decide_appeal(
            actor=s.staff, appeal=appeals[index], resolution="rejected", votes=ballots[index]
        )

    results = race(2, work)
    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    numbers = sorted(
        AppealProtocol.objects.filter(organisation=s.org.organisation, year=2025).values_list(
            "number", flat=True
        )
    )
    assert numbers == [1, 2]
