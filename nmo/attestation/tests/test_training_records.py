"""When a справка об обучении is issued after the commission's decision (npc-2.11, rgmu-2.11;
ADR 0109): to whoever did not pass the last attempt; on the first attempt to a learner who
failed or was absent without a valid reason once the retake application window has closed
with no application pending or granted, or at once when the staff tick the box on the
attestation page. The attestation is held on 30.04.2026 (`test_retakes.retake_setup`);
the window's last day and the working days around it come from the work calendar through
the selectors, never by hand."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from nmo.attestation import services
from nmo.attestation.models import LearnerResult
from nmo.attestation.selectors import retake_deadlines_for
from nmo.attestation.tests.factories import schedule_for
from nmo.attestation.tests.test_retakes import apply, decide_attempt, on, retake_setup
from nmo.attestation.types import Outcome, RetakeKind
from nmo.documents.models import QualificationDocument
from nmo.programmes import services as programme_services
from nmo.workcalendar import selectors as calendar

pytestmark = pytest.mark.django_db

RECORD = "training_record"


def window_end(result: LearnerResult) -> date:
    """The last day to apply for the retake, from the regulation and the work calendar."""
    deadlines = retake_deadlines_for(result)
    assert deadlines is not None
    assert deadlines.application_deadline is not None
    return deadlines.application_deadline


def issue_on(setup, day: date, **kwargs) -> list[QualificationDocument]:
    """Issue the attestation's documents as its staff on `day` (travelling to it)."""
    with on(day):
        return services.issue_documents_for(
            actor=setup.org.staff, attestation=setup.attestation, issued_on=day, **kwargs
        )


def holders(documents) -> set[int]:
    return {d.enrolment_id for d in documents}


@pytest.mark.clause("npc-2.9", "npc-2.11", "rgmu-2.9", "rgmu-2.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
@pytest.mark.parametrize(("working_days", "due"), [(-1, False), (0, False), (1, True)])
def test_a_failed_learner_gets_a_record_the_working_day_after_the_window_closes(
    key, working_days, due
):
    """A failed learner who did not apply gets no справка on the day before or on the last
    day of the application window (10 working days at НПЦ, npc-2.9; 5 at РостГМУ,
    rgmu-2.9) — they may still apply — and gets one on the next working day (npc-2.11,
    rgmu-2.11)."""
    setup, failed, _, _ = retake_setup(key)
    last_day = window_end(failed)
    day = {
        -1: calendar.subtract_working_days(last_day, 1),
        0: last_day,
        1: calendar.next_working_day(last_day),
    }[working_days]
    issued = issue_on(setup, day)
    assert (failed.enrolment_id in holders(issued)) is due
    assert all(d.kind == RECORD and d.issued_on == day for d in issued)


@pytest.mark.clause("npc-2.9", "npc-2.11", "rgmu-2.9", "rgmu-2.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_absent_without_a_valid_reason_is_treated_like_failed(key):
    """A learner absent without a valid reason has the same retake window as a failed one
    (npc-2.9, rgmu-2.9): nothing on its last day, a справка the next working day
    (npc-2.11: "не прошедшему итоговую аттестацию"); repeating the call issues nothing."""
    setup, failed, absent, _ = retake_setup(key)
    assert window_end(absent) == window_end(failed)
    assert issue_on(setup, window_end(absent)) == []
    after = calendar.next_working_day(window_end(absent))
    issued = issue_on(setup, after)
    assert holders(issued) == {failed.enrolment_id, absent.enrolment_id}
    assert issue_on(setup, after) == []


@pytest.mark.clause("npc-2.10", "npc-2.11", "rgmu-2.10", "rgmu-2.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_absent_for_a_valid_reason_keeps_the_right_and_gets_nothing(key):
    """A learner absent for a valid reason may still sit the attestation (npc-2.10,
    rgmu-2.10): no справка after the no-valid-reason window, nor when the staff ask for
    справки for those who may still retake."""
    setup, failed, _, valid = retake_setup(key)
    after = calendar.next_working_day(window_end(failed))
    assert valid.enrolment_id not in holders(issue_on(setup, after))
    assert valid.enrolment_id not in holders(issue_on(setup, after, include_failed=True))
    assert not QualificationDocument.objects.filter(enrolment=valid.enrolment).exists()


@pytest.mark.clause("npc-2.9", "npc-2.11", "rgmu-2.9", "rgmu-2.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_a_pending_application_holds_the_record_back(key):
    """A learner whose retake application is pending gets no справка after the window
    closes (they may still pass the retake); the one who did not apply gets it."""
    setup, failed, absent, _ = retake_setup(key)
    apply(failed, RetakeKind.NO_VALID_REASON, setup.attestation.held_on)
    after = calendar.next_working_day(window_end(failed))
    assert holders(issue_on(setup, after)) == {absent.enrolment_id}


@pytest.mark.clause("npc-2.9", "npc-2.11", "rgmu-2.9", "rgmu-2.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_a_refused_application_does_not_hold_the_record_back(key):
    """An application refused (and not filed again before the window closed) leaves the
    learner without a retake: the справка is issued after the window."""
    setup, failed, _, _ = retake_setup(key)
    application = apply(failed, RetakeKind.NO_VALID_REASON, setup.attestation.held_on)
    with on(setup.attestation.held_on):
        services.refuse_retake(
            actor=setup.org.staff, application=application, reason="Заявление без подписи."
        )
    after = calendar.next_working_day(window_end(failed))
    assert failed.enrolment_id in holders(issue_on(setup, after))


@pytest.mark.clause("npc-2.9", "npc-2.11", "rgmu-2.9", "rgmu-2.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_retake_gives_a_record_to_whoever_does_not_pass_it(key):
    """A granted retake holds the first attempt's справка back; failing the retake — the
    last attempt (npc-2.9, rgmu-2.9) — gives it at once (npc-2.11; rgmu-2.11 "в том
    числе повторно")."""
    setup, failed, _, _ = retake_setup(key)
    applied_on = calendar.next_working_day(setup.attestation.held_on)
    application = apply(failed, RetakeKind.NO_VALID_REASON, applied_on)
    retake_day = date(2026, 6, 1)
    with on(calendar.next_working_day(applied_on)):
        services.grant_retake(actor=setup.org.staff, application=application, date=retake_day)
    first = setup.attestation
    after = calendar.next_working_day(window_end(failed))
    assert failed.enrolment_id not in holders(issue_on(setup, after))

    programme_services.decide_admission(actor=setup.org.staff, cohort=setup.cohort, attempt=2)
    setup.attestation = schedule_for(setup, held_on=retake_day, attempt=2)
    retaken = LearnerResult.objects.get(attestation=setup.attestation, enrolment=failed.enrolment)
    decide_attempt(setup, fail=[retaken])
    retaken.refresh_from_db()
    assert retaken.outcome == Outcome.FAILED
    issued = issue_on(setup, retake_day)
    assert [(d.kind, d.enrolment_id) for d in issued] == [(RECORD, failed.enrolment_id)]
    setup.attestation = first
    assert issue_on(setup, calendar.next_working_day(retake_day)) == []


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_staff_tick_the_box_to_give_records_within_the_window(key):
    """On the attestation page the box «Выдать справки и тем, кто ещё может пересдать»
    gives a справка at once to those who failed or were absent without a valid reason;
    without it nothing is issued inside the window. The message counts the
    qualification documents and the справки."""
    setup, failed, absent, _ = retake_setup(key)
    client = Client()
    client.force_login(setup.org.staff)
    url = reverse("attestation:issue_documents", args=[setup.attestation.pk])
    inside = window_end(failed)
    with on(inside):
        page = client.get(setup.attestation.get_absolute_url()).content.decode()
        assert 'name="include_failed"' in page
        assert "Выдать справки и тем, кто ещё может пересдать" in page
        nothing = client.post(url, follow=True).content.decode()
        assert "Новых документов об обучении не выдано" in nothing
        assert not QualificationDocument.objects.exists()
        response = client.post(url, {"include_failed": "1"}, follow=True).content.decode()
    assert (
        "Выдано документов об обучении: 2. Документов о квалификации: 0, справок об "
        "обучении: 2." in response
    )
    records = QualificationDocument.objects.filter(kind=RECORD)
    assert {d.enrolment_id for d in records} == {failed.enrolment_id, absent.enrolment_id}
    assert all(d.issued_on == inside for d in records)
