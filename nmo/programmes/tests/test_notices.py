from datetime import date, timedelta
from smtplib import SMTPException

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from nmo.core.exceptions import NotFound
from nmo.core.models import AuditEntry
from nmo.programmes import services
from nmo.programmes.models import CohortNotice, NoticeDelivery
from nmo.programmes.tasks import send_due_notices as send_task
from nmo.workcalendar.selectors import is_working_day

from .conftest import PASSWORD
from .factories import cohort_data, enrol, make_cohort

pytestmark = pytest.mark.django_db

REQUIREMENTS = "Компьютер с веб-камерой и микрофоном, браузер Chrome, канал от 5 Мбит/с."
# A cohort from Monday 13 April to Friday 15 May 2026, attested by videoconference.
VIDEO = {
    "starts_on": date(2026, 4, 13),
    "ends_on": date(2026, 5, 15),
    "attestation_date": date(2026, 5, 15),
    "is_remote": True,
    "uses_videoconference": True,
    "videoconference_requirements": REQUIREMENTS,
}


def notice(cohort, kind):
    return CohortNotice.objects.get(cohort=cohort, kind=kind)


def run(on: date, **kwargs):
    return services.send_due_notices(today=on, **kwargs)


@pytest.mark.clause("npc-6.2")
def test_npc_videoconference_notice_is_due_ten_working_days_before_the_end(npc, seeded_calendar):
    """At НПЦ the technical requirements are sent no later than 10 working days before the
    end of training (npc-6.2), counted with the official calendar: from Friday 15 May 2026
    back over 14, 13, 12 May (11 May is the day off moved from Victory Day, 9–10 May a
    weekend), 8, 7, 6, 5, 4 May (1–3 May: Labour Day and a weekend), 30 and 29 April — so
    Wednesday 29 April 2026."""
    assert not is_working_day(date(2026, 5, 11))
    assert not is_working_day(date(2026, 5, 1))
    cohort = make_cohort(npc, **VIDEO)
    assert notice(cohort, "videoconference").due_on == date(2026, 4, 29)
    assert notice(cohort, "videoconference").sender == str(npc.organisation)


@pytest.mark.clause("rgmu-6.3")
def test_rostgmu_videoconference_notice_is_due_on_the_day_the_cycle_starts(rgmu, seeded_calendar):
    """At РостГМУ the department tells the technical requirements on the day the cycle
    starts (rgmu-6.3)."""
    cohort = make_cohort(rgmu, **VIDEO)
    videoconference = notice(cohort, "videoconference")
    assert videoconference.due_on == date(2026, 4, 13)
    assert videoconference.sender == "Кафедра педиатрии"


@pytest.mark.clause("npc-2.2", "rgmu-2.2")
def test_first_day_notice_is_due_on_the_first_day_from_the_regulations_sender(
    npc, rgmu, seeded_calendar
):
    """The form, conditions and date of the attestation are told on the first day of
    training: by the study department at НПЦ (npc-2.2), by the department running the
    programme at РостГМУ (rgmu-2.2)."""
    npc_notice = notice(make_cohort(npc, **VIDEO), "first_day")
    rgmu_notice = notice(make_cohort(rgmu, **VIDEO), "first_day")
    assert npc_notice.due_on == rgmu_notice.due_on == date(2026, 4, 13)
    assert npc_notice.sender == "Учебный отдел"
    assert rgmu_notice.sender == "Кафедра педиатрии"


@pytest.mark.clause("npc-6.2", "rgmu-6.3")
def test_no_videoconference_no_videoconference_notice(org, seeded_calendar):
    """Only a videoconference attestation has the technical-requirements notice; switching
    the videoconference off withdraws the notice nobody got yet, and moving the dates
    moves the notices."""
    cohort = make_cohort(org, **VIDEO)
    assert cohort.notices.count() == 2
    services.update_cohort(
        actor=org.staff,
        cohort=cohort,
        data=cohort_data(
            starts_on=date(2026, 4, 20),
            ends_on=date(2026, 5, 15),
            attestation_date=date(2026, 5, 15),
        ),
    )
    assert list(cohort.notices.values_list("kind", "due_on")) == [("first_day", date(2026, 4, 20))]


@pytest.mark.clause("npc-2.2", "npc-6.2")
def test_the_command_sends_each_notice_on_its_date_and_only_once(npc, seeded_calendar):
    """The daily command sends a notice when it is due and never again: the day before the
    videoconference deadline (N−1) only the first-day notice goes out, on the day (N) the
    technical requirements too, the day after (N+1) nothing; each learner gets one e-mail
    per notice."""
    cohort = make_cohort(npc, **VIDEO)
    first = enrol(npc, cohort, email="one@example.ru")
    enrol(npc, cohort, email="two@example.ru")
    call_command("send_due_notices", "--date", "2026-04-12")
    assert mail.outbox == []
    call_command("send_due_notices", "--date", "2026-04-28")
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.ru", "two@example.ru"]
    assert all("форма, условия и дата" in m.subject for m in mail.outbox)
    body = mail.outbox[0].body
    assert "Форма итоговой аттестации: зачёт (недифференцированный)." in body
    assert "Дата: 15.05.2026." in body
    assert "программа (ДПП) освоена" in body
    assert "Учебный отдел" in body
    mail.outbox.clear()
    call_command("send_due_notices", "--date", "2026-04-28")
    assert mail.outbox == []
    call_command("send_due_notices", "--date", "2026-04-29")
    assert len(mail.outbox) == 2
    assert REQUIREMENTS in mail.outbox[0].body
    mail.outbox.clear()
    call_command("send_due_notices", "--date", "2026-04-30")
    assert mail.outbox == []
    for kind in ("first_day", "videoconference"):
        sent = notice(cohort, kind)
        assert (sent.status, sent.recipients_count) == ("sent", 2)
    assert NoticeDelivery.objects.filter(enrolment=first).count() == 2
    assert AuditEntry.objects.filter(action="programmes.send_notice").count() == 2


@pytest.mark.clause("rgmu-2.2", "rgmu-6.3")
def test_rostgmu_sends_both_notices_on_the_first_day(rgmu, seeded_calendar):
    """At РостГМУ both notices go out on the first day of the cycle (rgmu-2.2, rgmu-6.3)."""
    cohort = make_cohort(rgmu, **VIDEO)
    enrol(rgmu, cohort, email="one@example.ru")
    assert run(date(2026, 4, 12)).notices == 0
    result = run(date(2026, 4, 13))
    assert (result.notices, result.delivered, result.failed) == (2, 2, 0)
    assert "Кафедра педиатрии" in mail.outbox[0].body


def test_a_learner_enrolled_after_the_notice_gets_it_at_once(
    npc, seeded_calendar, django_capture_on_commit_callbacks
):
    """A cohort whose start is already past has its first-day notice due at once: a learner
    enrolled then gets it right after enrolment, and nobody gets it twice."""
    with time_machine.travel(date(2026, 5, 6), tick=False):
        cohort = make_cohort(npc)  # 4–15 May 2026, opened on the 6th
        early = enrol(npc, cohort, email="early@example.ru")
        run(timezone.localdate())
        assert [m.to for m in mail.outbox] == [["early@example.ru"]]
        with django_capture_on_commit_callbacks(execute=True):
            enrol(npc, cohort, email="late@example.ru")
    assert [m.to for m in mail.outbox] == [["early@example.ru"], ["late@example.ru"]]
    assert notice(cohort, "first_day").recipients_count == 2
    assert NoticeDelivery.objects.filter(enrolment=early).count() == 1


def test_nothing_is_sent_once_the_attestation_date_has_passed(npc, seeded_calendar):
    """A cohort entered after its attestation does not e-mail its learners: the page says
    the notice was not sent because the date has passed."""
    cohort = make_cohort(npc)  # attested on 15 May 2026
    enrol(npc, cohort, email="one@example.ru")
    assert run(date(2026, 5, 16)).notices == 0
    assert run(date(2026, 5, 15)).delivered == 1


def test_a_notice_claimed_by_another_run_is_not_sent_again(npc, seeded_calendar):
    """Two runs at once: the notice is claimed by a conditional update, so the run that did
    not claim it sends nothing; a claim left by a run that died is released as failed after
    an hour and staff send it again to those who have not had it."""
    cohort = make_cohort(npc, **VIDEO)
    enrol(npc, cohort, email="one@example.ru")
    first_day = notice(cohort, "first_day")
    CohortNotice.objects.filter(pk=first_day.pk).update(status="sending", claimed_at=timezone.now())
    assert run(date(2026, 4, 13)).notices == 0
    assert mail.outbox == []
    CohortNotice.objects.filter(pk=first_day.pk).update(
        claimed_at=timezone.now() - timedelta(hours=2)
    )
    assert run(date(2026, 4, 13)).notices == 0
    first_day.refresh_from_db()
    assert first_day.status == "failed"
    assert "Отправка прервалась" in first_day.error
    services.retry_notice(actor=npc.staff, notice=first_day)
    assert run(date(2026, 4, 13)).delivered == 1
    assert notice(cohort, "first_day").status == "sent"


def test_a_failed_delivery_is_recorded_and_retried_for_the_rest_only(
    npc, seeded_calendar, monkeypatch
):
    """A mail error is shown on the notice with the address; the notice is sent again on
    request, to the learners who did not get it."""
    cohort = make_cohort(npc, **VIDEO)
    enrol(npc, cohort, email="ok@example.ru")
    enrol(npc, cohort, email="bounce@example.ru")
    original = EmailMessage.send

    def flaky(self, fail_silently=False):
        if self.to == ["bounce@example.ru"]:
            raise SMTPException("mailbox unavailable")
        return original(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    with pytest.raises(CommandError):
        call_command("send_due_notices", "--date", "2026-04-13")
    failed = notice(cohort, "first_day")
    assert (failed.status, failed.recipients_count) == ("failed", 1)
    assert "bounce@example.ru" in failed.error
    assert run(date(2026, 4, 14)).notices == 0  # a failed notice waits for staff
    monkeypatch.setattr(EmailMessage, "send", original)
    services.retry_notice(actor=npc.staff, notice=failed)
    mail.outbox.clear()
    run(date(2026, 4, 14))
    assert [m.to for m in mail.outbox] == [["bounce@example.ru"]]
    assert notice(cohort, "first_day").status == "sent"


@pytest.mark.clause("npc-6.2")
def test_the_task_sends_what_is_due_today(npc, seeded_calendar):
    """The background task sends the notices due today."""
    cohort = make_cohort(npc, **VIDEO)
    enrol(npc, cohort, email="one@example.ru")
    with time_machine.travel(date(2026, 4, 29), tick=False):
        result = send_task.enqueue()
    assert result.return_value == {"notices": 2, "delivered": 2, "failed": 0}


@pytest.mark.clause("npc-2.2")
def test_the_status_is_visible_on_the_cohort_page(client, npc, seeded_calendar):
    """Staff see each notice's date, sender, status and how many learners got it."""
    cohort = make_cohort(npc, **VIDEO)
    enrol(npc, cohort, email="one@example.ru")
    run(date(2026, 4, 13))
    client.force_login(npc.staff)
    with time_machine.travel(date(2026, 4, 30), tick=False):
        page = client.get(f"/programmes/cohorts/{cohort.pk}/").content.decode()
    assert "Уведомления и их состояние" in page
    assert "13.04.2026" in page
    assert "29.04.2026" in page
    assert "Отправлено" in page
    assert "Запланировано — срок наступил, отправится при ближайшем запуске" in page
    later = client.get(f"/programmes/cohorts/{cohort.pk}/").content.decode()
    assert "Запланировано — не отправлено: дата аттестации прошла" in later


def test_it_checks_access(client, npc, outsider, seeded_calendar):
    """Only the cohort organisation's staff resend its notices."""
    cohort = make_cohort(npc, **VIDEO)
    first_day = notice(cohort, "first_day")
    CohortNotice.objects.filter(pk=first_day.pk).update(status="failed")
    with pytest.raises(NotFound):
        services.retry_notice(actor=outsider, notice=first_day)
    client.login(email=outsider.email, password=PASSWORD)
    url = f"/programmes/cohorts/{cohort.pk}/notices/{first_day.pk}/retry/"
    assert client.post(url).status_code == 404
    assert notice(cohort, "first_day").status == "failed"
