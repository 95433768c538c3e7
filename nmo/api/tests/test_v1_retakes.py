"""API v1 retakes: the learner's application, staff filing on the learner's behalf, the
organisation's list and its decisions (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10).

The setup is the one of the attestation app's test_retakes: the attestation of Thursday
30.04.2026 is decided, the first learner failed, the second was absent without a valid
reason, the third absent for a valid reason; the window ends on 18.05.2026 (НПЦ) and
08.05.2026 (РостГМУ).
"""

from datetime import date

import pytest

from nmo.accounts.services import issue_token_for_user
from nmo.attestation.models import RetakeApplication
from nmo.attestation.tests.factories import organisation_under
from nmo.attestation.tests.test_retakes import apply, learner_of, on, retake_setup
from nmo.attestation.types import RetakeKind
from nmo.core.models import AuditEntry
from nmo.regulations.rules import clause_text

pytestmark = pytest.mark.django_db

DEADLINE = {"npc": date(2026, 5, 18), "rgmu": date(2026, 5, 8)}
JSON = "application/json"


def auth(user) -> dict[str, str]:
    """The bearer header of a fresh token of the user (learners have no password here)."""
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token_for_user(actor=user).raw}"}


def file_path(result) -> str:
    return f"/api/v1/learner-results/{result.pk}/retakes"


@pytest.fixture
def outsider(db):
    return organisation_under(
        "rgmu", name="ГБОУ ВО Другой университет", email="staff@other.example.ru"
    ).staff


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_learner_files_their_own_application_today(api_client, key):
    """A failed learner files for their own result: 201 with the kind from the decision,
    the deadlines computed from the regulation and today's date — a `filed_on` they send
    is not theirs to give (npc-2.9, rgmu-2.9)."""
    _, failed, _, _ = retake_setup(key)
    with on(date(2026, 5, 4)):
        response = api_client.post(
            file_path(failed),
            {"filed_on": "2026-05-01"},
            content_type=JSON,
            **auth(learner_of(failed)),
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["learner"]["full_name"] == learner_of(failed).full_name
    assert body["learner_result_id"] == failed.pk
    assert body["attestation_id"] == failed.attestation_id
    assert body["kind"] == "no_valid_reason"
    assert body["status"] == "filed"
    assert body["status_label"] == "подано"
    assert body["filed_on"] == "2026-05-04"
    assert body["on_behalf"] is False
    assert body["deadlines"] == {
        "application_deadline": f"{DEADLINE[key]:%Y-%m-%d}",
        "document_deadline": None,
        "latest_attestation_date": "2026-07-30",
    }
    assert body["document"] is None
    assert body["retake_on"] is None


@pytest.mark.clause("npc-2.9", "npc-2.10", "rgmu-2.9", "rgmu-2.10")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_staff_file_on_behalf_and_the_list_shows_the_applications(api_client, key):
    """Staff record paper applications with the day they arrived (with the document for a
    valid reason); they are marked on_behalf, audited as retake.apply, and listed with the
    learner's own application by GET /retakes, latest filed first."""
    setup, failed, absent, valid = retake_setup(key)
    staff = auth(setup.org.staff)
    own = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 12)):
        response = api_client.post(
            file_path(absent), {"filed_on": "2026-05-05"}, content_type=JSON, **staff
        )
        assert response.status_code == 201, response.content
        on_behalf = response.json()
        response = api_client.post(
            file_path(valid),
            {
                "filed_on": "2026-05-07",
                "document_description": "Листок нетрудоспособности № 910000000001",
                "document_presented_on": "2026-05-06",
                "reason_ended_on": "2026-05-06",
            },
            content_type=JSON,
            **staff,
        )
        assert response.status_code == 201, response.content
        documented = response.json()
        listing = api_client.get("/api/v1/retakes", **staff)
    assert (on_behalf["on_behalf"], on_behalf["filed_on"]) == (True, "2026-05-05")
    assert documented["kind"] == "valid_reason"
    assert documented["document"] == {
        "description": "Листок нетрудоспособности № 910000000001",
        "presented_on": "2026-05-06",
        "reason_ended_on": "2026-05-06",
    }
    assert documented["deadlines"]["application_deadline"] == (
        "2026-05-21" if key == "npc" else "2026-05-14"
    )
    assert AuditEntry.objects.filter(
        action="retake.apply", object_id=str(on_behalf["id"]), actor=setup.org.staff
    ).exists()
    assert listing.status_code == 200
    items = listing.json()
    assert [i["id"] for i in items] == [documented["id"], on_behalf["id"], own.pk]
    assert [i["on_behalf"] for i in items] == [True, True, False]
    assert items[2]["learner"]["full_name"] == learner_of(failed).full_name


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_staff_grant_and_refuse(api_client, key):
    """Staff grant one application with the day of the retake (no later than 3 months,
    30.07.2026) and refuse another with a reason; a decided application is not decided
    again (409 retake_not_allowed), a date out of bounds or a short reason is 422
    retake_invalid (npc-2.9, rgmu-2.9)."""
    setup, failed, absent, _ = retake_setup(key)
    staff = auth(setup.org.staff)
    first = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    second = apply(absent, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 6)):
        late = api_client.post(
            f"/api/v1/retakes/{first.pk}/grant", {"date": "2026-07-31"}, content_type=JSON, **staff
        )
        assert late.status_code == 422
        assert late.json()["code"] == "retake_invalid"
        assert late.json()["errors"]["date"] == [
            "Аттестация проводится не позднее 30.07.2026: 3 месяца с даты итоговой "
            f"аттестации ({clause_text(key + '-2.9')})."
        ]
        granted = api_client.post(
            f"/api/v1/retakes/{first.pk}/grant", {"date": "2026-07-30"}, content_type=JSON, **staff
        )
        short = api_client.post(
            f"/api/v1/retakes/{second.pk}/refuse", {"reason": "нет"}, content_type=JSON, **staff
        )
        refused = api_client.post(
            f"/api/v1/retakes/{second.pk}/refuse",
            {"reason": "Заявление подписано не слушателем."},
            content_type=JSON,
            **staff,
        )
        again = api_client.post(
            f"/api/v1/retakes/{second.pk}/grant", {"date": "2026-06-01"}, content_type=JSON, **staff
        )
    assert granted.status_code == 200, granted.content
    assert granted.json()["status"] == "granted"
    assert granted.json()["retake_on"] == "2026-07-30"
    assert granted.json()["decided_at"] is not None
    assert short.status_code == 422
    assert short.json()["code"] == "retake_invalid"
    assert refused.status_code == 200
    assert refused.json()["status"] == "refused"
    assert refused.json()["status_reason"] == "Заявление подписано не слушателем."
    assert again.status_code == 409
    assert again.json()["code"] == "retake_not_allowed"
    assert again.json()["detail"].startswith("Решение по заявлению уже принято")


@pytest.mark.clause("npc-2.9", "rgmu-2.9")
@pytest.mark.parametrize(
    ("key", "filed_on"),
    [("npc", date(2026, 5, 19)), ("rgmu", date(2026, 5, 12))],  # the day after the last
)
def test_late_application_is_refused_naming_the_rule(api_client, key, filed_on):
    """An application after the window — a paper one that arrived late, or the learner's
    own — is 409 retake_application_late with the Russian message naming the rule, the
    clause and the date; nothing is recorded (npc-2.9, rgmu-2.9)."""
    setup, failed, _, _ = retake_setup(key)
    days = "10 рабочих дней" if key == "npc" else "5 рабочих дней"
    message = (
        f"Заявление подано после срока: {days} с даты итоговой аттестации истекли "
        f"{DEADLINE[key]:%d.%m.%Y} ({clause_text(key + '-2.9')})."
    )
    with on(date(2026, 5, 25)):
        by_staff = api_client.post(
            file_path(failed),
            {"filed_on": f"{filed_on:%Y-%m-%d}"},
            content_type=JSON,
            **auth(setup.org.staff),
        )
    with on(filed_on):
        by_learner = api_client.post(
            file_path(failed), {}, content_type=JSON, **auth(learner_of(failed))
        )
    for response in (by_staff, by_learner):
        assert response.status_code == 409
        assert response.json() == {"detail": message, "code": "retake_application_late"}
    assert not RetakeApplication.objects.exists()


@pytest.mark.clause("npc-2.9", "npc-2.10")
def test_refusals_of_the_rules_are_4xx(api_client):
    """A second application while one stands is 409 retake_not_allowed; a valid reason
    without the document is 422 retake_invalid; an arrival day in the future is 422 on
    `filed_on` — never a 500 (npc-2.9, npc-2.10)."""
    setup, failed, absent, valid = retake_setup("npc")
    staff = auth(setup.org.staff)
    apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    with on(date(2026, 5, 6)):
        twice = api_client.post(file_path(failed), {}, content_type=JSON, **staff)
        undocumented = api_client.post(file_path(valid), {}, content_type=JSON, **staff)
        future = api_client.post(
            file_path(absent), {"filed_on": "2026-05-07"}, content_type=JSON, **staff
        )
        malformed = api_client.post(
            file_path(absent), {"filed_on": "вчера"}, content_type=JSON, **staff
        )
    assert twice.status_code == 409
    assert twice.json() == {
        "detail": "Заявление по этой аттестации уже подано.",
        "code": "retake_not_allowed",
    }
    assert undocumented.status_code == 422
    assert undocumented.json()["code"] == "retake_invalid"
    assert "document" in undocumented.json()["errors"]
    assert future.status_code == 422
    assert future.json()["errors"] == {"filed_on": ["Дата подачи не может быть в будущем."]}
    assert malformed.status_code == 422
    assert malformed.json()["code"] == "validation_error"
    assert RetakeApplication.objects.count() == 1


@pytest.mark.clause("npc-2.9")
def test_it_checks_access(api_client, outsider):
    """Another organisation's staff and another learner get 404 for the result and the
    application and see nothing in the list; a learner gets 403 on the staff endpoints;
    no token is 401 everywhere."""
    _, failed, absent, _ = retake_setup("npc")
    application = apply(failed, RetakeKind.NO_VALID_REASON, date(2026, 5, 4))
    other, learner = auth(outsider), auth(learner_of(absent))
    grant = f"/api/v1/retakes/{application.pk}/grant"
    refuse = f"/api/v1/retakes/{application.pk}/refuse"
    with on(date(2026, 5, 6)):
        for headers in (other, learner):
            response = api_client.post(file_path(failed), {}, content_type=JSON, **headers)
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
        missing = api_client.post(
            "/api/v1/learner-results/999999/retakes", {}, content_type=JSON, **other
        )
        assert missing.status_code == 404
        assert api_client.get("/api/v1/retakes", **other).json() == []
        body = {"date": "2026-06-01", "reason": "Без оснований для отказа."}
        for path in (grant, refuse):
            response = api_client.post(path, body, content_type=JSON, **other)
            assert response.status_code == 404
            response = api_client.post(path, body, content_type=JSON, **learner)
            assert response.status_code == 403
            assert response.json()["code"] == "permission_denied"
        assert api_client.get("/api/v1/retakes", **learner).status_code == 403
        for method, path in [
            ("get", "/api/v1/retakes"),
            ("post", file_path(absent)),
            ("post", grant),
            ("post", refuse),
        ]:
            response = getattr(api_client, method)(path)
            assert response.status_code == 401
            assert response.json()["code"] == "not_authenticated"
    application.refresh_from_db()
    assert application.status == "filed"
    assert RetakeApplication.objects.count() == 1


def test_the_endpoints_are_documented(api_client):
    """The retake endpoints appear in the OpenAPI schema with a summary and a description,
    under the tag «Повторная итоговая аттестация»."""
    paths = api_client.get("/api/v1/openapi.json").json()["paths"]
    operations = [
        paths["/api/v1/retakes"]["get"],
        paths["/api/v1/learner-results/{result_id}/retakes"]["post"],
        paths["/api/v1/retakes/{retake_id}/grant"]["post"],
        paths["/api/v1/retakes/{retake_id}/refuse"]["post"],
    ]
    for operation in operations:
        assert operation["summary"]
        assert operation["description"]
        assert operation["tags"] == ["Повторная итоговая аттестация"]
