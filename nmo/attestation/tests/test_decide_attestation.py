from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from nmo.attestation import services
from nmo.attestation.exceptions import DecisionRefused, GradesLocked, ResultInvalid, VotesInvalid
from nmo.attestation.tests.factories import (
    all_present,
    build,
    decided,
    entry,
    grade_all,
    vote_all,
)
from nmo.attestation.types import Attendance
from nmo.core.exceptions import NotAuthenticated, NotFound
from nmo.core.models import AuditEntry
from nmo.regulations.types import Grade, StageKind, VoteChoice, VoteTally

pytestmark = pytest.mark.django_db


def decide(setup, actor=None):
    return services.decide_attestation(actor=actor or setup.chair, attestation=setup.attestation)


def ready(key, *, absent=(), presiding=None, **tally):
    """A setup graded with the members present (except `absent`) and everybody voting."""
    setup = build(key)
    absent_ids = [getattr(setup, a).pk if isinstance(a, str) else a.pk for a in absent]
    all_present(setup, absent=absent_ids, presiding=presiding(setup) if presiding else None)
    grade_all(setup)
    if tally:
        services.record_votes(
            actor=setup.secretary, attestation=setup.attestation, tally=VoteTally(**tally)
        )
    return setup


def outcomes(setup):
    return [r.outcome for r in setup.results()]


@pytest.mark.clause("npc-4.10", "rgmu-4.10", "npc-3.2", "rgmu-3.3")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_commission_decides_by_majority_with_the_chair_present(key):
    """With the chair present and a majority of the members present for it, the proposed
    decision is adopted (npc-4.10, rgmu-4.10): every learner with a positive final grade
    passes. Audited with each outcome before and after."""
    setup = ready(key)
    vote_all(setup)
    decide(setup)
    setup.attestation.refresh_from_db()
    assert setup.attestation.status == "decided"
    assert outcomes(setup) == ["passed"] * 3
    audit = AuditEntry.objects.get(action="attestation.decide")
    assert {c["after"] for c in audit.changes["outcomes"]} == {"passed"}
    assert {c["before"] for c in audit.changes["outcomes"]} == {None}


@pytest.mark.clause("npc-4.10", "rgmu-4.10")
@pytest.mark.parametrize(
    ("key", "clause"), [("npc", "п. 4.10 Положения НПЦ ДЗМ"), ("rgmu", "п. 4.10 Положения РостГМУ")]
)
def test_without_the_chair_or_a_replacement_the_commission_may_not_decide(key, clause):
    """Without the chair and without the person replacing the chair (НПЦ: the deputy
    chair; РостГМУ: a designated member) no decision is taken, and the refusal names the
    clause (npc-4.10, rgmu-4.10)."""
    absent = ("chair", "deputy") if key == "npc" else ("chair",)
    setup = ready(key, absent=absent)
    with pytest.raises(DecisionRefused) as excinfo:
        decide(setup, actor=setup.secretary)
    assert excinfo.value.code == "commission_not_competent"
    assert clause in excinfo.value.message
    assert "Решение не может быть принято" in excinfo.value.message


@pytest.mark.clause("npc-4.10", "rgmu-4.4", "rgmu-4.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_in_the_chair_absence_the_replacement_presides_and_decides(key):
    """НПЦ: the deputy chair presides in the chair's absence (npc-4.10); РостГМУ: one of
    the members, designated, replaces the chair (rgmu-4.4)."""
    presiding = None if key == "npc" else (lambda s: s.seat(s.members[0]).pk)
    setup = ready(key, absent=("chair",), presiding=presiding)
    setup.attestation.refresh_from_db()
    expected = setup.deputy if key == "npc" else setup.members[0]
    assert setup.attestation.presiding_seat.person == expected
    voting = 3 if key == "npc" else 2
    vote_all(setup, votes_for=voting)
    decide(setup, actor=expected)
    assert outcomes(setup) == ["passed"] * 3


def test_only_a_present_member_may_be_designated_to_preside(rgmu):
    """The replacement of the chair is a member present (rgmu-4.4), never the secretary."""
    setup = build("rgmu", org=rgmu)
    with pytest.raises(VotesInvalid) as excinfo:
        all_present(setup, absent=[setup.chair.pk], presiding=setup.seat(setup.secretary).pk)
    assert (
        "только присутствующий член комиссии (п. 4.4 Положения РостГМУ)"
        in (excinfo.value.errors["present_seat_ids"][0])
    )


@pytest.mark.clause("npc-4.10", "rgmu-4.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
@pytest.mark.parametrize(("presiding_vote", "adopted"), [("for", True), ("against", False)])
def test_a_tie_is_decided_by_the_presiding_vote(key, presiding_vote, adopted):
    """On a tie the chair has the casting vote (npc-4.10, rgmu-4.10): 2 for / 2 against at
    НПЦ (chair, deputy, two members), 1 / 1 at РостГМУ (chair and one member present)."""
    setup = build(key)
    absent_ids = [setup.members[0].pk] if key == "rgmu" else []
    all_present(setup, absent=absent_ids)
    grade_all(setup)
    half = 2 if key == "npc" else 1
    vote_all(setup, votes_for=half, votes_against=half, presiding_vote=VoteChoice(presiding_vote))
    if adopted:
        decide(setup)
        assert outcomes(setup) == ["passed"] * 3
        return
    with pytest.raises(DecisionRefused) as excinfo:
        decide(setup)
    assert excinfo.value.code == "decision_not_adopted"
    assert "решающий голос" in excinfo.value.message


@pytest.mark.clause("npc-4.10", "rgmu-4.10")
@pytest.mark.parametrize(
    ("key", "votes_for", "votes_against", "abstained", "adopted"),
    [
        ("npc", 3, 1, 0, True),
        ("npc", 2, 1, 1, False),
        ("npc", 2, 0, 2, False),
        ("rgmu", 2, 1, 0, True),
        ("rgmu", 2, 0, 1, True),
        ("rgmu", 1, 1, 1, False),
    ],
)
def test_a_decision_needs_a_majority_of_the_members_present(
    key, votes_for, votes_against, abstained, adopted
):
    """A majority of the members present (4 at НПЦ, 3 at РостГМУ), at its boundary: 3 of 4
    and 2 of 3 carry; 2 of 4 does not (npc-4.10, rgmu-4.10)."""
    setup = ready(key)
    vote_all(setup, votes_for=votes_for, votes_against=votes_against, abstained=abstained)
    if adopted:
        decide(setup)
        assert outcomes(setup) == ["passed"] * 3
    else:
        with pytest.raises(DecisionRefused, match="не набрала большинства"):
            decide(setup)


@pytest.mark.clause("npc-4.9", "rgmu-4.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_secretary_never_votes(key):
    """The secretary is not a member and has no vote (npc-4.9, rgmu-4.9): a tally counting
    one vote more than the members present is refused."""
    setup = ready(key)
    voting = 4 if key == "npc" else 3
    with pytest.raises(VotesInvalid) as excinfo:
        vote_all(setup, votes_for=voting + 1)
    assert "секретарь не голосует" in excinfo.value.errors["votes"][0]


@pytest.mark.clause("rgmu-app1", "rgmu-app2")
def test_votes_are_kept_per_learner_with_a_same_for_all_shortcut(rgmu):
    """App. 1 records the votes per learner, App. 2 one tally for the list: "the same for
    all" fills every learner present, and one learner's own tally can differ."""
    setup = ready("rgmu")
    vote_all(setup)
    one = setup.results()[1]
    services.record_votes(
        actor=setup.chair,
        attestation=setup.attestation,
        tally=VoteTally(2, 1, 0, VoteChoice.FOR),
        learner_results=[one],
    )
    tallies = [(r.votes_for, r.votes_against, r.abstained) for r in setup.results()]
    assert tallies == [(3, 0, 0), (2, 1, 0), (3, 0, 0)]
    assert AuditEntry.objects.filter(action="attestation.votes").count() == 4


@pytest.mark.clause("npc-3.3", "npc-2.9", "rgmu-2.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_failed_and_absent_learners_get_their_outcome(key):
    """A learner whose final grade is negative fails (npc-3.3); absent learners get
    "absent with / without a valid reason" without a vote (npc-2.9, rgmu-2.10)."""
    setup = build(key)
    first, second, third = setup.results()
    services.record_learner_attendance(
        actor=setup.secretary, learner_result=second, attendance=Attendance.ABSENT_NO_REASON
    )
    services.record_learner_attendance(
        actor=setup.secretary, learner_result=third, attendance=Attendance.ABSENT_VALID_REASON
    )
    all_present(setup)
    grade_all(setup)
    testing = next(s for s in setup.stages() if s.kind == StageKind.TESTING)
    services.record_stage_results(
        actor=setup.secretary,
        attestation=setup.attestation,
        entries=[entry(first, testing, Decimal(60))],
    )
    vote_all(setup)
    decide(setup)
    assert outcomes(setup) == ["failed", "absent_no_reason", "absent_valid_reason"]
    first.refresh_from_db()
    assert first.final_grade == ("failed" if key == "npc" else "unsatisfactory")


def test_missing_results_or_votes_stop_the_decision(npc):
    """Every learner present needs a result on every stage and the vote."""
    setup = build("npc", org=npc)
    all_present(setup)
    with pytest.raises(ResultInvalid, match="внесены результаты 0 из 2 этапов"):
        decide(setup)
    grade_all(setup)
    with pytest.raises(ResultInvalid, match="нет результатов голосования"):
        decide(setup)


@pytest.mark.clause("npc-4.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_learners_get_the_decision_by_email_after_commit(key, django_capture_on_commit_callbacks):
    """The decision is communicated to the learners on the day (npc-4.11, rgmu-§4.11): an
    e-mail to each, sent once the decision is committed, with the final grade."""
    setup = ready(key)
    vote_all(setup)
    with django_capture_on_commit_callbacks(execute=True):
        decide(setup)
    # Besides, each signer gets one letter listing the records to sign (ADR 0115).
    results = [m for m in mail.outbox if m.subject == "Результаты итоговой аттестации"]
    assert len(results) == 3
    message = results[0]
    assert "итоговая аттестация пройдена" in message.body
    assert ("Итоговая оценка: хорошо" if key == "rgmu" else "Итоговая оценка: зачтено") in (
        message.body
    )
    assert "/attestation/my/" in message.body


def test_grades_are_locked_after_the_decision_until_it_is_reopened(npc):
    """After the decision, results do not change; returning the attestation to the entry
    of results (with a reason) clears the outcomes and votes and is audited."""
    setup = decided("npc", org=npc)
    result = setup.results()[0]
    testing = next(s for s in setup.stages() if s.kind == StageKind.TESTING)
    with pytest.raises(GradesLocked, match="Решение комиссии уже принято"):
        services.record_stage_results(
            actor=setup.chair,
            attestation=setup.attestation,
            entries=[entry(result, testing, Decimal(60))],
        )
    with pytest.raises(ResultInvalid):
        services.reopen_attestation(actor=setup.chair, attestation=setup.attestation, reason="x")
    services.reopen_attestation(
        actor=setup.chair, attestation=setup.attestation, reason="Ошибка при вводе процента"
    )
    setup.attestation.refresh_from_db()
    assert setup.attestation.status == "held"
    assert outcomes(setup) == [""] * 3
    assert AuditEntry.objects.filter(action="attestation.reopen").count() == 1
    services.record_stage_results(
        actor=setup.chair,
        attestation=setup.attestation,
        entries=[entry(result, testing, Decimal(60))],
    )
    result.refresh_from_db()
    assert result.final_grade == Grade.FAILED


def test_it_checks_access(npc, outsider, specialist):
    """Only the organisation's staff and the commission's persons record attendance,
    votes and the decision: others get NotFound, a visitor NotAuthenticated."""
    setup = ready("npc")
    for actor in (outsider, specialist, setup.results()[0].enrolment.learner):
        with pytest.raises(NotFound):
            decide(setup, actor=actor)
        with pytest.raises(NotFound):
            vote_all(setup, actor=actor)
        with pytest.raises(NotFound):
            all_present(setup, actor=actor)
    with pytest.raises(NotAuthenticated):
        decide(setup, actor=AnonymousUser())
    vote_all(setup, actor=npc.staff)
    decide(setup, actor=npc.staff)
