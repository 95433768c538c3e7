"""Linking a specialist's accounts once, synchronising the credit portal's credits in the
background, unlinking (faq-sync-why, faq-sync-once; ADR 0501).

The synchronisation reads the credit portal's feed page by page; each page's records and
the cursor after them are written in one transaction, so a worker killed at any moment
leaves either the whole page or none of it, and the next run resumes at the cursor. The
unique constraint `credit_synced_once` is the backstop: a record is booked once however
the runs overlap."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from nmo.accounts.models import User
from nmo.core import portal
from nmo.core.exceptions import DomainError, NotFound
from nmo.core.keyset import keyset_chunks
from nmo.core.services import record_audit
from nmo.cycles.exceptions import SyncedCreditInvalid
from nmo.cycles.services import SyncedCredit, record_synced_credits
from nmo.sync import client
from nmo.sync.exceptions import (
    AccessRevoked,
    AlreadyLinked,
    LinkNotConfigured,
    OtherPortalDown,
    TokenUnreadable,
)
from nmo.sync.models import AccountLink, LinkState
from nmo.sync.sealed import Unreadable

logger = logging.getLogger(__name__)

RETRY_FIRST_SECONDS = 60


def live_link(specialist: User) -> AccountLink | None:
    return AccountLink.objects.filter(specialist=specialist, unlinked_at__isnull=True).first()


def start_linking(*, specialist: User, redirect_uri: str) -> client.Consent:
    """The consent request for the other side; refused if the accounts are linked."""
    if live_link(specialist) is not None:
        raise AlreadyLinked()
    return client.consent_request(redirect_uri=redirect_uri)


def _expiry(token: dict[str, Any]) -> dt.datetime | None:
    expires_at = token.get("expires_at")
    if expires_at:
        return dt.datetime.fromtimestamp(int(expires_at), tz=dt.UTC)
    return None


def finish_linking(
    *,
    specialist: User,
    redirect_uri: str,
    expected_state: str,
    verifier: str,
    callback_url: str,
    state: str,
) -> AccountLink:
    """Exchange the code for tokens, learn which account consented, keep the link and
    queue the first synchronisation. Any refusal leaves nothing written."""
    if live_link(specialist) is not None:
        raise AlreadyLinked()
    token = client.exchange_code(
        redirect_uri=redirect_uri,
        expected_state=expected_state,
        verifier=verifier,
        callback_url=callback_url,
        state=state,
    )
    oauth, base = client.session(token=token)
    account = client.get_json(oauth, base + client.ACCOUNT_PATH)
    try:
        with transaction.atomic():
            link = AccountLink.objects.create(
                specialist=specialist,
                portal_url=base,
                remote_account=str(account.get("name") or account.get("email") or "")[:300],
                access_token=token.get("access_token", ""),
                refresh_token=token.get("refresh_token", ""),
                token_expires_at=_expiry(token),
                state=LinkState.RUNNING,
                heartbeat_at=timezone.now(),
            )
            record_audit(
                actor=specialist,
                action="sync.link",
                target=link,
                changes={"portal": base, "account": link.remote_account},
            )
            _enqueue(link.pk)
    except IntegrityError as exc:  # a second tab finished first
        raise AlreadyLinked() from exc
    return link


def _enqueue(link_id: int, run_after: dt.datetime | None = None) -> None:
    from nmo.sync.tasks import synchronise_link

    task = synchronise_link
    if run_after is None:
        transaction.on_commit(lambda: task.enqueue(link_id=link_id))
        return
    if not task.get_backend().supports_defer:
        return  # the immediate backend (tests, development) has no later
    # A scheduled run carries its time: a run rescheduled meanwhile (a run completed, a
    # retry) makes it obsolete, so runs queued by «сейчас» never multiply the chain.
    due = run_after.isoformat()
    later = task.using(run_after=run_after)
    transaction.on_commit(lambda: later.enqueue(link_id=link_id, due=due))


def synchronise_now(*, specialist: User) -> AccountLink:
    """The specialist's «Синхронизировать сейчас»: queue a run at once."""
    link = live_link(specialist)
    if link is None:
        raise NotFound()
    if link.state == LinkState.REVOKED:
        raise AccessRevoked(link.error or None)
    with transaction.atomic():
        AccountLink.objects.filter(pk=link.pk).update(
            state=LinkState.RUNNING, error="", heartbeat_at=timezone.now()
        )
        _enqueue(link.pk)
    link.refresh_from_db()
    return link


def _save_token(link_id: int) -> Callable[..., None]:
    def update_token(token: dict[str, Any], **_: Any) -> None:
        AccountLink.objects.filter(pk=link_id).update(
            access_token=token.get("access_token", ""),
            refresh_token=token.get("refresh_token", ""),
            token_expires_at=_expiry(token),
        )

    return update_token


def _token_of(link: AccountLink) -> dict[str, Any]:
    """The link's tokens for Authlib, decrypted; `TokenUnreadable` when the key that
    encrypted them is gone (ADR 0502)."""
    if isinstance(link.access_token, Unreadable) or isinstance(link.refresh_token, Unreadable):
        raise TokenUnreadable()
    token: dict[str, Any] = {
        "access_token": link.access_token,
        "refresh_token": link.refresh_token,
        "token_type": "Bearer",
    }
    if link.token_expires_at:
        token["expires_at"] = int(link.token_expires_at.timestamp())
    return token


def _credit(item: dict[str, Any]) -> SyncedCredit:
    try:
        return SyncedCredit(
            source_id=str(item["id"]),
            kind=str(item["kind"]),
            hours=int(item["hours"]),
            occurred_on=dt.date.fromisoformat(str(item["occurred_on"])),
            specialty_code=str(item["specialty"]["code"]),
            title=str(item.get("title") or ""),
            reverses_source_id=str(item.get("reverses") or ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SyncedCreditInvalid(
            "Портал учёта кредитов прислал запись в непонятном виде; синхронизация повторится."
        ) from exc


def _fail(link_id: int, exc: DomainError) -> None:
    """Keep the error for the cabinet and, unless the grant is gone, retry later with a
    pause that doubles from a minute up to SYNC_RETRY_MAX_SECONDS."""
    link = AccountLink.objects.get(pk=link_id)
    now = timezone.now()
    if isinstance(exc, AccessRevoked):
        AccountLink.objects.filter(pk=link_id).update(
            state=LinkState.REVOKED, error=exc.message, next_attempt_at=None, heartbeat_at=now
        )
        return
    attempts = link.attempts + 1
    pause = min(RETRY_FIRST_SECONDS * 2 ** (attempts - 1), int(settings.SYNC_RETRY_MAX_SECONDS))
    retry_at = now + dt.timedelta(seconds=pause)
    with transaction.atomic():
        AccountLink.objects.filter(pk=link_id).update(
            state=LinkState.FAILED,
            error=exc.message,
            attempts=attempts,
            next_attempt_at=retry_at,
            heartbeat_at=now,
        )
        _enqueue(link_id, run_after=retry_at)


def synchronise(link_id: int, due: str | None = None) -> AccountLink | None:
    """One run of the link's synchronisation: pages of the feed until it is read through.
    Safe to run twice at once or after a killed run (see the module's docstring). `due`:
    the time a scheduled run was queued for; it does nothing if the link has been
    rescheduled since."""
    link = AccountLink.objects.filter(pk=link_id, unlinked_at__isnull=True).first()
    if link is None or link.state == LinkState.REVOKED:
        return link
    if due is not None and link.next_attempt_at != dt.datetime.fromisoformat(due):
        return link
    AccountLink.objects.filter(pk=link_id).update(
        state=LinkState.RUNNING, heartbeat_at=timezone.now()
    )
    try:
        oauth, base = client.session(token=_token_of(link), update_token=_save_token(link_id))
        while True:
            cursor = AccountLink.objects.values_list("cursor", flat=True).get(pk=link_id)
            page = client.get_json(
                oauth,
                base + client.FEED_PATH,
                {"after": cursor, "limit": int(settings.SYNC_BATCH_SIZE)},
            )
            items = page.get("items")
            if not isinstance(items, list):
                raise OtherPortalDown("Портал учёта кредитов прислал непонятный ответ.")
            credits = [_credit(item) for item in items]
            with transaction.atomic():
                locked = AccountLink.objects.select_for_update().get(pk=link_id)
                if locked.unlinked_at is not None:
                    return locked
                if locked.cursor != cursor:
                    continue  # another run took this page meanwhile: read on from its cursor
                added = record_synced_credits(
                    specialist=locked.specialist,
                    source_portal=locked.portal_url,
                    credits=credits,
                    synced_at=timezone.now(),
                )
                locked.cursor = int(page.get("next") or cursor)
                locked.synced_count += added
                locked.remote_total = int(page.get("total") or 0)
                locked.remote_remaining = int(page.get("remaining") or 0)
                locked.heartbeat_at = timezone.now()
                done = not page.get("has_more")
                if done:
                    locked.state = LinkState.DONE
                    locked.error = ""
                    locked.attempts = 0
                    locked.finished_at = locked.heartbeat_at
                    locked.next_attempt_at = locked.heartbeat_at + dt.timedelta(
                        seconds=int(settings.SYNC_INTERVAL_SECONDS)
                    )
                locked.save()
                if done:
                    # later credits: the next run, periodic (faq-sync-why)
                    _enqueue(link_id, run_after=locked.next_attempt_at)
                    return locked
    except (OtherPortalDown, AccessRevoked, SyncedCreditInvalid, LinkNotConfigured) as exc:
        logger.warning("Синхронизация связи %s прервана: %s", link_id, exc.message)
        _fail(link_id, exc)
    return AccountLink.objects.get(pk=link_id)


def queue_due_links(*, stale_after: dt.timedelta) -> int:
    """Queue every live link whose time has come: a retry or periodic run that is due, or
    a run whose worker died (no step for `stale_after`). For a timer or the worker's
    start (`manage.py sync_links`)."""
    now = timezone.now()
    due = list(
        AccountLink.objects.filter(unlinked_at__isnull=True)
        .exclude(state=LinkState.REVOKED)
        .filter(
            # a retry or a periodic run that is due, or a run with no step for a while
            next_attempt_at__lte=now
        )
        .values_list("pk", flat=True)
    )
    stale = AccountLink.objects.filter(
        unlinked_at__isnull=True, state=LinkState.RUNNING, heartbeat_at__lte=now - stale_after
    ).values_list("pk", flat=True)
    ids = sorted(set(due) | set(stale))
    with transaction.atomic():
        for link_id in ids:
            _enqueue(link_id)
    return len(ids)


def unlink(*, specialist: User) -> AccountLink:
    """Break the link: the other side is asked to revoke the tokens (best effort), the
    records brought over stay in the ledger with their provenance, marked by the link's
    end in the cabinet."""
    link = live_link(specialist)
    if link is None:
        raise NotFound()
    with transaction.atomic():
        AccountLink.objects.filter(pk=link.pk).update(
            unlinked_at=timezone.now(),
            state=LinkState.UNLINKED,
            access_token="",
            refresh_token="",
            next_attempt_at=None,
        )
        record_audit(
            actor=specialist,
            action="sync.unlink",
            target=link,
            changes={"portal": link.portal_url, "kept": link.synced_count},
        )
    if portal.other_portal_url() and link.refresh_token:
        try:
            oauth, base = client.session(token=_token_of(link))
            client.revoke(oauth, base, link.refresh_token)
        except DomainError:
            pass
    link.refresh_from_db()
    return link


def rotate_tokens(*, chunk: int = 500) -> tuple[int, int]:
    """Encrypt every link's stored tokens again with the first of the keys (ADR 0502), so
    that the old key can be dropped at once; return (links rotated, links whose tokens no
    key opens — those specialists will be asked to link again). Reads by keyset chunks;
    each chunk is one transaction."""
    rotated = unreadable = 0
    links = AccountLink.objects.exclude(access_token="", refresh_token="").only(
        "id", "access_token", "refresh_token"
    )
    for rows in keyset_chunks(links, order=("id",), size=chunk):
        readable = [
            link
            for link in rows
            if not isinstance(link.access_token, Unreadable)
            and not isinstance(link.refresh_token, Unreadable)
        ]
        unreadable += len(rows) - len(readable)
        with transaction.atomic():
            AccountLink.objects.bulk_update(readable, ["access_token", "refresh_token"])
        rotated += len(readable)
    return rotated, unreadable
