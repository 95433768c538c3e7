"""Staff record a learner's paper retake application on their behalf, with the day it
arrived (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10): the section of the staff retake list and
the form page `attestation:retake_file`.

The setup is the one of test_retakes: the attestation of Thursday 30.04.2026 is decided,
the first learner failed, the second was absent without a valid reason, the third absent for
a valid reason. The application window ends on 18.05.2026 (НПЦ, 10 working days) and
08.05.2026 (РостГМУ, 5 working days) after the May holidays.
"""

from datetime import date

import pytest
from django.urls import reverse

from nmo.attestation.models import RetakeApplication
from nmo.attestation.tests.test_retakes import (
    apply,
    client_for,
    learner_of,
    on,
    retake_setup,
)
from nmo.attestation.types import RetakeKind, RetakeStatus
from nmo.core.models import AuditEntry
from nmo.regulations.rules import clause_text

pytestmark = pytest.mark.django_db

DEADLINE = {"npc": date(2026, 5, 18), "rgmu": date(2026, 5, 8)}
LIST_URL = reverse("attestation:retake_list")


def file_url(result) -> str:
    return reverse("attestation:retake_file", kwargs={"result_pk": result.pk})


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_staff_file_a_paper_application_with_the_day_it_arrived(key):
    """Staff open the failed learner from the list's «Подать заявление за слушателя», see
    the deadline with its clause, and record the application with a past arrival day
    within the window: it is filed on the learner's behalf with that day and audited as
    retake.apply; the learner then leaves the section (npc-2.9, rgmu-2.9)."""
    setup, failed, _, _ = retake_setup(key)
    client = client_for(setup.org.staff)
    with on(date(2026, 5, 20)):
        listing = client.get(LIST_URL).content.decode()
        assert "Подать заявление за слушателя" in listing
        assert file_url(failed) in listing
        page = client.get(file_url(failed))
        assert page.status_code == 200
        text = page.content.decode()
        assert learner_of(failed).full_name in text
        assert f"{DEADLINE[key]:%d.%m.%Y}" in text
        assert clause_text(f"{key}-2.9") in text
        assert 'value="20.05.2026"' in text  # the arrival day defaults to today
        response = client.post(
            file_url(failed),
            {"kind": RetakeKind.NO_VALID_REASON.value, "filed_on": "2026-05-06"},
            follow=True,
        )
        assert response.redirect_chain == [(LIST_URL, 302)]
        assert "записано" in response.content.decode()
        assert file_url(failed) not in client.get(LIST_URL).content.decode()
    application = RetakeApplication.objects.get(learner_result=failed)
    assert application.on_behalf
    assert application.filed_by == setup.org.staff
    assert application.filed_on == date(2026, 5, 6)
    assert application.status == RetakeStatus.FILED
    assert application.application_deadline == DEADLINE[key]
    entry = AuditEntry.objects.get(action="retake.apply", object_id=str(application.pk))
    assert entry.changes["on_behalf"] is True


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize(
    ("key", "filed_on", "accepted"),
    [
        ("npc", date(2026, 5, 18), True),  # 10th working day
        ("npc", date(2026, 5, 19), False),  # 11th
        ("rgmu", date(2026, 5, 8), True),  # 5th
        ("rgmu", date(2026, 5, 12), False),  # 6th, after 09–11.05
    ],
)
def test_paper_application_after_the_deadline_is_refused_on_the_form(key, filed_on, accepted):
    """The arrival day is checked against the window: on the last day the application is
    recorded, the next working day the form answers 422 with the service's message naming
    the rule, the clause and the date (npc-2.9, rgmu-2.9)."""
    setup, _, absent, _ = retake_setup(key)
    with on(date(2026, 5, 25)):
        response = client_for(setup.org.staff).post(
            file_url(absent),
            {"kind": RetakeKind.NO_VALID_REASON.value, "filed_on": f"{filed_on:%Y-%m-%d}"},
        )
    if accepted:
        assert response.status_code == 302
        assert RetakeApplication.objects.get(learner_result=absent).filed_on == filed_on
    else:
        assert response.status_code == 422
        days = "10 рабочих дней" if key == "npc" else "5 рабочих дней"
        assert (
            f"Заявление подано после срока: {days} с даты итоговой аттестации истекли "
            f"{DEADLINE[key]:%d.%m.%Y} ({clause_text(key + '-2.9')})."
        ) in response.content.decode()
        assert not RetakeApplication.objects.exists()


@pytest.mark.clause("npc-2.10", "rgmu-2.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_staff_file_a_valid_reason_application_with_the_document(key):
    """For an absence for a valid reason the form asks for the supporting document, as the
    learner's does; the window counts from presenting it (npc-2.10, rgmu-2.10)."""
    setup, _, _, valid = retake_setup(key)
    client = client_for(setup.org.staff)
    with on(date(2026, 5, 12)):
        text = client.get(file_url(valid)).content.decode()
        assert "Дата предъявления документа" in text
        assert clause_text(f"{key}-2.10") in text
        response = client.post(
            file_url(valid),
            {
                "kind": RetakeKind.VALID_REASON.value,
                "filed_on": "2026-05-07",
                "document_description": "Листок нетрудоспособности № 910000000001",
                "document_presented_on": "2026-05-06",
                "reason_ended_on": "2026-05-06",
            },
        )
    assert response.status_code == 302
    application = RetakeApplication.objects.get(learner_result=valid)
    assert application.on_behalf
    assert application.kind == RetakeKind.VALID_REASON
    assert application.document_presented_on == date(2026, 5, 6)
    assert application.application_deadline == (
        date(2026, 5, 21) if key == "npc" else date(2026, 5, 14)
    )


@pytest.mark.clause("npc-2.9")
def test_arrival_day_in_the_future_is_shown_on_its_field():
    """An arrival day after today is refused next to the field, announced to screen
    readers (aria-invalid, aria-describedby to the error and the hint)."""
    setup, failed, _, _ = retake_setup("npc")
    with on(date(2026, 5, 6)):
        response = client_for(setup.org.staff).post(
            file_url(failed), {"kind": RetakeKind.NO_VALID_REASON.value, "filed_on": "2026-05-07"}
        )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Дата подачи не может быть в будущем." in text
    assert 'aria-describedby="id_filed_on_format id_filed_on_helptext id_filed_on_error"' in text
    assert 'aria-invalid="true"' in text
    assert '<label for="id_filed_on">Дата поступления заявления' in text
    assert not RetakeApplication.objects.exists()


@pytest.mark.clause("npc-2.9")
def test_section_lists_only_learners_who_may_still_apply():
    """The section lists the decided results that were not passed and have no application;
    a learner who applied in the cabinet is not offered again."""
    setup, failed, absent, valid = retake_setup("npc")
    apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 5)):
        listing = client_for(setup.org.staff).get(LIST_URL).content.decode()
    assert file_url(failed) not in listing
    assert file_url(absent) in listing
    assert file_url(valid) in listing


@pytest.mark.clause("npc-2.9", "npc-2.11")
def test_section_leaves_out_learners_who_are_done():
    """A learner who already holds the справка (ADR 0109) or was withdrawn is not offered
    for a paper application."""
    from nmo.documents.services import issue_training_record
    from nmo.programmes.models import Enrolment, EnrolmentStatus

    setup, failed, absent, valid = retake_setup("npc")
    with on(date(2026, 5, 19)):
        issue_training_record(
            actor=setup.org.staff, enrolment=failed.enrolment, issued_on=date(2026, 5, 19)
        )
    Enrolment.objects.filter(pk=absent.enrolment_id).update(status=EnrolmentStatus.WITHDRAWN)
    with on(date(2026, 5, 19)):
        listing = client_for(setup.org.staff).get(LIST_URL).content.decode()
    assert file_url(failed) not in listing
    assert file_url(absent) not in listing
    assert file_url(valid) in listing


@pytest.mark.clause("npc-2.9")
def test_it_checks_access(outsider):
    """Staff of another organisation get 404 for the result, and it is not in their list;
    a learner without the staff role gets 403 on the staff pages."""
    _, failed, _, _ = retake_setup("npc")
    with on(date(2026, 5, 6)):
        other = client_for(outsider)
        assert other.get(file_url(failed)).status_code == 404
        response = other.post(
            file_url(failed), {"kind": RetakeKind.NO_VALID_REASON.value, "filed_on": "2026-05-06"}
        )
        assert response.status_code == 404
        assert file_url(failed) not in other.get(LIST_URL).content.decode()
        learner = client_for(learner_of(failed))
        assert learner.get(file_url(failed)).status_code == 403
        assert learner.post(file_url(failed), {"filed_on": "2026-05-06"}).status_code == 403
        assert learner.get(LIST_URL).status_code == 403
        missing = reverse("attestation:retake_file", kwargs={"result_pk": 999_999})
        assert other.get(missing).status_code == 404
    assert not RetakeApplication.objects.exists()
