from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from nmo.attestation import services
from nmo.attestation.exceptions import AttestationNotReady, ResultInvalid
from nmo.attestation.models import StageResult
from nmo.attestation.tests.factories import (
    build,
    enrol_admitted,
    entry,
    grade_all,
    make_cohort,
    make_commission,
    make_programme,
    schedule_for,
    specialty,
)
from nmo.attestation.types import Attendance
from nmo.core.exceptions import NotAuthenticated, NotFound
from nmo.core.models import AuditEntry
from nmo.regulations.types import Grade, StageKind

pytestmark = pytest.mark.django_db


def stage(setup, kind):
    return next(s for s in setup.stages() if s.kind == kind)


def enter(setup, result, kind, value, actor=None):
    return services.record_stage_results(
        actor=actor or setup.secretary,
        attestation=setup.attestation,
        entries=[entry(result, stage(setup, kind), value)],
    )[0]


@pytest.mark.clause("npc-3.5", "rgmu-3.6", "rgmu-3.1", "npc-3.1")
@pytest.mark.parametrize(
    ("key", "percent", "grade"),
    [
        ("npc", 69, Grade.FAILED),
        ("npc", "69.99", Grade.FAILED),
        ("npc", 70, Grade.PASSED),
        ("npc", 71, Grade.PASSED),
        ("rgmu", 69, Grade.UNSATISFACTORY),
        ("rgmu", 70, Grade.SATISFACTORY),
        ("rgmu", 71, Grade.SATISFACTORY),
        ("rgmu", 79, Grade.SATISFACTORY),
        ("rgmu", 80, Grade.GOOD),
        ("rgmu", 81, Grade.GOOD),
        ("rgmu", 89, Grade.GOOD),
        ("rgmu", 90, Grade.EXCELLENT),
        ("rgmu", 91, Grade.EXCELLENT),
    ],
)
def test_the_testing_percentage_is_graded_by_the_programme_threshold(key, percent, grade):
    """The share of correct answers is graded by the programme's testing stage: зачтено
    from 70% at НПЦ (npc-3.5), отлично from 90%, хорошо 80–89%, удовлетворительно 70–79% at
    РостГМУ (rgmu-3.6) — each bound at N−1, N, N+1."""
    setup = build(key)
    result = setup.results()[0]
    saved = enter(setup, result, StageKind.TESTING, Decimal(str(percent)))
    assert saved.grade == grade
    assert saved.percent == Decimal(str(percent)).quantize(Decimal("0.01"))


@pytest.mark.clause("rgmu-app1", "rgmu-3.1")
def test_practical_skills_are_zachteno_and_the_interview_is_graded_on_four_points(rgmu):
    """At РостГМУ (App. 1): skills зачтено / не зачтено (§4.2), the interview on the
    four-point scale (§4.3); a grade of the other scale is refused."""
    setup = build("rgmu", org=rgmu)
    result = setup.results()[0]
    assert enter(setup, result, StageKind.PRACTICAL_SKILLS, Grade.PASSED).grade == "passed"
    assert enter(setup, result, StageKind.INTERVIEW, Grade.EXCELLENT).grade == "excellent"
    with pytest.raises(ResultInvalid) as excinfo:
        enter(setup, result, StageKind.PRACTICAL_SKILLS, Grade.GOOD)
    assert "зачтено, не зачтено" in next(iter(excinfo.value.errors.values()))[0]
    with pytest.raises(ResultInvalid):
        enter(setup, result, StageKind.TESTING, Decimal("101"))


@pytest.mark.clause("npc-3.2", "npc-3.3", "rgmu-3.3")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_final_grade_follows_once_every_stage_has_a_result(key):
    """The final grade is the arithmetic mean of the stages (npc-3.2, rgmu-3.3; ADR 0104),
    set when the last stage is entered: 85% / зачтено / хорошо → хорошо at РостГМУ;
    зачтено on both stages → зачтено at НПЦ; one не зачтено → не зачтено (npc-3.3)."""
    setup = build(key)
    first, second = setup.results()[:2]
    enter(setup, first, StageKind.TESTING, Decimal(85))
    first.refresh_from_db()
    assert first.final_grade == ""
    grade_all(setup)
    first.refresh_from_db()
    assert first.final_grade == ("good" if key == "rgmu" else "passed")
    if key == "rgmu":
        assert first.final_mean == Decimal("4.00")
        enter(setup, second, StageKind.INTERVIEW, Grade.EXCELLENT)
        enter(setup, second, StageKind.TESTING, Decimal(95))
        second.refresh_from_db()
        assert (second.final_grade, second.final_mean) == ("excellent", Decimal("5.00"))
        enter(setup, second, StageKind.PRACTICAL_SKILLS, Grade.FAILED)
        second.refresh_from_db()
        assert second.final_grade == "unsatisfactory"
    else:
        enter(setup, second, StageKind.INTERVIEW, Grade.FAILED)
        second.refresh_from_db()
        assert second.final_grade == "failed"


def test_every_change_of_a_grade_is_audited_with_before_and_after(npc):
    """A grade entered and then changed leaves two audit entries, with the value before
    and after; entering the same value again records nothing."""
    setup = build("npc", org=npc)
    result = setup.results()[0]
    enter(setup, result, StageKind.TESTING, Decimal(65))
    enter(setup, result, StageKind.TESTING, Decimal(75), actor=setup.chair)
    enter(setup, result, StageKind.TESTING, Decimal(75))
    entries = list(AuditEntry.objects.filter(action="attestation.grade").order_by("id"))
    assert len(entries) == 2
    assert entries[0].changes["before"] is None
    assert entries[1].changes["before"] == {"percent": "65.00", "grade": "failed"}
    assert entries[1].changes["after"] == {"percent": "75.00", "grade": "passed"}
    assert entries[1].actor == setup.chair
    setup.attestation.refresh_from_db()
    assert setup.attestation.status == "held"


@pytest.mark.clause("npc-2.9", "npc-2.10", "rgmu-2.9", "rgmu-2.10")
def test_a_learner_absent_gets_no_grades(org):
    """A learner absent with or without a valid reason (npc-2.9/2.10, rgmu-2.9/2.10) gets
    no stage grades; grades entered before are removed (and audited)."""
    setup = build(org.preset, org=org)
    result = setup.results()[0]
    enter(setup, result, StageKind.TESTING, Decimal(85))
    services.record_learner_attendance(
        actor=setup.secretary, learner_result=result, attendance=Attendance.ABSENT_VALID_REASON
    )
    assert not StageResult.objects.filter(learner_result=result).exists()
    with pytest.raises(ResultInvalid) as excinfo:
        enter(setup, result, StageKind.TESTING, Decimal(85))
    assert (
        "Антонова Алла Борисовна: не явилась по уважительной причине"
        in next(iter(excinfo.value.errors.values()))[0]
    )
    audit = AuditEntry.objects.filter(action="attestation.attendance").get()
    assert audit.changes == {"before": "present", "after": "absent_valid_reason"}


def test_results_are_entered_on_the_attestation_day_not_before(npc):
    """Results are entered on the day of the attestation or later, not before it."""
    setup = build("npc", org=npc)
    result = setup.results()[0]
    with (
        time_machine.travel(datetime(2026, 10, 15, 12, tzinfo=ZoneInfo("Europe/Moscow"))),
        pytest.raises(AttestationNotReady, match=r"16\.10\.2026"),
    ):
        enter(setup, result, StageKind.TESTING, Decimal(85))
    with time_machine.travel(datetime(2026, 10, 16, 9, tzinfo=ZoneInfo("Europe/Moscow"))):
        assert enter(setup, result, StageKind.TESTING, Decimal(85)).grade == "passed"


def test_remarks_are_recorded_and_audited(rgmu):
    """The commission's remarks on a learner (rgmu-app1 §6) are stored and audited."""
    setup = build("rgmu", org=rgmu)
    result = setup.results()[0]
    services.record_remarks(
        actor=setup.chair, learner_result=result, remarks="Рекомендовать к работе в ОРИТ."
    )
    result.refresh_from_db()
    assert result.remarks == "Рекомендовать к работе в ОРИТ."
    assert AuditEntry.objects.filter(action="attestation.remarks").count() == 1


def test_it_checks_access(npc, outsider, specialist):
    """The organisation's staff and the persons seated on the commission (the secretary
    included) enter results; staff of another organisation, a member of another
    commission and a learner get NotFound, a visitor NotAuthenticated."""
    setup = build("npc", org=npc)
    result = setup.results()[0]
    other_commission = make_commission(npc, specialty_id=specialty("31.08.36", "Кардиология").pk)
    stranger = other_commission.seats.filter(role="member").first().person
    learner = result.enrolment.learner
    for actor in (outsider, specialist, stranger, learner):
        with pytest.raises(NotFound):
            enter(setup, result, StageKind.TESTING, Decimal(85), actor=actor)
    with pytest.raises(NotAuthenticated):
        enter(setup, result, StageKind.TESTING, Decimal(85), actor=AnonymousUser())
    for actor in (npc.staff, setup.chair, setup.secretary, setup.members[0], setup.deputy):
        assert enter(setup, result, StageKind.TESTING, Decimal(85), actor=actor).grade == "passed"


@pytest.mark.clause("rgmu-2.5", "rgmu-3.1", "rgmu-3.6")
def test_rostgmu_holds_an_exam_or_a_zachet_of_one_or_more_stages(rgmu):
    """At РостГМУ the attestation is an exam or an undifferentiated зачёт of one or more
    stages (rgmu-2.5): a зачёт's testing stage is зачтено from the programme's threshold
    (rgmu-3.6) and its final grade is зачтено / не зачтено (rgmu-3.1)."""
    programme = make_programme(rgmu, retraining=False)
    assert programme.attestation_form == "credit_test"
    setup = build("rgmu", schedule=False, org=rgmu)
    setup.programme = programme
    setup.cohort = make_cohort(rgmu, programme)
    enrol_admitted(rgmu, setup.cohort)
    setup.attestation = schedule_for(setup)
    first, second, _ = setup.results()
    enter(setup, first, StageKind.TESTING, Decimal(70))
    enter(setup, first, StageKind.INTERVIEW, Grade.PASSED)
    enter(setup, second, StageKind.TESTING, Decimal(69))
    enter(setup, second, StageKind.INTERVIEW, Grade.PASSED)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.final_grade, second.final_grade) == ("passed", "failed")


def test_a_stage_with_results_cannot_be_removed():
    """Removing a programme's stage that already has a learner's result is a refusal (409),
    not a server error; the stage and the result stay."""
    from nmo.programmes.exceptions import StageInUse
    from nmo.programmes.services import remove_stage

    setup = build("npc")
    first = setup.results()[0]
    enter(setup, first, StageKind.TESTING, Decimal(85))
    stage = StageResult.objects.filter(learner_result=first).first().stage
    with pytest.raises(StageInUse) as refused:
        remove_stage(actor=setup.org.staff, stage=stage)
    assert refused.value.status == 409
    assert StageResult.objects.filter(stage=stage).exists()
