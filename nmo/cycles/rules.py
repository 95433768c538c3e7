"""Pure rules of cycles and credits: no ORM, no I/O. Every number comes from the cycle
rule passed in (faq-cycle-hours), never from a constant here."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from nmo.cycles.types import CreditKind, OverflowPolicy, PartProgress, ProgressFigures, RuleTerms

# faq-foreign: credits count for activities held in the Russian Federation only, unless
# the catalogue's credit policy allows credits for activities abroad.
HOME_COUNTRY = "RU"

REFERENCE_MAX = 100
"""Length of a ledger entry's reference (a code, a programme's document number)."""

KIND_ORDER: tuple[str, ...] = tuple(CreditKind.values)
"""The kinds of activity in the order a rule's parts are shown (`CreditKind`'s order)."""

# Reasons an activity carries no credits (codes of ActivityNotInCatalogue).
NOT_ACCREDITED = "activity_not_in_catalogue"
FOREIGN = "foreign_credits_not_counted"


def cycle_end(starts_on: date, years: int) -> date:
    """The last day of a cycle of `years` starting on `starts_on`, inclusive: the day
    before the same date `years` later (1 March 2025 → 28 February 2030). A cycle that
    starts on 29 February ends on 28 February, as its anniversary falls on 1 March."""
    try:
        anniversary = starts_on.replace(year=starts_on.year + years)
    except ValueError:  # 29 February in a year that has none
        anniversary = date(starts_on.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def periods_overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """Whether two inclusive date ranges share at least one day."""
    return a_start <= b_end and b_start <= a_end


def credit_refusal(
    *, is_accredited: bool, credits: int | None, country: str, foreign_allowed: bool
) -> str | None:
    """Why an activity carries no credits, or None when it does (faq-only-listed,
    faq-foreign): only accredited catalogue activities with credits count, and a foreign
    one only while the foreign-credit switch is on."""
    if not is_accredited or not credits or credits <= 0:
        return NOT_ACCREDITED
    if (country or HOME_COUNTRY).upper() != HOME_COUNTRY and not foreign_allowed:
        return FOREIGN
    return None


def choose_specialty(
    *,
    activity_specialties: Sequence[tuple[int, str]],
    cycles: Sequence[tuple[int, date, date]],
    on: date,
) -> int | None:
    """The specialty an entry is booked under (ADR 0202).

    `activity_specialties` are the activity's (id, name); `cycles` the specialist's
    (specialty id, starts_on, ends_on). First the activity's specialty of a cycle that
    includes the date; else the first of the activity's specialties (by name) in which the
    specialist has any cycle; else the activity's first specialty by name. Ties go to the
    specialty first by name, so the choice is deterministic.
    """
    ordered = [sid for sid, _ in sorted(activity_specialties, key=lambda s: (s[1], s[0]))]
    if not ordered:
        return None
    covering = {sid for sid, start, end in cycles if start <= on <= end}
    for sid in ordered:
        if sid in covering:
            return sid
    any_cycle = {sid for sid, _, _ in cycles}
    for sid in ordered:
        if sid in any_cycle:
            return sid
    return ordered[0]


_NUMBER_WORDS = re.compile(r"серия|номер|№", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[\W_]+")


def document_key(number: str) -> str:
    """The key a qualification document's number is matched by (ADR 0118): the same
    document booked by its issue on this portal and reported by the organisation's own
    system through the API is one entry. Series and number as printed, with the words
    «серия», «№» and every space, dash or other sign dropped, upper case, «Ё» as «Е»:
    "серия ПК-7724-2026 № 000015", "ПК 7724 2026 000015" and "пк7724-2026/000015" are one
    key. Empty when nothing of a number is left."""
    text = _NUMBER_WORDS.sub("", number or "")
    return _NOT_ALNUM.sub("", text).upper().replace("Ё", "Е")


def programme_remote_hours(hours: int, remote_share_percent: int) -> int:
    """The hours of a programme delivered by distance technologies, from its share in
    percent (ADR 0118): rounded down to a whole academic hour, so the ledger never holds
    more remote hours than the programme delivered (the ≥ 50 % condition of
    faq-cycle-hours is never met by rounding)."""
    percent = max(0, min(100, remote_share_percent))
    return hours * percent // 100


def ordered_part_names(terms: RuleTerms) -> list[str]:
    """The rule's parts in display order: by the first kind each one counts (programme,
    events, modules), then by name."""

    def position(name: str) -> tuple[int, str]:
        kinds = terms.part_kinds.get(name, ())
        first = min(
            (KIND_ORDER.index(k) for k in kinds if k in KIND_ORDER), default=len(KIND_ORDER)
        )
        return first, name

    return sorted(terms.parts, key=position)


def part_label(terms: RuleTerms, name: str) -> str:
    kinds = terms.part_kinds.get(name, ())
    labels = [CreditKind(k).label for k in kinds if k in KIND_ORDER]
    return ", ".join(labels) if labels else name


def rule_problems(terms: RuleTerms) -> dict[str, list[str]]:
    """What is wrong with a cycle rule, per field, in Russian; empty when it is sound."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if terms.total <= 0:
        add("total_hours", "Общий объём должен быть больше нуля.")
    if not terms.parts:
        add("parts", "Укажите хотя бы одну часть цикла.")
    for name, hours in terms.parts.items():
        if not isinstance(hours, int) or isinstance(hours, bool) or hours < 0:
            add("parts", f"Часть «{name}»: часы — целое неотрицательное число.")
    if set(terms.part_kinds) != set(terms.parts):
        add("part_kinds", "Для каждой части укажите, что в неё засчитывается, и только для них.")
    seen: dict[str, str] = {}
    for name, kinds in terms.part_kinds.items():
        if not kinds:
            add("part_kinds", f"Часть «{name}»: укажите хотя бы один вид активности.")
        for kind in kinds:
            if kind not in KIND_ORDER:
                add("part_kinds", f"Часть «{name}»: неизвестный вид активности «{kind}».")
            elif kind in seen:
                add("part_kinds", f"Вид «{kind}» засчитывается и в «{seen[kind]}», и в «{name}».")
            else:
                seen[kind] = name
    for name, policy in terms.overflow.items():
        if name not in terms.parts:
            add("overflow", f"Нет части «{name}».")
        elif policy not in OverflowPolicy.values:
            add("overflow", f"Часть «{name}»: неизвестное правило «{policy}».")
    valid_hours = all(
        isinstance(h, int) and not isinstance(h, bool) and h >= 0 for h in terms.parts.values()
    )
    if valid_hours and terms.total > 0:
        parts_sum = sum(terms.parts.values())
        spills = any(terms.overflow.get(n) == OverflowPolicy.INTO_TOTAL for n in terms.parts)
        if parts_sum > terms.total:
            add("total_hours", "Сумма частей больше общего объёма.")
        elif parts_sum < terms.total and not spills:
            add(
                "total_hours",
                "Сумма частей меньше общего объёма, а часы сверх частей никуда не засчитываются.",
            )
    if not Decimal(0) <= terms.min_remote_share <= Decimal(1):
        add("min_remote_share_of_programme", "Доля — число от 0 до 1.")
    if terms.years <= 0:
        add("years", "Длительность цикла — целое число лет больше нуля.")
    return problems


def compute_progress(
    terms: RuleTerms,
    *,
    hours_by_kind: Mapping[str, int],
    remote_hours: int = 0,
) -> ProgressFigures:
    """A cycle's progress from the ledger's sums per kind of activity (faq-cycle-hours).

    Each part counts what its kinds earned up to its requirement; the rest is its excess,
    which counts toward the total only when the rule says `into_total` for that part. The
    programme's remote share is the remote hours over the programme hours; the condition
    holds when it is at least the rule's minimum (and trivially when the minimum is zero
    or no part counts the programme).
    """
    parts: list[PartProgress] = []
    total = 0
    for name in ordered_part_names(terms):
        required = terms.parts[name]
        earned = sum(hours_by_kind.get(kind, 0) for kind in terms.part_kinds.get(name, ()))
        counted = max(0, min(earned, required))
        excess = max(0, earned - required)
        spills = terms.overflow.get(name, OverflowPolicy.NONE) == OverflowPolicy.INTO_TOTAL
        total += counted + (excess if spills else 0)
        parts.append(
            PartProgress(
                name=name,
                label=part_label(terms, name),
                required=required,
                earned=earned,
                counted=counted,
                excess=excess,
                excess_counts_in_total=spills,
            )
        )
    programme_hours = max(0, hours_by_kind.get(CreditKind.PROGRAMME, 0))
    remote = max(0, min(remote_hours, programme_hours))
    applies = terms.min_remote_share > 0 and any(
        CreditKind.PROGRAMME in kinds for kinds in terms.part_kinds.values()
    )
    share = Decimal(remote) / Decimal(programme_hours) if programme_hours else None
    if not applies:
        met = True
    else:
        # remote / programme >= minimum, compared without rounding.
        met = programme_hours > 0 and Decimal(remote) >= terms.min_remote_share * programme_hours
    return ProgressFigures(
        total_required=terms.total,
        total_earned=total,
        parts=tuple(parts),
        programme_hours=programme_hours,
        remote_hours=remote,
        remote_share=share,
        min_remote_share=terms.min_remote_share,
        remote_share_applies=applies,
        remote_share_met=met,
    )
