"""The cycle portal as an OAuth 2.0 client of the credit portal (ADR 0501): Authlib's
requests session does the authorization code grant with PKCE (S256), the state check,
the token exchange and the refresh; nothing of the protocol is written here. The feed is
read with the session's bearer token."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings

from nmo.core import portal
from nmo.sync.exceptions import AccessRevoked, LinkNotConfigured, LinkRefused, OtherPortalDown

SCOPE = "credits"
TIMEOUT = 15  # seconds: a slow other side is "down" rather than a hung worker
AUTHORIZE_PATH = "/sync/o/authorize/"
TOKEN_PATH = "/sync/o/token/"  # noqa: S105 (a path, not a secret)
REVOKE_PATH = "/sync/o/revoke_token/"
FEED_PATH = "/api/v1/sync/credits"
ACCOUNT_PATH = "/api/v1/sync/account"


def _configured() -> tuple[str, str, str]:
    base = portal.other_portal_url()
    client_id = str(settings.SYNC_CLIENT_ID or "")
    secret = str(settings.SYNC_CLIENT_SECRET or "")
    if not (base and client_id and secret and portal.links_to_credit_portal()):
        raise LinkNotConfigured()
    return base, client_id, secret


def session(
    *,
    redirect_uri: str = "",
    state: str | None = None,
    token: dict[str, Any] | None = None,
    update_token: Callable[..., None] | None = None,
) -> tuple[OAuth2Session, str]:
    base, client_id, secret = _configured()
    oauth = OAuth2Session(
        client_id,
        secret,
        scope=SCOPE,
        state=state,
        redirect_uri=redirect_uri or None,
        token=token,
        update_token=update_token,
        code_challenge_method="S256",
        token_endpoint=base + TOKEN_PATH,
        default_timeout=TIMEOUT,
    )
    return oauth, base


@dataclass(frozen=True)
class Consent:
    """Where to send the browser, and what the session keeps to check the way back."""

    url: str
    state: str
    verifier: str


def consent_request(*, redirect_uri: str) -> Consent:
    oauth, base = session(redirect_uri=redirect_uri)
    verifier = secrets.token_urlsafe(64)
    url, state = oauth.create_authorization_url(base + AUTHORIZE_PATH, code_verifier=verifier)
    return Consent(url=url, state=state, verifier=verifier)


def exchange_code(
    *, redirect_uri: str, expected_state: str, verifier: str, callback_url: str, state: str
) -> dict[str, Any]:
    """The code of the way back for tokens. A state that is not the one this browser's
    session sent (forged, replayed, from another tab) is refused before anything is
    asked of the other side; Authlib checks it again."""
    if not expected_state or not secrets.compare_digest(expected_state, state or ""):
        raise LinkRefused(
            "Ответ портала учёта кредитов не относится к вашему запросу на связывание "
            "(неверный параметр state). Ничего не изменено; начните связывание заново."
        )
    oauth, base = session(redirect_uri=redirect_uri, state=expected_state)
    try:
        token = oauth.fetch_token(
            base + TOKEN_PATH, authorization_response=callback_url, code_verifier=verifier
        )
    except requests.RequestException as exc:
        raise OtherPortalDown() from exc
    except AuthlibBaseError as exc:
        raise LinkRefused(
            "Портал учёта кредитов не подтвердил связывание: код подтверждения уже "
            "использован, истёк или отклонён. Ничего не изменено; начните связывание "
            "заново из раздела «Личные сведения»."
        ) from exc
    return dict(token)


def get_json(
    oauth: OAuth2Session, url: str, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A GET of the credit portal's API with the link's token (refreshed by Authlib when
    it has expired). 401 → AccessRevoked; no answer or 5xx → OtherPortalDown."""
    try:
        response = oauth.get(url, params=params, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise OtherPortalDown() from exc
    except AuthlibBaseError as exc:  # the refresh was refused: the grant is gone
        raise AccessRevoked() from exc
    if response.status_code in (401, 403):
        raise AccessRevoked()
    if response.status_code >= 500 or response.status_code != 200:
        raise OtherPortalDown(
            f"Портал учёта кредитов ответил ошибкой (HTTP {response.status_code}). Ничего "
            "не потеряно; синхронизация повторится."
        )
    try:
        data = response.json()
    except ValueError as exc:
        raise OtherPortalDown("Портал учёта кредитов прислал непонятный ответ.") from exc
    if not isinstance(data, dict):
        raise OtherPortalDown("Портал учёта кредитов прислал непонятный ответ.")
    return data


def revoke(oauth: OAuth2Session, base: str, token: str) -> None:
    """Ask the other side to forget the token; unlinking does not wait for it."""
    with contextlib.suppress(requests.RequestException, AuthlibBaseError):
        oauth.revoke_token(
            base + REVOKE_PATH,
            token=token,
            token_type_hint="refresh_token",  # noqa: S106 (a hint's name)
        )
