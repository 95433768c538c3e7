"""Activating a confirmation code: the specialist redeems it for the event's credits,
exactly once (faq-ikp-activation, faq-ikp-normalize, faq-ikp-error, faq-email-notice)."""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from nmo.accounts.access import require_role
from nmo.accounts.models import Role, User
from nmo.accounts.services import mark_failed_activation
from nmo.catalog.models import Activity, ActivityKind, ActivityStatus
from nmo.catalog.selectors import get_activity, list_accredited_events
from nmo.codes.exceptions import CodeAlreadyYours, CodeNotActivated
from nmo.codes.models import ConfirmationCode
from nmo.codes.rules import normalise_code
from nmo.codes.tasks import send_activation_notice
from nmo.codes.types import Activation
from nmo.core.exceptions import RateLimited, ServiceUnavailable
from nmo.core.russian import in_time
from nmo.core.services import (
    change_with_audit,
    enqueue_after_commit,
    queued_task_values,
    record_audit,
)
from nmo.core.sql import insert_select
from nmo.core.throttle import Counter, Standing, read_standing, register_failure, reset_throttle
from nmo.cycles import sql as ledger_sql
from nmo.cycles.exceptions import ActivityNotInCatalogue, AlreadyCredited
from nmo.cycles.models import CreditSource
from nmo.cycles.services import post_credit

THROTTLE_SCOPE = "activation"

logger = logging.getLogger(__name__)


def claim_code(*, code_id: int, specialist: User, at: dt.datetime) -> bool:
    """Mark the code activated by the specialist if nobody has: one conditional UPDATE
    whose row count says who won; only a code of an accredited event can be claimed.
    Every condition is on the code row's own columns (the activity's status and kind
    through `activity_id IN (subquery)`), never through a join: for a
    joined filter Django writes `id IN (SELECT … WHERE activated_at IS NULL)`, and
    PostgreSQL's re-check of a concurrently updated row would then see the stale
    subquery row and let a second claim through.

    Raises IntegrityError when the specialist already holds another code of the event
    (constraint `code_once_per_specialist_and_activity`), which aborts the transaction:
    let it roll back, or call this inside a savepoint.
    """
    claimed = ConfirmationCode.objects.filter(
        pk=code_id,
        activated_at__isnull=True,
        activity__in=list_accredited_events(),
    ).update(activated_by=specialist, activated_at=at)
    return claimed == 1


def _claim_by_value(*, value: str, specialist: User, at: dt.datetime) -> Activity | None:
    """Claim the code with this value for the specialist and return its activity (with
    `claimed_code_id` set), or None when nothing was claimed: the same conditional
    UPDATE as `claim_code`, keyed by the value, with `RETURNING`. The path of SQLite
    (development); PostgreSQL claims in `_redeem_in_one_statement`."""
    qn = connection.ops.quote_name
    codes, activities = qn(ConfirmationCode._meta.db_table), qn(Activity._meta.db_table)
    # Table names come from the models and the values are parameters.
    update = (
        f"UPDATE {codes} SET activated_by_id = %s, activated_at = %s "  # noqa: S608
        f"WHERE value = %s AND activated_at IS NULL AND activity_id IN "
        f"(SELECT id FROM {activities} WHERE status = %s AND kind = %s) "
        "RETURNING id, activity_id"
    )
    # Stored as the ORM stores it (on SQLite: naive UTC text, like every other timestamp).
    stamp = connection.ops.adapt_datetimefield_value(at)
    params = [specialist.pk, stamp, value, ActivityStatus.ACCREDITED, ActivityKind.EVENT]
    with connection.cursor() as cursor:
        cursor.execute(update, params)
        row = cursor.fetchone()
    if row is None:
        return None
    activity = get_activity(row[1])
    activity.claimed_code_id = row[0]  # type: ignore[attr-defined]
    return activity


def _counters(specialist: User, ip: str | None) -> tuple[Counter, Counter]:
    """The specialist's failures (from any address) and the address's (ADR 0014)."""
    return (
        Counter(
            f"user:{specialist.pk}",
            int(settings.THROTTLE_ACTIVATION_FAILURES),
            int(settings.THROTTLE_WINDOW_SECONDS),
        ),
        Counter(
            f"ip:{ip or '-'}",
            int(settings.THROTTLE_ADDRESS_FAILURES),
            int(settings.THROTTLE_CEILING_WINDOW_SECONDS),
        ),
    )


#: Clocks of the app nodes may differ by this much: a failure marked by one node is still
#: taken as recent by another whose clock runs ahead (ADR 0612).
CLOCK_SKEW = dt.timedelta(seconds=60)


def _no_failures_to_count(specialist: User, now: dt.datetime) -> bool:
    """True when the throttle's counters cannot refuse this specialist, as their account
    row — read with them on every request — already says (ADR 0612): they have no failed
    activation within the window, so their own count is zero; and the address's ceiling
    refuses only a specialist who has failed there THROTTLE_ADDRESS_ALLOWANCE times
    themselves (ADR 0014). The counters are then not read: one round trip to Redis less
    on the hot path, and a clean specialist's code is not refused while Redis is down.
    A failure marks the account before it is counted (`mark_failed_activation`). Inside a
    caller's transaction the mark could roll back while the count stays: there the
    counters are always read."""
    if connection.in_atomic_block:
        return False
    if int(settings.THROTTLE_ACTIVATION_FAILURES) < 1:
        return False
    if int(settings.THROTTLE_ADDRESS_ALLOWANCE) < 1:
        return False
    last = specialist.failed_activation_at
    if last is None:
        return True
    window = dt.timedelta(seconds=int(settings.THROTTLE_WINDOW_SECONDS))
    return last + window + CLOCK_SKEW < now


def _admit(own: Counter, address: Counter) -> Standing:
    """Refuse the attempt before anything else if the specialist has used up their
    failures, or if the address is over its ceiling and the specialist has failed there
    THROTTLE_ADDRESS_ALLOWANCE times themselves: others' failures alone never stop a
    specialist's correct code (ADR 0014)."""
    standing = read_standing(scope=THROTTLE_SCOPE, counters=[own, address])
    wait = standing.retry_after(own)
    if wait is None:
        busy = standing.retry_after(address)
        if busy is not None and standing.count(own) >= int(settings.THROTTLE_ADDRESS_ALLOWANCE):
            # Either window's end lets the specialist try again.
            wait = min(busy, standing.left.get(own.ident, own.window))
    if wait is not None:
        raise RateLimited(
            wait,
            f"Слишком много неудачных попыток активации. Повторите попытку через {in_time(wait)}.",
        )
    return standing


def _already_yours(activated_at: dt.datetime | None) -> CodeAlreadyYours:
    when = timezone.localtime(activated_at).strftime("%d.%m.%Y") if activated_at else "ранее"
    return CodeAlreadyYours(f"Этот код вы уже активировали {when}; кредиты начислены.")


def _not_claimed(*, specialist: User, value: str) -> CodeAlreadyYours | CodeNotActivated:
    """Why nothing was claimed: unknown, not a creditable event, or already activated —
    by this specialist (a friendly answer) or by someone else (the generic one)."""
    current = ConfirmationCode.objects.filter(value=value).values_list(
        "activated_by_id", "activated_at"
    )
    for activated_by_id, activated_at in current:
        if activated_by_id == specialist.pk:
            return _already_yours(activated_at)
    return CodeNotActivated()


def _redeem_in_one_statement(*, specialist: User, value: str) -> Activation:
    """The activation on PostgreSQL, its hot path (ADR 0203): the claim, the ledger entry,
    the cabinet's new version and the queued notice as one statement of data-modifying
    CTEs, then the audit line on the hash chain (ADR 0024) in the same transaction: two
    pipelined round trips in all (`change_with_audit`, ADR 0610). Its text is the same
    every time, so the connection prepares it and PostgreSQL does not plan it again.

    The claim is `_claim_by_value`'s conditional UPDATE, its WHERE on the code row's own
    columns (race-safe), narrowed to activities that earn credits now
    (`ledger_sql.creditable_activity`). Every claimed row yields one entry, so a claim
    never stands without its credit: a second credit of the event (another code, a
    support decision) breaks a unique constraint and the whole statement writes nothing
    (IntegrityError). The rules the statement applies are the SQL twins of the ledger's
    Python rules (nmo/cycles/sql.py, checked against them on PostgreSQL).
    """
    now = timezone.now()
    qn = connection.ops.quote_name
    codes, activities = qn(ConfirmationCode._meta.db_table), qn(Activity._meta.db_table)
    creditable, creditable_params = ledger_sql.creditable_activity("a")
    specialty, specialty_params = ledger_sql.chosen_specialty(
        specialist_id=specialist.pk, activity="a.id", on="a.ends_on"
    )
    entry_sql, entry_params = ledger_sql.credit_entry_insert(
        specialist=specialist,
        source=CreditSource.CODE,
        reference=value,
        activity="act",
        source_rows="act",
    )
    notice = queued_task_values(send_activation_notice, specialist_id=specialist.pk, code=value)
    queued_sql, queued_params = (
        insert_select(DBTaskResult, notice, computed={}, source="credited")
        if notice is not None
        else ("", [])
    )
    stamp_sql, stamp_params = ledger_sql.cabinet_stamp_insert(
        specialist_id=specialist.pk, source_rows="credited"
    )
    # Table names come from the models, every value is a parameter.
    sql = (
        f"WITH claimed AS (UPDATE {codes} SET activated_by_id = %s, activated_at = %s "  # noqa: S608
        f"WHERE value = %s AND activated_at IS NULL AND activity_id IN "
        f"(SELECT a.id FROM {activities} a WHERE a.kind = %s AND {creditable}) "
        "RETURNING id, activity_id), "
        f"act AS (SELECT claimed.id AS code_id, a.id, a.title, a.kind, a.credits, a.ends_on, "
        f"{specialty} AS specialty_id "
        f"FROM claimed JOIN {activities} a ON a.id = claimed.activity_id), "
        f"credited AS ({entry_sql}), "
        f"stamped AS ({stamp_sql})"
        + (f", queued AS ({queued_sql})" if notice is not None else "")
        + " SELECT act.id, act.title, act.kind, act.credits, credited.id, act.code_id, "
        "credited.hours, credited.source, credited.specialty_id, credited.occurred_on "
        "FROM act, credited"
    )
    params = [
        specialist.pk,
        connection.ops.adapt_datetimefield_value(now),
        value,
        ActivityKind.EVENT,
        *creditable_params,
        *specialty_params,
        *entry_params,
        *stamp_params,
        *queued_params,
    ]

    def describe(row: tuple[Any, ...]) -> dict[str, Any]:
        # One audit line for the claim and the credit it posted (as `_redeem` writes it).
        activity_id, _title, _kind, credits, entry_id, code_id, *posted = row
        hours, source, specialty_id, occurred_on = posted
        return {
            "action": "code.activate",
            "object_type": ConfirmationCode._meta.label_lower,
            "object_id": str(code_id),
            "object_repr": value,
            "changes": {
                "activity": activity_id,
                "credits": int(credits),
                "credit_entry": entry_id,
                "hours": hours,
                "source": source,
                "specialty": specialty_id,
                "occurred_on": occurred_on,
            },
        }

    # The statement and the audit line are one transaction, the line written after the
    # statement because its hash chain (ADR 0024) needs its content in Python.
    # The claim stands: this code is the specialist's, activated at this moment.
    changed = (
        f"SELECT 1 FROM {codes} WHERE value = %s AND activated_by_id = %s "  # noqa: S608
        "AND activated_at = %s",
        [value, specialist.pk, params[1]],
    )
    row = change_with_audit(sql, params, changed=changed, actor=specialist, describe=describe)
    if row is None:
        raise _not_claimed(specialist=specialist, value=value)
    activity_id, title, kind, credits, entry_id = row[:5]
    if notice is None:  # not the database queue: hand it the task after commit
        enqueue_after_commit(send_activation_notice, specialist_id=specialist.pk, code=value)
    return Activation(
        code=value,
        activity_id=activity_id,
        activity_title=title,
        activity_kind=kind,
        credits=int(credits),
        activated_at=now,
        credit_entry_id=entry_id,
    )


@transaction.atomic
def _redeem(*, specialist: User, value: str) -> Activation:
    now = timezone.now()
    # An IntegrityError here (another code of this event is already theirs) aborts this
    # transaction; activate_code turns it into CodeNotActivated once it has rolled back.
    activity = _claim_by_value(value=value, specialist=specialist, at=now)
    if activity is None:
        raise _not_claimed(specialist=specialist, value=value)
    code_id = activity.claimed_code_id  # type: ignore[attr-defined]
    try:
        entry = post_credit(
            specialist=specialist,
            activity=activity,
            source="code",
            occurred_on=activity.ends_on,
            reference=value,
            audit=False,  # recorded below, in the activation's own audit line
        )
    except (AlreadyCredited, ActivityNotInCatalogue) as exc:
        # Raising rolls the claim back: the code stays unused for its rightful holder.
        raise CodeNotActivated() from exc
    credits = int(activity.credits or 0)
    # One audit line for the claim and the credit it posted: post_credit's own
    # `credit.post` line would repeat it.
    record_audit(
        actor=specialist,
        action="code.activate",
        object_type=ConfirmationCode._meta.label_lower,
        object_id=str(code_id),
        object_repr=value,
        changes={
            "activity": activity.pk,
            "credits": credits,
            "credit_entry": entry.pk,
            "hours": entry.hours,
            "source": entry.source,
            "specialty": entry.specialty_id,
            "occurred_on": entry.occurred_on,
        },
    )
    enqueue_after_commit(send_activation_notice, specialist_id=specialist.pk, code=value)
    return Activation(
        code=value,
        activity_id=activity.pk,
        activity_title=activity.title,
        activity_kind=activity.kind,
        credits=credits,
        activated_at=now,
        credit_entry_id=entry.pk,
    )


def activate_code(*, specialist: User, typed_code: str, ip: str | None) -> Activation:
    """Redeem a confirmation code for the specialist, exactly once (faq-ikp-activation).

    The code is read regardless of case, spaces and symbols, "O" meaning zero
    (faq-ikp-normalize). Failures are throttled per specialist and per address before
    anything else is done (`_admit`, ADR 0014); when the counters must be read and their
    store does not answer, nothing is done and ServiceUnavailable is raised (503, ADR
    0021) — a failure that cannot be counted is answered so too, once marked. The code
    is claimed with one conditional UPDATE; the credit goes to the ledger in the same
    transaction and the e-mail notice leaves after commit (faq-email-notice). A code
    this specialist activated before gets CodeAlreadyYours; every other failure —
    unknown, malformed, activated by someone else, of an activity that is not
    accredited, or of an event already credited to the specialist — gets the one
    CodeNotActivated (faq-ikp-error), counts as a failure,
    and credits nothing. A specialist whose account shows no failure within the window
    is admitted without reading the counters (ADR 0612).
    """
    require_role(specialist, Role.SPECIALIST)
    own, address = _counters(specialist, ip)
    if _no_failures_to_count(specialist, timezone.now()):
        standing = Standing(counts={}, left={})  # what the counters hold: nothing
    else:
        standing = _admit(own, address)
    value = normalise_code(typed_code)
    try:
        if value is None:
            raise CodeNotActivated()
        try:
            redeem = _redeem_in_one_statement if connection.vendor == "postgresql" else _redeem
            activation = redeem(specialist=specialist, value=value)
        except IntegrityError as exc:  # the specialist holds another code of the event
            raise CodeNotActivated() from exc
    except CodeNotActivated:
        # Marked before it is counted: from here on every node reads the counters for
        # this specialist; the time is taken just before the count (ADR 0612).
        mark_failed_activation(specialist)
        register_failure(scope=THROTTLE_SCOPE, counters=[own, address])
        raise
    # Success clears the specialist's count, never the address's (ADR 0014), and only
    # when there is one: a round trip saved on the usual path.
    # The credit is committed by now: a store that stops answering at this point must not
    # turn it into a 503 (the count then simply expires with its window).
    if standing.count(own):
        try:
            reset_throttle(scope=THROTTLE_SCOPE, idents=[own.ident])
        except ServiceUnavailable:
            logger.warning("activation credited; its failure count could not be cleared")
    return activation
