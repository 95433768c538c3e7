"""The attempt endpoints of api.md «Test attempts»: start (repeat = same attempt), save an
answer, state with the seconds left, submit; 409 `attempt_closed` after the deadline."""

from datetime import timedelta

import pytest
import time_machine

from conftest import PASSWORD
from nmo.testing.models import Answer
from nmo.testing.tests.factories import OPENS, make_testing


@pytest.fixture
def t(db):
    testing = make_testing("npc")
    for enrolment in testing.setup.enrolments:
        enrolment.learner.set_password(PASSWORD)
        enrolment.learner.save(update_fields=["password"])
    return testing


@pytest.mark.clause("rgmu-6.1")
def test_a_learner_takes_the_test_through_the_api(t, api_client, token_for):
    """rgmu-6.1: the test is taken in the automated system through its API: the attempt
    starts with its ticket and deadline, a repeat start returns the same attempt, answers
    are saved one by one, the state shows the seconds left and the answers, the submission
    returns the percentage with the grade withheld until the commission decides."""
    auth = token_for(t.learner())
    url = f"/api/v1/test-sessions/{t.session.pk}/attempts"
    with time_machine.travel(OPENS, tick=False):
        started = api_client.post(url, **auth)
        assert started.status_code == 201, started.content
        body = started.json()
        assert set(body) == {"id", "deadline", "remaining_seconds", "questions"}
        assert body["remaining_seconds"] == 30 * 60
        question = body["questions"][0]
        assert set(question) == {"id", "text", "kind", "options"}
        assert set(question["options"][0]) == {"id", "text"}
        assert "correct" not in started.content.decode()
    with time_machine.travel(OPENS + timedelta(seconds=90), tick=False):
        again = api_client.post(url, **auth)
        assert again.status_code == 200
        assert again.json()["id"] == body["id"]
        assert again.json()["deadline"] == body["deadline"]
        assert again.json()["remaining_seconds"] == 30 * 60 - 90
        saved = api_client.put(
            f"/api/v1/attempts/{body['id']}/answers/{question['id']}",
            {"options": [question["options"][0]["id"]], "flagged": True},
            content_type="application/json",
            **auth,
        )
        assert saved.status_code == 200, saved.content
        assert set(saved.json()) == {"saved_at", "remaining_seconds"}
        state = api_client.get(f"/api/v1/attempts/{body['id']}", **auth).json()
        # api.md «Test attempts»: GET /api/v1/attempts/{id} → exactly these keys
        assert set(state) == {"id", "status", "deadline", "remaining_seconds", "answers"}
        assert state["id"] == body["id"]
        assert state["deadline"] == body["deadline"]
        assert state["remaining_seconds"] == 30 * 60 - 90
        assert state["status"] == "open"
        assert state["answers"][str(question["id"])]["options"] == [question["options"][0]["id"]]
        assert state["answers"][str(question["id"])]["flagged"] is True
        submitted = api_client.post(f"/api/v1/attempts/{body['id']}/submit", **auth)
        assert submitted.status_code == 200
        assert submitted.json()["status"] == "submitted"
        assert submitted.json()["grade"] is None
        assert submitted.json()["percent"] in (0.0, 10.0)
        late = api_client.put(
            f"/api/v1/attempts/{body['id']}/answers/{question['id']}",
            {"options": [1]},
            content_type="application/json",
            **auth,
        )
        assert late.status_code == 409
        assert late.json()["code"] == "attempt_closed"


def test_an_answer_after_the_deadline_is_409_attempt_closed(t, api_client, token_for):
    auth = token_for(t.learner())
    with time_machine.travel(OPENS, tick=False):
        body = api_client.post(f"/api/v1/test-sessions/{t.session.pk}/attempts", **auth).json()
    question = body["questions"][0]
    with time_machine.travel(OPENS + timedelta(minutes=30), tick=False):
        late = api_client.put(
            f"/api/v1/attempts/{body['id']}/answers/{question['id']}",
            {"options": [1]},
            content_type="application/json",
            **auth,
        )
        assert late.status_code == 409
        assert late.json()["code"] == "attempt_closed"
        assert "Время тестирования истекло" in late.json()["detail"]
        state = api_client.get(f"/api/v1/attempts/{body['id']}", **auth).json()
    assert state["status"] == "closed"
    assert state["remaining_seconds"] == 0
    assert not Answer.objects.exists()


def test_bad_answers_and_other_peoples_attempts(t, api_client, token_for):
    auth = token_for(t.learner(0))
    other = token_for(t.learner(1))
    with time_machine.travel(OPENS, tick=False):
        body = api_client.post(f"/api/v1/test-sessions/{t.session.pk}/attempts", **auth).json()
        question = body["questions"][0]
        url = f"/api/v1/attempts/{body['id']}/answers/{question['id']}"
        bad = api_client.put(url, {"options": [99]}, content_type="application/json", **auth)
        assert bad.status_code == 422
        assert bad.json()["code"] == "answer_invalid"
        two = api_client.put(url, {"options": [1, 2]}, content_type="application/json", **auth)
        assert two.status_code in (200, 422)
        junk = api_client.put(url, {"options": "x"}, content_type="application/json", **auth)
        assert junk.status_code == 422
        theirs = api_client.put(url, {"options": [1]}, content_type="application/json", **other)
        assert theirs.status_code == 404
        assert api_client.get(f"/api/v1/attempts/{body['id']}", **other).status_code == 404
        staff = token_for(t.staff)
        assert api_client.get(f"/api/v1/attempts/{body['id']}", **staff).status_code == 200
        assert (
            api_client.post(f"/api/v1/test-sessions/{t.session.pk}/attempts", **staff).status_code
            == 404
        )
