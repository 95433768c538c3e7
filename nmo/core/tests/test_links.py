"""Absolute links start with the address the product is served at (ADR 0013)."""

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from nmo.core.links import absolute_url, links_from
from nmo.core.middleware import RequestContextMiddleware


def link_made_during(request: HttpRequest) -> str:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(absolute_url("/documents/verify/abc/"))

    return RequestContextMiddleware(view)(request).content.decode()


@override_settings(SITE_URL="", ALLOWED_HOSTS=["nmo.hospital.local"])
def test_without_a_public_address_a_link_takes_the_requests_own():
    request = RequestFactory().get("/", HTTP_HOST="nmo.hospital.local:8123")
    assert link_made_during(request) == "http://nmo.hospital.local:8123/documents/verify/abc/"
    secure = RequestFactory().get("/", HTTP_HOST="nmo.hospital.local", secure=True)
    assert link_made_during(secure) == "https://nmo.hospital.local/documents/verify/abc/"


@override_settings(SITE_URL="https://nmo.example.ru/", ALLOWED_HOSTS=["internal"])
def test_a_configured_public_address_wins_over_the_request():
    request = RequestFactory().get("/", HTTP_HOST="internal:8000")
    assert link_made_during(request) == "https://nmo.example.ru/documents/verify/abc/"


@override_settings(SITE_URL="", ALLOWED_HOSTS=["nmo.hospital.local"])
def test_a_host_not_served_never_makes_a_link():
    request = RequestFactory().get("/", HTTP_HOST="evil.example")
    with override_settings(SITE_URL_FALLBACK="http://127.0.0.1:8413"):
        assert link_made_during(request) == "http://127.0.0.1:8413/documents/verify/abc/"


@override_settings(SITE_URL="", SITE_URL_FALLBACK="http://127.0.0.1:8413")
def test_work_without_a_request_uses_the_address_given_or_the_fallback():
    assert absolute_url("/x/") == "http://127.0.0.1:8413/x/"
    with links_from("http://nmo.hospital.local:8123"):
        assert absolute_url("/x/") == "http://nmo.hospital.local:8123/x/"
    with links_from(""):
        assert absolute_url("/x/") == "http://127.0.0.1:8413/x/"
