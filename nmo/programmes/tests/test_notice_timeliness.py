"""The videoconference notice at its deadline across a holiday, a transferred day off and
a working Saturday, and the late-notice flag on the department's cohort page (npc-6.2,
rgmu-6.3)."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from nmo.programmes import selectors, services
from nmo.programmes.models import CohortNotice
from nmo.workcalendar.selectors import is_working_day

from .factories import enrol, make_cohort

pytestmark = pytest.mark.django_db

REQUIREMENTS = "Компьютер с веб-камерой и микрофоном, браузер Chrome, канал от 5 Мбит/с."
# Monday 13 October to Friday 14 November 2025, attested by videoconference. Ten working
# days back from 14 November: 13, 12, 11, 10, 7, 6, 5 November, Saturday 1 November (a
# working day: its day off moved to 3 November), 31 and 30 October — 2–4 November are a
# Sunday, the transferred day off and Unity Day. So Thursday 30 October 2025.
VIDEO = {
    "starts_on": date(2025, 10, 13),
    "ends_on": date(2025, 11, 14),
    "attestation_date": date(2025, 11, 14),
    "is_remote": True,
    "uses_videoconference": True,
    "videoconference_requirements": REQUIREMENTS,
}
NPC_DUE = date(2025, 10, 30)


def videoconference_notice(cohort):
    return CohortNotice.objects.get(cohort=cohort, kind="videoconference")


def run_on(day: date):
    with time_machine.travel(day, tick=False):
        return services.send_due_notices(today=day)


@pytest.mark.clause("npc-6.2")
@pytest.mark.parametrize(
    ("run", "sent", "late"),
    [(date(2025, 10, 29), False, False), (NPC_DUE, True, False), (date(2025, 10, 31), True, True)],
    ids=["N-1", "N", "N+1"],
)
def test_npc_notice_at_the_deadline_across_holidays_and_a_working_saturday(
    npc, seeded_calendar, run, sent, late
):
    """At НПЦ the technical requirements go out no later than 10 working days before the
    end of training (npc-6.2), counted by the work calendar: a working Saturday counts, a
    transferred day off and a holiday do not. Sent on N−1 nothing goes yet; on N it goes
    on time; sent first on N+1 it is flagged late."""
    assert is_working_day(date(2025, 11, 1))
    assert not is_working_day(date(2025, 11, 3))
    assert not is_working_day(date(2025, 11, 4))
    cohort = make_cohort(npc, **VIDEO)
    enrol(npc, cohort, email="one@example.ru")
    notice = videoconference_notice(cohort)
    assert notice.due_on == NPC_DUE
    run_on(run)
    got = [m for m in mail.outbox if REQUIREMENTS in m.body]
    assert bool(got) is sent
    notice.refresh_from_db()
    timeliness = selectors.notice_timeliness(notice, run)
    assert timeliness.late_count == (1 if late else 0)
    assert timeliness.is_late is late


@pytest.mark.clause("npc-6.2")
def test_the_cohort_page_flags_a_notice_not_sent_by_its_date(client, npc, seeded_calendar):
    """The department's cohort page flags the videoconference notice whose date has
    passed while a learner has not got it (npc-6.2), and a notice sent late."""
    cohort = make_cohort(npc, **VIDEO)
    enrol(npc, cohort, email="one@example.ru")
    client.force_login(npc.staff)
    url = reverse("programmes:cohort_detail", args=[cohort.pk])
    run_on(date(2025, 10, 13))  # the first-day notice, on time
    with time_machine.travel(NPC_DUE, tick=False):
        on_time = client.get(url).content.decode()
    assert "Опоздание" not in on_time
    with time_machine.travel(date(2025, 10, 31), tick=False):
        overdue = client.get(url).content.decode()
        assert "срок 30.10.2025 прошёл" in overdue
        services.send_due_notices(today=date(2025, 10, 31))
        after = client.get(url).content.decode()
    assert "срок 30.10.2025 прошёл" not in after
    assert "получили позже срока — 1 чел." in after


@pytest.mark.clause("rgmu-6.3")
def test_rostgmu_notice_on_a_working_saturday_the_cycle_starts(rgmu, seeded_calendar):
    """At РостГМУ the requirements are told on the day the cycle starts (rgmu-6.3), even a
    working Saturday (1 November 2025): the day before nothing goes, on the day it goes
    on time, a learner enrolled the day after gets it at once and is counted late."""
    cohort = make_cohort(rgmu, **{**VIDEO, "starts_on": date(2025, 11, 1)})
    first = enrol(rgmu, cohort, email="one@example.ru")
    notice = videoconference_notice(cohort)
    assert notice.due_on == date(2025, 11, 1)
    run_on(date(2025, 10, 31))
    assert not [m for m in mail.outbox if REQUIREMENTS in m.body]
    run_on(date(2025, 11, 1))
    assert [m.to for m in mail.outbox if REQUIREMENTS in m.body] == [[first.learner.email]]
    notice.refresh_from_db()
    assert not selectors.notice_timeliness(notice, date(2025, 11, 1)).is_late
    with time_machine.travel(date(2025, 11, 5), tick=False):
        enrol(rgmu, cohort, email="two@example.ru")
    run_on(date(2025, 11, 5))
    assert selectors.notice_timeliness(notice, date(2025, 11, 5)).late_count == 1
