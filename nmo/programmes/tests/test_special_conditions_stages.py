"""The per-stage choice of special conditions only narrows the application's yes/no flags
per kind of stage (ADR 0305): an application that names no stage of a kind — filed before
the per-stage choice (migration 0009), filed while the programme had no stages, or whose
stage was removed since — keeps its extension and assistant on every stage of that kind."""

import importlib
from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from nmo.programmes import selectors, services
from nmo.programmes.models import ProgrammeStage, SpecialConditionsApplication, StageKind
from nmo.programmes.types import SpecialConditionsGrant, SpecialConditionsRequest

from .factories import enrol, make_cohort, make_programme, stage_data
from .test_special_conditions import ATTESTATION, cohort_with_learner, learner_of

pytestmark = pytest.mark.django_db


def grant(org, application, **minutes):
    services.grant_special_conditions(
        actor=org.staff,
        application=application,
        grant=SpecialConditionsGrant(assistant=True, **minutes),
    )


def test_an_application_with_flags_and_no_stage_links_keeps_its_extension(rgmu):
    """An application filed before the per-stage choice, as migration 0009 may leave it
    (flags set, no stage links): the granted written extension applies to the test, the
    oral one to the interview, the assistant to both. Migration 0009 itself links such an
    application to every stage of the kind asked."""
    cohort, enrolment = cohort_with_learner(rgmu)
    testing, interview = cohort.programme.stages.order_by("order")
    with time_machine.travel(date(2026, 2, 1), tick=False):
        application = services.file_special_conditions(
            actor=learner_of(enrolment),
            enrolment=enrolment,
            request=SpecialConditionsRequest(
                needs_assistant=True, extra_time_written=True, extra_time_oral=True
            ),
        )
    application.assistant_stages.clear()
    application.extra_time_stages.clear()
    grant(rgmu, application, written_minutes=90, oral_minutes=20)
    conditions = selectors.special_conditions_for(enrolment_id=enrolment.pk)
    assert conditions is not None
    assert (
        selectors.test_time_extension_minutes(enrolment_id=enrolment.pk, stage_id=testing.pk) == 90
    )
    assert conditions.extra_minutes_for(interview.pk, oral=True) == 20
    assert conditions.assistant_at(testing.pk)
    assert conditions.assistant_at(interview.pk)

    migration = importlib.import_module(
        "nmo.programmes.migrations.0009_special_conditions_stages_h10b"
    )
    migration.stages_from_kinds(apps, None)
    application.refresh_from_db()
    assert set(application.extra_time_stages.all()) == {testing, interview}
    assert set(application.assistant_stages.all()) == {testing, interview}


def test_a_programme_without_stages_asks_per_kind_and_the_stages_added_later_get_it(client, rgmu):
    """While the programme has no stages the form asks per kind of stage (no checkboxes
    to tick would save «not needed»); the extension then applies to the test stage added
    afterwards."""
    programme = make_programme(rgmu, stages=1)
    cohort = make_cohort(rgmu, programme, **ATTESTATION)
    enrolment = enrol(rgmu, cohort, email="learner@example.ru")
    services.remove_stage(actor=rgmu.staff, stage=programme.stages.get())  # being redone
    client.force_login(learner_of(enrolment))
    url = reverse("programmes:special_conditions_apply", args=[enrolment.pk])
    with time_machine.travel(date(2026, 2, 20), tick=False):
        html = client.get(url).content.decode()
        assert "Нужно больше времени на письменных испытаниях и тестировании" in html
        response = client.post(url, {"needs_assistant": "on", "extra_time_written": "on"})
    assert response.status_code == 302
    application = SpecialConditionsApplication.objects.get(enrolment=enrolment)
    assert (application.needs_assistant, application.extra_time_written) == (True, True)
    assert application.extra_time_text == "нужно на всех письменных этапах и тестировании"
    grant(rgmu, application, written_minutes=90)
    testing = services.add_stage(
        actor=rgmu.staff, programme=programme, data=stage_data(kind=StageKind.TESTING)
    )
    assert (
        selectors.test_time_extension_minutes(enrolment_id=enrolment.pk, stage_id=testing.pk) == 90
    )
    conditions = selectors.special_conditions_for(enrolment_id=enrolment.pk)
    assert conditions is not None
    assert conditions.assistant_at(testing.pk)


def test_a_removed_and_re_added_stage_keeps_the_extension_and_staff_are_warned(client, rgmu):
    """The learner asked extra time and the assistant at the test only; the department
    removes the test stage and adds it again: the extension and the assistant still
    apply to the new test stage, not to the interview, and the staff's list warns that
    the application names a stage no longer in the programme."""
    cohort, enrolment = cohort_with_learner(rgmu)
    programme = cohort.programme
    testing, interview = programme.stages.order_by("order")
    with time_machine.travel(date(2026, 2, 1), tick=False):
        application = services.file_special_conditions(
            actor=learner_of(enrolment),
            enrolment=enrolment,
            request=SpecialConditionsRequest(
                assistant_stage_ids=(testing.pk,), extra_time_stage_ids=(testing.pk,)
            ),
        )
    assert application.extra_time_text == "нужно на этапе: 1. тестирование (письменно)"
    assert application.assistant_text == "нужен на этапе: 1. тестирование"
    grant(rgmu, application, written_minutes=90)
    services.remove_stage(actor=rgmu.staff, stage=testing)
    again = services.add_stage(
        actor=rgmu.staff, programme=programme, data=stage_data(kind=StageKind.TESTING)
    )
    assert not ProgrammeStage.objects.filter(pk=testing.pk).exists()
    assert selectors.test_time_extension_minutes(enrolment_id=enrolment.pk, stage_id=again.pk) == 90
    conditions = selectors.special_conditions_for(enrolment_id=enrolment.pk)
    assert conditions is not None
    interview.refresh_from_db()
    assert conditions.extra_minutes_for(interview.pk, oral=True) == 0
    assert conditions.assistant_at(again.pk)
    application.refresh_from_db()
    assert application.removed_stages == ["1. тестирование (письменно)"]
    client.force_login(rgmu.staff)
    html = client.get(reverse("programmes:special_conditions_list")).content.decode()
    assert "назван этап, удалённый из программы после подачи: «1. тестирование (письменно)»" in html


def test_several_stages_are_named_in_the_plural(rgmu):
    cohort, enrolment = cohort_with_learner(rgmu)
    testing, interview = cohort.programme.stages.order_by("order")
    with time_machine.travel(date(2026, 2, 1), tick=False):
        application = services.file_special_conditions(
            actor=learner_of(enrolment),
            enrolment=enrolment,
            request=SpecialConditionsRequest(assistant_stage_ids=(testing.pk, interview.pk)),
        )
    assert application.assistant_text == "нужен на этапах: 1. тестирование; 2. собеседование"
