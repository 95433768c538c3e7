"""Three app nodes behind nginx keep every guarantee of one (issue 16 point 3, ADR 0603).

Every request goes through the balancer; each answer names the node that served it
(X-Served-By), and each test shows its requests reached all three nodes. The rows are made
in the test's process and committed; the nodes read and write the same PostgreSQL
database and share one Redis.
"""

import re

import pytest
import requests
from django.contrib.auth.hashers import make_password

from nmo.accounts.hashers import NmoArgon2PasswordHasher
from nmo.accounts.models import User
from nmo.accounts.services import issue_token_for_user
from nmo.attestation import services as attestation_services
from nmo.attestation.tests.factories import (
    Setup,
    all_present,
    decided,
    enrol_admitted,
    grade_all,
    make_cohort,
    organisation_under,
    schedule_for,
    vote_all,
)
from nmo.codes.models import ConfirmationCode
from nmo.codes.tests.factories import (
    accredited_event,
    issued_codes,
    make_specialist,
    provider_staff,
)
from nmo.core.models import AuditEntry
from nmo.cycles.models import CreditEntry
from nmo.documents.models import QualificationDocument
from tests.cluster.harness import LOGIN_FAILURES, Cluster, race, served_by

pytestmark = [pytest.mark.postgres]

PASSWORD = "Кластер-пароль-2026"
#: One per node: each issue holds the register while it renders its PDFs (ADR 0106), so
#: the issues queue; more would only make the test longer.
ATTESTATIONS = 3


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token_for_user(actor=user).raw}"}


def with_production_password(user: User) -> User:
    """The tests hash with MD5 for speed; the nodes accept only what production does."""
    User.objects.filter(pk=user.pk).update(
        password=make_password(PASSWORD, hasher=NmoArgon2PasswordHasher())
    )
    return user


def sign_in(nodes: Cluster, email: str) -> requests.Session:
    """Sign in at the login form through the balancer; the session cookie is kept."""
    client = nodes.session()
    page = nodes.get("/accounts/login/", client)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    answer = nodes.post(
        "/accounts/login/",
        client,
        data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": PASSWORD},
        headers={"Referer": nodes.url + "/accounts/login/"},
    )
    assert answer.status_code == 302, answer.text[:2000]
    return client


def spread(responses: list[requests.Response]) -> set[str]:
    return {served_by(r) for r in responses}


@pytest.mark.clause("faq-ikp-activation", "faq-ikp-error")
def test_a_code_is_activated_once_by_a_race_over_all_nodes(nodes):
    """18 specialists send the same code at the same moment through the balancer, to three
    nodes: one is credited, 17 get 409, the ledger and the audit log hold one credit."""
    staff = provider_staff("cluster-provider@example.ru", "Общество кардиологов")
    activity = accredited_event(submitted_by=staff)
    code = issued_codes(staff, activity, 1)[0]
    headers = [bearer(make_specialist(f"cluster{i}@example.ru")) for i in range(18)]

    answers = race(
        18,
        lambda i: nodes.post(
            "/api/v1/codes/activate", json={"code": code.value}, headers=headers[i]
        ),
    )

    assert all(isinstance(a, requests.Response) for a in answers), answers
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * 17, [a.text for a in answers]
    assert spread(answers) == nodes.nodes
    assert CreditEntry.objects.filter(activity=activity).count() == 1
    code = ConfirmationCode.objects.get(pk=code.pk)
    assert code.activated_by_id == CreditEntry.objects.get(activity=activity).specialist_id
    assert AuditEntry.objects.filter(action="code.activate").count() == 1


@pytest.mark.clause("npc-2.8")
def test_document_numbers_are_gap_free_when_every_node_issues(nodes):
    """Three decided attestations of one organisation (three learners each) have their
    documents issued at the same moment through the balancer, one on each node: the
    organisation's certificates are numbered 1..9, each once, whichever node issued them."""
    org = organisation_under("npc")
    setups = [decided("npc", org=org)]
    while len(setups) < ATTESTATIONS:  # more cohorts of the programme, before the same commission
        first = setups[0]
        cohort = make_cohort(org, first.programme)
        setup = Setup(
            org,
            first.commission,
            first.programme,
            cohort,
            enrol_admitted(org, cohort),
            seats=first.seats,
        )
        setup.attestation = schedule_for(setup)
        all_present(setup)
        grade_all(setup)
        vote_all(setup)
        attestation_services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
        setups.append(setup)
    headers = bearer(org.staff)

    answers = race(
        ATTESTATIONS,
        lambda i: nodes.post(
            f"/api/v1/attestations/{setups[i].attestation.pk}/documents", json={}, headers=headers
        ),
    )

    assert all(isinstance(a, requests.Response) for a in answers), answers
    assert [a.status_code for a in answers] == [200] * ATTESTATIONS, [a.text[:300] for a in answers]
    assert spread(answers) == nodes.nodes
    issued = sorted(n for a in answers for n in (d["number"] for d in a.json()["issued"]))
    assert issued == list(range(1, 3 * ATTESTATIONS + 1))
    numbers = QualificationDocument.objects.filter(organisation=org.organisation).values_list(
        "number", flat=True
    )
    assert sorted(numbers) == list(range(1, 3 * ATTESTATIONS + 1))


def test_the_login_throttle_counts_once_across_the_nodes(nodes):
    """Wrong passwords of one account spread over the three nodes (and their six
    processes) add up in the one Redis: after the limit the right password waits on every
    node. Counted per process or per node, most of them would still let it in."""
    user = with_production_password(make_specialist("cluster-throttle@example.ru"))

    wrong = [
        nodes.post("/api/v1/auth/token", json={"email": user.email, "password": "не тот пароль"})
        for _ in range(LOGIN_FAILURES)
    ]
    assert [a.status_code for a in wrong] == [401] * LOGIN_FAILURES
    assert spread(wrong) == nodes.nodes

    right = [
        nodes.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
        for _ in range(3)
    ]
    assert [a.status_code for a in right] == [429] * 3, [a.text for a in right]
    assert spread(right) == nodes.nodes
    assert all(int(a.headers["Retry-After"]) > 0 for a in right)


def test_a_session_is_valid_on_every_node_and_ends_on_every_node(nodes):
    """Signed in on one node, the specialist's cabinet opens on all three; signed out on
    one, the session is gone on all three (sessions in the database)."""
    user = with_production_password(make_specialist("cluster-session@example.ru"))
    client = sign_in(nodes, user.email)

    pages = [nodes.get("/cabinet/", client) for _ in range(6)]
    assert [p.status_code for p in pages] == [200] * 6
    assert spread(pages) == nodes.nodes
    assert all("Петров" in p.text for p in pages)

    page = nodes.get("/cabinet/", client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    out = nodes.post(
        "/accounts/logout/",
        client,
        data={"csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": nodes.url + "/cabinet/"},
    )
    assert out.status_code == 302
    after = [nodes.get("/cabinet/", client) for _ in range(6)]
    assert [a.status_code for a in after] == [302] * 6
    assert all("/accounts/login/" in a.headers["Location"] for a in after)
    assert spread(after) == nodes.nodes


@pytest.mark.clause("faq-ikp-activation")
def test_a_credit_shows_in_the_cached_cabinet_on_every_node(nodes):
    """Every node has the specialist's cabinet cached; a code activated on one of them
    shows in the cabinet served by each of the three at once (the cabinet's version is a
    row in the database, its sections in the shared Redis)."""
    staff = provider_staff("cluster-cabinet@example.ru", "Общество кардиологов")
    activity = accredited_event(submitted_by=staff, title="Кластерная кардиология")
    code = issued_codes(staff, activity, 1)[0]
    user = with_production_password(make_specialist("cluster-cabinet-s@example.ru"))
    client = sign_in(nodes, user.email)

    before = [nodes.get("/cabinet/", client) for _ in range(6)]
    assert spread(before) == nodes.nodes
    assert not any("Кластерная кардиология" in p.text for p in before)

    answer = nodes.post("/api/v1/codes/activate", json={"code": code.value}, headers=bearer(user))
    assert answer.status_code == 200, answer.text

    after = [nodes.get("/cabinet/", client) for _ in range(6)]
    assert [p.status_code for p in after] == [200] * 6
    assert spread(after) == nodes.nodes
    assert all("Кластерная кардиология" in p.text for p in after)
