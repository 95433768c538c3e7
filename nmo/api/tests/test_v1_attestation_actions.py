"""API v1: the commission pages and the grading page through the API (ADR 0019) — the
refusals the regulation makes and who may do what. The whole journey is in
test_v1_attestation_journey.py."""

import pytest

from nmo.attestation.tests.factories import (
    all_present,
    build,
    decided,
    grade_all,
    organisation_under,
    person,
    specialty,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def npc(db):
    return organisation_under("npc")


@pytest.fixture
def outsider(db):
    return organisation_under(
        "rgmu", name="ГБОУ ВО Другой университет", email="staff@other.example.ru"
    ).staff


def commission_body(org, seats):
    return {
        "organisation_id": org.organisation.pk,
        "specialty": "31.08.19",
        "title": "Аттестационная комиссия по специальности «Педиатрия»",
        "order_number": "250/5",
        "order_date": "2026-09-01",
        "valid_from": "2026-09-01",
        "seats": seats,
    }


@pytest.mark.clause("npc-4.4")
def test_a_commission_without_a_deputy_chair_is_refused_under_npc(api_client, token_for, npc):
    """НПЦ ДЗМ wants a deputy chair (npc-4.4): a composition without one is 422 naming
    the rule; a member whose e-mail has no account is 422 on that seat."""
    specialty()
    seats = [
        {"email": person("Председателева").email, "role": "chair"},
        {"email": person("Членова").email, "role": "member"},
        {"email": person("Участников").email, "role": "member"},
        {"email": person("Секретарёва").email, "role": "secretary"},
    ]
    headers = token_for(npc.staff)
    refused = api_client.post(
        "/api/v1/commissions", commission_body(npc, seats), content_type=JSON, **headers
    )
    assert refused.status_code == 422
    assert "п. 4.4 Положения НПЦ ДЗМ" in str(refused.json())
    unknown = [*seats, {"email": "nobody@example.ru", "role": "deputy_chair"}]
    refused = api_client.post(
        "/api/v1/commissions", commission_body(npc, unknown), content_type=JSON, **headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"]["seats.4.email"] == [
        "Нет пользователя с такой электронной почтой."
    ]
    assert api_client.get("/api/v1/commissions", **headers).json() == []


def test_a_commission_is_changed_and_listed(api_client, token_for, npc):
    """PUT changes the order and the composition; GET lists it with its seats."""
    setup = build("npc", org=npc, schedule=False)
    headers = token_for(npc.staff)
    path = f"/api/v1/commissions/{setup.commission.pk}"
    current = api_client.get(path, **headers).json()
    seats = [{"email": s["email"], "role": s["role"], "post": s["post"]} for s in current["seats"]]
    newcomer = person("Новикова", "Нина", "Петровна")
    seats.append({"email": newcomer.email, "role": "member", "post": "Ассистент"})
    body = {**commission_body(npc, seats), "order_number": "251/5"}
    changed = api_client.put(path, body, content_type=JSON, **headers)
    assert changed.status_code == 200, changed.content
    assert changed.json()["order_number"] == "251/5"
    assert newcomer.pk in {s["person_id"] for s in changed.json()["seats"]}
    listed = api_client.get("/api/v1/commissions", **headers).json()
    assert [c["id"] for c in listed] == [setup.commission.pk]


def test_no_decision_before_the_votes(api_client, token_for, npc, password):
    """The chair cannot decide before the vote: 422 naming the missing votes; a result of
    a stage outside its scale is 422 `result_invalid` too."""
    setup = build("npc", org=npc)
    all_present(setup)
    grade_all(setup)
    path = f"/api/v1/attestations/{setup.attestation.pk}"
    refused = api_client.post(f"{path}/decision", **token_for(setup.chair, password))
    assert refused.status_code == 422
    assert "голосовани" in str(refused.json())
    result = setup.results()[0]
    interview = setup.stages()[1]
    bad = {"entries": [{"learner_result_id": result.pk, "stage_id": interview.pk, "grade": "good"}]}
    response = api_client.put(
        f"{path}/results", bad, content_type=JSON, **token_for(setup.secretary, password)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "result_invalid"


@pytest.mark.clause("npc-2.13")
def test_reopen_before_signing_and_correct_after(api_client, token_for, password):
    """A decided attestation goes back to the entry of results while no record is signed
    by all; once frozen, it is corrected by a new version with its reason (ADR 0105); the
    records download as DOCX too (npc-2.13)."""
    setup = decided("npc")
    staff = token_for(setup.org.staff, password)
    path = f"/api/v1/attestations/{setup.attestation.pk}"
    short = api_client.post(f"{path}/reopen", {"reason": "нет"}, content_type=JSON, **staff)
    assert short.status_code == 422
    reopened = api_client.post(
        f"{path}/reopen", {"reason": "Ошибка в оценке слушателя"}, content_type=JSON, **staff
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] != "decided"
    tally = {"votes_for": 4, "votes_against": 0, "abstained": 0, "presiding_vote": "for"}
    voted = api_client.post(
        f"{path}/votes", tally, content_type=JSON, **token_for(setup.secretary, password)
    )
    assert voted.status_code == 200, voted.content
    decided_again = api_client.post(f"{path}/decision", **token_for(setup.chair, password))
    assert decided_again.status_code == 200, decided_again.content
    [record] = [
        r
        for r in api_client.get(f"{path}/records", **staff).json()
        if r["kind"] == "attestation_statement"
    ]
    for signer in record["signers"]:
        person_ = next(
            s.person
            for group in setup.seats.values()
            for s in group
            if s.person_id == signer["person_id"]
        )
        signed = api_client.post(
            f"{path}/records/{record['id']}/sign", **token_for(person_, password)
        )
        assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "frozen"
    locked = api_client.post(
        f"{path}/reopen", {"reason": "Ошибка в оценке слушателя"}, content_type=JSON, **staff
    )
    assert locked.status_code == 409
    correction = api_client.post(
        f"{path}/records/{record['id']}/correct",
        {"reason": "Опечатка в фамилии слушателя"},
        content_type=JSON,
        **staff,
    )
    assert correction.status_code == 201, correction.content
    assert (correction.json()["version"], correction.json()["supersedes_id"]) == (2, record["id"])
    docx = api_client.get(f"{path}/records/{record['id']}/docx", **staff)
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")


def test_it_checks_access(api_client, token_for, npc, outsider, specialist, password):
    """A seated member sees the attestation and its records but may not schedule one or
    issue documents (403); another organisation's staff get 404; a specialist 403; no
    token 401."""
    setup = build("npc", org=npc)
    path = f"/api/v1/attestations/{setup.attestation.pk}"
    member = token_for(setup.members[0], password)
    assert api_client.get(path, **member).status_code == 200
    assert api_client.get(f"{path}/records", **member).json() == []
    body = {"commission_id": setup.commission.pk, "held_on": "2026-10-16", "place": "organisation"}
    response = api_client.post(
        f"/api/v1/cohorts/{setup.cohort.pk}/attestations", body, content_type=JSON, **member
    )
    assert response.status_code == 403
    response = api_client.post(f"{path}/documents", {}, content_type=JSON, **member)
    assert response.status_code == 403
    other = token_for(outsider)
    assert api_client.get(path, **other).status_code == 404
    assert api_client.post(f"{path}/decision", **other).status_code == 404
    commission = f"/api/v1/commissions/{setup.commission.pk}"
    assert api_client.get(commission, **other).status_code == 404
    assert api_client.get(path, **token_for(specialist, password)).status_code == 404
    assert api_client.get(path).status_code == 401
