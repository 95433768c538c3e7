from nmo.core.exceptions import DomainError, ValidationFailed

__all__ = ["InvalidCredentials", "InvitationInvalid", "RegistrationInvalid"]


class InvalidCredentials(DomainError):
    """Wrong e-mail or password; one message for both, so accounts cannot be probed."""

    code = "invalid_credentials"
    status = 401
    default_message = "Неверный адрес электронной почты или пароль."


class RegistrationInvalid(ValidationFailed):
    code = "registration_invalid"
    default_message = "Регистрация не выполнена: проверьте поля формы."


class InvitationInvalid(DomainError):
    """The invitation's link cannot be used: malformed, expired, superseded by a newer
    letter, cancelled or already used; the message says which, in Russian."""

    code = "invitation_invalid"
    status = 410
    default_message = "Ссылка приглашения недействительна."
