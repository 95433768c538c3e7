from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

from nmo.core.exceptions import (
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
)
from nmo.core.links import reset_request_site_url, set_request_site_url
from nmo.core.request_context import reset_client_ip, set_client_ip


def client_ip(request: HttpRequest) -> str:
    """The client's address; X-Forwarded-For is trusted only behind known proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", "") or "0.0.0.0")  # noqa: S104


def request_site_url(request: HttpRequest) -> str | None:
    """The scheme and host the request came to (`http://127.0.0.1:8100`); None for a host
    not in ALLOWED_HOSTS."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return None


class RequestContextMiddleware:
    """Keeps the client's address for the audit log and the request's own address for
    absolute links (nmo.core.links), and turns access refusals raised on pages into the
    login redirect, a 403 or a 404 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_client_ip(client_ip(request))
        site_token = set_request_site_url(request_site_url(request))
        try:
            return self.get_response(request)
        finally:
            reset_request_site_url(site_token)
            reset_client_ip(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from nmo.core import views

        if isinstance(exception, ServiceUnavailable) and not request.path.startswith("/api/"):
            # Fail closed, and say so: 503 with Retry-After, audited (ADR 0021).
            from nmo.core.throttle import audit_unavailable

            user = request.user if request.user.is_authenticated else None
            audit_unavailable(exc=exception, actor=user, path=request.path)
            return views.refused(request, exception)
        if isinstance(exception, NotAuthenticated):
            return redirect_to_login(request.get_full_path())
        if isinstance(exception, PermissionDenied):
            return views.permission_denied(request, exception)
        if isinstance(exception, NotFound):
            return views.page_not_found(request, exception)
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            # A refusal no view caught is still shown as a refusal, never as a success
            # or a server error.
            return views.refused(request, exception)
        return None
