from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from nmo.api.errors import error_response

_FALLBACK = {
    400: ("Некорректный запрос.", "bad_request"),
    401: ("Требуется вход: передайте действующий токен.", "not_authenticated"),
    403: ("Недостаточно прав для этого действия.", "permission_denied"),
    404: ("Не найдено.", "not_found"),
    405: ("Метод не поддерживается.", "method_not_allowed"),
    413: ("Слишком большой запрос.", "request_too_large"),
    415: ("Ожидается тело в формате JSON.", "unsupported_media_type"),
}


class ApiJsonErrorsMiddleware:
    """Whatever produced an error under /api/ (an unknown path, a wrong method, Django's
    own refusals), the client gets the API's JSON error format, never an HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail, code = _FALLBACK.get(
                response.status_code, ("Ошибка обработки запроса.", "http_error")
            )
            if response.status_code >= 500:
                detail, code = "Внутренняя ошибка сервера.", "server_error"
            converted = error_response(response.status_code, detail, code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    converted[header] = response[header]
            return converted
        return response
