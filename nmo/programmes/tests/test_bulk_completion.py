"""Learners of a cohort are marked as having mastered the programme in one action on the
cohort page, not one at a time (issue 10, ADR 0015)."""

import pytest

from nmo.core.models import AuditEntry
from nmo.programmes import services
from nmo.programmes.models import Enrolment

from .factories import enrol, make_cohort

pytestmark = pytest.mark.django_db


def cohort_of_three(org):  # type: ignore[no-untyped-def]
    cohort = make_cohort(org)
    first = enrol(org, cohort, last_name="Алексеева")
    second = enrol(org, cohort, last_name="Борисов")
    gone = enrol(org, cohort, last_name="Васильев")
    services.update_enrolment(
        actor=org.staff,
        enrolment=gone,
        programme_completed=False,
        curriculum_completed=False,
        status="withdrawn",
        contract_number=gone.contract_number,
        contract_date=gone.contract_date,
    )
    return cohort, first, second, gone


@pytest.mark.clause("npc-2.3", "rgmu-2.3")
def test_staff_mark_a_cohort_of_three_in_one_action_with_one_refusal(client, org):
    """Staff select every learner of a cohort of three on its page and mark them as having
    mastered the programme: the two studying are marked (each change audited), the
    withdrawn one is refused and named with the reason, in Russian."""
    cohort, first, second, gone = cohort_of_three(org)
    client.force_login(org.staff)
    url = f"/programmes/cohorts/{cohort.pk}/"
    shown = client.get(url).content.decode()
    assert 'name="enrolment"' in shown
    assert "Отметить выбранных: программа освоена" in shown
    before = AuditEntry.objects.filter(action="enrolment.update").count()

    response = client.post(
        f"{url}learners/completed/",
        {"enrolment": [first.pk, second.pk, gone.pk], "scope": "chosen"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Отмечены как освоившие программу (2)" in page
    assert "Не отмечены (1): Васильев Пётр Петрович — отчислен" in page
    marked = dict(Enrolment.objects.filter(cohort=cohort).values_list("pk", "programme_completed"))
    assert marked == {first.pk: True, second.pk: True, gone.pk: False}
    assert AuditEntry.objects.filter(action="enrolment.update").count() == before + 2


def test_all_learners_with_the_curriculum_and_nothing_chosen(client, npc):
    """«Отметить всех» needs no ticking and can mark the curriculum done too; a second run
    says who was marked before; nothing chosen is answered, nothing changed."""
    cohort, first, second, _ = cohort_of_three(npc)
    client.force_login(npc.staff)
    url = f"/programmes/cohorts/{cohort.pk}/learners/completed/"
    nothing = client.post(url, {"scope": "chosen"}, follow=True).content.decode()
    assert "Выберите хотя бы одного слушателя группы." in nothing
    assert not Enrolment.objects.filter(programme_completed=True).exists()

    client.post(url, {"scope": "all", "curriculum_completed": "on"})
    done = Enrolment.objects.filter(pk__in=[first.pk, second.pk])
    assert all(e.programme_completed and e.curriculum_completed for e in done)
    again = client.post(url, {"scope": "all"}, follow=True).content.decode()
    assert "Уже были отмечены ранее: Алексеева Пётр Петрович, Борисов Пётр Петрович." in again


def test_only_the_cohorts_staff_mark_it(client, npc, outsider, specialist):
    """Staff of another organisation get 404, a person without the role 403."""
    cohort, first, _, _ = cohort_of_three(npc)
    url = f"/programmes/cohorts/{cohort.pk}/learners/completed/"
    client.force_login(outsider)
    assert client.post(url, {"scope": "all"}).status_code == 404
    client.force_login(specialist)
    assert client.post(url, {"scope": "all"}).status_code == 403
    first.refresh_from_db()
    assert not first.programme_completed
