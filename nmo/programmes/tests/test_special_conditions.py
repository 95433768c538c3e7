"""Special conditions of the final attestation for disabled learners: the written
application, its deadline (3 months before the attestation, ADR 0103), the decision, and
the granted conditions every stage reads (rgmu-7.2, rgmu-7.4, rgmu-7.6; ADR 0305)."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.programmes import selectors, services
from nmo.programmes.exceptions import SpecialConditionsInvalid, SpecialConditionsNotOpen
from nmo.programmes.models import ProgrammeStage, SpecialConditionsApplication
from nmo.programmes.types import SpecialConditionsGrant, SpecialConditionsRequest

from .conftest import PASSWORD
from .factories import enrol, make_cohort, make_programme

pytestmark = pytest.mark.django_db

# Attestation on Friday 29 May 2026: 3 months before is 28 February 2026 (no 29 February
# in 2026 — the month arithmetic of ADR 0103 clamps to the month's last day).
ATTESTATION = {
    "starts_on": date(2026, 1, 12),
    "ends_on": date(2026, 5, 29),
    "attestation_date": date(2026, 5, 29),
}
DEADLINE = date(2026, 2, 28)
ASK = SpecialConditionsRequest(
    needs_assistant=True,
    extra_time_written=True,
    extra_time_oral=True,
    technical_means="Программа экранного доступа NVDA",
    accessible_premises=True,
    individual_features="Слабовидящая, I группа инвалидности",
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def extension(enrolment) -> int:
    """The minutes the testing system adds to the programme's test stage (stage 1)."""
    testing = enrolment.cohort.programme.stages.get(order=1)
    return selectors.test_time_extension_minutes(enrolment_id=enrolment.pk, stage_id=testing.pk)


def learner_of(enrolment):
    learner = enrolment.learner
    learner.set_password(PASSWORD)
    learner.save(update_fields=["password"])
    return learner


def cohort_with_learner(org, **overrides):
    """A cohort whose programme's attestation has two stages: 1. testing (written) and
    2. interview (oral)."""
    programme = make_programme(org, stages=2)
    ProgrammeStage.objects.filter(programme=programme, order=2).update(mode="oral")
    cohort = make_cohort(org, programme, **{**ATTESTATION, **overrides})
    return cohort, enrol(org, cohort, email=f"learner-{org.preset}@example.ru")


def file_on(day: date, enrolment, **kwargs):
    with time_machine.travel(day, tick=False):
        return services.file_special_conditions(
            actor=learner_of(enrolment), enrolment=enrolment, request=ASK, **kwargs
        )


@pytest.mark.clause("rgmu-7.6")
@pytest.mark.parametrize(
    ("filed", "late"),
    [(date(2026, 2, 27), False), (DEADLINE, False), (date(2026, 3, 1), True)],
    ids=["N-1", "N", "N+1"],
)
def test_the_application_is_due_three_months_before_the_attestation(rgmu, filed, late):
    """At РостГМУ the written application is filed no later than 3 months before the
    attestation (rgmu-7.6): for 29 May 2026 that is 28 February 2026 (ADR 0103, no 29
    February). Filed on 27 or 28 February it is on time; on 1 March it is kept but marked
    late, for staff to decide."""
    _, enrolment = cohort_with_learner(rgmu)
    application = file_on(filed, enrolment)
    assert application.deadline == DEADLINE
    assert application.is_late is late
    assert application.status == "filed"
    assert not application.on_behalf
    entry = AuditEntry.objects.get(action="special_conditions.file")
    assert entry.changes["is_late"] is late


@pytest.mark.clause("rgmu-7.6")
def test_a_late_application_is_granted_only_by_a_decision_that_records_why(rgmu):
    """A late application (rgmu-7.6) is accepted only by a staff decision with its reason:
    without one the grant is refused naming the deadline; with one it is granted and the
    reason is kept and audited."""
    _, enrolment = cohort_with_learner(rgmu)
    application = file_on(date(2026, 3, 1), enrolment)
    grant = SpecialConditionsGrant(assistant=True, written_minutes=60)
    with pytest.raises(SpecialConditionsInvalid) as refused:
        services.grant_special_conditions(actor=rgmu.staff, application=application, grant=grant)
    message = refused.value.errors["late_acceptance_reason"][0]
    assert "позже срока" in message
    assert "28.02.2026" in message
    assert extension(enrolment) == 0
    reason = "Инвалидность установлена 20.02.2026, справка МСЭ получена 01.03.2026"
    granted = services.grant_special_conditions(
        actor=rgmu.staff, application=application, grant=grant, late_acceptance_reason=reason
    )
    assert granted.late_acceptance_reason == reason
    entry = AuditEntry.objects.get(action="special_conditions.grant")
    assert entry.changes["late_acceptance_reason"] == reason
    assert extension(enrolment) == 60


@pytest.mark.clause("rgmu-7.2", "rgmu-7.4")
def test_granted_conditions_attach_to_the_enrolment_and_the_testing_system_reads_them(
    rgmu, django_capture_on_commit_callbacks
):
    """Once granted (rgmu-7.2, rgmu-7.4) the conditions attach to the enrolment: the
    testing system reads the written extension (at most 90 minutes) and the other stages
    the oral preparation extension, the assistant and the means, without retyping; the
    learner gets an e-mail."""
    _, enrolment = cohort_with_learner(rgmu)
    assert extension(enrolment) == 0
    assert selectors.special_conditions_for(enrolment_id=enrolment.pk) is None
    application = file_on(date(2026, 2, 1), enrolment)
    assert extension(enrolment) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_special_conditions(
            actor=rgmu.staff,
            application=application,
            grant=SpecialConditionsGrant(
                assistant=True,
                written_minutes=90,
                oral_minutes=20,
                technical_means="NVDA, увеличенный шрифт",
                accessible_premises=True,
            ),
        )
    assert extension(enrolment) == 90
    conditions = selectors.special_conditions_for(enrolment_id=enrolment.pk)
    assert conditions is not None
    assert (conditions.assistant, conditions.oral_minutes, conditions.accessible_premises) == (
        True,
        20,
        True,
    )
    assert conditions.technical_means == "NVDA, увеличенный шрифт"
    assert selectors.special_conditions_by_enrolment([enrolment.pk]) == {enrolment.pk: conditions}
    assert mail.outbox[-1].to == [enrolment.learner.email]
    assert "дополнительно 90 мин. на письменные испытания" in mail.outbox[-1].body


@pytest.mark.clause("rgmu-7.4")
@pytest.mark.parametrize(
    ("written", "oral", "ok"), [(90, 20, True), (91, 20, False), (90, 21, False)]
)
def test_extensions_are_bounded_by_the_regulation(rgmu, written, oral, ok):
    """A written exam is extended by at most 90 minutes and the preparation for an oral
    answer by at most 20 (rgmu-7.4): 91 and 21 are refused with the clause."""
    _, enrolment = cohort_with_learner(rgmu)
    application = file_on(date(2026, 2, 1), enrolment)
    grant = SpecialConditionsGrant(written_minutes=written, oral_minutes=oral)
    if ok:
        services.grant_special_conditions(actor=rgmu.staff, application=application, grant=grant)
        return
    with pytest.raises(SpecialConditionsInvalid) as refused:
        services.grant_special_conditions(actor=rgmu.staff, application=application, grant=grant)
    (message,) = [m for ms in refused.value.errors.values() for m in ms]
    assert "не более чем на" in message
    assert "п. 7.4 Положения РостГМУ" in message


@pytest.mark.clause("rgmu-7.6", "rgmu-7.4")
def test_extra_time_and_the_assistant_are_asked_for_each_stage(rgmu):
    """§7.7: the application states the assistant and extra time "for each attestation
    stage" (rgmu-7.6). Asked for the interview only, the granted minutes lengthen that
    stage and not the test: the testing system adds nothing to the written test the
    learner did not ask for; a stage of another programme is refused."""
    cohort, enrolment = cohort_with_learner(rgmu)
    testing, interview = cohort.programme.stages.order_by("order")
    foreign = make_programme(rgmu).stages.get()  # a stage of another programme
    with time_machine.travel(date(2026, 2, 1), tick=False):
        with pytest.raises(SpecialConditionsInvalid) as wrong:
            services.file_special_conditions(
                actor=learner_of(enrolment),
                enrolment=enrolment,
                request=SpecialConditionsRequest(extra_time_stage_ids=(foreign.pk,)),
            )
        assert "extra_time_stages" in wrong.value.errors
        application = services.file_special_conditions(
            actor=learner_of(enrolment),
            enrolment=enrolment,
            request=SpecialConditionsRequest(
                assistant_stage_ids=(testing.pk,), extra_time_stage_ids=(interview.pk,)
            ),
        )
    assert (application.needs_assistant, application.extra_time_written) == (True, False)
    assert application.extra_time_oral
    entry = AuditEntry.objects.get(action="special_conditions.file")
    assert (entry.changes["assistant_stages"], entry.changes["extra_time_stages"]) == ([1], [2])
    with pytest.raises(SpecialConditionsInvalid) as unasked:
        services.grant_special_conditions(
            actor=rgmu.staff,
            application=application,
            grant=SpecialConditionsGrant(written_minutes=90, oral_minutes=20),
        )
    assert unasked.value.errors["written_minutes"] == ["Слушатель не просил увеличить это время."]
    services.grant_special_conditions(
        actor=rgmu.staff,
        application=application,
        grant=SpecialConditionsGrant(assistant=True, oral_minutes=20),
    )
    conditions = selectors.special_conditions_for(enrolment_id=enrolment.pk)
    assert conditions is not None
    assert conditions.extra_minutes_for(interview.pk, oral=True) == 20
    assert conditions.extra_minutes_for(testing.pk, oral=False) == 0
    assert (conditions.assistant_at(testing.pk), conditions.assistant_at(interview.pk)) == (
        True,
        False,
    )
    assert (
        selectors.test_time_extension_minutes(enrolment_id=enrolment.pk, stage_id=testing.pk) == 0
    )


@pytest.mark.clause("rgmu-7.6")
def test_extra_time_is_granted_only_for_what_the_learner_asked(rgmu):
    """The application states for each stage whether extra time is needed (rgmu-7.6,
    §7.7): minutes the learner did not ask for are refused."""
    _, enrolment = cohort_with_learner(rgmu)
    with time_machine.travel(date(2026, 2, 1), tick=False):
        application = services.file_special_conditions(
            actor=learner_of(enrolment),
            enrolment=enrolment,
            request=SpecialConditionsRequest(needs_assistant=True),
        )
    with pytest.raises(SpecialConditionsInvalid) as refused:
        services.grant_special_conditions(
            actor=rgmu.staff,
            application=application,
            grant=SpecialConditionsGrant(written_minutes=30),
        )
    assert refused.value.errors["written_minutes"] == ["Слушатель не просил увеличить это время."]


def test_npc_without_a_chapter_grants_what_the_law_requires_with_no_deadline(npc):
    """The НПЦ regulation has no chapter on disabled learners; the law still applies (ADR
    0305): no filing deadline, the statutory ceilings of 90 and 20 minutes."""
    _, enrolment = cohort_with_learner(npc)
    application = file_on(date(2026, 5, 20), enrolment)
    assert (application.deadline, application.is_late) == (None, False)
    with pytest.raises(SpecialConditionsInvalid):
        services.grant_special_conditions(
            actor=npc.staff,
            application=application,
            grant=SpecialConditionsGrant(written_minutes=120),
        )
    services.grant_special_conditions(
        actor=npc.staff,
        application=application,
        grant=SpecialConditionsGrant(written_minutes=45, oral_minutes=20, assistant=True),
    )
    assert extension(enrolment) == 45


@pytest.mark.clause("rgmu-7.6")
def test_staff_record_a_paper_application_with_its_day(rgmu, django_capture_on_commit_callbacks):
    """Staff record a paper application on the learner's behalf with the day it arrived;
    that day is checked against the deadline (rgmu-7.6)."""
    _, enrolment = cohort_with_learner(rgmu)
    with time_machine.travel(date(2026, 3, 10), tick=False):
        application = services.file_special_conditions(
            actor=rgmu.staff, enrolment=enrolment, request=ASK, filed_on=DEADLINE
        )
        assert (application.on_behalf, application.is_late) == (True, False)
        with django_capture_on_commit_callbacks(execute=True):
            services.refuse_special_conditions(
                actor=rgmu.staff, application=application, reason="Документы не подтверждают"
            )
        with pytest.raises(SpecialConditionsNotOpen):
            services.refuse_special_conditions(
                actor=rgmu.staff, application=application, reason="Повторный отказ по ошибке"
            )
        late = services.file_special_conditions(
            actor=rgmu.staff, enrolment=enrolment, request=ASK, filed_on=date(2026, 3, 2)
        )
    assert late.is_late
    assert "Документы не подтверждают" in mail.outbox[0].body


def test_one_open_application_and_something_must_be_asked(rgmu):
    """An application asks for at least one condition; a second one waits for the first."""
    _, enrolment = cohort_with_learner(rgmu)
    with pytest.raises(SpecialConditionsInvalid) as empty:
        services.file_special_conditions(
            actor=learner_of(enrolment), enrolment=enrolment, request=SpecialConditionsRequest()
        )
    assert "__all__" in empty.value.errors
    file_on(date(2026, 2, 1), enrolment)
    with pytest.raises(SpecialConditionsInvalid):
        file_on(date(2026, 2, 2), enrolment)


def test_it_checks_access(rgmu, outsider):
    """Another learner and another organisation's staff cannot file or decide (NotFound);
    a learner cannot decide (PermissionDenied)."""
    cohort, enrolment = cohort_with_learner(rgmu)
    other = enrol(rgmu, cohort, email="other@example.ru")
    with pytest.raises(NotFound):
        services.file_special_conditions(actor=learner_of(other), enrolment=enrolment, request=ASK)
    with pytest.raises(NotFound):
        services.file_special_conditions(actor=outsider, enrolment=enrolment, request=ASK)
    application = file_on(date(2026, 2, 1), enrolment)
    with pytest.raises(NotFound):
        services.refuse_special_conditions(
            actor=outsider, application=application, reason="Чужая организация"
        )
    with pytest.raises(PermissionDenied):
        services.grant_special_conditions(
            actor=learner_of(enrolment), application=application, grant=SpecialConditionsGrant()
        )


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.clause("rgmu-7.6", "rgmu-7.2")
def test_the_learner_applies_on_the_page_and_only_they_and_staff_see_the_documents(
    client, rgmu, outsider
):
    """The learner files the application with a supporting document on the page; the
    document is served to the learner and to the organisation's staff, and is NotFound
    for another learner and for other staff (rgmu-7.6, rgmu-7.2)."""
    cohort, enrolment = cohort_with_learner(rgmu)
    other = enrol(rgmu, cohort, email="other@example.ru")
    learner = learner_of(enrolment)
    client.force_login(learner)
    page = client.get(reverse("programmes:my_special_conditions"))
    assert page.status_code == 200
    assert "не позднее <strong>28.02.2026</strong>" in page.content.decode()
    url = reverse("programmes:special_conditions_apply", args=[enrolment.pk])
    with time_machine.travel(date(2026, 2, 20), tick=False):
        form = client.get(url)
        assert form.status_code == 200
        html = form.content.decode()
        assert "Ассистент: этап 1, тестирование (письменно)" in html
        assert "Больше времени: этап 2, собеседование (устно)" in html
        testing = ProgrammeStage.objects.get(programme=enrolment.cohort.programme, order=1)
        response = client.post(
            url,
            {
                "assistant_stages": [testing.pk],
                "extra_time_stages": [testing.pk],
                "technical_means": "NVDA",
                # the browser's claimed type is ignored: the file is served by its bytes
                "documents": [SimpleUploadedFile("заключение МСЭ.pdf", PDF, "text/html")],
            },
        )
    assert response.status_code == 302
    application = SpecialConditionsApplication.objects.get(enrolment=enrolment)
    assert list(application.extra_time_stages.all()) == [testing]
    assert (application.extra_time_written, application.extra_time_oral) == (True, False)
    document = application.documents.get()
    assert "МСЭ" not in document.file.name
    doc_url = reverse("programmes:special_conditions_document", args=[application.pk, document.pk])
    got = client.get(doc_url)
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert "no-store" in got["Cache-Control"]
    assert b"".join(got.streaming_content) == PDF
    client.force_login(learner_of(other))
    assert client.get(doc_url).status_code == 404
    assert (
        client.get(reverse("programmes:special_conditions_apply", args=[enrolment.pk])).status_code
        == 404
    )
    client.force_login(outsider)
    assert client.get(doc_url).status_code == 404
    client.force_login(rgmu.staff)
    assert client.get(doc_url).status_code == 200
    listing = client.get(reverse("programmes:special_conditions_list"))
    assert "NVDA" in listing.content.decode()


def test_a_document_that_is_not_a_scan_is_refused_with_a_message(client, rgmu):
    """A program renamed .pdf is refused with a Russian message, never a 500."""
    _, enrolment = cohort_with_learner(rgmu)
    client.force_login(learner_of(enrolment))
    url = reverse("programmes:special_conditions_apply", args=[enrolment.pk])
    response = client.post(
        url,
        {
            "assistant_stages": [enrolment.cohort.programme.stages.first().pk],
            "documents": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00rest", "application/pdf")],
        },
    )
    assert response.status_code == 422
    assert "PDF, JPEG или PNG" in response.content.decode()
    assert not SpecialConditionsApplication.objects.exists()


@pytest.mark.clause("rgmu-7.6")
def test_staff_grant_a_late_application_on_the_page_with_the_reason(client, rgmu):
    """On the staff page a late application shows why it is late; granting it without a
    reason is refused on the form, with one it is granted (rgmu-7.6)."""
    _, enrolment = cohort_with_learner(rgmu)
    application = file_on(date(2026, 3, 2), enrolment)
    client.force_login(rgmu.staff)
    listing = client.get(reverse("programmes:special_conditions_list"))
    assert "позже срока" in listing.content.decode()
    url = reverse("programmes:special_conditions_grant", args=[application.pk])
    form = {"assistant": "on", "written_minutes": "90", "oral_minutes": "20"}
    refused = client.post(url, form)
    assert refused.status_code == 422
    application.refresh_from_db()
    assert application.status == "filed"
    done = client.post(
        url, {**form, "late_acceptance_reason": "Справка МСЭ выдана после срока подачи"}
    )
    assert done.status_code == 302
    assert extension(enrolment) == 90


@pytest.mark.clause("rgmu-7.6")
def test_staff_record_a_paper_application_on_the_learners_page(client, rgmu, outsider):
    """From the learner's page in the cohort staff record a paper application with the day
    it arrived (rgmu-7.6); another organisation's staff get 404."""
    cohort, enrolment = cohort_with_learner(rgmu)
    url = reverse("programmes:special_conditions_file", args=[cohort.pk, enrolment.pk])
    client.force_login(rgmu.staff)
    detail = client.get(reverse("programmes:enrolment_detail", args=[cohort.pk, enrolment.pk]))
    assert url in detail.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert 'for="id_filed_on"' in page.content.decode()
    bad = client.post(url, {"filed_on": "01.02.2026"})
    assert bad.status_code == 422
    assert "Отметьте, какие специальные условия нужны" in bad.content.decode()
    oral = ProgrammeStage.objects.get(programme=cohort.programme, mode="oral")
    done = client.post(url, {"filed_on": "01.02.2026", "extra_time_stages": [oral.pk]})
    assert done.status_code == 302
    application = SpecialConditionsApplication.objects.get(enrolment=enrolment)
    assert (application.filed_on, application.on_behalf, application.is_late) == (
        date(2026, 2, 1),
        True,
        False,
    )
    refuse = reverse("programmes:special_conditions_refuse", args=[application.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(refuse, {"reason": "Чужая организация отказывает"}).status_code == 404
    client.force_login(rgmu.staff)
    assert client.post(refuse, {"reason": "Нет подтверждающих документов"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "refused"
