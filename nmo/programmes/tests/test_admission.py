from datetime import date

import pytest

from nmo.core.exceptions import Conflict, NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.programmes import services
from nmo.programmes.exceptions import AdmissionOverrideInvalid
from nmo.programmes.models import Admission
from nmo.programmes.selectors import list_admitted_enrolments, list_undecided_enrolments
from nmo.regulations.presets import PRESETS
from nmo.regulations.rules import clause_text
from nmo.regulations.types import PresetCode

from .conftest import PASSWORD
from .factories import enrol, make_cohort

pytestmark = pytest.mark.django_db

CLAUSE = {
    "npc_dzm": clause_text(PRESETS[PresetCode.NPC_DZM].clauses["admission.requirements"]),
    "rostgmu": clause_text(PRESETS[PresetCode.ROSTGMU].clauses["admission.requirements"]),
}
JUSTIFICATION = "Задолженность погашена, справка бухгалтерии от 12.05.2026."


def ready(org, cohort, **overrides):
    """A learner who has done everything: programme and curriculum, assessments passed."""
    enrolment = enrol(org, cohort, **overrides)
    services.update_enrolment(
        actor=org.staff,
        enrolment=enrolment,
        programme_completed=True,
        curriculum_completed=True,
        status="enrolled",
        contract_number=enrolment.contract_number,
        contract_date=enrolment.contract_date,
    )
    services.record_intermediate_result(
        actor=org.staff,
        enrolment=enrolment,
        title="Модуль 1",
        passed=True,
        assessed_on=date(2026, 5, 8),
    )
    enrolment.refresh_from_db()
    return enrolment


def decide(org, cohort):
    return {r.enrolment_id: r for r in services.decide_admission(actor=org.staff, cohort=cohort)}


@pytest.mark.clause("npc-2.3", "rgmu-2.3")
def test_a_learner_who_has_done_everything_is_admitted(org):
    """Programme mastered, curriculum done, assessments passed, no debts: admitted under
    both regulations with no reasons."""
    cohort = make_cohort(org)
    enrolment = ready(org, cohort)
    result = decide(org, cohort)[enrolment.pk]
    assert (result.admitted, result.reasons, result.overridden) == (True, (), False)
    assert list(list_admitted_enrolments(cohort)) == [enrolment]


@pytest.mark.clause("npc-2.3", "rgmu-2.3")
def test_a_learner_who_has_not_mastered_the_programme_is_not_admitted(org):
    """The programme mastered is a condition at both organisations (npc-2.3, rgmu-2.3); the
    reason names the clause."""
    cohort = make_cohort(org)
    enrolment = ready(org, cohort)
    services.update_enrolment(
        actor=org.staff, enrolment=enrolment, programme_completed=False,
        curriculum_completed=True, status="enrolled", contract_number="", contract_date=None,
    )  # fmt: skip
    result = decide(org, cohort)[enrolment.pk]
    assert not result.admitted
    assert result.reasons == (f"Программа (ДПП) не освоена ({CLAUSE[org.preset]}).",)


@pytest.mark.clause("npc-2.3", "rgmu-2.3")
def test_a_failed_intermediate_assessment_stops_admission_until_passed(org):
    """Intermediate assessments must be passed at both organisations; a later pass under the
    same title clears the fail."""
    cohort = make_cohort(org)
    enrolment = ready(org, cohort)
    services.record_intermediate_result(
        actor=org.staff,
        enrolment=enrolment,
        title="Модуль 2",
        passed=False,
        assessed_on=date(2026, 5, 11),
    )
    result = decide(org, cohort)[enrolment.pk]
    assert not result.admitted
    assert result.reasons == (
        f"Не пройдены промежуточные аттестации: «Модуль 2» ({CLAUSE[org.preset]}).",
    )
    services.record_intermediate_result(
        actor=org.staff,
        enrolment=enrolment,
        title="модуль  2",
        passed=True,
        assessed_on=date(2026, 5, 12),
    )
    assert decide(org, cohort)[enrolment.pk].admitted


@pytest.mark.clause("npc-2.3", "rgmu-2.3")
def test_debts_stop_admission_at_rostgmu_only(npc, rgmu):
    """An outstanding debt stops admission at РостГМУ (rgmu-2.3) but not at НПЦ, whose
    regulation does not make it a condition (npc-2.3); a cleared debt no longer counts."""
    results = {}
    for org in (npc, rgmu):
        cohort = make_cohort(org)
        enrolment = ready(org, cohort)
        debt = services.record_debt(
            actor=org.staff, enrolment=enrolment, description="Оплата обучения"
        )
        results[org.preset] = (org, cohort, enrolment, debt, decide(org, cohort)[enrolment.pk])
    assert results["npc_dzm"][4].admitted
    refused = results["rostgmu"][4]
    assert not refused.admitted
    assert refused.reasons == (
        "Есть непогашенные задолженности: «Оплата обучения» (п. 2.3 Положения РостГМУ).",
    )
    org, cohort, enrolment, debt, _ = results["rostgmu"]
    services.clear_debt(actor=org.staff, debt=debt, cleared_on=date(2026, 5, 12))
    assert decide(org, cohort)[enrolment.pk].admitted


@pytest.mark.clause("npc-2.3", "rgmu-2.3")
def test_an_unfinished_curriculum_stops_admission_at_rostgmu_only(npc, rgmu):
    """The (individual) curriculum done in full is a condition at РостГМУ (rgmu-2.3), not
    at НПЦ (npc-2.3)."""
    outcome = {}
    for org in (npc, rgmu):
        cohort = make_cohort(org)
        enrolment = ready(org, cohort)
        services.update_enrolment(
            actor=org.staff, enrolment=enrolment, programme_completed=True,
            curriculum_completed=False, status="enrolled", contract_number="", contract_date=None,
        )  # fmt: skip
        outcome[org.preset] = decide(org, cohort)[enrolment.pk]
    assert outcome["npc_dzm"].admitted
    assert outcome["rostgmu"].reasons == (
        "Учебный (индивидуальный) план не выполнен в полном объёме (п. 2.3 Положения РостГМУ).",
    )


@pytest.mark.clause("rgmu-2.3")
def test_every_missing_condition_is_listed(rgmu):
    """A learner missing all four conditions at РостГМУ gets four reasons, in the order of
    the regulation."""
    cohort = make_cohort(rgmu)
    enrolment = enrol(rgmu, cohort)
    services.record_intermediate_result(
        actor=rgmu.staff,
        enrolment=enrolment,
        title="Модуль 1",
        passed=False,
        assessed_on=date(2026, 5, 8),
    )
    services.record_debt(actor=rgmu.staff, enrolment=enrolment, description="Не сдан отчёт")
    reasons = decide(rgmu, cohort)[enrolment.pk].reasons
    assert [r.split()[0] for r in reasons] == ["Программа", "Не", "Есть", "Учебный"]
    assert all(r.endswith("(п. 2.3 Положения РостГМУ).") for r in reasons)


@pytest.mark.clause("rgmu-1.4")
def test_every_learner_completing_the_programme_gets_a_decision(rgmu):
    """The attestation is mandatory for every learner completing the programme (rgmu-1.4):
    each learner who has not withdrawn gets a decision, none is skipped, and one enrolled
    later shows as undecided until admission is decided again."""
    cohort = make_cohort(rgmu)
    ready(rgmu, cohort)
    enrol(rgmu, cohort)
    gone = enrol(rgmu, cohort)
    services.update_enrolment(
        actor=rgmu.staff, enrolment=gone, programme_completed=False, curriculum_completed=False,
        status="withdrawn", contract_number="", contract_date=None,
    )  # fmt: skip
    results = services.decide_admission(actor=rgmu.staff, cohort=cohort)
    assert len(results) == 2
    assert gone.pk not in {r.enrolment_id for r in results}
    assert not list_undecided_enrolments(cohort).exists()
    late = enrol(rgmu, cohort)
    assert list(list_undecided_enrolments(cohort)) == [late]
    assert len(services.decide_admission(actor=rgmu.staff, cohort=cohort)) == 3
    assert AuditEntry.objects.filter(action="admission.decide").count() == 2


def test_an_override_needs_a_written_justification_and_is_audited(rgmu):
    """Staff may change a decision only with a justification of at least 20 characters;
    the change is audited with the decision before and after, and it stands when admission
    is decided again."""
    cohort = make_cohort(rgmu)
    enrolment = ready(rgmu, cohort)
    services.record_debt(actor=rgmu.staff, enrolment=enrolment, description="Оплата обучения")
    decide(rgmu, cohort)
    admission = Admission.objects.get(enrolment=enrolment)
    for text in ("", "   ", "x" * 19):
        with pytest.raises(AdmissionOverrideInvalid) as caught:
            services.override_admission(
                actor=rgmu.staff, admission=admission, admitted=True, justification=text
            )
        assert "justification" in caught.value.errors
    services.override_admission(
        actor=rgmu.staff, admission=admission, admitted=True, justification="y" * 20
    )
    changed = services.override_admission(
        actor=rgmu.staff, admission=admission, admitted=True, justification=JUSTIFICATION
    )
    assert (changed.admitted, changed.overridden, changed.justification) == (
        True,
        True,
        JUSTIFICATION,
    )
    entry = AuditEntry.objects.filter(action="admission.override").order_by("-id").first()
    assert entry.changes["before"]["admitted"] is True
    assert entry.changes["before"]["justification"] == "y" * 20
    assert entry.changes["after"]["justification"] == JUSTIFICATION
    assert entry.actor == rgmu.staff
    first = AuditEntry.objects.filter(action="admission.override").order_by("id").first()
    assert first.changes["before"]["admitted"] is False
    again = decide(rgmu, cohort)[enrolment.pk]
    assert (again.admitted, again.overridden) == (True, True)
    assert again.reasons == (
        "Есть непогашенные задолженности: «Оплата обучения» (п. 2.3 Положения РостГМУ).",
    )


def test_a_withdrawn_learner_cannot_be_admitted_by_hand(npc):
    """A learner who withdrew is not completing the programme: no override."""
    cohort = make_cohort(npc)
    enrolment = ready(npc, cohort)
    decide(npc, cohort)
    services.update_enrolment(
        actor=npc.staff, enrolment=enrolment, programme_completed=True, curriculum_completed=True,
        status="withdrawn", contract_number="", contract_date=None,
    )  # fmt: skip
    with pytest.raises(Conflict):
        services.override_admission(
            actor=npc.staff,
            admission=Admission.objects.get(),
            admitted=True,
            justification=JUSTIFICATION,
        )


@pytest.mark.clause("rgmu-2.3")
def test_the_cohort_page_shows_reasons_and_takes_an_override(client, rgmu):
    """Staff decide admission on the cohort page, see the reasons and override with a
    justification; an override without one is refused on the form."""
    cohort = make_cohort(rgmu)
    enrolment = enrol(rgmu, cohort)
    client.force_login(rgmu.staff)
    url = f"/programmes/cohorts/{cohort.pk}/"
    assert "Нет решения о допуске: 1" in client.get(url).content.decode()
    assert client.post(f"{url}admission/").status_code == 302
    page = client.get(url).content.decode()
    assert "не допущен" in page
    assert "Программа (ДПП) не освоена (п. 2.3 Положения РостГМУ)." in page
    admission = Admission.objects.get(enrolment=enrolment)
    override = f"{url}admission/{admission.pk}/override/"
    refused = client.post(override, {"admitted": "1", "justification": "так надо"})
    assert refused.status_code == 422
    assert "не менее 20 символов" in refused.content.decode()
    accepted = client.post(override, {"admitted": "1", "justification": JUSTIFICATION})
    assert accepted.status_code == 302
    assert JUSTIFICATION in client.get(url).content.decode()


def test_the_learner_page_records_results_and_debts(client, rgmu):
    """Staff record the programme done, an intermediate result, a debt and its clearing on
    the learner's page."""
    cohort = make_cohort(rgmu)
    enrolment = enrol(rgmu, cohort)
    client.force_login(rgmu.staff)
    url = f"/programmes/cohorts/{cohort.pk}/learners/{enrolment.pk}/"
    assert client.post(url, {"programme_completed": "on", "status": "enrolled"}).status_code == 302
    assert (
        client.post(
            f"{url}results/", {"title": "Модуль 1", "passed": "1", "assessed_on": "2026-05-08"}
        ).status_code
        == 302
    )
    assert client.post(f"{url}debts/", {"description": "Оплата"}).status_code == 302
    debt = enrolment.debts.get()
    assert (
        client.post(f"{url}debts/{debt.pk}/clear/", {"cleared_on": "2026-05-12"}).status_code == 302
    )
    enrolment.refresh_from_db()
    debt.refresh_from_db()
    assert enrolment.programme_completed
    assert not enrolment.curriculum_completed
    assert enrolment.intermediate_results.get().passed
    assert debt.cleared_on == date(2026, 5, 12)
    page = client.get(url).content.decode()
    assert "погашена 12.05.2026" in page
    assert (
        client.post(
            f"{url}results/", {"title": "", "passed": "1", "assessed_on": "2026-05-08"}
        ).status_code
        == 422
    )


def test_it_checks_access(client, npc, outsider, specialist):
    """Only the cohort organisation's staff decide and override admission."""
    cohort = make_cohort(npc)
    enrolment = ready(npc, cohort)
    decide(npc, cohort)
    admission = Admission.objects.get()
    with pytest.raises(NotFound):
        services.decide_admission(actor=outsider, cohort=cohort)
    with pytest.raises(NotFound):
        services.override_admission(
            actor=outsider, admission=admission, admitted=False, justification=JUSTIFICATION
        )
    with pytest.raises(PermissionDenied):
        services.record_debt(actor=specialist, enrolment=enrolment, description="x")
    client.login(email=outsider.email, password=PASSWORD)
    assert client.post(f"/programmes/cohorts/{cohort.pk}/admission/").status_code == 404
    override = f"/programmes/cohorts/{cohort.pk}/admission/{admission.pk}/override/"
    assert (
        client.post(override, {"admitted": "0", "justification": JUSTIFICATION}).status_code == 404
    )
    admission.refresh_from_db()
    assert (admission.admitted, admission.overridden) == (True, False)
