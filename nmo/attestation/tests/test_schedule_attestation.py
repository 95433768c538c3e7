from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from nmo.attestation import services
from nmo.attestation.exceptions import AttestationInvalid, AttestationNotReady
from nmo.attestation.models import Attestation
from nmo.attestation.tests.factories import (
    attestation_data,
    build,
    decided,
    enrol_admitted,
    make_cohort,
    make_commission,
    make_programme,
    schedule_for,
    specialty,
)
from nmo.attestation.types import AttestationData, Place
from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.programmes import services as programme_services
from nmo.programmes.types import LearnerRow
from nmo.regulations.models import Regulation
from nmo.regulations.services import amend_regulation
from nmo.regulations.types import GradeScale, StageKind

pytestmark = pytest.mark.django_db


@pytest.mark.clause("npc-2.3", "rgmu-2.3")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_admitted_learners_of_the_cohort_sit_the_attestation(key):
    """Scheduling takes the cohort's admitted learners (npc-2.3, rgmu-2.3); a learner who
    did not complete the programme is not admitted and not listed. Audited."""
    setup = build(key, schedule=False)
    outsider = programme_services.enrol_learner(
        actor=setup.org.staff,
        cohort=setup.cohort,
        learner=LearnerRow(row=9, last_name="Незачислев", first_name="Нил", email="n@example.ru"),
    )
    programme_services.decide_admission(actor=setup.org.staff, cohort=setup.cohort)
    attestation = schedule_for(setup)
    learners = set(attestation.learner_results.values_list("enrolment_id", flat=True))
    assert learners == {e.pk for e in setup.enrolments}
    assert outsider.pk not in learners
    assert attestation.regulation_version_id == setup.cohort.regulation_version_id
    assert attestation.status == "planned"
    entry = AuditEntry.objects.get(action="attestation.schedule")
    assert sorted(entry.changes["learners"]) == sorted(e.pk for e in setup.enrolments)


def test_learners_without_an_admission_decision_block_the_attestation(rgmu):
    """The attestation is mandatory for every learner completing the programme
    (rgmu-1.4): while one has no admission decision, nothing is scheduled."""
    setup = build("rgmu", schedule=False, org=rgmu)
    programme_services.enrol_learner(
        actor=rgmu.staff,
        cohort=setup.cohort,
        learner=LearnerRow(row=9, last_name="Поздняков", first_name="Пётр", email="p@example.ru"),
    )
    with pytest.raises(AttestationNotReady, match="обязательна для каждого"):
        schedule_for(setup)


@pytest.mark.clause("rgmu-2.4", "npc-2.4")
@pytest.mark.parametrize(
    ("key", "place", "accepted"),
    [
        ("npc", Place.ORGANISATION, True),
        ("npc", Place.UNIT, True),
        ("npc", Place.CUSTOMER_PREMISES, False),
        ("rgmu", Place.ORGANISATION, True),
        ("rgmu", Place.UNIT, True),
        ("rgmu", Place.CUSTOMER_PREMISES, True),
    ],
)
def test_the_place_is_one_the_regulation_allows(key, place, accepted):
    """РостГМУ holds the attestation at the university, its unit or the customer's premises
    (rgmu-2.4); НПЦ's regulation names no customer's premises (npc-2.6)."""
    setup = build(key, schedule=False)
    if accepted:
        assert schedule_for(setup, place=place).place == place
        return
    with pytest.raises(AttestationInvalid) as excinfo:
        schedule_for(setup, place=place)
    assert "п. 2.6 Положения НПЦ ДЗМ" in excinfo.value.errors["place"][0]


@pytest.mark.clause("npc-2.4", "npc-6.1", "rgmu-2.4", "rgmu-6.1")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_a_remote_attestation_is_held_by_videoconference_with_its_link(key):
    """A remote attestation (npc-2.4, rgmu-2.4) uses a two-way videoconference (npc-6.1,
    rgmu-6.1): it needs the conference's https link."""
    setup = build(key, schedule=False)
    with pytest.raises(AttestationInvalid) as excinfo:
        schedule_for(setup, place=Place.REMOTE)
    assert "видеоконференц" in excinfo.value.errors["videoconference_url"][0]
    with pytest.raises(AttestationInvalid) as excinfo:
        schedule_for(setup, place=Place.REMOTE, videoconference_url="http://meet.example.ru/1")
    assert excinfo.value.errors["videoconference_url"] == [
        "Укажите адрес, начинающийся с https://."
    ]
    attestation = schedule_for(
        setup, place=Place.REMOTE, videoconference_url="https://meet.example.ru/ia-2026"
    )
    assert attestation.videoconference_url == "https://meet.example.ru/ia-2026"
    assert attestation.place_label.startswith("дистанционно")


@pytest.mark.clause("npc-4.1")
def test_the_commission_covers_the_programme_specialty_on_the_date(npc):
    """The attestation is held by the standing commission of the programme's specialty
    (npc-4.1) that is in force on the date."""
    setup = build("npc", schedule=False, org=npc)
    other = make_commission(
        npc, specialty_id=specialty("31.08.36", "Кардиология").pk, title="Кардиология"
    )
    with pytest.raises(AttestationInvalid) as excinfo:
        schedule_for(setup, commission_id=other.pk)
    assert "по специальности «Кардиология»" in excinfo.value.errors["commission"][0]
    with pytest.raises(AttestationInvalid) as excinfo:
        schedule_for(setup, held_on=date(2026, 10, 5), commission_id=make_expired(npc).pk)
    assert "не полномочна" in excinfo.value.errors["commission"][0]


def make_expired(org):
    return make_commission(
        org,
        specialty_id=specialty("31.08.19.1", "Педиатрия (архив)").pk,
        valid_from=date(2026, 1, 1),
        order_date=date(2026, 1, 1),
        valid_to=date(2026, 3, 1),
    )


def test_the_date_of_a_first_attempt_falls_within_the_training(npc):
    """The first attestation is held within the cohort's training period."""
    setup = build("npc", schedule=False, org=npc)
    with pytest.raises(AttestationInvalid) as excinfo:
        schedule_for(setup, held_on=date(2026, 10, 30))
    assert "в период обучения" in excinfo.value.errors["held_on"][0]


def test_a_retake_follows_a_decided_first_attestation(npc):
    """Attempt 2 (npc-2.9) is scheduled only after the decision on attempt 1, on a later
    date, and only once (max one retake)."""
    setup = decided("npc", org=npc)
    with pytest.raises(AttestationInvalid) as excinfo:
        services.schedule_attestation(
            actor=npc.staff, cohort=setup.cohort, data=attestation_data(setup, attempt=3)
        )
    assert "повторная — однократно" in excinfo.value.errors["attempt"][0]
    with pytest.raises(AttestationNotReady):
        services.schedule_attestation(
            actor=npc.staff,
            cohort=setup.cohort,
            data=attestation_data(setup, attempt=2, held_on=date(2026, 11, 2)),
        )


@pytest.mark.clause("rgmu-3.1")
def test_an_exam_needs_a_four_point_stage(rgmu):
    """An exam is graded on the four-point scale (rgmu-3.1): a programme whose stages are
    all зачтено / не зачтено cannot give an exam grade, so it is not scheduled."""
    programme = make_programme(rgmu, stages=[(StageKind.PRACTICAL_SKILLS, GradeScale.TWO_POINT)])
    commission = make_commission(rgmu)
    cohort = make_cohort(rgmu, programme)
    enrol_admitted(rgmu, cohort)
    with pytest.raises(AttestationNotReady, match="четырёхбалльной"):
        services.schedule_attestation(
            actor=rgmu.staff,
            cohort=cohort,
            data=AttestationData(
                commission_id=commission.pk, held_on=date(2026, 10, 16), place=Place.ORGANISATION
            ),
        )


@pytest.mark.clause("npc-3.5")
def test_the_attestation_keeps_the_cohort_regulation_version(npc):
    """The rules are those of the version the cohort pinned: an amendment of the
    regulation after the cohort opened changes nothing for its attestation (ADR 0101)."""
    setup = build("npc", schedule=False, org=npc)
    regulation = Regulation.objects.get(organisation=npc.organisation, is_active=True)
    amend_regulation(
        actor=npc.staff,
        regulation=regulation,
        changes={"grading.test_pass_threshold_percent": 75},
        reason="Приказ № 300 от 01.10.2026",
    )
    attestation = schedule_for(setup)
    assert attestation.regulation_version_id == setup.cohort.regulation_version_id
    assert attestation.regulation_version.number == 1


def test_it_checks_access(npc, outsider, specialist):
    """Only the staff of the cohort's organisation schedule its attestation: another
    organisation's staff get NotFound, a specialist PermissionDenied, a visitor
    NotAuthenticated; commission members do not schedule."""
    setup = build("npc", schedule=False, org=npc)
    data = attestation_data(setup)
    for actor, error in (
        (outsider, NotFound),
        (specialist, PermissionDenied),
        (AnonymousUser(), NotAuthenticated),
        (setup.chair, PermissionDenied),
    ):
        with pytest.raises(error):
            services.schedule_attestation(actor=actor, cohort=setup.cohort, data=data)
    assert not Attestation.objects.exists()
