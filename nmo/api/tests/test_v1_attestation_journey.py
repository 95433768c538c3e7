"""One whole final attestation of each preset driven through the API alone (ADR 0019):
the organisation's own system (1C, an LMS) creates the programme and its stages, opens
the cohort, enrols the learners, records that they mastered the programme, decides
admission, forms the commission and schedules the attestation; the secretary records who
sat, the attendance and the stage results and the vote, the chair takes the decision,
each signatory signs the records with their own token, the study department issues the
documents and downloads their PDFs; the learner who failed gets a retake (filed on their
behalf, granted, scheduled as attempt 2, graded, decided, signed) and then their document.

Only the organisation, its study department and the people (commission members) are made
by the test helpers; every step is an HTTP call with a bearer token."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nmo.attestation.tests.factories import organisation_under, person, snils_number, specialty
from nmo.core.models import AuditEntry
from nmo.workcalendar.services import seed_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tokens_outlive_the_journey(settings):
    """The journey travels months back and returns to today with the same tokens; a
    token idle that long would have expired (ADR 0022)."""
    settings.API_TOKEN_IDLE_DAYS = 3650


JSON = "application/json"
MSK = ZoneInfo("Europe/Moscow")
HELD_ON = date(2026, 4, 30)  # a Thursday
RETAKE_FILED = date(2026, 5, 6)
RETAKE_ON = date(2026, 5, 20)
LEARNERS = [
    ("Антонова", "Алла", "Борисовна"),
    ("Борисов", "Борис", "Викторович"),
    ("Васильева", "Вера", "Глебовна"),
]


def on(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=MSK), tick=False)


class Api:
    """A thin client: JSON in and out, the caller's bearer header, the status checked."""

    def __init__(self, client, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    def call(self, method: str, path: str, body=None, status: int = 200):
        kwargs = dict(self.headers)
        if body is not None:
            kwargs.update(data=body, content_type=JSON)
        response = getattr(self.client, method)(f"/api/v1{path}", **kwargs)
        assert response.status_code == status, (method, path, response.content.decode())
        return response

    def get(self, path: str, status: int = 200):
        return self.call("get", path, status=status).json()

    def post(self, path: str, body=None, status: int = 200):
        response = self.call("post", path, body if body is not None else {}, status)
        return response.json()

    def put(self, path: str, body, status: int = 200):
        return self.call("put", path, body, status).json()

    def patch(self, path: str, body, status: int = 200):
        return self.call("patch", path, body, status).json()


PROGRAMME = {
    "npc": {
        "kind": "qualification_upgrade",
        "title": "Неотложная помощь детям",
        "hours": 36,
        "attestation_form": "credit_test",
        "attestation_hours": 2,
    },
    "rgmu": {
        "kind": "professional_retraining",
        "title": "Педиатрия",
        "hours": 504,
        "attestation_form": "exam",
        "attestation_hours": 6,
    },
}
STAGES = {
    "npc": [("testing", "two_point"), ("interview", "two_point")],
    "rgmu": [
        ("testing", "four_point"),
        ("practical_skills", "two_point"),
        ("interview", "four_point"),
    ],
}
PASSING = {"four_point": "good", "two_point": "passed"}
FAILING = {"four_point": "unsatisfactory", "two_point": "failed"}
DOCUMENT = {"npc": "qualification_certificate", "rgmu": "retraining_diploma"}


def _sheet(results: dict, stages: list[dict], failing: set[int]) -> dict:
    """Every learner present; 85 % on testing and a pass elsewhere, or 40 % and a fail."""
    entries = []
    for learner in results["learners"]:
        fails = learner["learner_result_id"] in failing
        for stage in stages:
            entry = {"learner_result_id": learner["learner_result_id"], "stage_id": stage["id"]}
            if stage["kind"] == "testing":
                entry["percent"] = "40" if fails else "85"
            else:
                entry["grade"] = (FAILING if fails else PASSING)[stage["scale"]]
            entries.append(entry)
    return {
        "attendance": [
            {"learner_result_id": r["learner_result_id"], "attendance": "present"}
            for r in results["learners"]
        ],
        "entries": entries,
    }


def _sign_everything(tokens: dict[int, Api], attestation_path: str) -> list[dict]:
    """Each signatory signs each record with their own token; the last signature freezes it."""
    records = next(iter(tokens.values())).get(f"{attestation_path}/records")
    assert records, "the decision draws up the records the regulation names"
    for record in records:
        assert record["status"] == "draft"
        for signer in record["signers"]:
            signed = tokens[signer["person_id"]].post(
                f"{attestation_path}/records/{record['id']}/sign"
            )
        assert signed["status"] == "frozen", signed
        assert signed["number"] is not None
        assert len(signed["pdf_sha256"]) == 64
    return next(iter(tokens.values())).get(f"{attestation_path}/records")


@pytest.mark.clause(
    "npc-2.3",
    "npc-2.8",
    "npc-2.9",
    "npc-2.12",
    "npc-2.13",
    "npc-4.4",
    "npc-4.10",
    "rgmu-2.3",
    "rgmu-2.8",
    "rgmu-2.9",
    "rgmu-2.12",
    "rgmu-2.13",
    "rgmu-4.4",
)
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_a_whole_attestation_through_the_api(api_client, token_for, key):
    """A whole attestation and its retake through the API alone, under the preset: every
    step answers with the state a page would show, the records are signed by the chair,
    the members who sat and the secretary with their own tokens and frozen, and the
    documents are issued and download as real PDFs (npc-2.3, npc-2.8, npc-2.9, npc-2.12,
    npc-2.13, rgmu-2.3, rgmu-2.8, rgmu-2.9, rgmu-2.12, rgmu-2.13)."""
    seed_calendar(first_year=2025, last_year=2027)
    org = organisation_under(key)
    specialty()  # the nomenclature has «Педиатрия», 31.08.19
    people = {
        "chair": person("Председателева", "Ольга", "Ивановна"),
        "member1": person("Членова", "Мария", "Андреевна"),
        "member2": person("Участников", "Пётр", "Ильич"),
        "secretary": person("Секретарёва", "Елена", "Олеговна"),
    }
    if key == "npc":
        people["deputy"] = person("Заместителев", "Игорь", "Петрович")

    with on(date(2026, 4, 1)):
        staff = Api(api_client, token_for(org.staff))
        tokens = {p.pk: Api(api_client, token_for(p)) for p in people.values()}
    as_chair, as_secretary = tokens[people["chair"].pk], tokens[people["secretary"].pk]

    with on(date(2026, 4, 1)):
        # The programme and its stages.
        units = staff.get("/units")
        department = next(u for u in units if u["name"] == "Кафедра педиатрии")
        programme = staff.post(
            "/programmes",
            {
                "organisation_id": org.organisation.pk,
                "unit_id": department["id"],
                "specialties": ["31.08.19"],
                **PROGRAMME[key],
            },
            status=201,
        )
        assert programme["criteria"], "empty criteria take the regulation's wording"
        for kind, scale in STAGES[key]:
            staff.post(
                f"/programmes/{programme['id']}/stages",
                {"kind": kind, "scale": scale, "duration_minutes": 60, "mode": "written"},
                status=201,
            )
        programme = staff.get(f"/programmes/{programme['id']}")
        assert [s["kind"] for s in programme["stages"]] == [k for k, _ in STAGES[key]]

        # The cohort and its learners.
        cohort = staff.post(
            "/cohorts",
            {
                "programme_id": programme["id"],
                "starts_on": "2026-04-20",
                "ends_on": f"{HELD_ON}",
                "attestation_date": f"{HELD_ON}",
                "place": "organisation",
                "address": "ул. Авиаторов, 38, ауд. 12",
            },
            status=201,
        )
        enrolled = staff.post(
            f"/cohorts/{cohort['id']}/learners",
            [
                {
                    "last_name": last,
                    "first_name": first,
                    "middle_name": middle,
                    "snils": snils_number(),
                    "email": f"learner{index}-{key}@example.ru",
                }
                for index, (last, first, middle) in enumerate(LEARNERS)
            ],
            status=201,
        )
        assert enrolled["enrolled"] == 3

        # The commission by the order, its members named by their e-mails.
        seats = [
            {"email": people["chair"].email, "role": "chair", "post": "Начальник"},
            {"email": people["member1"].email, "role": "member", "post": "Доцент"},
            {"email": people["member2"].email, "role": "member", "post": "Профессор"},
            {"email": people["secretary"].email, "role": "secretary", "post": "Методист"},
        ]
        if key == "npc":
            seats.insert(
                1,
                {"email": people["deputy"].email, "role": "deputy_chair", "post": "Заведующий"},
            )
        commission = staff.post(
            "/commissions",
            {
                "organisation_id": org.organisation.pk,
                "specialty": "31.08.19",
                "title": "Аттестационная комиссия по специальности «Педиатрия»",
                "order_number": "250/5",
                "order_date": "2026-01-12",
                "valid_from": "2026-01-12",
                "seats": seats,
            },
            status=201,
        )
        assert len(commission["seats"]) == len(seats)

    with on(HELD_ON):
        # Admission: nobody has mastered the programme yet, so nobody is admitted.
        admission = staff.post(f"/cohorts/{cohort['id']}/admission")
        assert {a["admitted"] for a in admission["items"]} == {False}
        for learner in staff.get(f"/cohorts/{cohort['id']}")["learners"]:
            updated = staff.patch(
                f"/cohorts/{cohort['id']}/learners/{learner['id']}",
                {"programme_completed": True, "curriculum_completed": True},
            )
            assert updated["programme_completed"]
            assert updated["curriculum_completed"]
        admission = staff.post(f"/cohorts/{cohort['id']}/admission")
        assert [a["admitted"] for a in admission["items"]] == [True, True, True]

        # The attestation.
        attestation = staff.post(
            f"/cohorts/{cohort['id']}/attestations",
            {
                "commission_id": commission["id"],
                "held_on": f"{HELD_ON}",
                "place": "organisation",
                "address": "ул. Авиаторов, 38, ауд. 12",
            },
            status=201,
        )
        assert attestation["learner_count"] == 3
        path = f"/attestations/{attestation['id']}"

        # The sitting: the secretary records the commission present and the sheet.
        seats_out = attestation["seats"]
        sitting = as_secretary.put(
            f"{path}/members", {"present_seat_ids": [s["seat_id"] for s in seats_out]}
        )
        assert {s["present"] for s in sitting["seats"]} == {True}
        results = staff.get(f"{path}/results")
        failing = results["learners"][2]["learner_result_id"]
        sheet = as_secretary.put(f"{path}/results", _sheet(results, programme["stages"], {failing}))
        assert [r["final_grade"] for r in sheet["learners"]] == (
            ["passed", "passed", "failed"] if key == "npc" else ["good", "good", "unsatisfactory"]
        )
        voting = sum(1 for s in seats_out if s["role"] != "secretary")
        voted = as_secretary.post(
            f"{path}/votes",
            {"votes_for": voting, "votes_against": 0, "abstained": 0, "presiding_vote": "for"},
        )
        assert {r["votes"]["votes_for"] for r in voted["learners"]} == {voting}

        # The decision is the chair's.
        decided = as_chair.post(f"{path}/decision")
        assert decided["status"] == "decided"
        assert [r["outcome"] for r in decided["learners"]] == ["passed", "passed", "failed"]

        # The records, signed by the presiding chair, the members who sat and the secretary.
        records = _sign_everything(tokens, path)
        kinds = {r["kind"] for r in records}
        if key == "npc":
            assert kinds == {"attestation_statement", "meeting_protocol"}
        else:
            assert kinds == {"retraining_protocol", "commission_report"}
        for record in records:
            signers = {s["person_id"] for s in record["signers"]}
            assert people["chair"].pk in signers
            assert people["secretary"].pk in signers
            assert all(s["signed_at"] for s in record["signers"])
        pdf = staff.call("get", f"{path}/records/{records[0]['id']}/pdf")
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        # Named in Russian, RFC 5987 with an ASCII fallback (ADR 0029).
        assert "filename*=UTF-8''" in pdf["Content-Disposition"]
        assert "%D0%98%D0%90%20%E2%84%96" in pdf["Content-Disposition"]  # «ИА №»
        # A signed record cannot be signed again, and a stranger to the commission may not.
        again = as_chair.call("post", f"{path}/records/{records[0]['id']}/sign", {}, 409)
        assert again.json()["code"] == "document_not_signable"
        staff.call("post", f"{path}/records/{records[0]['id']}/sign", {}, 403)

        # The documents of those who passed, and their PDFs.
        issued = staff.post(f"{path}/documents", {})
        assert [d["kind"] for d in issued["issued"]] == [DOCUMENT[key]] * 2
        assert staff.post(f"{path}/documents", {})["issued"] == []  # a repeat issues nothing
        for document in issued["issued"]:
            response = staff.call("get", f"/documents/{document['id']}/pdf")
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")
            assert staff.get(f"/documents/{document['id']}")["status"] == "issued"

    # The retake of the learner who failed: filed on their behalf from the paper
    # application, granted with the day, scheduled as attempt 2.
    with on(RETAKE_FILED):
        application = staff.post(
            f"/learner-results/{failing}/retakes", {"filed_on": f"{RETAKE_FILED}"}, status=201
        )
        assert application["on_behalf"] is True
        assert application["status"] == "filed"
        granted = staff.post(f"/retakes/{application['id']}/grant", {"date": f"{RETAKE_ON}"})
        assert granted["status"] == "granted"
        admission = staff.get(f"/cohorts/{cohort['id']}/admission?attempt=2")
        assert [a["admitted"] for a in admission["items"]] == [True]

    with on(RETAKE_ON):
        retake = staff.post(
            f"/cohorts/{cohort['id']}/attestations",
            {
                "commission_id": commission["id"],
                "held_on": f"{RETAKE_ON}",
                "place": "organisation",
                "address": "ул. Авиаторов, 38, ауд. 12",
                "attempt": 2,
            },
            status=201,
        )
        assert (retake["attempt"], retake["learner_count"]) == (2, 1)
        path = f"/attestations/{retake['id']}"
        as_secretary.put(
            f"{path}/members", {"present_seat_ids": [s["seat_id"] for s in retake["seats"]]}
        )
        as_secretary.put(
            f"{path}/results", _sheet(staff.get(f"{path}/results"), programme["stages"], set())
        )
        as_secretary.post(
            f"{path}/votes",
            {"votes_for": voting, "votes_against": 0, "abstained": 0, "presiding_vote": "for"},
        )
        decided = as_chair.post(f"{path}/decision")
        assert [r["outcome"] for r in decided["learners"]] == ["passed"]
        _sign_everything(tokens, path)
        issued = staff.post(f"{path}/documents", {})
        [document] = issued["issued"]
        assert document["kind"] == DOCUMENT[key]
        assert document["holder_name"].startswith("Васильева Вера")
        assert staff.call("get", f"/documents/{document['id']}/pdf").content.startswith(b"%PDF")

    listed = staff.get(f"/organisations/{org.organisation.pk}/documents?year=2026")
    assert listed["total"] == 3
    # Every change went through the services: they audited it.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"programme.create", "commission.form", "document.sign"} <= actions
