"""The appeal pages: the learner files in the cabinet and follows the status; the study
department's register with deadlines and flags, the paper filing, the hearing page with
the attestation's documents (npc-5.13) for the commission; access: 403 and 404."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from nmo.appeals import services
from nmo.appeals.models import Appeal
from nmo.appeals.selectors import appeal_documents
from nmo.appeals.tests.factories import (
    HELD_ON,
    appeal_setup,
    file_as_learner,
    heard,
    on,
    votes,
    with_commission,
)
from nmo.attestation.tests.factories import organisation_under
from nmo.core.models import AuditEntry
from nmo.regulations.types import AppealDocument

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.clause("npc-5.10", "npc-app2")
def test_the_learner_files_in_the_cabinet_and_sees_the_status(django_capture_on_commit_callbacks):
    """npc-5.10, npc-app2: the learner sees the last day to appeal next to the result,
    files the Appendix 2 form in the cabinet and sees the status; the application PDF is
    addressed to the chair of the appeal commission."""
    s = appeal_setup("npc")
    client = client_for(s.learner)
    with on(HELD_ON):
        page = client.get(reverse("appeals:appeal_list"))
        assert "01.11.2025" in page.content.decode()
        url = reverse("appeals:appeal_file", args=[s.failed.pk])
        assert client.get(url).status_code == 200
        bad = client.post(url, {"subject": "grade", "text": "кратко"})
        assert bad.status_code == 422
        response = client.post(
            url,
            {
                "subject": "grade",
                "text": "Прошу пересмотреть оценку за собеседование.",
                "phone": "+7 900 000-00-00",
                "postal_address": "г. Москва, ул. Тверская, д. 1",
            },
        )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == appeal.get_absolute_url()
    detail = client.get(appeal.get_absolute_url()).content.decode()
    assert "Подана, ожидает назначения заседания" in detail
    assert "05.11.2025" in detail
    pdf = client.get(reverse("appeals:application_pdf", args=[appeal.pk])).content
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "Председателю апелляционной комиссии ГБУЗ «НПЦ" in text
    assert "Прошу рассмотреть мою апелляцию о несогласии с результатами" in text
    assert "Педиатрия" in text
    assert "+7 900 000-00-00" in text


@pytest.mark.clause("npc-5.10")
def test_the_study_department_files_a_paper_application_and_keeps_the_register():
    """npc-5.10: the staff file a paper application with the day it arrived and the
    proxy; the register lists it with its deadlines and flags what is overdue."""
    s = appeal_setup("npc")
    client = client_for(s.staff)
    response = client.post(
        reverse("appeals:appeal_file", args=[s.failed.pk]),
        {
            "subject": "both",
            "text": "Нарушен порядок: не дали времени на подготовку.",
            "filed_on": "01.11.2025",
            "proxy_name": "Петров Пётр Петрович",
            "proxy_power_of_attorney": "77 АА 1234567 от 20.10.2025",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert appeal.proxy_name == "Петров Пётр Петрович"
    assert appeal.filed_on == date(2025, 11, 1)
    register = client.get(reverse("appeals:appeal_list")).content.decode()
    assert s.learner.full_name in register
    assert "просрочено" in register  # not heard by 06.11.2025, long past


@pytest.mark.clause("npc-5.13", "rgmu-app4")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_hearing_page_shows_the_attestation_documents_to_the_commission(key):
    """npc-5.13, rgmu-app4: the commission works from the attestation's own documents:
    the hearing page lists the application, the statement (НПЦ) or the learner's
    protocol and the commission's report (РостГМУ), and the written answers once a scan
    is attached; a member of the appeal commission opens them (though not seated on the
    attestation commission)."""
    s = appeal_setup(key)
    appeal = with_commission(s, file_as_learner(s, HELD_ON))
    scan = SimpleUploadedFile("answers.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    appeal = services.attach_answers_scan(actor=s.staff, appeal=appeal, scan=scan)
    kinds = [d.kind for d in appeal_documents(appeal)]
    expected = ["application", "attestation_statement", "meeting_protocol"] if key == "npc" else [
        "application", "commission_report", "retraining_protocol"
    ]  # fmt: skip
    assert sorted(kinds) == sorted([*expected, AppealDocument.WRITTEN_ANSWERS])
    member = client_for(s.members[0])
    page = member.get(appeal.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Документы апелляции" in html
    for document in appeal_documents(appeal):
        response = member.get(document.url)
        assert response.status_code == 200, document
    # The learner sees the status but not the commission's documents.
    learner_page = client_for(s.learner).get(appeal.get_absolute_url()).content.decode()
    assert "Документы апелляции" not in learner_page


def test_the_staff_run_the_hearing_from_the_page_and_members_sign():
    """The staff assign the commission, schedule, record attendance and the decision on
    the appeal's page; a member signs the protocol there; the learner sees the outcome."""
    s = appeal_setup("npc")
    appeal = file_as_learner(s, HELD_ON)
    commission = services.form_appeal_commission(
        actor=s.staff, organisation=s.org.organisation, data=s.commission_data()
    )
    staff = client_for(s.staff)
    staff.post(reverse("appeals:appeal_assign", args=[appeal.pk]), {"commission": commission.pk})
    staff.post(
        reverse("appeals:appeal_schedule", args=[appeal.pk]),
        {"hearing_on": "05.11.2025", "place": "ауд. 5"},
    )
    seats = list(commission.seats.values_list("pk", flat=True))
    staff.post(
        reverse("appeals:appeal_hearing", args=[appeal.pk]),
        {"present": seats, "appellant_attendance": "appellant", "discussion": "Обсуждено."},
    )
    appeal.refresh_from_db()
    assert appeal.status == "heard"
    form = {"outcome": "new_result", "new_grade": "passed"}
    form.update({f"vote_{pk}": "for" for pk in votes(appeal)})
    response = staff.post(reverse("appeals:appeal_decide", args=[appeal.pk]), form)
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.outcome == "new_result"
    signed = client_for(s.chair).post(reverse("appeals:protocol_sign", args=[appeal.pk]))
    assert signed.status_code == 302
    assert appeal.protocol.signatures.count() == 1
    page = client_for(s.learner).get(appeal.get_absolute_url()).content.decode()
    assert "Удовлетворить апелляцию с новым результатом: «зачтено»" in page
    # Every step is in the audit log, by whom it was done.
    done = {
        (e.action, e.object_id, e.actor_id)
        for e in AuditEntry.objects.filter(action__startswith="appeal.")
    }
    assert {
        ("appeal.file", str(appeal.pk), s.learner.pk),
        ("appeal.commission.form", str(commission.pk), s.staff.pk),
        ("appeal.commission.assign", str(appeal.pk), s.staff.pk),
        ("appeal.schedule", str(appeal.pk), s.staff.pk),
        ("appeal.attendance", str(appeal.pk), s.staff.pk),
        ("appeal.vote", str(appeal.pk), s.staff.pk),
        ("appeal.decide", str(appeal.pk), s.staff.pk),
        ("appeal.protocol.sign", str(appeal.protocol.pk), s.chair.pk),
    } <= done
    vote = AuditEntry.objects.get(action="appeal.vote", object_id=str(appeal.pk)).changes
    assert (vote["proposal"], vote["new_grade"], vote["for"], vote["result"]) == (
        "new_result", "passed", 4, "adopted",
    )  # fmt: skip
    decided = AuditEntry.objects.get(action="appeal.decide", object_id=str(appeal.pk)).changes
    assert (decided["after"], decided["new_grade"], decided["protocol"]) == (
        "new_result", "passed", 1,
    )  # fmt: skip
    scheduled = AuditEntry.objects.get(action="appeal.schedule", object_id=str(appeal.pk))
    assert scheduled.changes["after"] == {"hearing_on": "2025-11-05", "place": "ауд. 5"}
    letters = staff.get(reverse("appeals:letters")).content.decode()
    assert s.learner.full_name in letters


def test_it_checks_access():
    """Another organisation's staff get 404 for the appeal and its files; a learner or a
    commission member posting a staff action gets 403."""
    s = appeal_setup("rgmu")
    appeal = heard(s, file_as_learner(s, HELD_ON))
    outsider = organisation_under("npc", name="Другая организация", email="o@x.example.ru").staff
    other = client_for(outsider)
    assert other.get(appeal.get_absolute_url()).status_code == 404
    assert other.get(reverse("appeals:application_pdf", args=[appeal.pk])).status_code == 404
    assert other.post(reverse("appeals:appeal_decide", args=[appeal.pk])).status_code == 404
    learner = client_for(s.learner)
    assert learner.post(reverse("appeals:appeal_decide", args=[appeal.pk])).status_code == 403
    assert (
        client_for(s.members[0])
        .post(reverse("appeals:appeal_notice", args=[appeal.pk]))
        .status_code
        == 403
    )
    assert learner.get(reverse("appeals:letters")).status_code == 403
    assert Client().get(reverse("appeals:appeal_list")).status_code == 302
