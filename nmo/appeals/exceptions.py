"""Refusals of the appeals app, each with a stable code and a Russian message."""

from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = [
    "AppealCommissionInvalid",
    "AppealExists",
    "AppealFinal",
    "AppealInvalid",
    "AppealLate",
    "AppealNotAllowed",
    "DecisionRefused",
    "HearingInvalid",
    "ProtocolNotSignable",
]


class AppealLate(ValidationFailed):
    """Filed after the next working day after the results were announced (npc-5.10,
    rgmu-5.10); the message names the rule and the last day."""

    code = "appeal_late"
    default_message = "Срок подачи апелляции истёк."


class AppealExists(Conflict):
    code = "appeal_exists"
    default_message = "Апелляция на этот результат уже подана."


class AppealFinal(Conflict):
    """The appeal decision is final (npc-5.19)."""

    code = "appeal_final"
    default_message = (
        "Решение апелляционной комиссии является окончательным и обжалованию не подлежит."
    )


class AppealNotAllowed(Conflict):
    code = "appeal_not_allowed"


class AppealInvalid(ValidationFailed):
    code = "appeal_invalid"
    default_message = "Апелляция заполнена с ошибками."


class AppealCommissionInvalid(ValidationFailed):
    code = "appeal_commission_invalid"
    default_message = "Состав апелляционной комиссии не соответствует положению."


class HearingInvalid(ValidationFailed):
    code = "hearing_invalid"
    default_message = "Заседание апелляционной комиссии заполнено с ошибками."


class DecisionRefused(Conflict):
    """No quorum or no majority: the decision is not taken (npc-5.14, npc-5.15)."""

    code = "appeal_decision_refused"


class ProtocolNotSignable(Conflict):
    code = "protocol_not_signable"
