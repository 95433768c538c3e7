"""Refusals of confirmation codes, rosters and support requests."""

from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = [
    "ActivateOnCreditPortal",
    "ActivityNotAccreditedEvent",
    "CodeAlreadyYours",
    "CodeCountInvalid",
    "CodeNotActivated",
    "RosterInvalid",
    "SupportRequestClosed",
    "SupportRequestInvalid",
    "SupportRequestNotResolvable",
]

CODE_NOT_ACTIVATED_MESSAGE = (
    "Код не был активирован. Возможно код неверен или уже был активирован ранее"
)


class ActivateOnCreditPortal(Conflict):
    """A cycle-only deployment takes no codes: they are activated on the credit portal,
    whose credits reach this one by the synchronisation (faq-activate-where)."""

    code = "activate_on_credit_portal"
    default_message = (
        "Коды подтверждения активируются на портале учёта кредитов; кредиты появятся "
        "здесь после синхронизации аккаунтов."
    )


class CodeNotActivated(Conflict):
    """Every activation failure that could tell something about a code that is not the
    specialist's: unknown, malformed, activated by someone else, of an activity that is
    not accredited, or of an event already credited to the specialist (faq-ikp-error).
    One class and one message, so a code cannot be probed."""

    code = "code_not_activated"
    default_message = CODE_NOT_ACTIVATED_MESSAGE


class CodeAlreadyYours(Conflict):
    """The specialist activated this very code before: telling them reveals nothing."""

    code = "code_already_yours"
    default_message = "Этот код вы уже активировали ранее; кредиты начислены."


class ActivityNotAccreditedEvent(Conflict):
    """Codes and certificates exist only for accredited events (faq-certificate)."""

    code = "activity_not_accredited_event"
    default_message = (
        "Коды подтверждения выпускаются только для аккредитованных учебных мероприятий."
    )


class CodeCountInvalid(ValidationFailed):
    code = "code_count_invalid"
    default_message = "Укажите, сколько кодов выпустить."


class RosterInvalid(ValidationFailed):
    """The roster file cannot be read or has bad rows; nothing from it was written.
    `errors["file"]` lists every problem with its row number."""

    code = "roster_invalid"
    default_message = "Список участников не загружен: исправьте ошибки в файле."


class SupportRequestInvalid(ValidationFailed):
    code = "support_request_invalid"
    default_message = "Обращение не отправлено: заполните обязательные поля."


class SupportRequestClosed(Conflict):
    """The request was resolved or refused already."""

    code = "support_request_closed"
    default_message = "Обращение уже рассмотрено."


class SupportRequestNotResolvable(Conflict):
    """Crediting needs an accredited event the request is routed to."""

    code = "support_request_not_resolvable"
    default_message = (
        "Обращение не связано с аккредитованным мероприятием провайдера: "
        "начислить кредиты по нему нельзя."
    )
