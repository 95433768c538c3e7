from nmo.core.exceptions import DomainError, ValidationFailed

__all__ = ["InvalidCredentials", "RegistrationInvalid"]


class InvalidCredentials(DomainError):
    """Wrong e-mail or password; one message for both, so accounts cannot be probed."""

    code = "invalid_credentials"
    status = 401
    default_message = "Неверный адрес электронной почты или пароль."


class RegistrationInvalid(ValidationFailed):
    code = "registration_invalid"
    default_message = "Регистрация не выполнена: проверьте поля формы."
