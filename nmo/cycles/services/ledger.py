"""The credit ledger: posting a credit exactly once per activity, the credit notice, an
administrator's reversal (faq-credits-when, faq-keep-proof; ADR 0202)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from nmo.accounts.models import User
from nmo.accounts.selectors import is_admin
from nmo.catalog.models import Activity, ActivityKind, ActivityStatus, Specialty
from nmo.catalog.selectors import get_credit_policy
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.links import absolute_url
from nmo.core.russian import number_with, plural
from nmo.core.services import record_audit, send_email_after_commit
from nmo.cycles import rules
from nmo.cycles.cache import invalidate_cabinet
from nmo.cycles.exceptions import (
    ActivityNotInCatalogue,
    AlreadyCredited,
    EntryAlreadyReversed,
    EntryFromOtherPortal,
    EntryNotReversible,
    ReversalInvalid,
)
from nmo.cycles.models import (
    CreditEntry,
    CreditKind,
    CreditSource,
    Cycle,
)
from nmo.cycles.selectors import source_portal_named

REASON_MAX = 2000
REFERENCE_MAX = rules.REFERENCE_MAX
HOURS_MAX = 32767  # the ledger column is a SMALLINT

ACTIVITY_SOURCES = (CreditSource.CODE, CreditSource.MODULE, CreditSource.SUPPORT)


def _foreign_allowed() -> bool:
    """faq-foreign: the catalogue's credit policy (a data row an administrator switches),
    read at call time."""
    return get_credit_policy().foreign_credits_allowed


def credit_refusal(activity: Activity) -> str | None:
    # The policy only matters for an activity held abroad: read it only then.
    abroad = (activity.country or rules.HOME_COUNTRY).upper() != rules.HOME_COUNTRY
    return rules.credit_refusal(
        is_accredited=activity.status == ActivityStatus.ACCREDITED,
        credits=activity.credits,
        country=activity.country,
        foreign_allowed=abroad and _foreign_allowed(),
    )


def _specialty_for(specialist: User, activity: Activity, occurred_on: date) -> int:
    """The specialty an entry is booked under (rules.choose_specialty): the activity's
    specialty of a cycle that includes the date, else one the specialist has any cycle in,
    else the activity's first specialty by name.

    One query: the activity's specialties, each joined (LEFT) to the specialist's cycles
    in it. Written as SQL because it runs in every activation, the hot path, where the
    ORM's compilation of the filtered join cost more than the query (ADR 0203)."""
    qn = connection.ops.quote_name
    links = Activity.specialties.through._meta
    sql = (
        f"SELECT s.id, s.name, c.starts_on, c.ends_on "  # noqa: S608 - names from models
        f"FROM {qn(links.db_table)} x "
        f"JOIN {qn(Specialty._meta.db_table)} s ON s.id = x.specialty_id "
        f"LEFT JOIN {qn(Cycle._meta.db_table)} c "
        f"ON c.specialty_id = s.id AND c.specialist_id = %s "
        f"WHERE x.activity_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [specialist.pk, activity.pk])
        rows = cursor.fetchall()
    specialties: dict[int, str] = {}
    cycles: list[tuple[int, date, date]] = []
    for sid, name, starts_on, ends_on in rows:
        specialties[sid] = name
        if starts_on is not None and ends_on is not None:
            cycles.append((sid, starts_on, ends_on))
    chosen = rules.choose_specialty(
        activity_specialties=list(specialties.items()), cycles=cycles, on=occurred_on
    )
    if chosen is None:
        raise ActivityNotInCatalogue("У мероприятия не указаны специальности.")
    return chosen


def _insert_once(entry: CreditEntry) -> bool:
    """Insert an activity's entry unless the specialist already holds that activity
    (constraint `credit_once_per_activity`); True when inserted.

    One `INSERT … ON CONFLICT DO NOTHING RETURNING id` (PostgreSQL, and SQLite from 3.35,
    the two databases the product runs on): a conflicting row, committed or concurrent,
    makes it insert nothing, and the transaction stays usable without a savepoint."""
    meta = CreditEntry._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields]
    qn = connection.ops.quote_name
    # Concrete fields always have a column; the names come from the model, not from input.
    columns = ", ".join(qn(str(f.column)) for f in fields)
    specialist_col = qn(meta.get_field("specialist").column)
    activity_col = qn(meta.get_field("activity").column)
    reverses_col = qn(meta.get_field("reverses").column)
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({specialist_col}, {activity_col}) WHERE {reverses_col} IS NULL "
        f"DO NOTHING RETURNING {qn(str(meta.pk.column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    entry.pk = row[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return True


def post_credit(
    *,
    specialist: User,
    activity: Activity,
    source: str,
    occurred_on: date,
    actor: User | None = None,
    reference: str = "",
    audit: bool = True,
) -> CreditEntry:
    """Add the activity's credits to the specialist's ledger, exactly once
    (faq-ikp-activation, faq-module-auto).

    Only an accredited catalogue activity with credits is credited (faq-only-listed), and
    one held outside Russia only while the credit policy allows it (faq-foreign);
    otherwise `ActivityNotInCatalogue` (code `activity_not_in_catalogue` or
    `foreign_credits_not_counted`). A second credit of the same activity raises
    `AlreadyCredited`. Either exception is raised with nothing written and the caller's
    transaction still usable. The e-mail notice is the caller's (see `send_credit_notice`).

    The entry is audited as `credit.post`; `audit=False` leaves that to a caller that
    records the credit in its own audit line (the code activation does).
    """
    refusal = credit_refusal(activity)
    if refusal == rules.FOREIGN:
        raise ActivityNotInCatalogue(
            "Кредиты за мероприятия и модули зарубежных систем НМО не учитываются.",
            code=rules.FOREIGN,
        )
    credits = activity.credits
    if refusal is not None or credits is None:
        raise ActivityNotInCatalogue()
    if source not in ACTIVITY_SOURCES:
        raise ValueError(f"unknown credit source {source!r}")
    kind = CreditKind.MODULE if activity.kind == ActivityKind.MODULE else CreditKind.EVENT
    entry = CreditEntry(
        specialist=specialist,
        activity=activity,
        specialty_id=_specialty_for(specialist, activity, occurred_on),
        source=source,
        kind=kind,
        hours=credits,
        occurred_on=occurred_on,
        reference=reference[:REFERENCE_MAX],
        created_by=actor,
    )
    # The entry and its audit line commit together; no savepoint: nothing in here is
    # expected to fail, and AlreadyCredited is raised after the block, so a caller that
    # catches it keeps a usable transaction.
    with transaction.atomic(savepoint=False):
        inserted = _insert_once(entry)
        if inserted:
            invalidate_cabinet(entry.specialist_id)
            if audit:
                record_audit(
                    actor=actor or specialist,
                    action="credit.post",
                    target=entry,
                    changes={
                        "activity": activity.pk,
                        "hours": entry.hours,
                        "source": source,
                        "specialty": entry.specialty_id,
                        "occurred_on": occurred_on,
                    },
                )
    if not inserted:
        raise AlreadyCredited()
    return entry


CREDITED = ("начислен", "начислено", "начислено")


def _credits(hours: int) -> str:
    """«1 кредит (1 академический час)», «4 кредита (4 академических часа)»: a credit is an
    academic hour, both agreeing with the number."""
    return f"{number_with(hours, 'кредит')} ({number_with(hours, 'академический час')})"


def send_credit_notice(*, entry: CreditEntry) -> None:
    """E-mail the specialist about credits added or reversed, after commit
    (faq-email-notice), with the cabinet link where the notice PDF stays available
    (faq-keep-proof)."""
    specialist = entry.specialist
    if not specialist.email:
        return
    if entry.activity_id and entry.activity:
        what = f"«{entry.activity.title}»"
    elif entry.programme_title:
        what = f"программу ДПП «{entry.programme_title}» (документ {entry.reference})"
    else:
        what = f"программу ДПП ({entry.reference})"
    cabinet = absolute_url(reverse("cycles:cabinet"))
    notice = absolute_url(reverse("cycles:entry_notice", kwargs={"entry_id": entry.pk}))
    greeting = " ".join(p for p in (specialist.first_name, specialist.middle_name) if p)
    if entry.is_reversal:
        subject = "НМО: исправление начисленных кредитов"
        lines = [
            f"Здравствуйте, {greeting}!",
            "",
            f"Начисление за {what} сторнировано: списано {_credits(abs(entry.hours))}.",
            f"Причина: {entry.reason}",
        ]
    else:
        subject = "НМО: начислены кредиты"
        lines = [
            f"Здравствуйте, {greeting}!",
            "",
            f"Вам {plural(entry.hours, CREDITED)} {_credits(entry.hours)} за {what}.",
            f"Источник: {entry.get_source_display()}. Дата: {entry.occurred_on:%d.%m.%Y}.",
            f"Специальность: {entry.specialty.name}.",
        ]
    lines += [
        f"Номер записи в журнале кредитов: {entry.pk}.",
        "",
        f"Уведомление о начислении (PDF): {notice}",
        f"Личный кабинет: {cabinet}",
        "",
        "Сохраняйте уведомления и свидетельства: они подтверждают ваши кредиты.",
    ]
    send_email_after_commit(to=[specialist.email], subject=subject, body="\n".join(lines))


def _from_other_portal(entry: CreditEntry) -> EntryFromOtherPortal:
    return EntryFromOtherPortal(
        f"Запись № {entry.pk} перенесена с портала учёта кредитов "
        f"{source_portal_named(entry.source_portal)} (там это запись № {entry.source_id}) "
        "и здесь не исправляется: исправьте её на портале учёта кредитов. Исправление "
        "придёт сюда сторнирующей записью при следующей синхронизации."
    )


@transaction.atomic
def reverse_entry(*, actor: User, entry: CreditEntry, reason: str) -> CreditEntry:
    """Correct a ledger entry by a reversing entry with a reason; never an edit.

    Administrators only (403 otherwise). The reversal carries the same specialist,
    activity, specialty, kind and date with negated hours, so it cancels the original in
    whichever cycle counted it. One reversal per entry; a reversal is not reversible.
    A credit synchronised from the credit portal is corrected there (its reversal comes
    through the feed, ADR 0502): `EntryFromOtherPortal`, naming that portal.
    """
    if not is_admin(actor):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise ReversalInvalid(errors={"reason": ["Укажите причину исправления."]})
    if len(reason) > REASON_MAX:
        raise ReversalInvalid(errors={"reason": [f"Не более {REASON_MAX} символов."]})
    # No row lock: the ledger is append-only, and the application's role may not lock
    # its rows (SELECT … FOR UPDATE needs UPDATE, ADR 0023). Two concurrent reversals
    # meet at the unique `reverses` column: the second one fails below.
    original = CreditEntry.objects.filter(pk=entry.pk).first()
    if original is None:
        raise NotFound()
    if original.source == CreditSource.SYNC:
        raise _from_other_portal(original)
    if original.reverses_id is not None:
        raise EntryNotReversible()
    if CreditEntry.objects.filter(reverses=original).exists():
        raise EntryAlreadyReversed()
    reversal = write_reversal(original=original, actor=actor, reason=reason)
    record_audit(
        actor=actor,
        action="credit.reverse",
        target=reversal,
        changes={"reverses": original.pk, "hours": reversal.hours, "reason": reason},
    )
    send_credit_notice(entry=reversal)
    return reversal


def write_reversal(*, original: CreditEntry, actor: User | None, reason: str) -> CreditEntry:
    """Write the entry that cancels `original` — same specialist, activity or programme
    document, specialty, kind and date, negated hours — and drop the cabinet's cache; the
    caller checked who acts and audits. A second reversal of one entry meets the unique
    `reverses` column: `EntryAlreadyReversed`, with the caller's transaction usable. Any
    other integrity error is not that and propagates as it is. A synchronised entry is
    refused (`EntryFromOtherPortal`): it is corrected on the credit portal."""
    if original.source == CreditSource.SYNC:
        raise _from_other_portal(original)
    try:
        with transaction.atomic():
            reversal = CreditEntry.objects.create(
                specialist_id=original.specialist_id,
                activity_id=original.activity_id,
                specialty_id=original.specialty_id,
                source=CreditSource.CORRECTION,
                kind=original.kind,
                hours=-original.hours,
                remote_hours=(
                    -original.remote_hours if original.remote_hours is not None else None
                ),
                occurred_on=original.occurred_on,
                reference=original.reference,
                programme_title=original.programme_title,
                document_key=original.document_key,
                document_id=original.document_id,
                document_url=original.document_url,
                organisation_id=original.organisation_id,
                reverses=original,
                reason=reason,
                created_by=actor,
            )
    except IntegrityError as exc:
        # Only the unique `reverses` column means "reversed already": the savepoint is
        # rolled back, and a competing reversal it met has committed (the violation waits
        # for it), so it is visible now. Anything else (a check constraint) is not that.
        if CreditEntry.objects.filter(reverses_id=original.pk).exists():
            raise EntryAlreadyReversed() from exc
        raise
    invalidate_cabinet(reversal.specialist_id)
    return reversal
