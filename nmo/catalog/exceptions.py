"""Refusals of the catalog: the nomenclature of specialties, applications (заявки на
оценку) and the commission's decisions."""

from nmo.core.exceptions import Conflict, PermissionDenied, ValidationFailed

__all__ = [
    "ActivityAlreadyDecided",
    "ActivityInvalid",
    "ActivityNotEditable",
    "CommissionSubmitsNothing",
    "ConflictOfInterest",
    "DecisionInvalid",
    "ForeignCreditsNotCounted",
    "ProviderRequired",
    "SpecialtiesFileInvalid",
    "SpecialtyInvalid",
]


class SpecialtiesFileInvalid(ValidationFailed):
    """The nomenclature data file is malformed; nothing from it was loaded."""

    code = "specialties_file_invalid"
    default_message = "Файл номенклатуры специальностей содержит ошибки; ничего не загружено."


class SpecialtyInvalid(ValidationFailed):
    """An administrator's specialty breaks a rule: empty, too long or a taken code or name."""

    code = "specialty_invalid"
    default_message = "Проверьте код и наименование специальности."


class ActivityInvalid(ValidationFailed):
    """An application breaks a rule; `errors` says which field and why."""

    code = "activity_invalid"
    default_message = "Проверьте данные заявки."


class ProviderRequired(ValidationFailed):
    """The user is staff of several providers and did not say for which one they apply."""

    code = "provider_required"
    default_message = "Укажите провайдера, от имени которого подаётся заявка."


class CommissionSubmitsNothing(PermissionDenied):
    """faq-catalogue-providers: the commission creates no modules and holds no events."""

    code = "commission_submits_nothing"
    default_message = (
        "Комиссия не создаёт электронные модули и не проводит мероприятия: "
        "заявки на оценку подают провайдеры."
    )


class ActivityNotEditable(Conflict):
    """The commission has decided on the application; it can no longer be changed."""

    code = "activity_not_editable"
    default_message = (
        "По заявке уже принято решение комиссии: изменить её нельзя. "
        "Если нужно, подайте новую заявку."
    )


class ActivityAlreadyDecided(Conflict):
    """A decision is taken once; a decided application is not reviewed again."""

    code = "activity_already_decided"
    default_message = "По этой заявке решение уже принято."


class DecisionInvalid(ValidationFailed):
    """Accrediting without whole credits within the hours requested, or rejecting without
    a reason."""

    code = "decision_invalid"
    default_message = "Проверьте решение по заявке."


class ForeignCreditsNotCounted(Conflict):
    """faq-foreign: credits for activities held abroad are not counted while the credit
    policy does not allow them."""

    code = "foreign_credits_not_counted"
    default_message = (
        "Баллы за мероприятия, проводимые за рубежом, в системе НМО Российской Федерации "
        "не учитываются: такую заявку можно только отклонить."
    )


class ConflictOfInterest(PermissionDenied):
    """An expert who is also staff of the applying provider does not decide on its
    application."""

    code = "conflict_of_interest"
    default_message = (
        "Вы представляете провайдера, подавшего заявку: решение по ней принимает другой эксперт."
    )
