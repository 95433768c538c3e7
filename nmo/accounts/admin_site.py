"""The admin site behind the app's gate (ADR 0021).

- It answers only from ADMIN_ALLOWED_NETWORKS (when the setting lists any) and only to
  administrators: anyone else signed in, and anyone from another network, gets the
  app's 404 page, as for an address that does not exist.
- Its login is the app's: the same throttle per account at an address, per account and
  per address as the login form and the token endpoint, so an account locked there is
  locked here too; only an administrator's right password opens it, and each attempt
  is in the audit log (`services.sign_in`, door «вход в администрирование»).
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse

from nmo.accounts.forms import AdminLoginForm
from nmo.accounts.selectors import is_admin
from nmo.core.middleware import client_ip


def admin_network_allowed(ip: str) -> bool:
    """Whether the address is in ADMIN_ALLOWED_NETWORKS; any address when it is empty."""
    networks = list(settings.ADMIN_ALLOWED_NETWORKS)
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


class NmoAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and is_admin(user))

    def _gate(self, request: HttpRequest) -> None:
        """404 from a network outside ADMIN_ALLOWED_NETWORKS and for a signed-in
        account that is not an administrator."""
        if not admin_network_allowed(client_ip(request)):
            raise Http404
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Callable[..., Any]:
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            self._gate(request)
            return inner(request, *args, **kwargs)

        return gated

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._gate(request)
        return super().login(request, extra_context)
