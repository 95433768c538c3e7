"""Results of confirmation-code actions that cross app boundaries."""

import datetime as dt
from dataclasses import dataclass

from nmo.core.audit import AuditAction, AuditField


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


# The audit log's words for this app's actions (ADR 0018).
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "code.activate": "Активирован код подтверждения",
    "codes.issue": "Выпущены коды подтверждения",
    "codes.import_roster": "Загружен список участников мероприятия",
    "support_request.file": "Подано обращение по коду",
    "support_request.resolve": "Обращение рассмотрено: кредиты начислены",
    "support_request.refuse": "Обращение рассмотрено: отказано",
    "support_request.route": "Обращение направлено провайдеру",
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "credits": "кредиты",
    "code_marked": "код отмечен использованным",
    "first": "первый код",
    "last": "последний код",
    "participants": "участников",
    "emailed": "отправлено писем",
    "participant": AuditField("участник", refers_to="codes.participant"),
}
