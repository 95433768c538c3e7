"""Retakes: the learner's application and the organisation's decision (npc-2.9, npc-2.10,
npc-2.11, rgmu-2.9, rgmu-2.10, rgmu-2.11).

The attestation is held on Thursday 30.04.2026, so every window crosses the May holidays
of the official calendar for 2026 (Постановление Правительства РФ от 24.09.2025 № 1466):
01.05–03.05 and 09.05–11.05 are days off, 04.05–08.05 are working days. Counted by hand:

- 10 working days after 30.04 end on 18.05 (04–08, 12–15, 18); 5 end on 08.05.
- 10 working days after 06.05 end on 21.05 (07, 08, 12–15, 18–21); 5 end on 14.05.
- 3 working days after 07.05 end on 13.05 (08, 12, 13).
- 3 months after 30.04.2026 is 30.07.2026; 12 months is 30.04.2027.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from nmo.attestation import services
from nmo.attestation.exceptions import RetakeApplicationLate, RetakeInvalid, RetakeNotAllowed
from nmo.attestation.models import LearnerResult, RetakeApplication
from nmo.attestation.selectors import retake_deadlines_for
from nmo.attestation.tests.factories import (
    LEARNER_NAMES,
    Setup,
    all_present,
    enrol_admitted,
    grade_all,
    make_cohort,
    make_commission,
    make_programme,
    organisation_under,
    person,
    schedule_for,
    seats_by_role,
    vote_all,
)
from nmo.attestation.types import (
    Attendance,
    Outcome,
    RetakeKind,
    RetakeStatus,
    ValidReasonDocument,
)
from nmo.core.exceptions import NotFound
from nmo.core.models import AuditEntry
from nmo.programmes import services as programme_services
from nmo.programmes.models import Admission
from nmo.regulations.rules import clause_text
from nmo.regulations.types import Grade, GradeScale, StageKind
from nmo.workcalendar.services import seed_calendar

pytestmark = pytest.mark.django_db

HELD_ON = date(2026, 4, 30)
MSK = ZoneInfo("Europe/Moscow")


def on(day: date) -> time_machine.travel:
    """Travel to noon of the day in Moscow."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=MSK), tick=False)


def _failing(stage) -> object:
    if stage.kind == StageKind.TESTING:
        return Decimal("50")
    return Grade.FAILED if stage.scale == GradeScale.TWO_POINT else Grade.UNSATISFACTORY


def decide_attempt(setup: Setup, *, fail=(), absent=None) -> None:
    """Mark absences, grade the rest (failing the learners in `fail`), vote and decide."""
    for result, attendance in (absent or {}).items():
        services.record_learner_attendance(
            actor=setup.secretary, learner_result=result, attendance=attendance
        )
    all_present(setup)
    values = {(r.pk, s.kind): _failing(s) for r in fail for s in setup.stages()}
    grade_all(setup, values=values)
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    setup.attestation.refresh_from_db()


def retake_setup(key: str) -> tuple[Setup, LearnerResult, LearnerResult, LearnerResult]:
    """An organisation under the preset whose attestation of 30.04.2026 is decided: the
    first learner failed, the second was absent without a valid reason, the third absent
    for a valid reason."""
    seed_calendar(first_year=2025, last_year=2027)
    org = organisation_under(key)
    commission = make_commission(org, order_date=date(2026, 1, 12), valid_from=date(2026, 1, 12))
    programme = make_programme(org)
    cohort = make_cohort(
        org, programme, starts_on=date(2026, 4, 20), ends_on=HELD_ON, attestation_date=HELD_ON
    )
    enrolments = enrol_admitted(org, cohort)
    setup = Setup(org, commission, programme, cohort, enrolments, seats=seats_by_role(commission))
    setup.attestation = schedule_for(setup, held_on=HELD_ON)
    failed, no_reason, valid_reason = setup.results()
    decide_attempt(
        setup,
        fail=[failed],
        absent={
            no_reason: Attendance.ABSENT_NO_REASON,
            valid_reason: Attendance.ABSENT_VALID_REASON,
        },
    )
    results = setup.results()
    assert [r.outcome for r in results] == [
        Outcome.FAILED,
        Outcome.ABSENT_NO_REASON,
        Outcome.ABSENT_VALID_REASON,
    ]
    return setup, results[0], results[1], results[2]


def learner_of(result: LearnerResult):
    return result.enrolment.learner


def apply(result: LearnerResult, kind: RetakeKind, day: date, **kwargs) -> RetakeApplication:
    with on(day):
        return services.apply_for_retake(
            actor=kwargs.pop("actor", learner_of(result)),
            learner_result=result,
            kind=kind,
            **kwargs,
        )


def document(presented_on: date, reason_ended_on: date = date(2026, 5, 6)) -> ValidReasonDocument:
    return ValidReasonDocument(
        description="Листок нетрудоспособности № 910000000001",
        presented_on=presented_on,
        reason_ended_on=reason_ended_on,
    )


# --- no valid reason: the application window (npc-2.9, rgmu-2.9) -----------------------


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize(
    ("key", "filed_on", "accepted"),
    [
        ("npc", date(2026, 5, 15), True),  # 9th working day
        ("npc", date(2026, 5, 18), True),  # 10th
        ("npc", date(2026, 5, 19), False),  # 11th
        ("rgmu", date(2026, 5, 7), True),  # 4th
        ("rgmu", date(2026, 5, 8), True),  # 5th
        ("rgmu", date(2026, 5, 12), False),  # 6th, after 09–11.05
    ],
)
def test_application_without_valid_reason_is_filed_within_the_working_days(key, filed_on, accepted):
    """A failed learner applies within 10 (НПЦ, npc-2.9) / 5 (РостГМУ, rgmu-2.9) working
    days of the attestation date; the day after the last is refused naming the rule, the
    clause and the date."""
    _, failed, _, _ = retake_setup(key)
    deadline = date(2026, 5, 18) if key == "npc" else date(2026, 5, 8)
    if accepted:
        application = apply(failed, RetakeKind.NO_VALID_REASON, filed_on)
        assert application.status == RetakeStatus.FILED
        assert application.filed_on == filed_on
        assert application.application_deadline == deadline
        assert application.latest_attestation_date == date(2026, 7, 30)
        assert not application.on_behalf
        assert AuditEntry.objects.filter(action="retake.apply", object_id=str(application.pk))
    else:
        with pytest.raises(RetakeApplicationLate) as refused:
            apply(failed, RetakeKind.NO_VALID_REASON, filed_on)
        days = "10 рабочих дней" if key == "npc" else "5 рабочих дней"
        assert refused.value.message == (
            f"Заявление подано после срока: {days} с даты итоговой аттестации истекли "
            f"{deadline:%d.%m.%Y} ({clause_text(key + '-2.9')})."
        )
        assert not RetakeApplication.objects.exists()


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_absent_without_valid_reason_may_apply_and_sees_the_deadlines(key):
    """A learner absent without a valid reason has the same ground as a failed one; the
    cabinet shows the computed deadline and the last retake day (npc-2.9, rgmu-2.9)."""
    _, _, absent, _ = retake_setup(key)
    deadlines = retake_deadlines_for(absent)
    assert deadlines is not None
    assert deadlines.kind == RetakeKind.NO_VALID_REASON
    assert deadlines.application_deadline == (
        date(2026, 5, 18) if key == "npc" else date(2026, 5, 8)
    )
    assert deadlines.latest_attestation_date == date(2026, 7, 30)
    assert deadlines.clause == clause_text(f"{key}-2.9")
    application = apply(absent, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    assert application.kind == RetakeKind.NO_VALID_REASON


@pytest.mark.clause("npc-2.9", "npc-2.10", "rgmu-2.9", "rgmu-2.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_ground_must_fit_the_outcome(key):
    """No valid reason needs a failure or an absence without one; a valid reason needs an
    absence for a valid reason (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10)."""
    _, failed, _, valid = retake_setup(key)
    with pytest.raises(RetakeNotAllowed):
        apply(
            failed, RetakeKind.VALID_REASON, date(2026, 5, 6), document=document(date(2026, 5, 6))
        )
    with pytest.raises(RetakeNotAllowed):
        apply(valid, RetakeKind.NO_VALID_REASON, date(2026, 5, 6))


# --- valid reason (npc-2.10, rgmu-2.10) -------------------------------------------------


@pytest.mark.clause("npc-2.10", "rgmu-2.10")
@pytest.mark.parametrize(
    ("key", "filed_on", "accepted"),
    [
        ("npc", date(2026, 5, 20), True),  # 9th working day after 06.05
        ("npc", date(2026, 5, 21), True),  # 10th
        ("npc", date(2026, 5, 22), False),  # 11th
        ("rgmu", date(2026, 5, 13), True),  # 4th
        ("rgmu", date(2026, 5, 14), True),  # 5th
        ("rgmu", date(2026, 5, 15), False),  # 6th
    ],
)
def test_valid_reason_application_is_counted_from_presenting_the_document(key, filed_on, accepted):
    """After a valid reason the application is due within 10 (НПЦ, npc-2.10) / 5
    (РостГМУ, rgmu-2.10) working days of presenting the document (here 06.05.2026, the
    day the reason ended)."""
    _, _, _, valid = retake_setup(key)
    deadline = date(2026, 5, 21) if key == "npc" else date(2026, 5, 14)
    doc = document(date(2026, 5, 6))
    if accepted:
        application = apply(valid, RetakeKind.VALID_REASON, filed_on, document=doc)
        assert application.status == RetakeStatus.FILED
        assert application.application_deadline == deadline
        assert application.document_presented_on == date(2026, 5, 6)
        assert application.latest_attestation_date == (None if key == "npc" else date(2027, 4, 30))
    else:
        with pytest.raises(RetakeApplicationLate) as refused:
            apply(valid, RetakeKind.VALID_REASON, filed_on, document=doc)
        assert (
            f"истекли {deadline:%d.%m.%Y} ({clause_text(key + '-2.10')})" in refused.value.message
        )
        assert "с даты предъявления оправдательного документа (06.05.2026)" in (
            refused.value.message
        )


@pytest.mark.clause("rgmu-2.10")
@pytest.mark.parametrize(
    ("presented_on", "status"),
    [
        (date(2026, 5, 12), RetakeStatus.FILED),  # 2nd working day after 07.05
        (date(2026, 5, 13), RetakeStatus.FILED),  # 3rd
        (date(2026, 5, 14), RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION),  # 4th
    ],
)
def test_rostgmu_late_document_goes_to_the_dispute_commission(
    presented_on, status, django_capture_on_commit_callbacks
):
    """At РостГМУ the document is due within 3 working days after the valid reason ended
    (07.05.2026 → 13.05.2026); a later one is not refused: the application goes to the
    dispute commission, and the learner is told (rgmu-2.10)."""
    _, _, _, valid = retake_setup("rgmu")
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(
            valid,
            RetakeKind.VALID_REASON,
            presented_on,
            document=document(presented_on, reason_ended_on=date(2026, 5, 7)),
        )
    assert application.status == status
    assert application.document_deadline == date(2026, 5, 13)
    if status == RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION:
        assert "срок истёк 13.05.2026" in application.status_reason
        assert (
            "комиссия по урегулированию споров (п. 2.10 Положения РостГМУ)"
            in application.status_reason
        )
        assert [m.to for m in mail.outbox] == [[learner_of(valid).email]]
    else:
        assert application.status_reason == ""


@pytest.mark.clause("npc-2.10")
def test_npc_sets_no_document_deadline():
    """НПЦ sets no deadline for the document itself (npc-2.10): a document presented a
    week after the reason ended is accepted, counted from its presentation."""
    _, _, _, valid = retake_setup("npc")
    application = apply(
        valid,
        RetakeKind.VALID_REASON,
        date(2026, 5, 14),
        document=document(date(2026, 5, 14), reason_ended_on=date(2026, 5, 7)),
    )
    assert application.status == RetakeStatus.FILED
    assert application.document_deadline is None


@pytest.mark.clause("npc-2.10", "rgmu-2.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_valid_reason_needs_a_consistent_document(key):
    """A valid reason is documented (npc-2.10, rgmu-2.10): no document, a reason that
    ended before the attestation, or a document presented after filing is refused."""
    _, _, _, valid = retake_setup(key)
    with pytest.raises(RetakeInvalid):
        apply(valid, RetakeKind.VALID_REASON, date(2026, 5, 6))
    with pytest.raises(RetakeInvalid) as refused:
        apply(
            valid,
            RetakeKind.VALID_REASON,
            date(2026, 5, 6),
            document=document(date(2026, 5, 6), reason_ended_on=date(2026, 4, 29)),
        )
    assert "reason_ended_on" in refused.value.errors
    with pytest.raises(RetakeInvalid) as refused:
        apply(valid, RetakeKind.VALID_REASON, date(2026, 5, 6), document=document(date(2026, 5, 7)))
    assert "document_presented_on" in refused.value.errors


# --- once only (npc-2.9, npc-2.11, rgmu-2.9, rgmu-2.11) ---------------------------------


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_second_application_is_refused_while_the_first_stands(key):
    """One application per attempt: a second one is refused while the first is pending;
    after a refusal the learner may apply again within the window (npc-2.9, rgmu-2.9)."""
    setup, failed, _, _ = retake_setup(key)
    first = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with pytest.raises(RetakeNotAllowed):
        apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 5))
    with on(date(2026, 5, 5)):
        services.refuse_retake(
            actor=setup.org.staff, application=first, reason="Заявление без подписи слушателя."
        )
    again = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 6))
    assert again.status == RetakeStatus.FILED


@pytest.mark.clause("npc-2.9", "npc-2.11", "rgmu-2.9", "rgmu-2.11")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_failing_the_retake_gives_no_second_retake(key):
    """The retake is taken once (npc-2.9, rgmu-2.9): a learner who fails it again may not
    apply, and is told a training record is issued instead (npc-2.11, rgmu-2.11 "в том
    числе повторно")."""
    setup, failed, _, _ = retake_setup(key)
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 6)):
        services.grant_retake(actor=setup.org.staff, application=application, date=date(2026, 6, 1))
    programme_services.decide_admission(actor=setup.org.staff, cohort=setup.cohort, attempt=2)
    setup.attestation = schedule_for(setup, held_on=date(2026, 6, 1), attempt=2)
    retaken = LearnerResult.objects.get(attestation=setup.attestation, enrolment=failed.enrolment)
    decide_attempt(setup, fail=[retaken])
    retaken.refresh_from_db()
    assert retaken.outcome == Outcome.FAILED
    with pytest.raises(RetakeNotAllowed) as refused:
        apply(retaken, RetakeKind.NO_VALID_REASON, date(2026, 6, 2))
    assert f"однократно ({clause_text(key + '-2.9')})" in refused.value.message
    assert (
        f"справка об обучении или о периоде обучения ({clause_text(key + '-2.11')})"
        in refused.value.message
    )
    with pytest.raises(RetakeNotAllowed):
        apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 5))


# --- the decision: dates (npc-2.9, rgmu-2.9, rgmu-2.10) ---------------------------------


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
@pytest.mark.parametrize(
    ("retake_on", "allowed"),
    [(date(2026, 7, 29), True), (date(2026, 7, 30), True), (date(2026, 7, 31), False)],
)
def test_retake_is_no_later_than_three_months(
    key, retake_on, allowed, django_capture_on_commit_callbacks
):
    """The organisation sets the retake no later than 3 months after the attestation date
    — 30.07.2026 for 30.04.2026 (npc-2.9, rgmu-2.9); the learner is e-mailed the date."""
    setup, failed, _, _ = retake_setup(key)
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    mail.outbox.clear()
    with on(date(2026, 5, 6)):
        if allowed:
            with django_capture_on_commit_callbacks(execute=True):
                granted = services.grant_retake(
                    actor=setup.org.staff, application=application, date=retake_on
                )
            assert granted.status == RetakeStatus.GRANTED
            assert granted.retake_on == retake_on
            assert granted.decided_by == setup.org.staff
            assert len(mail.outbox) == 1
            assert f"{retake_on:%d.%m.%Y}" in mail.outbox[0].body
            assert AuditEntry.objects.filter(action="retake.grant").count() == 1
        else:
            with pytest.raises(RetakeInvalid) as refused:
                services.grant_retake(
                    actor=setup.org.staff, application=application, date=retake_on
                )
            assert refused.value.errors["date"] == [
                "Аттестация проводится не позднее 30.07.2026: 3 месяца с даты итоговой "
                f"аттестации ({clause_text(key + '-2.9')})."
            ]


@pytest.mark.clause("rgmu-2.10")
@pytest.mark.parametrize(
    ("retake_on", "allowed"),
    [(date(2027, 4, 29), True), (date(2027, 4, 30), True), (date(2027, 5, 1), False)],
)
def test_rostgmu_valid_reason_attestation_within_twelve_months(retake_on, allowed):
    """At РостГМУ a learner absent for a valid reason may take the attestation within 12
    months (30.04.2027), on an individual schedule set by the vice-rector's order
    (rgmu-2.10)."""
    setup, _, _, valid = retake_setup("rgmu")
    application = apply(
        valid, RetakeKind.VALID_REASON, date(2026, 5, 6), document=document(date(2026, 5, 6))
    )
    with on(date(2026, 5, 7)):
        with pytest.raises(RetakeInvalid) as refused:
            services.grant_retake(
                actor=setup.org.staff, application=application, date=date(2026, 9, 1)
            )
        assert (
            "распоряжение проректора (п. 2.10 Положения РостГМУ)"
            in (refused.value.errors["schedule_order_number"][0])
        )
        grant = {
            "actor": setup.org.staff,
            "application": application,
            "date": retake_on,
            "schedule_order_number": "112-р",
            "schedule_order_date": date(2026, 5, 7),
            "individual_schedule": "Тестирование и собеседование в один день.",
        }
        if allowed:
            granted = services.grant_retake(**grant)
            assert granted.schedule_order_number == "112-р"
        else:
            with pytest.raises(RetakeInvalid) as refused:
                services.grant_retake(**grant)
            assert refused.value.errors["date"] == [
                "Аттестация проводится не позднее 30.04.2027: 12 месяцев с даты итоговой "
                "аттестации (п. 2.10 Положения РостГМУ)."
            ]


@pytest.mark.clause("npc-2.10")
def test_npc_valid_reason_has_no_time_limit():
    """НПЦ "must give the opportunity" after a valid reason and sets no limit (npc-2.10):
    the 3 months of npc-2.9 are not applied; only a day after the missed attestation."""
    setup, _, _, valid = retake_setup("npc")
    application = apply(
        valid, RetakeKind.VALID_REASON, date(2026, 5, 6), document=document(date(2026, 5, 6))
    )
    with on(date(2026, 5, 7)):
        with pytest.raises(RetakeInvalid):
            services.grant_retake(actor=setup.org.staff, application=application, date=HELD_ON)
        granted = services.grant_retake(
            actor=setup.org.staff, application=application, date=date(2026, 11, 2)
        )
    assert granted.status == RetakeStatus.GRANTED


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_refusal_needs_a_reason_and_is_final(key, django_capture_on_commit_callbacks):
    """A refusal carries a written reason, is audited and e-mailed; a decided application
    is not decided again."""
    setup, failed, _, _ = retake_setup(key)
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 6)):
        with pytest.raises(RetakeInvalid):
            services.refuse_retake(actor=setup.org.staff, application=application, reason="нет")
        with django_capture_on_commit_callbacks(execute=True):
            refused = services.refuse_retake(
                actor=setup.org.staff,
                application=application,
                reason="Заявление подписано не слушателем.",
            )
        assert refused.status == RetakeStatus.REFUSED
        assert "Заявление подписано не слушателем." in mail.outbox[-1].body
        with pytest.raises(RetakeNotAllowed):
            services.grant_retake(
                actor=setup.org.staff, application=application, date=date(2026, 6, 1)
            )


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_staff_file_a_paper_application_on_behalf(key):
    """Staff may record the learner's paper application with the day it arrived; it is
    marked as filed on the learner's behalf, and the window still applies."""
    setup, failed, _, _ = retake_setup(key)
    application = apply(
        failed,
        RetakeKind.NO_VALID_REASON,
        date(2026, 5, 20),
        actor=setup.org.staff,
        filed_on=date(2026, 5, 6),
    )
    assert application.on_behalf
    assert application.filed_by == setup.org.staff
    assert application.filed_on == date(2026, 5, 6)


# --- access and pages ---------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
def test_it_checks_access(outsider):
    """Only the learner or the organisation's staff may apply; only the staff decide.
    Another learner's result, a specialist without enrolment and another organisation's
    staff get 404 — in the service and on the pages."""
    _, failed, absent, _ = retake_setup("npc")
    with on(date(2026, 5, 4)):
        with pytest.raises(NotFound):
            services.apply_for_retake(
                actor=learner_of(absent), learner_result=failed, kind=RetakeKind.NO_VALID_REASON
            )
        with pytest.raises(NotFound):
            services.apply_for_retake(
                actor=person("Посторонний"),
                learner_result=failed,
                kind=RetakeKind.NO_VALID_REASON,
            )
        with pytest.raises(NotFound):
            services.apply_for_retake(
                actor=outsider, learner_result=failed, kind=RetakeKind.NO_VALID_REASON
            )
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 5)), pytest.raises(NotFound):
        services.grant_retake(actor=outsider, application=application, date=date(2026, 6, 1))
    with on(date(2026, 5, 5)), pytest.raises(NotFound):
        services.refuse_retake(actor=outsider, application=application, reason="Без оснований.")

    apply_url = reverse("attestation:retake_apply", kwargs={"result_pk": failed.pk})
    with on(date(2026, 5, 5)):
        assert client_for(learner_of(absent)).get(apply_url).status_code == 404
        assert client_for(person("Специалистова")).get(apply_url).status_code == 404
        grant_url = reverse("attestation:retake_grant", kwargs={"pk": application.pk})
        response = client_for(outsider).post(grant_url, {"date": "2026-06-01"})
        assert response.status_code == 404
        assert client_for(outsider).get(reverse("attestation:retake_list")).status_code == 200
        assert (
            str(learner_of(failed).last_name)
            not in client_for(outsider).get(reverse("attestation:retake_list")).content.decode()
        )


@pytest.mark.clause("npc-2.9", "npc-2.10")
def test_learner_page_shows_deadlines_and_applies():
    """The learner's page shows the deadline, the last retake day and the clause, and
    files the application through the form (npc-2.9)."""
    _, failed, _, valid = retake_setup("npc")
    client = client_for(learner_of(failed))
    with on(date(2026, 5, 5)):
        page = client.get(reverse("attestation:my_retakes")).content.decode()
        assert "18.05.2026" in page
        assert "30.07.2026" in page
        assert "п. 2.9 Положения НПЦ ДЗМ" in page
        home = client.get(reverse("attestation:learner_home")).content.decode()
        assert reverse("attestation:my_retakes") in home
        url = reverse("attestation:retake_apply", kwargs={"result_pk": failed.pk})
        response = client.post(url, {"kind": RetakeKind.NO_VALID_REASON.value})
        assert response.status_code == 302
    assert RetakeApplication.objects.get(learner_result=failed).status == RetakeStatus.FILED
    with on(date(2026, 5, 25)):
        url = reverse("attestation:retake_apply", kwargs={"result_pk": valid.pk})
        response = client_for(learner_of(valid)).post(
            url,
            {
                "kind": RetakeKind.VALID_REASON.value,
                "document_description": "Справка",
                "document_presented_on": "2026-05-06",
                "reason_ended_on": "2026-05-06",
            },
        )
        assert response.status_code == 422
        assert "истекли 21.05.2026 (п. 2.10 Положения НПЦ ДЗМ)" in response.content.decode()


@pytest.mark.clause("rgmu-2.9", "rgmu-2.10")
def test_staff_page_lists_and_decides():
    """The staff page lists the organisation's applications and grants one with a date."""
    setup, failed, _, _ = retake_setup("rgmu")
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    client = client_for(setup.org.staff)
    with on(date(2026, 5, 5)):
        page = client.get(reverse("attestation:retake_list")).content.decode()
        assert learner_of(failed).last_name in page
        assert "08.05.2026" in page
        url = reverse("attestation:retake_grant", kwargs={"pk": application.pk})
        response = client.post(url, {"date": "2026-07-31"})
        assert response.status_code == 422
        assert "не позднее 30.07.2026" in response.content.decode()
        response = client.post(url, {"date": "2026-07-30"})
        assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == RetakeStatus.GRANTED


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_granting_the_retake_admits_the_learner_to_attempt_two(key):
    """Granting the application admits the learner to the retake (attempt 2), audited; a
    learner who passed may not apply and is not admitted to it."""
    seed_calendar(first_year=2025, last_year=2027)
    org = organisation_under(key)
    commission = make_commission(org, order_date=date(2026, 1, 12), valid_from=date(2026, 1, 12))
    programme = make_programme(org)
    cohort = make_cohort(
        org, programme, starts_on=date(2026, 4, 20), ends_on=HELD_ON, attestation_date=HELD_ON
    )
    enrolments = enrol_admitted(org, cohort, names=LEARNER_NAMES[:2])
    setup = Setup(org, commission, programme, cohort, enrolments, seats=seats_by_role(commission))
    setup.attestation = schedule_for(setup, held_on=HELD_ON)
    decide_attempt(setup, fail=[setup.results()[0]])
    failed, passed = setup.results()
    assert (failed.outcome, passed.outcome) == (Outcome.FAILED, Outcome.PASSED)
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 6)):
        services.grant_retake(actor=org.staff, application=application, date=date(2026, 6, 1))
    admission = Admission.objects.get(enrolment=failed.enrolment, attempt=2)
    assert admission.admitted is True
    assert admission.reasons == []
    assert "удовлетворено" in admission.justification
    assert AuditEntry.objects.filter(action="admission.retake").count() == 1
    with pytest.raises(RetakeNotAllowed):
        apply(passed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    assert not Admission.objects.filter(enrolment=passed.enrolment, attempt=2).exists()


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_deciding_the_retake_admission_admits_only_granted_retakes(key):
    """Admission to the retake comes from granting the learner's application: deciding
    the cohort's attempt-2 admission again keeps that learner admitted and admits nobody
    whose retake was not granted (the other two here did not apply)."""
    setup, failed, _, _ = retake_setup(key)
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 6)):
        services.grant_retake(actor=setup.org.staff, application=application, date=date(2026, 6, 1))
    results = programme_services.decide_admission(
        actor=setup.org.staff, cohort=setup.cohort, attempt=2
    )
    assert [r.enrolment_id for r in results] == [failed.enrolment_id]
    admissions = Admission.objects.filter(enrolment__cohort=setup.cohort, attempt=2)
    assert [(a.enrolment_id, a.admitted) for a in admissions] == [(failed.enrolment_id, True)]
    assert admissions.get().justification


def test_retake_admissions_granted_earlier_are_kept_by_the_migration():
    """Retake admissions stored before the grant counted as a staff decision are marked
    overridden by migration programmes 0002, so re-deciding attempt 2 keeps them."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("nmo.programmes.migrations.0002_retake_admissions_stand")
    setup, failed, _, _ = retake_setup("npc")
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 6)):
        services.grant_retake(actor=setup.org.staff, application=application, date=date(2026, 6, 1))
    Admission.objects.filter(attempt=2).update(overridden=False)  # as stored before
    migration.mark_retake_admissions(apps, None)
    assert list(Admission.objects.filter(attempt=2).values_list("overridden", flat=True)) == [True]
    programme_services.decide_admission(actor=setup.org.staff, cohort=setup.cohort, attempt=2)
    assert Admission.objects.get(attempt=2).admitted
