"""Tamper evidence (ADR 0024): a keyed hash (HMAC-SHA256) over a canonical JSON of what a
record says, for the audit log's hash chain and the seals of frozen documents.

The key is `settings.INTEGRITY_KEY` (environment `NMO_INTEGRITY_KEY`); when it is not set
it is derived from `SECRET_KEY`. Each use has its own sub-key (`purpose`), so a seal of one
kind can never be passed off as another. Somebody who can write to the database but does
not hold the key cannot forge a seal or rewrite the chain after a change: that is the
point of a keyed hash over a plain SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings

AUDIT_CHAIN = "audit-chain"
DOCUMENT_SEAL = "document-seal"

GENESIS = ""
"""The previous hash of the first entry of the chain."""


@cache
def _key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), f"nmo.integrity.{purpose}".encode(), hashlib.sha256).digest()


def key_for(purpose: str) -> bytes:
    """The sub-key of one use of the integrity key."""
    secret = getattr(settings, "INTEGRITY_KEY", "") or settings.SECRET_KEY
    return _key(secret, purpose)


def _plain(value: Any) -> Any:
    """A value as JSON keeps it after a trip through the database (JSONB reads 1e20 back
    as an integer, so a whole float is written as one)."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value  # most of what is sealed, tested first: every line is hashed (ADR 0617)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, int | str):  # their subclasses (a choice's enum)
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def canonical(data: Any) -> bytes:
    """The one byte string a value is sealed as: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        _plain(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def seal(purpose: str, data: Any) -> str:
    """The hex HMAC-SHA256 of the canonical form of `data` under the purpose's key."""
    return hmac.new(key_for(purpose), canonical(data), hashlib.sha256).hexdigest()


def seal_matches(purpose: str, data: Any, stored: str) -> bool:
    return bool(stored) and hmac.compare_digest(seal(purpose, data), stored)


def sha256_hex(content: bytes | memoryview | None) -> str:
    return hashlib.sha256(bytes(content or b"")).hexdigest()
