"""Reads of the credit ledger and cycles: progress, the cabinet, the activity report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, Window
from django.utils import timezone

from nmo.accounts.models import User
from nmo.catalog.models import Activity, Specialty
from nmo.catalog.rules import search_key
from nmo.catalog.selectors import get_credit_policy, list_accredited_activities, list_specialties
from nmo.core import portal
from nmo.core.throttle import STORE_ERRORS
from nmo.cycles import rules
from nmo.cycles.models import CreditEntry, Cycle, CycleRule, PlanItem
from nmo.cycles.types import (
    CreditKind,
    CycleCard,
    CycleProgress,
    PlanLine,
    ProgressFigures,
    RuleTerms,
)

NOTICE_SALT = "nmo.cycles.entry-notice"
# What the credit history shows: loading only these keeps a page of it cheap.
HISTORY_FIELDS = (
    "specialist_id", "activity_id", "specialty_id", "organisation_id", "reverses_id",
    "source", "kind", "hours", "remote_hours", "occurred_on", "reference", "reason",
    "programme_title", "document_url",
    "created_at", "activity__title", "activity__kind", "activity__provider__name",
    "activity__provider__short_name", "specialty__name", "specialty__code",
    "organisation__name", "organisation__short_name",
)  # fmt: skip
SPECIALTY_CHOICES_KEY = "cycles:specialty-choices"
SPECIALTY_CHOICES_SECONDS = 300


def terms_of(rule: CycleRule) -> RuleTerms:
    """A stored cycle rule as plain data for `rules.compute_progress`."""
    return RuleTerms(
        total=rule.total_hours,
        parts={str(k): int(v) for k, v in (rule.parts or {}).items()},
        part_kinds={str(k): tuple(v) for k, v in (rule.part_kinds or {}).items()},
        overflow={str(k): str(v) for k, v in (rule.overflow or {}).items()},
        min_remote_share=Decimal(rule.min_remote_share_of_programme),
        years=rule.years,
    )


def default_rule() -> CycleRule | None:
    """The rule new cycles take (faq-cycle-hours)."""
    return CycleRule.objects.filter(is_default=True).first()


def list_cycles(specialist: User) -> QuerySet[Cycle]:
    """The specialist's cycles, newest first, with specialty and rule."""
    return (
        Cycle.objects.filter(specialist=specialist)
        .select_related("specialty", "rule")
        .order_by("-starts_on", "specialty__name", "id")
    )


def progress_for_cycles(cycles: Sequence[Cycle]) -> dict[int, ProgressFigures]:
    """The progress of each cycle, from ONE aggregate query over the ledger.

    An entry counts in a cycle when it carries the cycle's specialty and its
    `occurred_on` lies within the cycle's dates, both ends included (faq-cycle-hours).
    The ledger rows of the cycles' specialists and specialties are grouped by kind of
    activity, with one conditional SUM per cycle (hours, and remote hours for the
    programme), so the cost does not grow with the number of entries on the Python side.
    Reversals carry negated hours with the same specialty and date, so they cancel where
    the original counted.
    """
    cycles = list(cycles)
    if not cycles:
        return {}
    sums: dict[str, Any] = {}
    for cycle in cycles:
        in_cycle = Q(
            specialist_id=cycle.specialist_id,
            specialty_id=cycle.specialty_id,
            occurred_on__gte=cycle.starts_on,
            occurred_on__lte=cycle.ends_on,
        )
        sums[f"h{cycle.pk}"] = Sum("hours", filter=in_cycle)
        sums[f"r{cycle.pk}"] = Sum("remote_hours", filter=in_cycle)
    rows = (
        CreditEntry.objects.filter(
            specialist_id__in={c.specialist_id for c in cycles},
            specialty_id__in={c.specialty_id for c in cycles},
        )
        .order_by()
        .values("kind")
        .annotate(**sums)
    )
    hours: dict[int, dict[str, int]] = {c.pk: {} for c in cycles}
    remote: dict[int, int] = {c.pk: 0 for c in cycles}
    for row in cast(Iterable[dict[str, Any]], rows):
        for cycle in cycles:
            hours[cycle.pk][row["kind"]] = int(row[f"h{cycle.pk}"] or 0)
            if row["kind"] == CreditKind.PROGRAMME:
                remote[cycle.pk] = int(row[f"r{cycle.pk}"] or 0)
    return {
        cycle.pk: rules.compute_progress(
            terms_of(cycle.rule), hours_by_kind=hours[cycle.pk], remote_hours=remote[cycle.pk]
        )
        for cycle in cycles
    }


def cycle_progress(cycle: Cycle) -> ProgressFigures:
    """One cycle's progress per part: required, earned, counted and excess hours, the
    programme's remote share and whether it meets the rule (faq-cycle-hours)."""
    return progress_for_cycles([cycle])[cycle.pk]


def cycles_with_progress(specialist: User) -> list[CycleProgress]:
    """All the specialist's cycles with their progress: the cycles, then one aggregate
    query for all of them."""
    cycles = list(list_cycles(specialist))
    progress = progress_for_cycles(cycles)
    return [CycleProgress(cycle=c, progress=progress[c.pk]) for c in cycles]


def _credited(specialist_ref: User | int, activity_ref: int | OuterRef) -> QuerySet[CreditEntry]:
    """Entries that credit an activity and have not been reversed."""
    return CreditEntry.objects.filter(
        specialist=specialist_ref,
        activity=activity_ref,
        reverses__isnull=True,
        reversed_by__isnull=True,
    )


def is_activity_credited(*, specialist: User, activity_id: int) -> bool:
    """Whether the ledger holds the activity's credits for the specialist (a plan item is
    done, faq-join-steps)."""
    return _credited(specialist, activity_id).exists()


def credits_for_activity(*, specialist_id: int, activity_id: int) -> int | None:
    """Return the credits the specialist's (not reversing) entry for the activity holds, or None."""
    entry = (
        CreditEntry.objects.filter(
            specialist_id=specialist_id, activity=activity_id, reverses__isnull=True
        )
        .only("hours")
        .first()
    )
    return entry.hours if entry is not None else None


def plan_lines(specialist: User, cycles: Sequence[Cycle]) -> dict[int, list[PlanLine]]:
    """The learning plans of the specialist's cycles, planned vs done, in one query: an
    item is done once the ledger holds a (not reversed) entry for its activity."""
    if not cycles:
        return {}
    items = (
        PlanItem.objects.filter(cycle__in=[c.pk for c in cycles])
        .select_related("activity", "activity__provider")
        .annotate(is_done=Exists(_credited(specialist.pk, OuterRef("activity"))))
        .order_by("activity__starts_on", "activity__title", "id")
    )
    found: dict[int, list[PlanLine]] = {c.pk: [] for c in cycles}
    for item in items:
        found[item.cycle_id].append(PlanLine(item=item, is_done=bool(item.is_done)))  # type: ignore[attr-defined]
    return found


def cabinet_for(specialist: User) -> list[CycleCard]:
    """What the cabinet shows per cycle: progress and learning plan, in two queries
    whatever the number of cycles, entries and plan items."""
    found = cycles_with_progress(specialist)
    plans = plan_lines(specialist, [item.cycle for item in found])
    return [
        CycleCard(cycle=item.cycle, progress=item.progress, plan=tuple(plans[item.cycle.pk]))
        for item in found
    ]


def credit_history(specialist: User) -> QuerySet[CreditEntry]:
    """The specialist's ledger, newest first, with what each line needs to be shown
    (faq-keep-proof)."""
    return (
        CreditEntry.objects.filter(specialist=specialist)
        .select_related("activity", "activity__provider", "specialty", "organisation")
        .only(*HISTORY_FIELDS)
        .annotate(
            is_reversed=Exists(CreditEntry.objects.filter(reverses=OuterRef("pk"))),
        )
        .order_by("-occurred_on", "-id")
    )


def reversal_of(entry: CreditEntry) -> CreditEntry | None:
    """The entry that reverses this one, if any."""
    return CreditEntry.objects.filter(reverses=entry).first()


def entries_in_cycle(cycle: Cycle) -> QuerySet[CreditEntry]:
    """The ledger lines that count in the cycle: its specialty, within its dates."""
    return (
        CreditEntry.objects.filter(
            specialist_id=cycle.specialist_id,
            specialty_id=cycle.specialty_id,
            occurred_on__gte=cycle.starts_on,
            occurred_on__lte=cycle.ends_on,
        )
        .select_related("activity", "activity__provider", "organisation")
        .order_by("occurred_on", "id")
    )


def list_specialty_choices() -> list[tuple[str, str]]:
    """(code, name) of the active nomenclature, for the cycle form. Cached for a few
    minutes: the nomenclature changes by order, rarely, and every cabinet shows it."""

    def load() -> list[tuple[str, str]]:
        return list(list_specialties().values_list("code", "name"))

    try:
        choices = cache.get_or_set(SPECIALTY_CHOICES_KEY, load, SPECIALTY_CHOICES_SECONDS)
    except STORE_ERRORS:  # the cache is down: the database answers (ADR 0021)
        choices = load()
    return cast(list[tuple[str, str]], choices)


@dataclass(frozen=True)
class HistoryPage:
    """One page of the credit history and the figures to page through it."""

    entries: Sequence[CreditEntry]
    number: int
    per_page: int
    total: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def credit_history_page(specialist: User, *, number: int, per_page: int) -> HistoryPage:
    """One page of the specialist's ledger, newest first, with the total count in the same
    query (a window count); a page past the end shows the last one (faq-keep-proof)."""
    qs = credit_history(specialist).annotate(total_count=Window(Count("id")))
    number = max(1, number)
    rows = list(qs[(number - 1) * per_page : number * per_page])
    if not rows and number > 1:
        total = credit_history(specialist).count()
        number = max(1, -(-total // per_page))
        rows = list(qs[(number - 1) * per_page : number * per_page])
    total = rows[0].total_count if rows else 0  # type: ignore[attr-defined]
    return HistoryPage(entries=rows, number=number, per_page=per_page, total=total)


def plan_candidates(cycle: Cycle, *, query: str = "") -> QuerySet[Activity]:
    """Catalogue activities the specialist may plan in the cycle (faq-join-steps, step 4):
    accredited for the cycle's specialty, held within its dates, not planned yet, foreign
    ones only while the switch is on; filtered by title (case- and «ё»-insensitive) the
    way the catalogue searches, in the database, so a page costs a count and a slice."""
    qs = (
        list_accredited_activities(
            specialty_id=cycle.specialty_id, starts_on=cycle.starts_on, ends_on=cycle.ends_on
        )
        .exclude(plan_items__cycle=cycle)
        .select_related("provider")
        .order_by("starts_on", "title", "id")
    )
    if not get_credit_policy().foreign_credits_allowed:
        qs = qs.filter(country=rules.HOME_COUNTRY)
    if query.strip():
        qs = qs.filter(title_search__contains=search_key(query))
    return qs


@dataclass(frozen=True)
class ActivityReport:
    """The data of the activity report (faq-report): the specialist, the cycle and its
    progress, every ledger line of the cycle and the learning plan, planned vs done."""

    specialist: User
    cycle: Cycle
    specialty: Specialty
    progress: ProgressFigures
    entries: list[CreditEntry]
    plan: list[PlanLine]
    generated_on: date


def activity_report(cycle: Cycle) -> ActivityReport:
    """Assemble the activity report of a cycle (faq-report)."""
    return ActivityReport(
        specialist=cycle.specialist,
        cycle=cycle,
        specialty=cycle.specialty,
        progress=cycle_progress(cycle),
        entries=list(entries_in_cycle(cycle)),
        plan=plan_lines(cycle.specialist, [cycle])[cycle.pk],
        generated_on=timezone.localdate(),
    )


def notice_token(entry: CreditEntry) -> str:
    """An unguessable token of an entry for its public verification page (the QR on the
    credit notice, faq-keep-proof); entry ids alone are sequential."""
    return signing.dumps(entry.pk, salt=NOTICE_SALT)


def entry_for_notice_token(token: str) -> CreditEntry | None:
    """The entry a verification token was issued for, or None for a forged one."""
    try:
        pk = signing.loads(token, salt=NOTICE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return (
        CreditEntry.objects.select_related("specialist", "activity", "specialty", "organisation")
        .annotate(is_reversed=Exists(CreditEntry.objects.filter(reverses=OuterRef("pk"))))
        .filter(pk=pk)
        .first()
    )


# The credit portal's feed for the link between the two portals (ADR 0501) ------------

#: The entries a cycle portal may take over: credits of catalogue activities (codes,
#: modules, support decisions) and their corrections; never programme hours (the cycle
#: portal's own) nor entries that came here by synchronisation themselves.
FEED_SOURCES = ("code", "module", "support", "correction")


@dataclass(frozen=True)
class FeedPage:
    items: list[CreditEntry]
    remaining: int  # entries after this page
    total: int  # all entries of the feed


def credits_feed(specialist: User, *, after: int, limit: int) -> FeedPage:
    """The specialist's ledger in the order it was written, the entries after id `after`:
    the cursor is the last id handed out, so a new credit (a higher id) comes after it."""
    entries = (
        CreditEntry.objects.filter(
            specialist=specialist, source__in=FEED_SOURCES, activity__isnull=False
        )
        .exclude(kind="programme")
        .order_by("pk")
    )
    page = list(
        entries.filter(pk__gt=after).select_related("activity", "specialty")[: max(limit, 1)]
    )
    last = page[-1].pk if page else after
    return FeedPage(
        items=page,
        remaining=entries.filter(pk__gt=last).count(),
        total=entries.count(),
    )


def source_portal_named(url: str) -> str:
    """The portal a synchronised entry came from, as a specialist knows it: the configured
    name of the other portal (NMO_OTHER_PORTAL_NAME) with its address, else the address."""
    name = str(settings.OTHER_PORTAL_NAME or "").strip()
    if name and url and url.rstrip("/") == portal.other_portal_url():
        return f"«{name}» ({url})"
    return url
