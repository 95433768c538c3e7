"""Filing an appeal (npc-5.1, npc-5.10, npc-app2, rgmu-5.10): by the learner in the
cabinet, by the study department from a paper application brought by a proxy; the
deadline on the work calendar; one appeal per result; the decision is final."""

from datetime import date

import pytest
from django.core import mail

from nmo.appeals import services
from nmo.appeals.exceptions import AppealExists, AppealInvalid, AppealLate
from nmo.appeals.models import Appeal
from nmo.appeals.tests.factories import HELD_ON, appeal_setup, file_as_learner, filing, on
from nmo.appeals.types import AppealStatus, ProxyData
from nmo.attestation.tests.factories import organisation_under
from nmo.core.exceptions import NotFound
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SAT_WORKING = date(2025, 11, 1)


@pytest.mark.clause("npc-5.1", "npc-5.10", "npc-app2")
def test_the_learner_files_in_the_cabinet_to_the_chair_of_the_appeal_commission(
    django_capture_on_commit_callbacks,
):
    """npc-5.1, npc-5.10, npc-app2: the learner files a written appeal about the grade,
    addressed to the chair of the appeal commission; it is filed, the hearing's last day
    computed, the standing commission in office assigned later; the learner is e-mailed
    and the filing is audited."""
    s = appeal_setup("npc")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file_as_learner(s, HELD_ON, subject="both")
    assert appeal.status == AppealStatus.FILED
    assert appeal.addressed_to.startswith("Председателю апелляционной комиссии ГБУЗ «НПЦ")
    assert appeal.subject_label.startswith("о нарушении порядка")
    assert appeal.on_behalf is False
    assert appeal.filed_on == HELD_ON
    assert appeal.hearing_due_on == date(2025, 11, 5)
    assert [m.to for m in mail.outbox] == [[s.learner.email]]
    assert "05.11.2025" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="appeal.file", object_id=str(appeal.pk)).exists()


@pytest.mark.clause("rgmu-5.10")
def test_at_rostgmu_the_application_is_addressed_to_the_rector():
    """rgmu-5.10: the application is addressed to the rector; the commission is formed per
    appeal, its order due 3 working days after the application (rgmu-5.3)."""
    s = appeal_setup("rgmu")
    appeal = file_as_learner(s, HELD_ON)
    assert appeal.addressed_to.startswith("Ректору ФГБОУ ВО РостГМУ")
    assert appeal.commission_due_on == date(2025, 11, 6)
    assert appeal.hearing_due_on == date(2025, 11, 10)


@pytest.mark.clause("npc-5.10", "rgmu-5.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
@pytest.mark.parametrize(
    ("announced", "filed_on", "late"),
    [
        # announced Friday: the next working day is the transferred Saturday 01.11
        (HELD_ON, HELD_ON, False),  # N-1
        (HELD_ON, SAT_WORKING, False),  # N
        (HELD_ON, date(2025, 11, 2), True),  # N+1
        # announced on the working Saturday: 03.11 and 04.11 are holidays
        (SAT_WORKING, date(2025, 11, 4), False),  # N-1
        (SAT_WORKING, date(2025, 11, 5), False),  # N
        (SAT_WORKING, date(2025, 11, 6), True),  # N+1
    ],
)
def test_the_deadline_is_the_next_working_day_after_the_results_were_announced(
    key, announced, filed_on, late
):
    """npc-5.10, rgmu-5.10: no later than the next working day after the results were
    announced, on the work calendar (a transferred working Saturday counts, holidays do
    not); a late application gets `appeal_late` naming the rule and the last day."""
    s = appeal_setup(key, decided_on=announced)
    if not late:
        appeal = file_as_learner(s, filed_on)
        assert appeal.filing_deadline >= filed_on
        return
    with pytest.raises(AppealLate) as refused:
        file_as_learner(s, filed_on)
    assert refused.value.code == "appeal_late"
    assert refused.value.status == 422
    message = refused.value.message
    assert "не позднее следующего рабочего дня" in message
    assert "п. 5.10 Положения" in message
    deadline = SAT_WORKING if announced == HELD_ON else date(2025, 11, 5)
    assert f"последний день подачи — {deadline:%d.%m.%Y}" in message
    assert not Appeal.objects.exists()


@pytest.mark.clause("npc-5.10")
def test_the_study_department_files_a_paper_application_brought_by_a_proxy():
    """npc-5.10: the study department records a paper application brought by a proxy,
    with the day it arrived, the proxy's name and power of attorney; the deadline is
    checked against that day."""
    s = appeal_setup("npc")
    proxy = ProxyData("Петров Пётр Петрович", "№ 77 АА 1234567 от 20.10.2025, нотариус Иванова")
    appeal = services.file_appeal(
        actor=s.staff,
        learner_result=s.failed,
        filing=filing(filed_on=SAT_WORKING, proxy=proxy, subject="procedure"),
    )
    assert appeal.on_behalf is True
    assert appeal.filed_on == SAT_WORKING
    assert appeal.proxy_name == "Петров Пётр Петрович"
    assert appeal.learner == s.learner
    with pytest.raises(AppealLate):
        services.file_appeal(
            actor=s.staff,
            learner_result=s.passed,
            filing=filing(filed_on=date(2025, 11, 2)),
        )


def test_a_learner_may_not_name_a_proxy_and_bad_input_is_explained():
    """A proxy's application comes on paper through the study department; a too short
    claim or a bad subject is refused with Russian messages by field."""
    s = appeal_setup("npc")
    with pytest.raises(AppealInvalid) as refused:
        file_as_learner(s, HELD_ON, subject="nothing", text="коротко", proxy=ProxyData("А", "Б"))
    assert set(refused.value.errors) == {"subject", "text", "proxy"}


@pytest.mark.clause("npc-5.10", "rgmu-5.10")
def test_one_appeal_per_result_and_attempt():
    """One appeal per result (each attempt is its own result): a second is
    `appeal_exists`; the other learner's result may be appealed."""
    s = appeal_setup("rgmu")
    file_as_learner(s, HELD_ON)
    with pytest.raises(AppealExists) as refused:
        file_as_learner(s, HELD_ON)
    assert refused.value.code == "appeal_exists"
    with on(HELD_ON):
        other = services.file_appeal(
            actor=s.passed.enrolment.learner, learner_result=s.passed, filing=filing()
        )
    assert other.learner_result == s.passed


def test_it_checks_access():
    """Another learner and another organisation's staff get NotFound."""
    s = appeal_setup("npc")
    outsider = organisation_under("rgmu", name="Другой вуз", email="x@other.example.ru").staff
    for actor in (s.passed.enrolment.learner, outsider):
        with on(HELD_ON), pytest.raises(NotFound):
            services.file_appeal(actor=actor, learner_result=s.failed, filing=filing())


def test_a_withdrawn_appeal_frees_the_result_until_the_hearing():
    """The appellant withdraws an appeal before its hearing; the result may then be
    appealed again within the window. Audited as "appeal.withdraw"."""
    s = appeal_setup("rgmu")
    appeal = file_as_learner(s, HELD_ON)
    withdrawn = services.withdraw_appeal(actor=s.learner, appeal=appeal)
    assert withdrawn.status == AppealStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="appeal.withdraw").exists()
    again = file_as_learner(s, SAT_WORKING)
    assert again.pk != appeal.pk
    with pytest.raises(NotFound):
        services.withdraw_appeal(actor=s.passed.enrolment.learner, appeal=again)
