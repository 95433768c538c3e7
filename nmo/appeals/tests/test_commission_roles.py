"""Who of the appeal commission records its hearing (npc-5.7, npc-5.9): the secretary
draws up the protocol and informs the appellant, the chair presides (the deputy chair in
the chair's absence). So the presiding chair or deputy and the secretary of the appeal's
commission record the attendance, the vote and the decision, the secretary the notice's
posting; the study department keeps these powers; another member, the learner: 403;
another organisation: 404. Service and page level."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nmo.appeals import services
from nmo.appeals.exceptions import AppealNotAllowed
from nmo.appeals.models import Appeal
from nmo.appeals.selectors import decision_pending
from nmo.appeals.tests.factories import (
    HELD_ON,
    AppealSetup,
    appeal_setup,
    file_as_learner,
    votes,
    with_commission,
)
from nmo.appeals.types import AppealStatus
from nmo.attestation.tests.factories import organisation_under
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

GRADE = {"npc": "passed", "rgmu": "good"}


def scheduled(s: AppealSetup) -> Appeal:
    appeal = with_commission(s, file_as_learner(s, HELD_ON))
    return services.schedule_hearing(
        actor=s.staff, appeal=appeal, hearing_on=appeal.filed_on, place="ауд. 5"
    )


def seat_ids(appeal: Appeal, *, absent=()) -> list[int]:
    away = {p.pk for p in absent}
    return [seat.pk for seat in appeal.commission.seats.all() if seat.person_id not in away]


def record(actor, appeal: Appeal, *, absent=()) -> Appeal:
    return services.record_hearing(
        actor=actor,
        appeal=appeal,
        present_seat_ids=seat_ids(appeal, absent=absent),
        appellant_attendance="appellant",
        discussion="Комиссия проверила ответы слушателя по ведомости.",
    )


def decide(actor, appeal: Appeal, key: str) -> Appeal:
    return services.decide_appeal(
        actor=actor,
        appeal=appeal,
        resolution="new_result",
        votes=votes(appeal),
        new_grade=GRADE[key],
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.clause("npc-5.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_secretary_records_the_hearing_the_decision_and_the_notice(key):
    """npc-5.9: the secretary of the appeal's commission — not of the study department —
    records the attendance, the vote and the decision and the notice's posting; each is
    audited under the secretary's name. The decision's change of the result waits for the
    study department, which applies it once (ADR 0402)."""
    s = appeal_setup(key)
    appeal = record(s.secretary, scheduled(s))
    assert appeal.status == AppealStatus.HEARD
    before = s.failed.final_grade
    appeal = decide(s.secretary, appeal, key)
    assert appeal.status == AppealStatus.DECIDED
    assert appeal.new_grade == GRADE[key]
    # The change of the result and the documents waits for the study department (ADR 0402).
    s.failed.refresh_from_db()
    assert s.failed.final_grade == before
    assert decision_pending(appeal)
    with pytest.raises(PermissionDenied):
        services.apply_appeal_decision(actor=s.secretary, appeal=appeal)
    services.apply_appeal_decision(actor=s.staff, appeal=appeal)
    s.failed.refresh_from_db()
    assert s.failed.final_grade == GRADE[key]
    assert s.failed.outcome == "passed"
    assert not decision_pending(appeal)
    with pytest.raises(AppealNotAllowed):
        services.apply_appeal_decision(actor=s.staff, appeal=appeal)
    posted = services.record_notice_posted(
        actor=s.secretary, appeal=appeal, posted_on=timezone.localdate()
    )
    assert posted.notice_posted_on == timezone.localdate()
    actions = set(AuditEntry.objects.filter(actor=s.secretary).values_list("action", flat=True))
    assert {"appeal.attendance", "appeal.vote", "appeal.decide", "appeal.notice.post"} <= actions


@pytest.mark.clause("npc-5.7")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_presiding_chair_records_and_decides_and_a_member_may_not(key):
    """npc-5.7: the chair, presiding, records the attendance and the decision; the deputy
    chair may not while the chair presides; a member who is neither chair nor secretary
    gets 403 for the attendance, the decision and the notice; the learner 403; another
    organisation's staff 404."""
    s = appeal_setup(key)
    appeal = scheduled(s)
    member = s.members[0]
    with pytest.raises(PermissionDenied):
        record(member, appeal)
    with pytest.raises(PermissionDenied):
        record(s.deputy, appeal)  # the chair is present and presides
    with pytest.raises(PermissionDenied):
        record(s.learner, appeal)
    other = organisation_under(key, name="ГБУЗ Другая больница", email="o@x.example.ru")
    with pytest.raises(NotFound):
        record(other.staff, appeal)
    appeal = record(s.chair, appeal)
    for actor in (member, s.deputy, s.learner):
        with pytest.raises(PermissionDenied):
            decide(actor, appeal, key)
    with pytest.raises(NotFound):
        decide(other.staff, appeal, key)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.HEARD
    appeal = decide(s.chair, appeal, key)
    assert appeal.status == AppealStatus.DECIDED
    with pytest.raises(PermissionDenied):
        services.record_notice_posted(actor=member, appeal=appeal, posted_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.record_notice_posted(actor=s.chair, appeal=appeal, posted_on=timezone.localdate())
    appeal.refresh_from_db()
    assert appeal.notice_posted_on is None


@pytest.mark.clause("npc-5.7")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_deputy_records_and_decides_in_the_chairs_absence(key):
    """npc-5.7: with the chair absent the deputy chair presides, and records the
    attendance and the decision; the absent chair may not record either."""
    s = appeal_setup(key)
    appeal = scheduled(s)
    with pytest.raises(PermissionDenied):
        record(s.chair, appeal, absent=[s.chair])  # not presiding when absent
    appeal = record(s.deputy, appeal, absent=[s.chair])
    assert appeal.presiding_seat.person == s.deputy
    with pytest.raises(PermissionDenied):
        decide(s.chair, appeal, key)
    appeal = decide(s.deputy, appeal, key)
    assert appeal.status == AppealStatus.DECIDED


@pytest.mark.clause("npc-5.7", "npc-5.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_on_the_page_the_chair_and_the_secretary_record_and_a_member_gets_403(key):
    """npc-5.7, npc-5.9: on the appeal's page the chair records the attendance and the
    secretary the decision and the notice's posting; a member sees neither form and gets
    403 posting the decision or the notice; the learner 403; another organisation 404."""
    s = appeal_setup(key)
    appeal = scheduled(s)
    member = client_for(s.members[0])
    page = member.get(appeal.get_absolute_url()).content.decode()
    assert "Отметить присутствие" not in page
    chair = client_for(s.chair)
    assert "Отметить присутствие" in chair.get(appeal.get_absolute_url()).content.decode()
    hearing = {
        "present": seat_ids(appeal),
        "appellant_attendance": "appellant",
        "discussion": "Обсуждено.",
    }
    url = reverse("appeals:appeal_hearing", args=[appeal.pk])
    assert member.post(url, hearing).status_code == 403
    assert chair.post(url, hearing).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.HEARD
    decision = {"outcome": "new_result", "new_grade": GRADE[key]}
    decision.update({f"vote_{pk}": "for" for pk in votes(appeal)})
    decide_url = reverse("appeals:appeal_decide", args=[appeal.pk])
    page = member.get(appeal.get_absolute_url()).content.decode()
    assert "Принять решение" not in page
    assert member.post(decide_url, decision).status_code == 403
    assert client_for(s.learner).post(decide_url, decision).status_code == 403
    outsider = organisation_under(key, name="ГБУЗ Другая больница", email="o@x.example.ru")
    assert client_for(outsider.staff).post(decide_url, decision).status_code == 404
    secretary = client_for(s.secretary)
    assert "Принять решение" in secretary.get(appeal.get_absolute_url()).content.decode()
    assert secretary.post(decide_url, decision).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DECIDED
    apply_url = reverse("appeals:appeal_apply", args=[appeal.pk])
    assert "Применить решение к результату" not in page
    assert secretary.post(apply_url).status_code == 403
    staff = client_for(s.staff)
    assert "Применить решение к результату" in staff.get(appeal.get_absolute_url()).content.decode()
    assert staff.post(apply_url).status_code == 302
    s.failed.refresh_from_db()
    assert s.failed.final_grade == GRADE[key]
    notice_url = reverse("appeals:appeal_notice", args=[appeal.pk])
    posted = {"posted_on": timezone.localdate().strftime("%d.%m.%Y"), "tracking": ""}
    assert member.post(notice_url, posted).status_code == 403
    assert chair.post(notice_url, posted).status_code == 403
    page = secretary.get(appeal.get_absolute_url()).content.decode()
    assert "Отметить отправку" in page
    assert secretary.get(reverse("appeals:notice_pdf", args=[appeal.pk])).status_code == 200
    assert secretary.post(notice_url, posted).status_code == 302
    appeal.refresh_from_db()
    assert appeal.notice_posted_on == timezone.localdate()
