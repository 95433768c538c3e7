from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path
from oauth2_provider import views as provider

from nmo.core import portal
from nmo.sync import views

app_name = "sync"


def _credit_portal_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The provider's endpoints exist on a deployment with the credit portal's role."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not portal.is_credit_portal():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


# The credit portal's OAuth 2.0 provider (django-oauth-toolkit, ADR 0501): only the
# authorization code grant's endpoints — no device flow, no introspection, no client
# registration or management pages.
provider_urlpatterns = [
    path(
        "authorize/",
        _credit_portal_only(provider.AuthorizationView.as_view()),
        name="authorize",
    ),
    path("token/", _credit_portal_only(provider.TokenView.as_view()), name="token"),
    path(
        "revoke_token/",
        _credit_portal_only(provider.RevokeTokenView.as_view()),
        name="revoke-token",
    ),
]

urlpatterns = [
    path("link/", views.link_start, name="link_start"),
    path("link/callback/", views.link_callback, name="callback"),
    path("link/now/", views.sync_now, name="sync_now"),
    path("link/unlink/", views.unlink, name="unlink"),
    path("o/", include((provider_urlpatterns, "oauth2_provider"), namespace="oauth2_provider")),
]
