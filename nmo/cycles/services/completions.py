"""What a provider or an organisation reports: a completed e-module, the hours of a ДПП
(faq-module-auto, faq-portal-cycles)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.rules import snils_error
from nmo.accounts.selectors import has_role, organisations_for, user_for_email, user_for_snils
from nmo.catalog.models import Activity, ActivityKind, Specialty
from nmo.catalog.selectors import list_specialties
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.services import record_audit
from nmo.cycles import rules
from nmo.cycles.cache import invalidate_cabinet
from nmo.cycles.exceptions import (
    AlreadyCredited,
    EntryAlreadyReversed,
    ModuleCompletionInvalid,
    ModuleNotInCatalogue,
    ProgrammeHoursInvalid,
    ProgrammeHoursRecorded,
    SpecialistNotFound,
)
from nmo.cycles.models import (
    CreditEntry,
    CreditKind,
    CreditSource,
    Cycle,
    ModuleCompletion,
)
from nmo.cycles.services.ledger import (
    HOURS_MAX,
    REASON_MAX,
    REFERENCE_MAX,
    credit_refusal,
    post_credit,
    send_credit_notice,
    write_reversal,
)
from nmo.cycles.types import CompletionResult, ProgrammeReport


def _check_one_identifier(*, snils: str | None, email: str | None) -> None:
    given = [name for name, value in (("snils", snils), ("email", email)) if value]
    if len(given) != 1:
        message = "Укажите либо СНИЛС, либо адрес электронной почты специалиста (одно из двух)."
        raise ModuleCompletionInvalid(errors={"snils": [message], "email": [message]})


def _find_specialist(*, snils: str | None, email: str | None) -> User:
    found = user_for_snils(snils) if snils else user_for_email(email or "")
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
    refusal = credit_refusal(activity)
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
    programme_title: str = "",
) -> CreditEntry:
    """Record the hours of a ДПП completed at an educational organisation, with those
    delivered by distance technologies, in the ledger (faq-cycle-hours: the 108 h part and
    its ≥50% remote share).

    Organisation staff only (403). `reference` (the qualification document's number or
    the contract) identifies the programme: the same reference twice, or the same
    document number written differently (`rules.document_key`: spaces, dashes, «серия»,
    «№» do not count), also when the document's issue on this portal booked it first, is
    refused (409 `programme_already_recorded`). Hours are whole academic hours;
    0 ≤ remote ≤ hours.
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
    key = rules.document_key(reference)
    if not reference:
        errors["reference"] = ["Укажите основание: номер документа о квалификации или договора."]
    elif len(reference) > REFERENCE_MAX:
        errors["reference"] = [f"Не более {REFERENCE_MAX} символов."]
    elif not key:
        errors["reference"] = ["В номере документа нет ни цифр, ни букв."]
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
                programme_title=(programme_title or "").strip()[:500],
                document_key=key,
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
def report_programme_completion(
    *,
    actor: User,
    snils: str,
    specialty: Specialty,
    hours: int,
    remote_hours: int,
    completed_on: date,
    document_number: str,
    programme_title: str = "",
) -> ProgrammeReport:
    """Record a ДПП an organisation's own system reports (`POST /programme-completions` of
    api.md, faq-cycle-hours, faq-portal-cycles): the specialist is found by SNILS (a bad
    checksum is 422, nobody with it 404 `specialist_not_found`), the hours go into the
    ledger as `record_programme_hours` writes them, once per document number. A repeat of
    the same document number for the specialist returns the entry recorded first
    (`created` False), so a system may safely send a report again. Organisation staff
    only (403)."""
    if not has_role(actor, Role.ORGANISATION_STAFF):
        raise PermissionDenied()
    problem = snils_error(snils)
    if problem:
        raise ProgrammeHoursInvalid(errors={"snils": [problem]})
    specialist = user_for_snils(snils)
    if specialist is None or not specialist.is_active:
        raise SpecialistNotFound()
    org = _staff_organisation(actor, None)
    reference = (document_number or "").strip()
    entry = _programme_entry(specialist, org, reference) if reference else None
    created = entry is None
    if entry is None:
        try:
            entry = record_programme_hours(
                actor=actor,
                specialist=specialist,
                specialty=specialty,
                hours=hours,
                remote_hours=remote_hours,
                completed_on=completed_on,
                reference=reference,
                organisation=org,
                programme_title=programme_title,
            )
        except ProgrammeHoursRecorded:
            # A concurrent report or issue of the same document won the unique constraint.
            entry = _programme_entry(specialist, org, reference)
            if entry is None:
                raise
            created = False
    cycle = (
        Cycle.objects.filter(
            specialist=specialist,
            specialty_id=entry.specialty_id,
            starts_on__lte=entry.occurred_on,
            ends_on__gte=entry.occurred_on,
        )
        .order_by("starts_on")
        .first()
    )
    return ProgrammeReport(entry=entry, cycle_id=cycle.pk if cycle else None, created=created)


def _live_programme_entries(specialist: User) -> QuerySet[CreditEntry]:
    """The specialist's programme entries not written to reverse another."""
    return CreditEntry.objects.filter(
        specialist=specialist, kind=CreditKind.PROGRAMME, reverses__isnull=True
    )


def _programme_entry(
    specialist: User, organisation: Organisation, reference: str
) -> CreditEntry | None:
    """The live entry of the document: by its key within the organisation, else (entries
    written before keys existed) by the exact reference."""
    live = _live_programme_entries(specialist)
    key = rules.document_key(reference)
    by_key = live.filter(organisation=organisation, document_key=key).first() if key else None
    return by_key or live.filter(reference=reference).first()


def _programme_specialty(specialist: User, specialty_ids: Sequence[int], on: date) -> int | None:
    """The programme's specialty the hours go to (ADR 0118, rules.choose_specialty): the
    one of the learner's cycle that covers the date, else one the learner has any cycle
    in, else the first by name (when the learner enters a cycle in it later, the hours
    appear there: a cycle counts the entries of its dates)."""
    named = list(
        list_specialties(include_inactive=True)
        .filter(pk__in=specialty_ids)
        .values_list("pk", "name")
    )
    cycles = list(
        Cycle.objects.filter(specialist=specialist, specialty_id__in=specialty_ids).values_list(
            "specialty_id", "starts_on", "ends_on"
        )
    )
    return rules.choose_specialty(activity_specialties=named, cycles=cycles, on=on)


def _document_entry(
    *, specialist: User, organisation: Organisation, key: str, document_id: int
) -> CreditEntry | None:
    """The live (not reversing) entry of a qualification document: booked by its issue
    here (its id) or reported by the organisation's system (its number's key)."""
    live = _live_programme_entries(specialist)
    return (
        live.filter(document_id=document_id).first()
        or live.filter(organisation=organisation, document_key=key).first()
    )


@transaction.atomic
def book_document_hours(
    *,
    actor: User,
    specialist: User,
    organisation: Organisation,
    specialty_ids: Sequence[int],
    programme_title: str,
    hours: int,
    remote_share_percent: int,
    completed_on: date,
    document_number: str,
    document_id: int,
    document_url: str,
) -> CreditEntry | None:
    """Book the hours of a programme whose qualification document (удостоверение о ПК,
    диплом о ПП) was issued, in the learner's ledger (faq-cycle-hours, faq-portal-cycles;
    ADR 0118). Called by the documents app inside the issuing transaction, after its own
    check that the actor is staff of the organisation.

    The entry carries the programme's hours and, from its share of distance learning,
    its remote hours (`rules.programme_remote_hours`, rounded down), is dated
    `completed_on` (the date of the first document of a replacement chain), goes to the
    specialty of `_programme_specialty`, and keeps the document's number, key, id and
    check page. Once per document: a document already booked — by this call before, or
    by the organisation's API report of the same number (`rules.document_key`) — returns
    that entry, whatever happened concurrently (unique constraints
    `credit_once_per_issued_document`, `credit_programme_once_per_document`). None when
    there is nothing to book: a programme without specialties, or hours the ledger
    cannot hold."""
    key = rules.document_key(document_number)
    if not key or not specialty_ids or not 0 < hours <= HOURS_MAX:
        return None
    existing = _document_entry(
        specialist=specialist, organisation=organisation, key=key, document_id=document_id
    )
    if existing is not None:
        return existing
    specialty_id = _programme_specialty(specialist, specialty_ids, completed_on)
    if specialty_id is None:
        return None
    remote_hours = rules.programme_remote_hours(hours, remote_share_percent)
    try:
        with transaction.atomic():
            entry = CreditEntry.objects.create(
                specialist=specialist,
                activity=None,
                specialty_id=specialty_id,
                source=CreditSource.PROGRAMME,
                kind=CreditKind.PROGRAMME,
                hours=hours,
                remote_hours=remote_hours,
                occurred_on=completed_on,
                reference=document_number.strip()[:REFERENCE_MAX],
                programme_title=programme_title.strip()[:500],
                document_key=key,
                document_id=document_id,
                document_url=document_url,
                organisation=organisation,
                created_by=actor,
            )
    except IntegrityError:
        # A concurrent API report (or a retried issue) booked the document first.
        existing = _document_entry(
            specialist=specialist, organisation=organisation, key=key, document_id=document_id
        )
        if existing is None:
            raise
        return existing
    invalidate_cabinet(entry.specialist_id)
    record_audit(
        actor=actor,
        action="credit.programme",
        target=entry,
        changes={
            "specialist": specialist.pk,
            "specialty": specialty_id,
            "hours": hours,
            "remote_hours": remote_hours,
            "reference": entry.reference,
            "document": document_id,
            "organisation": organisation.pk,
            "occurred_on": completed_on,
        },
    )
    send_credit_notice(entry=entry)
    return entry


@transaction.atomic
def reverse_document_hours(
    *,
    actor: User,
    specialist: User,
    organisation: Organisation,
    document_number: str,
    document_id: int,
    reason: str,
) -> CreditEntry | None:
    """Reverse the hours a qualification document brought (ADR 0118): called by the
    documents app when the document is revoked — also before its duplicate or exchange
    is issued, which books the hours again on the new document, so they are never
    counted twice. The reversing entry carries `reason`. Idempotent: a document whose
    hours are already reversed returns that reversal; one that brought none, None."""
    key = rules.document_key(document_number)
    original = _document_entry(
        specialist=specialist, organisation=organisation, key=key, document_id=document_id
    )
    if original is None:
        return None
    done = CreditEntry.objects.filter(reverses=original).first()
    if done is not None:
        return done
    text = (reason.strip() or "Документ аннулирован.")[:REASON_MAX]
    try:
        reversal = write_reversal(original=original, actor=actor, reason=text)
    except EntryAlreadyReversed:
        return CreditEntry.objects.filter(reverses=original).first()
    record_audit(
        actor=actor,
        action="credit.programme_reverse",
        target=reversal,
        changes={"reverses": original.pk, "hours": reversal.hours, "document": document_id},
    )
    send_credit_notice(entry=reversal)
    return reversal
