"""One error format for the whole API: {"detail", "code"} plus "errors" for invalid input."""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from nmo.core.exceptions import DomainError, RateLimited, ServiceUnavailable, ValidationFailed

logger = logging.getLogger(__name__)

INVALID_INPUT = "Проверьте введённые данные."

_MESSAGES = {
    "missing": "Обязательное поле.",
    "string_too_long": "Слишком длинное значение: не более {max_length} символов.",
    "string_too_short": "Слишком короткое значение: не менее {min_length} символов.",
    "string_type": "Ожидается строка.",
    "int_parsing": "Ожидается целое число.",
    "int_type": "Ожидается целое число.",
    "int_from_float": "Ожидается целое число.",
    "float_parsing": "Ожидается число.",
    "bool_parsing": "Ожидается логическое значение (true или false).",
    "bool_type": "Ожидается логическое значение (true или false).",
    "date_from_datetime_parsing": "Ожидается дата в формате ГГГГ-ММ-ДД.",
    "date_parsing": "Ожидается дата в формате ГГГГ-ММ-ДД.",
    "date_type": "Ожидается дата в формате ГГГГ-ММ-ДД.",
    "datetime_parsing": "Ожидается дата и время в формате ISO 8601.",
    "datetime_from_date_parsing": "Ожидается дата и время в формате ISO 8601.",
    "datetime_type": "Ожидается дата и время в формате ISO 8601.",
    "list_type": "Ожидается список.",
    "dict_type": "Ожидается объект.",
    "model_attributes_type": "Ожидается объект JSON.",
    "greater_than_equal": "Значение должно быть не меньше {ge}.",
    "greater_than": "Значение должно быть больше {gt}.",
    "less_than_equal": "Значение должно быть не больше {le}.",
    "less_than": "Значение должно быть меньше {lt}.",
    "too_long": "Слишком много элементов: не более {max_length}.",
    "too_short": "Слишком мало элементов: не менее {min_length}.",
    "literal_error": "Недопустимое значение. Допустимо: {expected}.",
    "enum": "Недопустимое значение. Допустимо: {expected}.",
    "value_error": "Недопустимое значение.",
    "json_invalid": "Тело запроса не является корректным JSON.",
    "extra_forbidden": "Неизвестное поле.",
}


def _message(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(str(error.get("type", "")), "Недопустимое значение.")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split(":")[0] + "."


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja puts the source first ("body", "query", "path") and then the parameter name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "data", "body", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def error_response(
    status: int, detail: str, code: str, errors: dict[str, list[str]] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            if error.get("type") == "json_invalid":
                return error_response(400, _MESSAGES["json_invalid"], "malformed_json")
            errors.setdefault(_field(error.get("loc", [])), []).append(_message(error))
        return error_response(422, INVALID_INPUT, "validation_error", errors)

    @api.exception_handler(ValidationFailed)
    def on_domain_validation(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
        return error_response(exc.status, exc.message, exc.code, exc.errors)

    @api.exception_handler(RateLimited)
    def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = error_response(429, exc.message, exc.code)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ServiceUnavailable)
    def on_unavailable(request: HttpRequest, exc: ServiceUnavailable) -> HttpResponse:
        # Fail closed, and say so: 503 with Retry-After, audited (ADR 0021).
        from nmo.core.throttle import audit_unavailable

        user = getattr(request, "auth", None)
        audit_unavailable(exc=exc, actor=user, path=request.path)
        response = error_response(503, exc.message, exc.code)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(DomainError)
    def on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(exc.status, exc.message, exc.code)

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            401, "Требуется вход: передайте действующий токен.", "not_authenticated"
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "Не найдено.", "not_found")

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(413, "Слишком большой запрос.", "request_too_large")

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            return error_response(400, _MESSAGES["json_invalid"], "malformed_json")
        if exc.status_code == 405:
            return error_response(405, "Метод не поддерживается.", "method_not_allowed")
        return error_response(exc.status_code, str(exc.message), "http_error")

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled API error", exc_info=exc)
        return error_response(500, "Внутренняя ошибка сервера. Мы уже разбираемся.", "server_error")


# The answers any operation may give besides its own (ADR 0026): which of them applies
# follows from the operation's shape, so that the schema lists every status it can answer.
COMMON_ERRORS = {
    400: "Некорректный запрос: тело не разбирается (не JSON, неверный multipart)",
    401: "Требуется вход: нет действующего токена",
    403: "Недостаточно прав для этого действия",
    404: "Не найдено или недоступно",
    413: "Слишком большой запрос",
    422: "Неверные данные: errors — сообщения по полям",
}
_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def declare_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to each operation of an OpenAPI schema the error answers it can give whatever
    its view does: 422 for every operation (the input checks of nmo.core.unstorable and
    ninja's validation), 400 for one that takes a body, 413 for one that reads it, 401 and
    403 for one that needs a token, 404 for one with a path parameter. Answers an
    operation declares itself (409, 429, ...) stay as they are."""
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = {422}
            if method.lower() in {"post", "put", "patch", "delete"}:
                codes.add(400)
            if "requestBody" in operation:
                codes |= {400, 413}
            if operation.get("security"):
                codes |= {401, 403}
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                codes.add(404)
            responses = operation["responses"]
            declared = {int(code) for code in responses}
            for code in sorted(codes - declared):
                responses[code] = {"description": COMMON_ERRORS[code], "content": _ERROR_REF}
    return schema
