"""A decision the appeal commission's chair or secretary records waits for the study
department to apply it to the result (ADR 0402): the register and the appeal's page flag
it, the study department is e-mailed once, the learner is told the result is still to be
changed and, when it is, that the new result is in force; a retake whose day has passed
or lies beyond the regulation's limit is not applied. The secretary gives the notice
letter's address. The appellant's name in the documents is declined with the stored sex."""

from datetime import date
from io import BytesIO

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from nmo.appeals import services
from nmo.appeals.exceptions import AppealNotAllowed
from nmo.appeals.models import Appeal, AppealProtocol
from nmo.appeals.selectors import decision_pending, flags_for
from nmo.appeals.tests.factories import (
    HELD_ON,
    AppealSetup,
    appeal_setup,
    file_as_learner,
    heard,
    on,
    votes,
)
from nmo.attestation.models import LearnerResult
from nmo.attestation.tests.factories import organisation_under
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FLAG = "решение не применено к результату"
ADDRESS = "344022, г. Ростов-на-Дону, пер. Нахичеванский, д. 29, кв. 1"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def decided_by_secretary(
    s: AppealSetup, resolution: str, appeal: Appeal | None = None, **kw
) -> Appeal:
    appeal = appeal or heard(s, file_as_learner(s, HELD_ON))
    return services.decide_appeal(
        actor=s.secretary, appeal=appeal, resolution=resolution, votes=votes(appeal), **kw
    )


@pytest.mark.clause("npc-5.16")
def test_a_decision_not_applied_is_flagged_and_the_study_department_is_emailed_once(
    django_capture_on_commit_callbacks,
):
    """npc-5.16 (ADR 0402): the secretary records «зачтено»; the register and the appeal's
    page flag «решение не применено к результату», the study department gets one letter
    with the appeal's link, the learner is told the study department will change the
    result (not that the new grade is in force); once applied the flag is gone and the
    learner is told the new result is in force; no second letter to the department."""
    s = appeal_setup("npc")
    appeal = heard(s, file_as_learner(s, HELD_ON))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = decided_by_secretary(s, "new_result", appeal, new_grade="passed")
    link = reverse("appeals:appeal_detail", args=[appeal.pk])
    assert flags_for(appeal).decision_not_applied
    assert flags_for(appeal).any
    staff = client_for(s.staff)
    assert FLAG in staff.get(reverse("appeals:appeal_list")).content.decode()
    assert FLAG in staff.get(link).content.decode()
    to_staff = [m for m in mail.outbox if s.staff.email in m.to]
    assert len(to_staff) == 1
    assert to_staff[0].subject == "Решение апелляционной комиссии не применено к результату"
    assert link in to_staff[0].body
    assert "протокол № 1" in to_staff[0].body
    (to_learner,) = [m for m in mail.outbox if s.learner.email in m.to]
    assert "результат будет изменён учебным отделом" in to_learner.body
    assert "Новая итоговая оценка" not in to_learner.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_appeal_decision(actor=s.staff, appeal=appeal)
    appeal.refresh_from_db()
    assert not flags_for(appeal).decision_not_applied
    assert FLAG not in staff.get(reverse("appeals:appeal_list")).content.decode()
    assert not [m for m in mail.outbox if s.staff.email in m.to]
    to_learner = [m.body for m in mail.outbox if s.learner.email in m.to]
    assert any("Новая итоговая оценка «зачтено» действует" in body for body in to_learner)


@pytest.mark.clause("npc-5.16")
def test_a_decision_the_study_department_records_sends_no_letter_to_itself(
    django_capture_on_commit_callbacks,
):
    """npc-5.16: recorded by the study department the decision is applied at once: no
    flag, no letter to the department, the learner's letter states the new grade."""
    s = appeal_setup("npc")
    appeal = heard(s, file_as_learner(s, HELD_ON))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.decide_appeal(
            actor=s.staff, appeal=appeal, resolution="new_result", votes=votes(appeal),
            new_grade="passed",
        )  # fmt: skip
    assert not flags_for(appeal).decision_not_applied
    assert not [m for m in mail.outbox if s.staff.email in m.to]
    (to_learner,) = [
        m
        for m in mail.outbox
        if s.learner.email in m.to and m.subject == "Решение апелляционной комиссии"
    ]
    assert "Новая итоговая оценка: зачтено." in to_learner.body
    assert "учебным отделом" not in to_learner.body


@pytest.mark.clause("npc-5.16", "npc-2.9")
def test_a_retake_applied_after_its_day_or_beyond_the_limit_is_refused():
    """npc-5.16, npc-2.9 (ADR 0402): the secretary records a retake on 15.12.2025; applied
    on 16.12.2025 it is refused (`appeal_retake_day_passed`), saying the commission must
    take its decision again; a day beyond the limit (31.01.2026) is refused
    (`appeal_retake_limit`); nothing changes. Applied in time, the result is annulled."""
    s = appeal_setup("npc")
    appeal = decided_by_secretary(s, "retake", retake_on=date(2025, 12, 15))
    assert decision_pending(appeal)
    with on(date(2025, 12, 16)), pytest.raises(AppealNotAllowed) as late:
        services.apply_appeal_decision(actor=s.staff, appeal=appeal)
    assert late.value.code == "appeal_retake_day_passed"
    assert "15.12.2025" in late.value.message
    assert "принять решение заново" in late.value.message
    Appeal.objects.filter(pk=appeal.pk).update(retake_on=date(2026, 2, 1))
    appeal.refresh_from_db()
    with on(date(2025, 12, 10)), pytest.raises(AppealNotAllowed) as beyond:
        services.apply_appeal_decision(actor=s.staff, appeal=appeal)
    assert beyond.value.code == "appeal_retake_limit"
    assert "не позднее 31.01.2026" in beyond.value.message
    assert decision_pending(appeal)
    assert not AuditEntry.objects.filter(action="appeal.apply").exists()
    Appeal.objects.filter(pk=appeal.pk).update(retake_on=date(2025, 12, 15))
    appeal.refresh_from_db()
    with on(date(2025, 12, 15)):
        services.apply_appeal_decision(actor=s.staff, appeal=appeal)
    assert LearnerResult.objects.get(pk=s.failed.pk).outcome == "annulled"


@pytest.mark.clause("npc-5.9", "npc-5.18")
def test_the_secretary_gives_the_notice_address_and_others_may_not():
    """npc-5.9, npc-5.18: the secretary, who informs the appellant, records the letter's
    address from the appeal's page (audited under the secretary's name); a member gets
    403, another organisation's staff 404."""
    s = appeal_setup("npc")
    appeal = heard(s, file_as_learner(s, HELD_ON, postal_address=""))
    appeal = services.decide_appeal(
        actor=s.staff, appeal=appeal, resolution="rejected", votes=votes(appeal)
    )
    url = reverse("appeals:notice_address", args=[appeal.pk])
    secretary = client_for(s.secretary)
    assert url in secretary.get(reverse("appeals:appeal_detail", args=[appeal.pk])).content.decode()
    assert client_for(s.members[0]).post(url, {"postal_address": ADDRESS}).status_code == 403
    other = organisation_under("npc", name="ГБУЗ Другая", email="other-h10h@x.example.ru")
    assert client_for(other.staff).post(url, {"postal_address": ADDRESS}).status_code == 404
    appeal.refresh_from_db()
    assert appeal.postal_address == ""
    response = secretary.post(url, {"postal_address": ADDRESS})
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:appeal_detail", args=[appeal.pk])
    appeal.refresh_from_db()
    assert appeal.postal_address == ADDRESS
    entry = AuditEntry.objects.get(action="appeal.address", object_id=str(appeal.pk))
    assert entry.actor_id == s.secretary.pk
    assert entry.changes == {"before": "", "after": ADDRESS}


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(BytesIO(pdf)).pages
    )


def _rename(user, last: str, first: str, sex: str) -> None:
    user.last_name, user.first_name, user.middle_name, user.sex = last, first, "", sex
    user.save(update_fields=["last_name", "first_name", "middle_name", "sex"])


@pytest.mark.parametrize(
    ("last", "first", "sex", "genitive"),
    [
        ("Ли", "Анна", "female", "Ли Анны"),
        ("Шевчук", "Олег", "male", "Шевчука Олега"),
        # The name alone tells the wrong sex: the stored one decides.
        ("Шевчук", "Саша", "female", "Шевчук Саши"),
        ("Шевчук", "Валя", "male", "Шевчука Вали"),
    ],
)
def test_the_appellant_is_declined_with_the_stored_sex(last, first, sex, genitive):
    """npc-app2, npc-app3: «от …» in the application and «после завершения обучения …» in
    the protocol decline the appellant's name with the sex stored for the person, as
    «завершившего/завершившей» agrees with it."""
    s = appeal_setup("npc")
    _rename(s.learner, last, first, sex)
    appeal = file_as_learner(s, HELD_ON)
    assert services.application_content(appeal)["from_genitive"] == genitive
    appeal = heard(s, appeal)
    services.decide_appeal(actor=s.staff, appeal=appeal, resolution="rejected", votes=votes(appeal))
    protocol = AppealProtocol.objects.get(appeal=appeal)
    assert protocol.content["appellant_genitive"] == genitive
    docx = Document(BytesIO(services.render_protocol_docx(protocol)))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert f"после завершения обучения {genitive} на цикле" in text


def test_the_printed_application_and_protocol_use_the_stored_genitive():
    """npc-app2, npc-app3: the PDFs print the stored genitive: a woman «Шевчук Саша» is
    «от Шевчук Саши» (by the name alone she would be «Шевчука»); a protocol stored before
    the genitive was kept declines the name as written."""
    s = appeal_setup("npc")
    _rename(s.learner, "Шевчук", "Саша", "female")
    appeal = heard(s, file_as_learner(s, HELD_ON))
    application = client_for(s.learner).get(reverse("appeals:application_pdf", args=[appeal.pk]))
    assert "от Шевчук Саши," in text_of(application.content)
    services.decide_appeal(actor=s.staff, appeal=appeal, resolution="rejected", votes=votes(appeal))
    protocol = AppealProtocol.objects.get(appeal=appeal)
    pdf = text_of(services.render_protocol_pdf(protocol))
    assert "обучения Шевчук Саши" in " ".join(pdf.split())
    content = dict(protocol.content)
    del content["appellant_genitive"]
    AppealProtocol.objects.filter(pk=protocol.pk).update(content=content)
    protocol.refresh_from_db()
    docx = Document(BytesIO(services.render_protocol_docx(protocol)))
    assert any("обучения Шевчука Саши" in p.text for p in docx.paragraphs)
