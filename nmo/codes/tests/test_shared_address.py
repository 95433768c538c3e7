"""A hospital behind one address (ADR 0014): honest slips of hundreds of specialists never
stop a correct code; an attacker at one address is stopped. Driven through the activation
page and the API with the production limits (only the attacker's ceiling is lowered where
the test says so, to keep it short)."""

import secrets

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from nmo.accounts.models import ApiToken, Membership, Role, User, hash_token
from nmo.codes.models import ConfirmationCode
from nmo.codes.tests.factories import accredited_event, issued_codes
from nmo.cycles.models import CreditEntry

pytestmark = pytest.mark.django_db

HOSPITAL = "195.19.0.10"  # one NAT address for the whole hospital
CROWD = 300
WRONG = "AAAA-AAAA0000"


def crowd(n: int, prefix: str = "doctor") -> list[User]:
    """n specialists, created in bulk (their accounts are not under test here)."""
    password = make_password("unused-password-1")
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@hospital.example.ru",
            last_name="Врач",
            first_name=str(i),
            password=password,
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(Membership(user=u, role=Role.SPECIALIST) for u in users)
    return users


def page_client(user: User) -> Client:
    client = Client(REMOTE_ADDR=HOSPITAL)
    client.force_login(user)
    return client


def bearer(users: list[User]) -> dict[int, str]:
    raws = {user.pk: secrets.token_urlsafe(32) for user in users}
    ApiToken.objects.bulk_create(
        ApiToken(user_id=pk, prefix=raw[:8], key_hash=hash_token(raw)) for pk, raw in raws.items()
    )
    return {pk: f"Bearer {raw}" for pk, raw in raws.items()}


def test_300_specialists_behind_one_address_each_mistyping_once_all_get_credits(provider):
    """Each of 300 specialists behind one address types a wrong code, then the right one
    on the activation page: no 429, every one of them credited."""
    event = accredited_event(submitted_by=provider)
    doctors = crowd(CROWD)
    codes = issued_codes(provider, event, CROWD)
    statuses = []
    for doctor, code in zip(doctors, codes, strict=True):
        client = page_client(doctor)
        statuses.append(client.post(reverse("codes:activate"), {"code": WRONG}).status_code)
        right = client.post(reverse("codes:activate"), {"code": code.value})
        statuses.append(right.status_code)
        assert "активирован" in right.content.decode(), doctor.email
    assert statuses.count(409) == CROWD
    assert statuses.count(200) == CROWD
    assert 429 not in statuses
    assert CreditEntry.objects.filter(activity=event).count() == CROWD


def test_300_specialists_behind_one_address_through_the_api(provider):
    """The same through POST /api/v1/codes/activate: 409 for the slip, 200 for the code."""
    event = accredited_event(submitted_by=provider)
    doctors = crowd(CROWD)
    tokens = bearer(doctors)
    codes = issued_codes(provider, event, CROWD)
    client = Client(REMOTE_ADDR=HOSPITAL)
    statuses = []
    for doctor, code in zip(doctors, codes, strict=True):
        auth = tokens[doctor.pk]
        for typed in (WRONG, code.value):
            statuses.append(
                client.post(
                    "/api/v1/codes/activate",
                    {"code": typed},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=auth,
                ).status_code
            )
    assert statuses == [409, 200] * CROWD
    assert CreditEntry.objects.filter(activity=event).count() == CROWD


def test_a_guesser_is_stopped_and_told_when_to_retry(provider):
    """One account trying codes from one address: the eleventh attempt is 429 with
    Retry-After and a Russian message with the time, even for a valid code."""
    event = accredited_event(submitted_by=provider)
    (guesser,) = crowd(1, "guesser")
    auth = bearer([guesser])[guesser.pk]
    code = issued_codes(provider, event, 1)[0]
    client = Client(REMOTE_ADDR="203.0.113.66")

    def send(typed: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/codes/activate",
            {"code": typed},
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )

    assert [send(f"AAAA-AAAA{n:04d}").status_code for n in range(10)] == [409] * 10
    refused = send(code.value)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 900
    assert refused.json()["detail"] == (
        "Слишком много неудачных попыток активации. Повторите попытку через 15 минут."
    )
    code.refresh_from_db()
    assert code.activated_at is None


def test_the_specialists_own_lock_holds_from_many_addresses(provider, specialist):
    """Ten failures from ten addresses lock the specialist's activation everywhere."""
    event = accredited_event(submitted_by=provider)
    code = issued_codes(provider, event, 1)[0]
    for n in range(10):
        client = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        client.force_login(specialist)
        assert client.post(reverse("codes:activate"), {"code": WRONG}).status_code == 409
    client = Client(REMOTE_ADDR="198.51.100.200")
    client.force_login(specialist)
    refused = client.post(reverse("codes:activate"), {"code": code.value})
    assert refused.status_code == 429
    assert "Повторите попытку через 15 минут." in refused.content.decode()
    assert not ConfirmationCode.objects.filter(activated_at__isnull=False).exists()


@override_settings(THROTTLE_ADDRESS_FAILURES=30)
def test_many_accounts_guessing_from_one_address_are_slowed_not_the_honest_ones(provider):
    """An attacker rotating accounts at one address: once the address is over its ceiling,
    each further account gets only THROTTLE_ADDRESS_ALLOWANCE (3) failures there, not 10.
    A specialist at the same address who has not failed still activates a correct code."""
    event = accredited_event(submitted_by=provider)
    attackers = crowd(8, "bot")
    (honest,) = crowd(1, "honest")
    code = issued_codes(provider, event, 1)[0]
    tokens = bearer([*attackers, honest])
    client = Client(REMOTE_ADDR="203.0.113.77")

    def send(user: User, typed: str) -> int:
        return client.post(
            "/api/v1/codes/activate",
            {"code": typed},
            content_type="application/json",
            HTTP_AUTHORIZATION=tokens[user.pk],
        ).status_code

    answers = [
        [send(bot, f"BBBB-BBBB{i}{n:03d}") for n in range(10)] for i, bot in enumerate(attackers)
    ]
    assert answers[:3] == [[409] * 10] * 3  # 30 failures: the address is over its ceiling
    for later in answers[3:]:
        assert later == [409] * 3 + [429] * 7
    assert send(honest, code.value) == 200


def test_the_issues_black_box_run_24_racing_for_one_code_then_a_valid_code(provider):
    """Issue 10's run: 24 specialists at one address all type the same code (one wins,
    23 are refused, none with 429); a later specialist there with a valid code gets it."""
    event = accredited_event(submitted_by=provider)
    racers = crowd(24, "racer")
    (later,) = crowd(1, "later")
    shared, valid = issued_codes(provider, event, 2)
    tokens = bearer([*racers, later])
    client = Client(REMOTE_ADDR=HOSPITAL)

    def send(user: User, typed: str) -> int:
        return client.post(
            "/api/v1/codes/activate",
            {"code": typed},
            content_type="application/json",
            HTTP_AUTHORIZATION=tokens[user.pk],
        ).status_code

    answers = [send(racer, shared.value) for racer in racers]
    assert sorted(answers) == [200] + [409] * 23
    assert send(later, valid.value) == 200
