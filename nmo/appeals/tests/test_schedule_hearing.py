"""The hearing's day (npc-5.11, rgmu-5.11; ADR 0401) and the appellant's invitation and
attendance (npc-5.12)."""

from datetime import date

import pytest
from django.core import mail

from nmo.appeals import services
from nmo.appeals.exceptions import HearingInvalid
from nmo.appeals.selectors import flags_for
from nmo.appeals.tests.factories import (
    HELD_ON,
    appeal_setup,
    file_as_learner,
    heard,
    with_commission,
)
from nmo.appeals.types import AppealStatus
from nmo.core.exceptions import NotFound

pytestmark = pytest.mark.django_db

PLACE = "ул. Авиаторов, 38, ауд. 5"


@pytest.mark.clause("npc-5.11", "rgmu-5.11")
@pytest.mark.parametrize(
    ("key", "hearing_on", "allowed"),
    [
        # НПЦ: 5 calendar days of 31.10.2025 end on 05.11 (5 working days would be 10.11)
        ("npc", date(2025, 11, 4), True),  # N-1, a holiday: the commission may sit
        ("npc", date(2025, 11, 5), True),  # N
        ("npc", date(2025, 11, 6), False),  # N+1
        # РостГМУ: 10 calendar days end on 10.11 (10 working days would be 17.11)
        ("rgmu", date(2025, 11, 9), True),
        ("rgmu", date(2025, 11, 10), True),
        ("rgmu", date(2025, 11, 11), False),
    ],
)
def test_the_hearing_is_within_the_regulations_days_of_filing(key, hearing_on, allowed):
    """npc-5.11, rgmu-5.11: within 5 (НПЦ) / 10 (РостГМУ) days of filing, counted as
    calendar days from the day after filing and not moved off a day off (ADR 0401): the
    window holds the transferred working Saturday 01.11 and the holidays 03.11–04.11. A
    later day needs a written reason and is flagged."""
    s = appeal_setup(key)
    appeal = with_commission(s, file_as_learner(s, HELD_ON))
    if allowed:
        scheduled = services.schedule_hearing(
            actor=s.staff, appeal=appeal, hearing_on=hearing_on, place=PLACE
        )
        assert scheduled.status == AppealStatus.SCHEDULED
        assert not flags_for(scheduled, hearing_on).heard_late
        return
    with pytest.raises(HearingInvalid) as refused:
        services.schedule_hearing(actor=s.staff, appeal=appeal, hearing_on=hearing_on, place=PLACE)
    message = refused.value.errors["hearing_on"][0]
    assert "со дня её подачи" in message
    assert "п. 5.11 Положения" in message
    late = services.schedule_hearing(
        actor=s.staff,
        appeal=appeal,
        hearing_on=hearing_on,
        place=PLACE,
        late_reason="Председатель и заместитель болели, кворума не было.",
    )
    assert flags_for(late, hearing_on).heard_late


@pytest.mark.clause("npc-5.11")
def test_an_appeal_not_heard_by_its_last_day_is_flagged_overdue():
    """npc-5.11: the register flags an appeal not heard by its last day."""
    s = appeal_setup("npc")
    appeal = file_as_learner(s, HELD_ON)
    assert not flags_for(appeal, date(2025, 11, 5)).hearing_overdue
    assert flags_for(appeal, date(2025, 11, 6)).hearing_overdue


@pytest.mark.clause("npc-5.12")
def test_the_appellant_is_invited_and_their_attendance_is_recorded(
    django_capture_on_commit_callbacks,
):
    """npc-5.12: the appellant (or the proxy) may attend: the learner is e-mailed the
    day and place, and who came is recorded with the hearing."""
    s = appeal_setup("npc")
    appeal = with_commission(s, file_as_learner(s, HELD_ON))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_hearing(
            actor=s.staff, appeal=appeal, hearing_on=date(2025, 11, 5), place=PLACE
        )
    assert [m.to for m in mail.outbox] == [[s.learner.email]]
    assert "05.11.2025" in mail.outbox[0].body
    assert "доверенное лицо вправе присутствовать" in mail.outbox[0].body
    heard_appeal = services.record_hearing(
        actor=s.staff,
        appeal=appeal,
        present_seat_ids=list(appeal.commission.seats.values_list("pk", flat=True)),
        appellant_attendance="proxy",
        discussion="Заслушано доверенное лицо заявителя.",
    )
    assert heard_appeal.appellant_attendance == "proxy"
    assert heard_appeal.status == AppealStatus.HEARD


def test_a_hearing_without_a_commission_is_refused_and_access_is_checked():
    """No commission assigned: refused; another organisation's staff: NotFound."""
    s = appeal_setup("rgmu")
    appeal = file_as_learner(s, HELD_ON)
    with pytest.raises(HearingInvalid) as refused:
        services.schedule_hearing(actor=s.staff, appeal=appeal, hearing_on=HELD_ON, place=PLACE)
    assert "commission" in refused.value.errors
    other = appeal_setup("npc", name="Другая организация")
    with pytest.raises(NotFound):
        services.schedule_hearing(actor=other.staff, appeal=appeal, hearing_on=HELD_ON, place=PLACE)
    assert heard  # the helper is used by the other modules
