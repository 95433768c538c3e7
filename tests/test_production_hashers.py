"""The production settings' password hashers (ADR 0014); the tests themselves run with a
fast hasher (config/settings_test.py)."""

from config import settings as production


def test_production_settings_hash_with_argon2_and_still_read_pbkdf2():
    """The production settings (not the tests' fast hasher) put Argon2id first and keep
    Django's former default so existing passwords keep working."""
    assert production.PASSWORD_HASHERS[0] == "nmo.accounts.hashers.NmoArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS
