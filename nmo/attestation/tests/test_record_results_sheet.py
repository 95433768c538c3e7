"""Saving the grading sheet — every learner's attendance and stage results — as one act:
all of it or nothing, through the service and through the grading page."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from nmo.attestation import services
from nmo.attestation.exceptions import ResultInvalid
from nmo.attestation.models import LearnerResult, StageResult
from nmo.attestation.tests.factories import build, entry, grade_all
from nmo.attestation.types import Attendance
from nmo.core.exceptions import NotFound
from nmo.core.models import AuditEntry
from nmo.programmes.models import ProgrammeStage
from nmo.regulations.types import Grade, StageKind

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clause("npc-3.1", "npc-3.5", "npc-2.9", "npc-2.10"),
]


def stage_testing(setup):
    return next(s for s in setup.stages() if s.kind == StageKind.TESTING)


@pytest.fixture
def graded(npc):
    """An attestation whose three learners came and were graded on every stage."""
    setup = build("npc", org=npc)
    grade_all(setup)
    return setup


def snapshot(setup):
    """Each learner's attendance, final grade and stage results, as stored."""
    return {
        r.pk: (
            r.attendance,
            r.final_grade,
            sorted(
                StageResult.objects.filter(learner_result=r).values_list(
                    "stage_id", "percent", "grade"
                )
            ),
        )
        for r in LearnerResult.objects.filter(attestation=setup.attestation)
    }


def test_the_sheet_saves_attendance_and_results_together(graded):
    """A learner marked absent without a valid reason loses the stage results (npc-2.9);
    another learner's new percentage is graded (npc-3.5); both are audited."""
    first, second, third = graded.results()
    before = AuditEntry.objects.count()
    services.record_results_sheet(
        actor=graded.secretary,
        attestation=graded.attestation,
        attendance={
            first.pk: Attendance.ABSENT_NO_REASON,
            second.pk: Attendance.PRESENT,
            third.pk: Attendance.PRESENT,
        },
        entries=[entry(second, stage_testing(graded), 60)],
    )
    first.refresh_from_db()
    assert first.attendance == Attendance.ABSENT_NO_REASON
    assert first.final_grade == ""
    assert not StageResult.objects.filter(learner_result=first).exists()
    changed = StageResult.objects.get(learner_result=second, stage=stage_testing(graded))
    assert (changed.percent, changed.grade) == (Decimal("60.00"), Grade.FAILED)
    new = AuditEntry.objects.order_by("pk")[before:]
    actions = [a.action for a in new]
    assert actions.count("attestation.attendance") == 1
    # the two grades of the absent learner removed, the changed percentage of the other
    assert actions.count("attestation.grade") == 3


def test_a_refused_result_leaves_the_attendance_unchanged(graded):
    """When the stage results of the sheet are refused, the attendance typed with them is
    not saved either: nothing is half-written, the removed results stay."""
    first, second, _ = graded.results()
    before = snapshot(graded)
    audited = AuditEntry.objects.count()
    with pytest.raises(ResultInvalid):
        services.record_results_sheet(
            actor=graded.secretary,
            attestation=graded.attestation,
            attendance={first.pk: Attendance.ABSENT_VALID_REASON},
            entries=[entry(second, stage_testing(graded), 150)],
        )
    assert snapshot(graded) == before
    assert AuditEntry.objects.count() == audited


def test_a_learner_of_another_attestation_is_refused(graded):
    other = build("rgmu")
    stranger = other.results()[0]
    before = snapshot(graded)
    with pytest.raises(ResultInvalid):
        services.record_results_sheet(
            actor=graded.secretary,
            attestation=graded.attestation,
            attendance={
                graded.results()[0].pk: Attendance.ABSENT_NO_REASON,
                stranger.pk: Attendance.ABSENT_NO_REASON,
            },
            entries=[],
        )
    assert snapshot(graded) == before
    assert LearnerResult.objects.get(pk=stranger.pk).attendance == Attendance.PRESENT


def test_it_checks_access(graded, outsider):
    before = snapshot(graded)
    with pytest.raises(NotFound):
        services.record_results_sheet(
            actor=outsider,
            attestation=graded.attestation,
            attendance={graded.results()[0].pk: Attendance.ABSENT_NO_REASON},
            entries=[],
        )
    assert snapshot(graded) == before


def sheet_post(setup, *, absent=None, percent="85"):
    """The grading page's form: everyone present with 85% and зачтено, but `absent`."""
    testing, other = setup.stages()[0], setup.stages()[1]
    data = {}
    for result in setup.results():
        if result == absent:
            data[f"att_{result.pk}"] = Attendance.ABSENT_NO_REASON.value
            continue
        data[f"att_{result.pk}"] = Attendance.PRESENT.value
        data[f"r{result.pk}_s{testing.pk}"] = percent
        data[f"r{result.pk}_s{other.pk}"] = Grade.PASSED.value
    return data


def post_sheet(setup, data):
    client = Client()
    client.force_login(setup.secretary)
    url = reverse("attestation:attestation_results", args=[setup.attestation.pk])
    return client.post(url, data, follow=True)


def test_the_page_saves_the_sheet(graded):
    first, second, _ = graded.results()
    page = post_sheet(graded, sheet_post(graded, absent=first, percent="95"))
    assert "Результаты сохранены." in page.content.decode()
    first.refresh_from_db()
    assert first.attendance == Attendance.ABSENT_NO_REASON
    assert not StageResult.objects.filter(learner_result=first).exists()
    assert StageResult.objects.get(
        learner_result=second, stage=stage_testing(graded)
    ).percent == Decimal("95.00")


def test_a_sheet_refused_on_the_page_saves_nothing(graded):
    """The page posts the attendance and the results together; when the results are
    refused (here: the testing stage has lost its pass threshold, so a percentage cannot
    be graded), the learner marked absent on the same sheet stays present with the
    results as they were, and the refusal is shown."""
    first = graded.results()[0]
    ProgrammeStage.objects.filter(pk=stage_testing(graded).pk).update(pass_threshold_percent=None)
    before = snapshot(graded)
    page = post_sheet(graded, sheet_post(graded, absent=first, percent="95"))
    assert "Результаты сохранены." not in page.content.decode()
    assert snapshot(graded) == before
    assert not AuditEntry.objects.filter(action="attestation.attendance").exists()
