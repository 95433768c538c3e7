"""The error pages (400, 403, 404, 500): HTML for pages, JSON under /api/."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from nmo.core.exceptions import DomainError


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Некорректный запрос.", "code": "bad_request"}, status=400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Недостаточно прав для этого действия.", "code": "permission_denied"},
            status=403,
        )
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Не найдено.", "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def refused(request: HttpRequest, exception: DomainError) -> HttpResponse:
    """A page action the rules refused and its view did not put on a form: the refusal
    as an alert, with the rule's status (409, 422, 429)."""
    messages = [exception.message]
    for problems in (getattr(exception, "errors", None) or {}).values():
        messages.extend(problems)
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    context = {"refusal_messages": messages, "back": back}
    response = render(request, "refused.html", context, status=exception.status)
    retry_after = getattr(exception, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Внутренняя ошибка сервера.", "code": "server_error"}, status=500
        )
    return render(request, "500.html", status=500)
