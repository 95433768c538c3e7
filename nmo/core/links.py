"""Absolute links for what leaves the site: QR codes on printed documents, e-mails."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """SITE_URL + path."""
    return str(settings.SITE_URL).rstrip("/") + path
