"""API v1: appeals (shared/spec/api.md, "Appeals"): filing by the learner and by the
staff on the learner's behalf, the late, second and final refusals, the lists and one
appeal with its outcome; other organisations' appeals are 404."""

from datetime import date

import pytest

from nmo.accounts.services import issue_token_for_user
from nmo.appeals import services
from nmo.appeals.tests.factories import (
    HELD_ON,
    appeal_setup,
    file_as_learner,
    heard,
    on,
    votes,
)
from nmo.attestation.tests.factories import organisation_under

pytestmark = pytest.mark.django_db

FIELDS = {
    "id", "learner_result", "status", "filed_on", "hearing_due_on", "hearing_on", "outcome",
    "new_grade", "notice_due_on", "notice_posted_on",
}  # fmt: skip


def auth(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token_for_user(actor=user).raw}"}


def path(result) -> str:
    return f"/api/v1/learner-results/{result.pk}/appeals"


BODY = {"subject": "grade", "text": "Не согласен с оценкой за собеседование по билету № 3."}


@pytest.mark.clause("npc-5.10", "rgmu-5.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_learner_files_and_reads_their_appeal(api_client, key):
    """npc-5.10, rgmu-5.10: the learner files on the next working day after the
    announcement (the transferred Saturday 01.11.2025): 201 with the fixed shape; the
    list and the appeal show it; the day after that is 422 `appeal_late`."""
    s = appeal_setup(key)
    headers = auth(s.learner)
    with on(date(2025, 11, 1)):
        response = api_client.post(path(s.failed), BODY, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= FIELDS
    assert body["status"] == "filed"
    assert body["filed_on"] == "2025-11-01"
    assert body["hearing_due_on"] == ("2025-11-06" if key == "npc" else "2025-11-11")
    assert body["outcome"] is None
    headers = auth(s.learner)  # the token's last use was set back in time by the travel
    listed = api_client.get("/api/v1/appeals", **headers).json()
    assert [a["id"] for a in listed] == [body["id"]]
    one = api_client.get(f"/api/v1/appeals/{body['id']}", **headers)
    assert one.status_code == 200
    assert one.json()["learner_result"] == s.failed.pk
    other = s.passed.enrolment.learner
    with on(date(2025, 11, 2)):
        late = api_client.post(path(s.passed), BODY, content_type="application/json", **auth(other))
    assert late.status_code == 422
    assert late.json()["code"] == "appeal_late"
    assert "01.11.2025" in late.json()["detail"]


@pytest.mark.clause("npc-5.10")
def test_staff_file_a_paper_application_of_a_proxy_and_a_second_is_409(api_client):
    """npc-5.10: the staff record a paper application with the day it arrived and the
    proxy; a second appeal of the same result is 409 `appeal_exists`."""
    s = appeal_setup("npc")
    payload = {
        **BODY,
        "filed_on": "2025-11-01",
        "proxy": {"full_name": "Петров Пётр Петрович", "power_of_attorney": "77 АА 1234567"},
    }
    headers = auth(s.staff)
    response = api_client.post(path(s.failed), payload, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    assert response.json()["on_behalf"] is True
    again = api_client.post(path(s.failed), payload, content_type="application/json", **headers)
    assert again.status_code == 409
    assert again.json()["code"] == "appeal_exists"
    bad = api_client.post(
        path(s.passed), {"subject": "x", "text": "a"}, content_type="application/json", **headers
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) >= {"subject", "text"}


@pytest.mark.clause("npc-5.19")
def test_an_appeal_against_the_appeal_decision_is_409_appeal_final(api_client):
    """npc-5.19: once the appeal commission has decided, the decision is final: a new
    appeal of that result is 409 `appeal_final`; the decided appeal shows its outcome."""
    s = appeal_setup("npc")
    appeal = heard(s, file_as_learner(s, HELD_ON))
    services.decide_appeal(actor=s.staff, appeal=appeal, resolution="rejected", votes=votes(appeal))
    headers = auth(s.learner)
    with on(HELD_ON):
        response = api_client.post(path(s.failed), BODY, content_type="application/json", **headers)
    assert response.status_code == 409
    assert response.json()["code"] == "appeal_final"
    headers = auth(s.learner)
    one = api_client.get(f"/api/v1/appeals/{appeal.pk}", **headers).json()
    assert one["status"] == "decided"
    assert one["outcome"] == "rejected"
    assert one["hearing_on"] == "2025-10-31"
    assert one["notice_due_on"] == "2025-11-01"


def test_other_organisations_appeals_are_404_and_the_list_is_theirs(api_client):
    """Staff of another organisation get 404 for the appeal and an empty list; a
    visitor without a token 401."""
    s = appeal_setup("rgmu")
    appeal = file_as_learner(s, HELD_ON)
    outsider = organisation_under("npc", name="Другая организация", email="o@x.example.ru").staff
    headers = auth(outsider)
    assert api_client.get(f"/api/v1/appeals/{appeal.pk}", **headers).status_code == 404
    assert api_client.get("/api/v1/appeals", **headers).json() == []
    assert (
        api_client.post(
            path(s.failed), BODY, content_type="application/json", **headers
        ).status_code
        == 404
    )
    assert api_client.get("/api/v1/appeals").status_code == 401
    staff_list = api_client.get("/api/v1/appeals", **auth(s.staff)).json()
    assert [a["id"] for a in staff_list] == [appeal.pk]


@pytest.mark.clause("npc-5.16", "npc-5.18")
def test_the_appeal_shows_the_new_grade_and_the_posting_of_the_notice(api_client):
    """npc-5.16, npc-5.18: after the commission satisfies the appeal with «зачтено» the
    appeal shows `new_grade` "passed" and the notice due; `notice_posted_on` is null until
    the study department records the posting, then the day."""
    s = appeal_setup("npc")
    appeal = heard(s, file_as_learner(s, HELD_ON))
    services.decide_appeal(
        actor=s.staff, appeal=appeal, resolution="new_result", new_grade="passed",
        votes=votes(appeal),
    )  # fmt: skip
    url = f"/api/v1/appeals/{appeal.pk}"
    one = api_client.get(url, **auth(s.learner)).json()
    assert set(one) >= FIELDS
    assert (one["outcome"], one["new_grade"]) == ("new_result", "passed")
    assert (one["notice_due_on"], one["notice_posted_on"]) == ("2025-11-01", None)
    services.record_notice_posted(actor=s.staff, appeal=appeal, posted_on=date(2025, 11, 1))
    one = api_client.get(url, **auth(s.staff)).json()
    assert one["notice_posted_on"] == "2025-11-01"
    assert one["new_grade"] == "passed"
    rejected = api_client.get("/api/v1/appeals", **auth(s.staff)).json()
    assert [(a["id"], a["new_grade"]) for a in rejected] == [(appeal.pk, "passed")]
