import pytest
from django.contrib.auth.models import AnonymousUser

from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.programmes import services
from nmo.programmes.exceptions import ProgrammeBreachesRegulation, ProgrammeInvalid, StageInvalid
from nmo.programmes.models import Programme
from nmo.programmes.selectors import grade_criteria, percent_bands_of
from nmo.regulations.presets import NPC_DZM, PRESETS, ROSTGMU
from nmo.regulations.rules import clause_text, grade_of_testing
from nmo.regulations.types import (
    AttestationForm,
    DefenceWork,
    Grade,
    GradeScale,
    PresetCode,
    ProgrammeKind,
    StageKind,
)

from .conftest import PASSWORD
from .factories import make_programme, programme_data, stage_data

pytestmark = pytest.mark.django_db

NPC_CLAUSES = {k: clause_text(v) for k, v in PRESETS[PresetCode.NPC_DZM].clauses.items()}


def create(org, **overrides):
    return services.create_programme(
        actor=org.staff, organisation=org.organisation, data=programme_data(org, **overrides)
    )


@pytest.mark.clause("npc-2.6", "rgmu-2.6", "npc-2.4", "rgmu-2.4")
def test_staff_create_a_qualification_upgrade_under_either_regulation(org):
    """A qualification upgrade ending with a зачёт, partly remote, is allowed by both
    regulations; its form and duration are the programme's (npc-2.6, rgmu-2.6), remote
    learning is allowed (npc-2.4, rgmu-2.4), and the creation is audited."""
    programme = create(org, remote_share_percent=40)
    assert programme.organisation == org.organisation
    assert programme.unit == org.department
    assert (programme.kind, programme.attestation_form) == ("qualification_upgrade", "credit_test")
    assert programme.remote_share_percent == 40
    assert AuditEntry.objects.filter(
        action="programme.create", object_id=str(programme.pk)
    ).exists()


@pytest.mark.clause("rgmu-3.2", "npc-3.3")
def test_empty_grade_criteria_take_the_wording_of_the_regulation(npc, rgmu):
    """Criteria left empty are filled from the regulation: the four exam grades at РостГМУ
    (rgmu-3.2), зачтено/не зачтено at НПЦ (npc-3.3); a typed criterion is kept."""
    exam = create(rgmu, attestation_form=AttestationForm.EXAM, criteria_good="Свой критерий.")
    assert exam.criteria_excellent == ROSTGMU.grading.criteria_excellent
    assert exam.criteria_good == "Свой критерий."
    assert [label for _, label, _ in grade_criteria(exam)] == [
        "отлично", "хорошо", "удовлетворительно", "неудовлетворительно",
    ]  # fmt: skip
    credit = create(npc)
    assert credit.criteria_passed == NPC_DZM.grading.criteria_passed
    assert [grade for grade, _, _ in grade_criteria(credit)] == [Grade.PASSED, Grade.FAILED]


@pytest.mark.clause("npc-2.5", "npc-2.8")
def test_npc_refuses_professional_retraining_naming_the_clause(npc):
    """НПЦ runs qualification upgrade only: retraining is refused with a Russian message
    naming the clause of its regulation."""
    with pytest.raises(ProgrammeBreachesRegulation) as caught:
        create(npc, kind=ProgrammeKind.PROFESSIONAL_RETRAINING)
    message = caught.value.errors["kind"][0]
    assert "профессиональная переподготовка" in message
    assert f"({NPC_CLAUSES['programmes.kinds_allowed']})" in message
    assert "только «повышение квалификации»" in message
    assert not Programme.objects.exists()


@pytest.mark.clause("npc-2.5")
def test_npc_refuses_the_exam_naming_the_clause(npc):
    """НПЦ ends a programme with an undifferentiated зачёт: an exam is refused (npc-2.5)."""
    with pytest.raises(ProgrammeBreachesRegulation) as caught:
        create(npc, attestation_form=AttestationForm.EXAM)
    message = caught.value.errors["attestation_form"][0]
    assert "экзамен" in message
    assert "(п. 2.5 Положения НПЦ ДЗМ)" in message


@pytest.mark.clause("npc-3.1")
def test_npc_refuses_a_four_point_stage_naming_the_clause(npc):
    """НПЦ grades on the two-point scale only: a four-point stage is refused (npc-3.1)."""
    programme = create(npc)
    with pytest.raises(StageInvalid) as caught:
        services.add_stage(
            actor=npc.staff, programme=programme, data=stage_data(scale=GradeScale.FOUR_POINT)
        )
    message = caught.value.errors["scale"][0]
    assert "четырёхбалльная" in message
    assert "(п. 3.1 Положения НПЦ ДЗМ)" in message
    assert not programme.stages.exists()


@pytest.mark.clause("rgmu-2.5", "rgmu-2.8", "rgmu-3.1", "rgmu-3.6")
def test_rostgmu_allows_retraining_the_exam_and_four_point_testing(rgmu):
    """РостГМУ also runs retraining and the exam, graded on the four-point scale; a testing
    stage gets the recommended bands 90/80/70% (rgmu-3.6)."""
    programme = create(
        rgmu,
        kind=ProgrammeKind.PROFESSIONAL_RETRAINING,
        attestation_form=AttestationForm.EXAM,
        hours=504,
    )
    stage = services.add_stage(
        actor=rgmu.staff, programme=programme, data=stage_data(scale=GradeScale.FOUR_POINT)
    )
    assert (stage.excellent_from_percent, stage.good_from_percent) == (90, 80)
    assert stage.pass_threshold_percent == 70
    bands = percent_bands_of(stage)
    assert grade_of_testing(bands, 89, GradeScale.FOUR_POINT) == Grade.GOOD
    assert grade_of_testing(bands, 90, GradeScale.FOUR_POINT) == Grade.EXCELLENT
    assert grade_of_testing(bands, 69, GradeScale.FOUR_POINT) == Grade.UNSATISFACTORY


@pytest.mark.clause("npc-3.5", "rgmu-3.6")
def test_testing_stage_takes_the_recommended_threshold_or_the_programmes_own(org):
    """A testing stage without a threshold takes the recommended 70%; the programme may set
    its own within 0–100% (npc-3.5, rgmu-3.6): 100 is accepted, 101 refused."""
    programme = create(org)
    recommended = services.add_stage(actor=org.staff, programme=programme, data=stage_data())
    assert recommended.pass_threshold_percent == 70
    assert grade_of_testing(percent_bands_of(recommended), 69) == Grade.FAILED
    assert grade_of_testing(percent_bands_of(recommended), 70) == Grade.PASSED
    own = services.add_stage(
        actor=org.staff, programme=programme, data=stage_data(pass_threshold_percent=100)
    )
    assert own.pass_threshold_percent == 100
    with pytest.raises(StageInvalid) as caught:
        services.add_stage(
            actor=org.staff, programme=programme, data=stage_data(pass_threshold_percent=101)
        )
    assert "pass_threshold_percent" in caught.value.errors


def test_other_stages_carry_no_threshold(org):
    """Only testing is graded by a share of correct answers: an interview has no threshold."""
    programme = create(org)
    stage = services.add_stage(
        actor=org.staff,
        programme=programme,
        data=stage_data(kind=StageKind.INTERVIEW, mode="oral", pass_threshold_percent=60),
    )
    assert stage.pass_threshold_percent is None
    assert percent_bands_of(stage) is None


@pytest.mark.clause("npc-2.5", "rgmu-2.5")
def test_defence_of_a_project_is_a_rostgmu_stage_only(npc, rgmu):
    """НПЦ defends an essay or an attestation work (npc-2.5); РостГМУ also a project
    (rgmu-2.5). A defence stage must say which work."""
    npc_programme, rgmu_programme = create(npc), create(rgmu)
    project = stage_data(kind=StageKind.DEFENCE, mode="oral", defence_work=DefenceWork.PROJECT)
    with pytest.raises(StageInvalid) as caught:
        services.add_stage(actor=npc.staff, programme=npc_programme, data=project)
    assert "(п. 2.5 Положения НПЦ ДЗМ)" in caught.value.errors["defence_work"][0]
    stage = services.add_stage(actor=rgmu.staff, programme=rgmu_programme, data=project)
    assert stage.defence_work == "project"
    with pytest.raises(StageInvalid) as caught:
        services.add_stage(
            actor=rgmu.staff, programme=rgmu_programme, data=stage_data(kind=StageKind.DEFENCE)
        )
    assert "defence_work" in caught.value.errors


@pytest.mark.clause("rgmu-3.1")
def test_a_credit_test_is_graded_on_the_two_point_scale(rgmu):
    """At РостГМУ a зачёт is graded зачтено/не зачтено: its stages may not be four-point, and
    an exam with a four-point stage cannot become a зачёт (rgmu-3.1)."""
    credit = create(rgmu)
    with pytest.raises(StageInvalid) as caught:
        services.add_stage(
            actor=rgmu.staff, programme=credit, data=stage_data(scale=GradeScale.FOUR_POINT)
        )
    assert "(п. 3.1 Положения РостГМУ)" in caught.value.errors["scale"][0]
    exam = make_programme(rgmu, stages=0, attestation_form=AttestationForm.EXAM)
    services.add_stage(
        actor=rgmu.staff, programme=exam, data=stage_data(scale=GradeScale.FOUR_POINT)
    )
    with pytest.raises(ProgrammeBreachesRegulation) as caught:
        services.update_programme(actor=rgmu.staff, programme=exam, data=programme_data(rgmu))
    assert "Этап 1" in caught.value.errors["attestation_form"][0]


@pytest.mark.clause("npc-2.4", "rgmu-2.4")
def test_share_of_remote_learning_is_a_percentage(org):
    """Learning may be fully remote (100%) under both regulations; 101% is no share."""
    assert create(org, remote_share_percent=100).remote_share_percent == 100
    with pytest.raises(ProgrammeBreachesRegulation) as caught:
        create(org, remote_share_percent=101)
    assert "remote_share_percent" in caught.value.errors


def test_programme_fields_are_checked(org, outsider):
    """Empty title, no hours, an attestation longer than the programme, another
    organisation's unit: each is refused by field."""
    foreign_unit = outsider.memberships.first().organisation.units.create(name="Чужая кафедра")
    with pytest.raises(ProgrammeInvalid) as caught:
        create(org, title="  ", hours=10, attestation_hours=11, unit_id=foreign_unit.pk)
    assert {"title", "attestation_hours", "unit_id"} <= set(caught.value.errors)


def test_update_is_audited_with_before_and_after(rgmu):
    """A change of a programme is audited with the values before and after."""
    programme = create(rgmu)
    services.update_programme(
        actor=rgmu.staff, programme=programme, data=programme_data(rgmu, hours=72)
    )
    programme.refresh_from_db()
    assert programme.hours == 72
    entry = AuditEntry.objects.get(action="programme.update")
    assert entry.changes["hours"] == {"before": 36, "after": 72}


def test_removing_a_stage_renumbers_the_rest(org):
    """Stages stay numbered 1, 2, … after one is removed."""
    programme = make_programme(org, stages=3)
    first = programme.stages.get(order=1)
    services.remove_stage(actor=org.staff, stage=first)
    assert list(programme.stages.values_list("order", "kind")) == [
        (1, "interview"),
        (2, "case_tasks"),
    ]


def test_pages_create_and_show_a_programme(client, npc):
    """Staff create a programme on the form, see it in the list and on its page; a kind the
    regulation does not allow is not offered, and a forged one is refused on the form."""
    client.force_login(npc.staff)
    form = {
        "organisation": npc.organisation.pk,
        "unit": npc.department.pk,
        "kind": "professional_retraining",
        "title": "Педиатрия",
        "hours": 504,
        "remote_share_percent": 0,
        "attestation_form": "credit_test",
        "attestation_hours": 6,
    }
    offered = client.get("/programmes/new/").content.decode()
    assert 'value="professional_retraining"' not in offered
    refused = client.post("/programmes/new/", form)
    assert refused.status_code == 422
    assert "Положение организации не предусматривает этот вариант" in refused.content.decode()
    assert "professional_retraining" not in refused.content.decode()
    form["kind"] = "qualification_upgrade"
    created = client.post("/programmes/new/", form)
    programme = Programme.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/programmes/{programme.pk}/"
    page = client.get(created["Location"]).content.decode()
    assert "Этапов пока нет." in page
    assert "Программа пока не готова к набору группы" in page
    stage = client.post(
        f"/programmes/{programme.pk}/stages/",
        {"kind": "testing", "scale": "four_point", "duration_minutes": 60, "mode": "written"},
    )
    assert stage.status_code == 422
    assert "Положение организации не предусматривает этот вариант" in stage.content.decode()
    assert 'value="four_point"' not in page  # the stage form offers the two-point scale only
    listing = client.get("/programmes/").content.decode()
    assert "Педиатрия" in listing
    assert "<caption" in listing


def test_it_checks_access(client, npc, outsider, specialist):
    """Only the organisation's staff see and change its programmes: staff of another
    organisation get NotFound (404), a person without the role PermissionDenied (403), a
    visitor the login page."""
    programme = make_programme(npc)
    with pytest.raises(NotFound):
        services.update_programme(actor=outsider, programme=programme, data=programme_data(npc))
    with pytest.raises(NotFound):
        services.create_programme(
            actor=outsider, organisation=npc.organisation, data=programme_data(npc)
        )
    with pytest.raises(PermissionDenied):
        services.add_stage(actor=specialist, programme=programme, data=stage_data())
    stage = programme.stages.get()
    with pytest.raises(NotAuthenticated):
        services.remove_stage(actor=AnonymousUser(), stage=stage)
    assert client.get(f"/programmes/{programme.pk}/").status_code == 302
    client.login(email=outsider.email, password=PASSWORD)
    assert client.get(f"/programmes/{programme.pk}/").status_code == 404
    assert "Неотложная помощь детям" not in client.get("/programmes/").content.decode()
    client.force_login(specialist)
    assert client.get("/programmes/").status_code == 403


def test_the_edit_pages_change_a_programme_and_a_stage(client, rgmu):
    """Staff change a programme and one of its stages on their forms."""
    programme = make_programme(rgmu)
    stage = programme.stages.get()
    client.force_login(rgmu.staff)
    assert client.get(f"/programmes/{programme.pk}/edit/").status_code == 200
    edited = client.post(
        f"/programmes/{programme.pk}/edit/",
        {
            "organisation": rgmu.organisation.pk,
            "unit": rgmu.department.pk,
            "kind": "qualification_upgrade",
            "title": "Неотложная помощь детям (2026)",
            "hours": 72,
            "remote_share_percent": 100,
            "attestation_form": "credit_test",
            "attestation_hours": 4,
        },
    )
    assert edited.status_code == 302
    url = f"/programmes/{programme.pk}/stages/{stage.pk}/edit/"
    assert client.get(url).status_code == 200
    changed = client.post(
        url,
        {"kind": "testing", "scale": "two_point", "duration_minutes": 90, "mode": "written",
         "pass_threshold_percent": 75},
    )  # fmt: skip
    assert changed.status_code == 302
    programme.refresh_from_db()
    stage.refresh_from_db()
    assert (programme.hours, programme.remote_share_percent) == (72, 100)
    assert (stage.duration_minutes, stage.pass_threshold_percent) == (90, 75)
