"""A new attempt after an annulment once the session has closed (issue 13 point 3, ADR
0307): the department gives it its own window; a technical fault is not a retake; a retake
follows the regulation's retake rules (once, within its months of the attestation)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from nmo.attestation import selectors as attestation_selectors
from nmo.attestation import services as attestation_services
from nmo.attestation.models import StageResult
from nmo.attestation.tests.factories import all_present, grade_all, vote_all
from nmo.core.exceptions import PermissionDenied
from nmo.core.models import AuditEntry
from nmo.testing import selectors, services
from nmo.testing.exceptions import AttemptGrantInvalid, AttemptNotAllowed
from nmo.testing.models import AttemptEvent
from nmo.testing.tests.factories import CLOSES, OPENS, make_testing
from nmo.testing.tests.test_attempts import answer_all, kinds

AFTER = CLOSES + timedelta(hours=1)
REASON = "Отказ компьютера в аудитории на 12-й минуте"


def taken(t, index: int = 0, right: int = 3):
    with time_machine.travel(OPENS, tick=False):
        attempt, _ = services.start_attempt(actor=t.learner(index), session=t.session)
        answer_all(t, attempt, right=right)
        return services.submit_attempt(actor=t.learner(index), attempt_id=attempt.pk)


def errors_of(exc) -> str:
    return " ".join(" ".join(v) for v in exc.value.errors.values())


@pytest.mark.clause("rgmu-6.1")
def test_after_the_session_closed_a_technical_fault_gets_a_new_attempt_with_its_own_window(db):
    """rgmu-6.1: an attempt lost to a technical fault is annulled after the session has
    closed; the department gives a new attempt with its own window (not a retake), the
    learner starts it within that window only, it is attempt 2 and its score becomes the
    stage result; the grant is audited and logged on the annulled attempt."""
    t = make_testing("npc")
    learner = t.learner()
    first = taken(t, right=3)
    with time_machine.travel(AFTER, tick=False):
        services.annul_attempt(actor=t.staff, attempt_id=first.pk, reason=REASON)
        with pytest.raises(AttemptNotAllowed) as closed:
            services.start_attempt(actor=learner, session=t.session)
        assert "Начать тестирование можно было до 16.10.2026 12:00" in closed.value.message
        grant = services.grant_new_attempt(
            actor=t.staff,
            attempt_id=first.pk,
            basis="technical",
            opens_at=AFTER + timedelta(minutes=30),
            closes_at=AFTER + timedelta(hours=2),
        )
        with pytest.raises(AttemptNotAllowed) as early:
            services.start_attempt(actor=learner, session=t.session)
        assert early.value.message == (
            "Новая попытка назначена: начать её можно с 16.10.2026 13:30 до 16.10.2026 15:00."
        )
        mine = selectors.tests_for_learner(learner)[0]
        assert mine.grant == grant
        assert not mine.can_start
    now = AFTER + timedelta(minutes=40)
    with time_machine.travel(now, tick=False):
        assert selectors.tests_for_learner(learner)[0].can_start
        second, created = services.start_attempt(actor=learner, session=t.session)
        assert created
        assert (second.number, second.deadline) == (2, now + timedelta(minutes=30))
        answer_all(t, second, right=8)
        done = services.submit_attempt(actor=learner, attempt_id=second.pk)
        with pytest.raises(AttemptNotAllowed):
            services.start_attempt(actor=learner, session=t.session)
    assert done.percent == Decimal("80.00")
    result = StageResult.objects.get(learner_result=second.learner_result)
    assert (result.percent, result.grade) == (Decimal("80.00"), "passed")
    grant.refresh_from_db()
    assert grant.attempt_id == second.pk
    started = AttemptEvent.objects.get(attempt=second, kind="started")
    assert started.details["basis"] == "technical"
    assert kinds(first)[-1] == "granted"
    audit = AuditEntry.objects.get(action="testing.grant_attempt")
    assert audit.changes["basis"] == "technical"
    assert audit.changes["annulled_attempt"] == first.pk
    assert selectors.scores_for_attestation(t.setup.attestation)[first.learner_result_id].pk == (
        second.pk
    )


def test_a_new_attempt_is_never_a_retake_and_leaves_the_learner_s_retake(db):
    """ADR 0307: a new attempt is granted before the commission decides, so it is not the
    regulation's retake, which follows a decided unsatisfactory result on the learner's
    application (ADR 0108). There is no «retake» basis; a technical fault or another valid
    reason may give new attempts after each annulment, and the attestation's one retake
    stays the learner's."""
    t = make_testing("rgmu")
    first = taken(t)
    with time_machine.travel(AFTER, tick=False):
        services.annul_attempt(actor=t.staff, attempt_id=first.pk, reason=REASON)
        with pytest.raises(AttemptGrantInvalid) as retake:
            services.grant_new_attempt(actor=t.staff, attempt_id=first.pk, basis="retake")
        assert "основание" in errors_of(retake)
        grant = services.grant_new_attempt(actor=t.staff, attempt_id=first.pk, basis="technical")
        assert (grant.opens_at, grant.closes_at) == (AFTER, AFTER + (CLOSES - OPENS))
        assert grant.basis_label == "технический сбой или иная уважительная причина"
        with pytest.raises(AttemptGrantInvalid) as twice:
            services.grant_new_attempt(actor=t.staff, attempt_id=first.pk, basis="technical")
        assert "Новая попытка уже назначена" in errors_of(twice)
        second, _ = services.start_attempt(actor=t.learner(), session=t.session)
        services.annul_attempt(actor=t.staff, attempt_id=second.pk, reason=REASON)
        technical = services.grant_new_attempt(
            actor=t.staff, attempt_id=second.pk, basis="technical"
        )
        third, _ = services.start_attempt(actor=t.learner(), session=t.session)
    assert third.number == 3
    assert technical.attempt_id is None  # read before the start
    assert AuditEntry.objects.filter(action="testing.grant_attempt").count() == 2
    assert attestation_selectors.retake_left(t.setup.attestation)


def test_what_a_new_attempt_is_refused_for(db):
    """Only an annulled attempt, only while the commission has not decided, only a window
    that ends in the future; nobody but the organisation's staff."""
    t = make_testing("npc")
    first = taken(t, right=10)
    other = taken(t, index=1, right=10)
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(AttemptGrantInvalid) as running:
            services.grant_new_attempt(actor=t.staff, attempt_id=first.pk, basis="technical")
        assert "после аннулирования попытки" in errors_of(running)
        services.annul_attempt(actor=t.staff, attempt_id=first.pk, reason=REASON)
        with pytest.raises(AttemptGrantInvalid) as past:
            services.grant_new_attempt(
                actor=t.staff,
                attempt_id=first.pk,
                basis="technical",
                opens_at=AFTER - timedelta(hours=2),
                closes_at=AFTER - timedelta(hours=1),
            )
        assert "Окончание уже прошло" in errors_of(past)
        with pytest.raises(AttemptGrantInvalid) as basis:
            services.grant_new_attempt(actor=t.staff, attempt_id=first.pk, basis="whatever")
        assert "основание" in errors_of(basis)
        with pytest.raises(PermissionDenied):
            services.grant_new_attempt(actor=t.learner(1), attempt_id=first.pk, basis="technical")
        all_present(t.setup)
        grade_all(t.setup, values={(first.learner_result_id, "testing"): 50})
        vote_all(t.setup)
        attestation_services.decide_attestation(
            actor=t.setup.chair, attestation=t.setup.attestation
        )
        with pytest.raises(AttemptGrantInvalid) as decided:
            services.grant_new_attempt(actor=t.staff, attempt_id=first.pk, basis="technical")
        assert "Решение комиссии уже принято" in errors_of(decided)
    assert other.status == "submitted"
    assert not AuditEntry.objects.filter(action="testing.grant_attempt").exists()
