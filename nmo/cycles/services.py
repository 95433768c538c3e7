"""State changes of the credit ledger, five-year cycles, module completions, programme hours
and the learning plan. Every function takes its actor, checks it, writes, audits and
schedules its e-mail after commit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.rules import normalise_email, normalise_snils
from nmo.accounts.selectors import has_role, is_admin, organisations_for
from nmo.catalog.models import Activity, ActivityKind, ActivityStatus, Specialty
from nmo.catalog.selectors import get_credit_policy
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.links import absolute_url
from nmo.core.services import record_audit, send_email_after_commit
from nmo.cycles import rules
from nmo.cycles.cache import invalidate_cabinet
from nmo.cycles.exceptions import (
    ActivityNotInCatalogue,
    AlreadyCredited,
    CycleInvalid,
    CycleOverlaps,
    CycleRuleInvalid,
    EntryAlreadyReversed,
    EntryNotReversible,
    ModuleCompletionInvalid,
    ModuleNotInCatalogue,
    NoDefaultCycleRule,
    PlanItemDone,
    PlanItemInvalid,
    ProgrammeHoursInvalid,
    ProgrammeHoursRecorded,
    ReversalInvalid,
    SpecialistNotFound,
)
from nmo.cycles.models import (
    CreditEntry,
    CreditKind,
    CreditSource,
    Cycle,
    CycleRule,
    ModuleCompletion,
    PlanItem,
)
from nmo.cycles.selectors import default_rule, is_activity_credited
from nmo.cycles.types import CompletionResult, OverflowPolicy, RuleTerms

REASON_MAX = 2000
REFERENCE_MAX = rules.REFERENCE_MAX
HOURS_MAX = 32767  # the ledger column is a SMALLINT

ACTIVITY_SOURCES = (CreditSource.CODE, CreditSource.MODULE, CreditSource.SUPPORT)


def _foreign_allowed() -> bool:
    """faq-foreign: the catalogue's credit policy (a data row an administrator switches),
    read at call time."""
    return get_credit_policy().foreign_credits_allowed


def _refusal(activity: Activity) -> str | None:
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

    One `INSERT … ON CONFLICT DO NOTHING RETURNING id` (PostgreSQL, SQLite ≥ 3.35): a
    conflicting row, committed or concurrent, makes it insert nothing, and the
    transaction stays usable without a savepoint. Elsewhere the insert runs in a
    savepoint and the unique violation is caught."""
    if connection.vendor not in ("postgresql", "sqlite") or not (
        connection.features.can_return_columns_from_insert
    ):
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            return False
        return True
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
    refusal = _refusal(activity)
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


def send_credit_notice(*, entry: CreditEntry) -> None:
    """E-mail the specialist about credits added or reversed, after commit
    (faq-email-notice), with the cabinet link where the notice PDF stays available
    (faq-keep-proof)."""
    specialist = entry.specialist
    if not specialist.email:
        return
    what = (
        f"«{entry.activity.title}»"
        if entry.activity_id and entry.activity
        else f"программа ДПП ({entry.reference})"
    )
    cabinet = absolute_url(reverse("cycles:cabinet"))
    notice = absolute_url(reverse("cycles:entry_notice", kwargs={"entry_id": entry.pk}))
    greeting = " ".join(p for p in (specialist.first_name, specialist.middle_name) if p)
    if entry.is_reversal:
        subject = "НМО: исправление начисленных кредитов"
        lines = [
            f"Здравствуйте, {greeting}!",
            "",
            f"Начисление за {what} сторнировано: {entry.hours} ч (кредитов).",
            f"Причина: {entry.reason}",
        ]
    else:
        subject = "НМО: начислены кредиты"
        lines = [
            f"Здравствуйте, {greeting}!",
            "",
            f"Вам начислено {entry.hours} ч (кредитов) за {what}.",
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


@transaction.atomic
def reverse_entry(*, actor: User, entry: CreditEntry, reason: str) -> CreditEntry:
    """Correct a ledger entry by a reversing entry with a reason; never an edit.

    Administrators only (403 otherwise). The reversal carries the same specialist,
    activity, specialty, kind and date with negated hours, so it cancels the original in
    whichever cycle counted it. One reversal per entry; a reversal is not reversible.
    """
    if not is_admin(actor):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise ReversalInvalid(errors={"reason": ["Укажите причину исправления."]})
    if len(reason) > REASON_MAX:
        raise ReversalInvalid(errors={"reason": [f"Не более {REASON_MAX} символов."]})
    original = CreditEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if original is None:
        raise NotFound()
    if original.reverses_id is not None:
        raise EntryNotReversible()
    if CreditEntry.objects.filter(reverses=original).exists():
        raise EntryAlreadyReversed()
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
                organisation_id=original.organisation_id,
                reverses=original,
                reason=reason,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise EntryAlreadyReversed() from exc
    invalidate_cabinet(reversal.specialist_id)
    record_audit(
        actor=actor,
        action="credit.reverse",
        target=reversal,
        changes={"reverses": original.pk, "hours": reversal.hours, "reason": reason},
    )
    send_credit_notice(entry=reversal)
    return reversal


def _check_one_identifier(*, snils: str | None, email: str | None) -> None:
    given = [name for name, value in (("snils", snils), ("email", email)) if value]
    if len(given) != 1:
        message = "Укажите либо СНИЛС, либо адрес электронной почты специалиста (одно из двух)."
        raise ModuleCompletionInvalid(errors={"snils": [message], "email": [message]})


def _find_specialist(*, snils: str | None, email: str | None) -> User:
    if snils:
        found = User.objects.filter(snils=normalise_snils(snils)).first()
    else:
        found = User.objects.filter(email=normalise_email(email or "")).first()
    if found is None or not found.is_active or not has_role(found, Role.SPECIALIST):
        raise SpecialistNotFound()
    return found


def _provider_may_see(actor: User, activity: Activity) -> bool:
    return organisations_for(actor, Role.PROVIDER).filter(pk=activity.provider_id).exists()


@transaction.atomic
def record_completion(
    *,
    actor: User,
    activity: Activity,
    snils: str | None = None,
    email: str | None = None,
    completed_at: datetime,
) -> CompletionResult:
    """Record a provider's report that a specialist completed an e-module and credit it
    automatically, with no code (faq-module-auto); e-mail the specialist after commit
    (faq-email-notice).

    The actor must be provider staff (403) of the module's provider (404 otherwise). The
    module must be an accredited catalogue e-module (409 `module_not_in_catalogue`, or
    `foreign_credits_not_counted`). The specialist is found by SNILS or e-mail, exactly
    one of them (422), else 404 `specialist_not_found`. `completed_at` is aware, not in
    the future and within the module's catalogue dates (422). Idempotent: one completion
    and one credit per specialist and module; a repeat returns the first ones with
    `created=False`.
    """
    if not has_role(actor, Role.PROVIDER):
        raise PermissionDenied()
    if not _provider_may_see(actor, activity):
        raise NotFound()
    _check_one_identifier(snils=snils, email=email)
    refusal = _refusal(activity)
    if activity.kind != ActivityKind.MODULE or refusal == rules.NOT_ACCREDITED:
        raise ModuleNotInCatalogue()
    if refusal == rules.FOREIGN:
        raise ModuleNotInCatalogue(
            "Кредиты за модули зарубежных систем НМО не учитываются.", code=rules.FOREIGN
        )
    specialist = _find_specialist(snils=snils, email=email)
    if timezone.is_naive(completed_at):
        raise ModuleCompletionInvalid(
            errors={"completed_at": ["Укажите дату и время со смещением часового пояса."]}
        )
    completed_on = timezone.localdate(completed_at)
    if completed_on > timezone.localdate():
        raise ModuleCompletionInvalid(
            errors={"completed_at": ["Дата освоения модуля не может быть в будущем."]}
        )
    if not activity.starts_on <= completed_on <= activity.ends_on:
        raise ModuleCompletionInvalid(
            errors={
                "completed_at": [
                    f"Модуль размещён в каталоге с {activity.starts_on:%d.%m.%Y} "
                    f"по {activity.ends_on:%d.%m.%Y}; дата освоения вне этого срока."
                ]
            }
        )
    existing = _completion_of(activity, specialist)
    if existing is not None:
        return CompletionResult(completion=existing, entry=existing.credit_entry, created=False)
    new_credit = True
    try:
        entry = post_credit(
            specialist=specialist,
            activity=activity,
            source=CreditSource.MODULE,
            occurred_on=completed_on,
            actor=actor,
            reference=f"модуль освоен {completed_at.isoformat()}",
        )
    except AlreadyCredited:
        existing = _completion_of(activity, specialist)
        if existing is not None:  # a concurrent identical report won the race
            return CompletionResult(completion=existing, entry=existing.credit_entry, created=False)
        # Credited before by another path (a provider's support decision): link to it.
        new_credit = False
        entry = CreditEntry.objects.get(
            specialist=specialist, activity=activity, reverses__isnull=True
        )
    try:
        with transaction.atomic():
            completion = ModuleCompletion.objects.create(
                activity=activity,
                specialist=specialist,
                completed_at=completed_at,
                reported_by=actor,
                credit_entry=entry,
            )
    except IntegrityError:
        existing = _completion_of(activity, specialist)
        if existing is None:
            raise
        return CompletionResult(completion=existing, entry=existing.credit_entry, created=False)
    record_audit(
        actor=actor,
        action="module.complete",
        target=completion,
        changes={"activity": activity.pk, "specialist": specialist.pk, "entry": entry.pk},
    )
    if new_credit:
        send_credit_notice(entry=entry)
    return CompletionResult(completion=completion, entry=entry, created=True)


def _completion_of(activity: Activity, specialist: User) -> ModuleCompletion | None:
    return (
        ModuleCompletion.objects.select_related("credit_entry")
        .filter(activity=activity, specialist=specialist)
        .first()
    )


def _staff_organisation(actor: User, organisation: Organisation | None) -> Organisation:
    """The educational organisation the actor records for: the given one if the actor is
    its staff (403 otherwise), else the actor's only one."""
    mine = list(organisations_for(actor, Role.ORGANISATION_STAFF))
    if organisation is not None:
        if organisation.pk not in {o.pk for o in mine}:
            raise PermissionDenied()
        return organisation
    if len(mine) != 1:
        raise ProgrammeHoursInvalid(
            errors={"organisation": ["Укажите образовательную организацию."]}
        )
    return mine[0]


@transaction.atomic
def record_programme_hours(
    *,
    actor: User,
    specialist: User,
    specialty: Specialty,
    hours: int,
    remote_hours: int,
    completed_on: date,
    reference: str,
    organisation: Organisation | None = None,
) -> CreditEntry:
    """Record the hours of a ДПП completed at an educational organisation, with those
    delivered by distance technologies, in the ledger (faq-cycle-hours: the 108 h part and
    its ≥50% remote share).

    Organisation staff only (403). `reference` (the qualification document's number or
    the contract) identifies the programme: the same reference twice is refused (409
    `programme_already_recorded`). Hours are whole academic hours; 0 ≤ remote ≤ hours.
    """
    if not has_role(actor, Role.ORGANISATION_STAFF):
        raise PermissionDenied()
    org = _staff_organisation(actor, organisation)
    reference = (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if not isinstance(hours, int) or isinstance(hours, bool) or not 0 < hours <= HOURS_MAX:
        errors["hours"] = ["Часы программы — целое число больше нуля."]
    if (
        not isinstance(remote_hours, int)
        or isinstance(remote_hours, bool)
        or remote_hours < 0
        or (isinstance(hours, int) and remote_hours > hours)
    ):
        errors["remote_hours"] = ["Часы с ДОТ — целое число от нуля до часов программы."]
    if completed_on > timezone.localdate():
        errors["completed_on"] = ["Дата окончания обучения не может быть в будущем."]
    if not reference:
        errors["reference"] = ["Укажите основание: номер документа о квалификации или договора."]
    elif len(reference) > REFERENCE_MAX:
        errors["reference"] = [f"Не более {REFERENCE_MAX} символов."]
    if errors:
        raise ProgrammeHoursInvalid(errors=errors)
    try:
        with transaction.atomic():
            entry = CreditEntry.objects.create(
                specialist=specialist,
                activity=None,
                specialty=specialty,
                source=CreditSource.PROGRAMME,
                kind=CreditKind.PROGRAMME,
                hours=hours,
                remote_hours=remote_hours,
                occurred_on=completed_on,
                reference=reference,
                organisation=org,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ProgrammeHoursRecorded() from exc
    invalidate_cabinet(entry.specialist_id)
    record_audit(
        actor=actor,
        action="credit.programme",
        target=entry,
        changes={
            "specialist": specialist.pk,
            "specialty": specialty.pk,
            "hours": hours,
            "remote_hours": remote_hours,
            "reference": reference,
            "organisation": org.pk,
        },
    )
    send_credit_notice(entry=entry)
    return entry


@transaction.atomic
def enter_cycle(*, specialist: User, specialty_code: str, starts_on: date) -> Cycle:
    """Let a specialist opt in to a five-year cycle in a specialty (faq-voluntary,
    faq-portal-cycles); nothing counts toward a cycle the specialist has not entered.

    Specialists only (403). The cycle takes the default rule at entry and ends the day
    before the same date `rule.years` later. The specialty must be an active entry of the
    nomenclature and the cycle must not have ended (422 `cycle_invalid`); it may not share
    a day with another cycle of the specialist in that specialty (409 `cycle_overlaps`).
    """
    if not has_role(specialist, Role.SPECIALIST):
        raise PermissionDenied()
    code = (specialty_code or "").strip()
    specialty = Specialty.objects.filter(code=code, is_active=True).first()
    if specialty is None:
        raise CycleInvalid(errors={"specialty": ["Выберите специальность из номенклатуры."]})
    rule = default_rule()
    if rule is None:
        raise NoDefaultCycleRule()
    ends_on = rules.cycle_end(starts_on, rule.years)
    if ends_on < timezone.localdate():
        raise CycleInvalid(
            errors={
                "starts_on": [
                    f"Цикл с этой датой начала закончился {ends_on:%d.%m.%Y}; "
                    "укажите дату начала текущего цикла."
                ]
            }
        )
    # Serialise a specialist's entries so two concurrent requests cannot both pass the
    # overlap check.
    User.objects.select_for_update().filter(pk=specialist.pk).first()
    overlapping = Cycle.objects.filter(
        specialist=specialist,
        specialty=specialty,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    ).first()
    if overlapping is not None:
        raise CycleOverlaps(
            f"По специальности «{specialty.name}» у вас уже есть цикл "
            f"{overlapping.starts_on:%d.%m.%Y}–{overlapping.ends_on:%d.%m.%Y}."
        )
    try:
        with transaction.atomic():
            cycle = Cycle.objects.create(
                specialist=specialist,
                specialty=specialty,
                rule=rule,
                starts_on=starts_on,
                ends_on=ends_on,
            )
    except IntegrityError as exc:
        raise CycleOverlaps() from exc
    invalidate_cabinet(specialist.pk)
    record_audit(
        actor=specialist,
        action="cycle.enter",
        target=cycle,
        changes={
            "specialty": specialty.code,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "rule": rule.pk,
        },
    )
    return cycle


@transaction.atomic
def add_plan_item(*, specialist: User, cycle: Cycle, activity: Activity) -> PlanItem:
    """Plan a catalogue event or module within the specialist's cycle (faq-join-steps,
    steps 3–4). Someone else's cycle is not found (404). The activity must be in the
    catalogue (accredited; foreign only with the switch on), accredited for the cycle's
    specialty and held within the cycle's dates (409 `plan_item_invalid` with a reason
    code)."""
    if cycle.specialist_id != specialist.pk:
        raise NotFound()
    refusal = _refusal(activity)
    if refusal is not None:
        raise PlanItemInvalid(
            "В план добавляются только мероприятия и модули из каталога НМО.", code=refusal
        )
    if not activity.specialties.filter(pk=cycle.specialty_id).exists():
        raise PlanItemInvalid(
            f"Это мероприятие не аккредитовано по специальности «{cycle.specialty.name}».",
            code="activity_other_specialty",
        )
    if not rules.periods_overlap(
        activity.starts_on, activity.ends_on, cycle.starts_on, cycle.ends_on
    ):
        raise PlanItemInvalid("Мероприятие проходит вне дат цикла.", code="activity_outside_cycle")
    try:
        with transaction.atomic():
            item = PlanItem.objects.create(cycle=cycle, activity=activity)
    except IntegrityError as exc:
        raise PlanItemInvalid("Это мероприятие уже есть в плане.", code="already_planned") from exc
    invalidate_cabinet(specialist.pk)
    record_audit(
        actor=specialist,
        action="plan.add",
        target=item,
        changes={"cycle": cycle.pk, "activity": activity.pk},
    )
    return item


@transaction.atomic
def remove_plan_item(*, specialist: User, item: PlanItem) -> None:
    """Remove a planned item that is not yet done from the specialist's plan; someone
    else's item is not found (404); a done item stays (409 `plan_item_done`)."""
    current = (
        PlanItem.objects.select_for_update()
        .select_related("cycle")
        .filter(pk=item.pk, cycle__specialist=specialist)
        .first()
    )
    if current is None:
        raise NotFound()
    if is_activity_credited(specialist=specialist, activity_id=current.activity_id):
        raise PlanItemDone()
    invalidate_cabinet(specialist.pk)
    record_audit(
        actor=specialist,
        action="plan.remove",
        target=current,
        changes={"cycle": current.cycle_id, "activity": current.activity_id},
    )
    current.delete()


@transaction.atomic
def add_cycle_rule(
    *,
    actor: User,
    name: str,
    total_hours: int,
    parts: dict[str, int],
    part_kinds: dict[str, list[str]],
    overflow: dict[str, str] | None = None,
    min_remote_share_of_programme: Decimal | str | float = Decimal(0),
    years: int = 5,
    make_default: bool = False,
) -> CycleRule:
    """Add a cycle rule as data (faq-cycle-hours); administrators only. Cycles keep the
    rule they were entered under; with `make_default` new cycles take this one."""
    if not is_admin(actor):
        raise PermissionDenied()
    try:
        share = Decimal(str(min_remote_share_of_programme))
    except InvalidOperation as exc:
        raise CycleRuleInvalid(
            errors={"min_remote_share_of_programme": ["Доля — число от 0 до 1."]}
        ) from exc
    terms = RuleTerms(
        total=total_hours,
        parts=dict(parts),
        part_kinds={k: tuple(v) for k, v in part_kinds.items()},
        overflow=dict(overflow or {}),
        min_remote_share=share,
        years=years,
    )
    problems = rules.rule_problems(terms)
    name = (name or "").strip()
    if not name:
        problems.setdefault("name", []).append("Укажите наименование правила.")
    elif CycleRule.objects.filter(name=name).exists():
        problems.setdefault("name", []).append("Правило с таким наименованием уже есть.")
    if problems:
        raise CycleRuleInvalid(errors=problems)
    if make_default:
        CycleRule.objects.filter(is_default=True).update(is_default=False)
    rule = CycleRule.objects.create(
        name=name,
        total_hours=total_hours,
        parts=dict(parts),
        part_kinds={k: list(v) for k, v in part_kinds.items()},
        overflow={n: (overflow or {}).get(n, OverflowPolicy.NONE) for n in parts},
        min_remote_share_of_programme=share,
        years=years,
        is_default=make_default,
    )
    record_audit(
        actor=actor,
        action="cycle_rule.add",
        target=rule,
        changes={
            "total": total_hours,
            "parts": parts,
            "part_kinds": part_kinds,
            "overflow": rule.overflow,
            "min_remote_share": share,
            "years": years,
            "default": make_default,
        },
    )
    return rule


@transaction.atomic
def set_default_rule(*, actor: User, rule: CycleRule) -> CycleRule:
    """Make a rule the one new cycles take; administrators only. Existing cycles keep
    theirs."""
    if not is_admin(actor):
        raise PermissionDenied()
    CycleRule.objects.filter(is_default=True).exclude(pk=rule.pk).update(is_default=False)
    CycleRule.objects.filter(pk=rule.pk).update(is_default=True)
    rule.refresh_from_db()
    record_audit(actor=actor, action="cycle_rule.default", target=rule)
    return rule
