"""Results of confirmation-code actions that cross app boundaries."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Activation:
    """A successful activation: the code, the event and the credits it brought."""

    code: str
    activity_id: int
    activity_title: str
    activity_kind: str
    credits: int
    activated_at: dt.datetime
    credit_entry_id: int


@dataclass(frozen=True)
class IssuedCodes:
    """Codes just issued for an event, in the order drawn."""

    activity_id: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class RosterImport:
    """A roster loaded: its participants each got one code (same order as the file)."""

    activity_id: int
    participant_ids: tuple[int, ...]
    codes: tuple[str, ...]
    emailed: int


@dataclass(frozen=True)
class CodeVerification:
    """What the public verification page may show about a certificate: the event and
    whether its code was activated, never the holder's personal data."""

    code: str
    activity_title: str
    provider: str
    starts_on: dt.date
    ends_on: dt.date
    location: str
    credits: int
    is_activated: bool
    is_accredited: bool
