"""Absolute links for what leaves the page: QR codes on printed documents, e-mails,
exports (ADR 0013).

A link starts with the configured public address, SITE_URL, when it is set (production,
behind a proxy). Otherwise with the address of the request it is made for: the middleware
keeps the request's scheme and host for the time of the request, and work queued by a
request takes that address along (`current_site_url()` as a task's argument, run under
`links_from(...)`). Work with no request at all falls back to SITE_URL_FALLBACK, the
address `make run` serves."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_request_site_url: ContextVar[str | None] = ContextVar("request_site_url", default=None)


def current_site_url() -> str:
    """The base of absolute links here and now, without a trailing slash."""
    configured = str(settings.SITE_URL or "").strip()
    if configured:
        return configured.rstrip("/")
    from_request = _request_site_url.get()
    if from_request:
        return from_request.rstrip("/")
    return str(settings.SITE_URL_FALLBACK).rstrip("/")


def absolute_url(path: str) -> str:
    """The absolute link to a path of the site (`/documents/verify/…`)."""
    return current_site_url() + path


def set_request_site_url(site_url: str | None) -> object:
    return _request_site_url.set(site_url)


def reset_request_site_url(token: object) -> None:
    _request_site_url.reset(token)  # type: ignore[arg-type]


@contextmanager
def links_from(site_url: str | None) -> Iterator[None]:
    """Build the links inside the block from `site_url` (a task run for a request), unless
    SITE_URL is configured; None or "" keeps the present base."""
    token = _request_site_url.set(site_url or _request_site_url.get())
    try:
        yield
    finally:
        _request_site_url.reset(token)
