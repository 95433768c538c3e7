from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = ["ActivityNotInCatalogue", "AlreadyCredited"]


class AlreadyCredited(Conflict):
    """The specialist already holds the credits of this activity."""

    code = "already_credited"
    default_message = "Кредиты за это мероприятие уже начислены вам ранее."


class ActivityNotInCatalogue(ValidationFailed):
    """Only accredited catalogue activities carry credits (faq-only-listed, faq-foreign)."""

    code = "activity_not_in_catalogue"
    default_message = "Кредиты начисляются только за мероприятия и модули из каталога."
