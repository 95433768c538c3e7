"""The link's OAuth 2.0 tokens encrypted at rest (ADR 0502): `cryptography`'s Fernet
(AES-128-CBC with HMAC-SHA256), several keys through MultiFernet so a key can be rotated.

The keys are `settings.SYNC_TOKEN_KEYS` (environment `NMO_SYNC_TOKEN_KEYS`, Fernet keys
separated by commas): the first encrypts, every one decrypts. Unset, one key is derived
from SECRET_KEY with HKDF-SHA256, so development and tests need no configuration. A
stored value no key opens (the key was lost) reads as `Unreadable`: the link then stops
and asks the specialist to link again, instead of failing the page that shows it."""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = ["SealedTextField", "Unreadable", "is_sealed", "seal", "unseal"]

HKDF_INFO = b"nmo.sync.tokens"


class Unreadable(str):
    """A stored token that no configured key decrypts. Reads as "" (nothing to send),
    and is written back exactly as it was stored, so saving the row destroys nothing."""

    sealed: str

    def __new__(cls, sealed: str) -> Unreadable:
        value = super().__new__(cls, "")
        value.sealed = sealed
        return value


def _derived(secret: str) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(key)


@cache
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        return MultiFernet([Fernet(_derived(secret))])
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "NMO_SYNC_TOKEN_KEYS: each key must be a Fernet key (32 bytes in URL-safe "
            "base64, e.g. from `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`)"
        ) from exc


def _keys() -> MultiFernet:
    configured = getattr(settings, "SYNC_TOKEN_KEYS", None) or []
    keys = tuple(str(k).strip() for k in configured if str(k).strip())
    return _fernet(keys, str(settings.SECRET_KEY))


def seal(plain: str) -> str:
    """The token encrypted with the first key (a Fernet token, ASCII)."""
    return _keys().encrypt(plain.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    """The token; `InvalidToken` when no configured key opens it."""
    return _keys().decrypt(sealed.encode("ascii", errors="replace")).decode()


def is_sealed(value: str) -> bool:
    """Does a configured key open the value?"""
    try:
        unseal(value)
    except InvalidToken:
        return False
    return True


class SealedTextField(models.TextField):  # type: ignore[type-arg]
    """Text kept encrypted in its column and read decrypted: every write path (create,
    save, QuerySet.update) seals, so the column never holds the token. Values are not
    comparable in a query (each encryption differs); "" stays "" (no token)."""

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        try:
            return unseal(value)
        except InvalidToken:
            return Unreadable(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, Unreadable):
            return value.sealed
        if not value:
            return value
        return seal(str(value))
