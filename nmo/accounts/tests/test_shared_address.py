"""Logins from a hospital behind one address (ADR 0014): honest slips of hundreds of people
never lock a correct password; a guesser is stopped and told when to retry. Driven through
the login page and POST /api/v1/auth/token with the production limits (only the address
ceiling is lowered where the test says so, to keep it short)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.test import Client, override_settings

from nmo.accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db

HOSPITAL = "195.19.0.10"
CROWD = 300
RIGHT = "right-password-42"
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def crowd(n: int, prefix: str = "doctor") -> list[User]:
    """n specialists with the password RIGHT, created in bulk."""
    password = make_password(RIGHT)
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


def token(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(
        TOKEN, {"email": email, "password": password}, content_type="application/json"
    )


def test_300_people_behind_one_address_each_mistyping_once_all_sign_in():
    """Each of 300 people behind one address types a wrong password, then the right one,
    on the login page: every one of them is signed in."""
    signed_in = 0
    for doctor in crowd(CROWD):
        client = Client(REMOTE_ADDR=HOSPITAL)
        wrong = client.post(LOGIN, {"username": doctor.email, "password": "wrong-password"})
        assert "Неверный адрес электронной почты или пароль." in wrong.content.decode()
        right = client.post(LOGIN, {"username": doctor.email, "password": RIGHT})
        assert right.status_code == 302, right.content.decode()[-500:]
        signed_in += client.session.get("_auth_user_id") == str(doctor.pk)
    assert signed_in == CROWD


def test_300_people_behind_one_address_get_their_tokens():
    """The same through POST /api/v1/auth/token: 401 for the slip, 200 for the password."""
    client = Client(REMOTE_ADDR=HOSPITAL)
    statuses = []
    for doctor in crowd(CROWD):
        statuses.append(token(client, doctor.email, "wrong-password").status_code)
        statuses.append(token(client, doctor.email, RIGHT).status_code)
    assert statuses == [401, 200] * CROWD


def test_a_guesser_at_one_address_is_stopped_and_told_when_to_retry():
    """Ten wrong passwords for one account at one address: the right password is then
    refused there with the time to wait («через 15 минут»), on the page and in the API;
    the owner elsewhere still signs in."""
    (victim,) = crowd(1, "victim")
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(10):
        attacker.post(LOGIN, {"username": victim.email, "password": "guess"})
    page = attacker.post(LOGIN, {"username": victim.email, "password": RIGHT})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Слишком много неудачных попыток входа. Повторите попытку через 15 минут." in html
    assert "_auth_user_id" not in attacker.session
    api = token(attacker, victim.email, RIGHT)
    assert api.status_code == 429
    assert 0 < int(api["Retry-After"]) <= 900
    assert "Повторите попытку через 15 минут." in api.json()["detail"]
    owner = Client(REMOTE_ADDR=HOSPITAL)
    assert owner.post(LOGIN, {"username": victim.email, "password": RIGHT}).status_code == 302


def test_the_account_lock_holds_from_many_addresses():
    """A hundred wrong passwords from a hundred addresses (OWASP ASVS 2.2.1's ceiling)
    lock the account everywhere for the hour, the right password too."""
    (victim,) = crowd(1, "victim")
    for n in range(100):
        response = token(Client(REMOTE_ADDR=f"10.1.{n // 250}.{n % 250 + 1}"), victim.email, "x")
        assert response.status_code == 401
    refused = token(Client(REMOTE_ADDR=HOSPITAL), victim.email, RIGHT)
    assert refused.status_code == 429
    assert "Повторите попытку через 60 минут." in refused.json()["detail"]


@override_settings(THROTTLE_ADDRESS_FAILURES=30)
def test_password_spraying_from_one_address_is_slowed_and_a_right_password_still_gets_in():
    """One address trying passwords on many accounts: past the address's ceiling, an
    account never signed in from it gets three tries of its own there, then is refused
    with the time to wait; others' failures never refuse a right password typed first —
    neither a newcomer's nor that of a person who signed in from the address before."""
    regular, newcomer, *targets = crowd(42, "staff")
    client = Client(REMOTE_ADDR=HOSPITAL)
    assert token(client, regular.email, RIGHT).status_code == 200  # known here from now on
    answers = [token(client, target.email, "Spring2026!").status_code for target in targets]
    assert answers == [401] * 40  # the 31st to 40th fail past the ceiling of 30
    victim = targets[-1]
    more = [token(client, victim.email, guess).status_code for guess in ("a1", "b2", "c3")]
    assert more == [401, 401, 429]  # three of its own past the ceiling, then it waits
    page = Client(REMOTE_ADDR=HOSPITAL).post(LOGIN, {"username": victim.email, "password": RIGHT})
    assert "с вашего адреса сети. Повторите попытку через" in page.content.decode()
    assert token(client, newcomer.email, RIGHT).status_code == 200
    assert token(client, regular.email, RIGHT).status_code == 200


def test_an_empty_password_does_not_clear_the_count():
    """Sending the form without a password checks nothing, so it must not count as the
    success that clears the account's failures at the address."""
    (victim,) = crowd(1, "victim")
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(9):
        attacker.post(LOGIN, {"username": victim.email, "password": "guess"})
    attacker.post(LOGIN, {"username": victim.email, "password": ""})
    attacker.post(LOGIN, {"username": victim.email, "password": "guess"})
    page = attacker.post(LOGIN, {"username": victim.email, "password": RIGHT})
    assert "Повторите попытку через 15 минут." in page.content.decode()
