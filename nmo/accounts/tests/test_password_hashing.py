"""Passwords are hashed with Argon2id (ADR 0014); older hashes are upgraded at login."""

import pytest
from django.contrib.auth.hashers import get_hasher, make_password
from django.test import Client, override_settings

from nmo.accounts.hashers import NmoArgon2PasswordHasher

pytestmark = pytest.mark.django_db

ARGON2_FIRST = [
    "nmo.accounts.hashers.NmoArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=ARGON2_FIRST)
def test_a_hash_carries_the_adr_parameters():
    encoded = make_password("correct-horse-battery-staple")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(get_hasher(), NmoArgon2PasswordHasher)


@pytest.mark.parametrize(
    "old_hasher",
    [
        "django.contrib.auth.hashers.MD5PasswordHasher",  # another algorithm
        "django.contrib.auth.hashers.Argon2PasswordHasher",  # Django's own parameters
    ],
)
def test_an_older_hash_is_upgraded_at_the_next_login(specialist, password, old_hasher):
    """A password stored with another algorithm or other Argon2 parameters signs in as
    before through the login page and is stored again with this Argon2id."""
    with override_settings(PASSWORD_HASHERS=[old_hasher]):
        specialist.set_password(password)
        specialist.save(update_fields=["password"])
    with override_settings(PASSWORD_HASHERS=[*ARGON2_FIRST, old_hasher]):
        response = Client().post(
            "/accounts/login/", {"username": specialist.email, "password": password}
        )
        assert response.status_code == 302
        specialist.refresh_from_db()
        assert specialist.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
