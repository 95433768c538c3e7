"""Refusals of the attestation app, each with a stable code and a Russian message."""

from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = [
    "AttestationInvalid",
    "AttestationNotReady",
    "CommissionBreachesRegulation",
    "CommissionInvalid",
    "DecisionRefused",
    "GradesLocked",
    "RecordNotSignable",
    "RecordTampered",
    "ResultInvalid",
    "RetakeApplicationLate",
    "RetakeInvalid",
    "RetakeNotAllowed",
    "VotesInvalid",
]


class CommissionInvalid(ValidationFailed):
    code = "commission_invalid"
    default_message = "Комиссия заполнена с ошибками."


class CommissionBreachesRegulation(ValidationFailed):
    """The composition breaks the organisation's regulation (npc-4.4–4.9, rgmu-4.4–4.9);
    `errors["seats"]` lists one Russian message per breach."""

    code = "commission_breaches_regulation"
    default_message = "Состав комиссии не соответствует положению об итоговой аттестации."


class AttestationInvalid(ValidationFailed):
    code = "attestation_invalid"
    default_message = "Аттестация заполнена с ошибками."


class AttestationNotReady(Conflict):
    """The cohort, its learners or its programme do not allow the attestation yet."""

    code = "attestation_not_ready"


class ResultInvalid(ValidationFailed):
    code = "result_invalid"
    default_message = "Результат заполнен с ошибками."


class VotesInvalid(ValidationFailed):
    code = "votes_invalid"
    default_message = "Результаты голосования заполнены с ошибками."


class GradesLocked(Conflict):
    """The results may not change: the decision is taken, or the documents are signed."""

    code = "grades_locked"


class DecisionRefused(Conflict):
    """The commission may not decide (no chair or replacement, npc-4.10 / rgmu-4.10; no
    majority; results or votes missing)."""

    code = "decision_refused"


class RecordNotSignable(Conflict):
    """A record of the attestation may not be signed by this actor now (the code is the
    API's, kept from when records were called documents)."""

    code = "document_not_signable"


class RetakeInvalid(ValidationFailed):
    """The retake application or decision is filled in wrongly (dates, document, order)."""

    code = "retake_invalid"
    default_message = "Заявление о повторной аттестации заполнено с ошибками."


class RetakeNotAllowed(Conflict):
    """The learner may not apply: the outcome does not fit the ground, the one retake is
    used up (npc-2.9, rgmu-2.9), or an application is already pending or decided."""

    code = "retake_not_allowed"


class RetakeApplicationLate(Conflict):
    """The application, or the retake date, is past the regulation's deadline; the message
    names the rule, the clause and the date (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10)."""

    code = "retake_application_late"


class RecordTampered(Conflict):
    """A frozen record's stored file or content no longer match its SHA-256 and seal
    (ADR 0024): it is not served, and the administrators see it on the integrity page."""

    code = "document_tampered"
    default_message = (
        "Документ не может быть выдан: его файл или содержание изменены после подписания и "
        "не совпадают с сохранённой контрольной суммой. Администраторы уведомлены."
    )
