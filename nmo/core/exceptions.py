"""Domain errors. Each carries a stable `code` and a Russian message; only the `api` app
turns them into HTTP responses, pages show the message."""

__all__ = [
    "Conflict",
    "DomainError",
    "NotAuthenticated",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "ServiceUnavailable",
    "ValidationFailed",
]


class DomainError(Exception):
    """A refusal by the rules. `status` is the HTTP status the API answers with."""

    code = "domain_error"
    status = 409
    default_message = "Действие невозможно в текущем состоянии."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        super().__init__(self.message)


class NotFound(DomainError):
    """What the actor may not see is answered the same as what does not exist."""

    code = "not_found"
    status = 404
    default_message = "Не найдено."


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    default_message = "Войдите в систему, чтобы продолжить."


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = "Недостаточно прав для этого действия."


class Conflict(DomainError):
    code = "conflict"
    status = 409


class ValidationFailed(DomainError):
    """Input that breaks a rule; `errors` maps field names to messages."""

    code = "validation_error"
    status = 422
    default_message = "Проверьте введённые данные."

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.errors = errors or {}


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = "Слишком много попыток. Повторите позже."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    """A store the answer depends on does not respond (the throttle's counters in Redis):
    the action is refused, never let through unchecked, and the client is told when to
    come back (`Retry-After`; ADR 0021). `scope` names what was refused ("login",
    "activation", …) for the audit log."""

    code = "service_unavailable"
    status = 503
    default_message = "Сервис временно недоступен. Повторите попытку позже."

    def __init__(self, retry_after: int, message: str | None = None, *, scope: str = "") -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.scope = scope
