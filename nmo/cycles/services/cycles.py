"""Five-year cycles and the rules they follow: entering a cycle, adding a cycle rule,
making it the default (faq-portal-cycles; ADR 0202)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from nmo.accounts.models import Role, User
from nmo.accounts.selectors import has_role, is_admin, lock_user
from nmo.catalog.selectors import get_active_specialty
from nmo.core.exceptions import PermissionDenied
from nmo.core.services import record_audit
from nmo.cycles import rules
from nmo.cycles.cache import invalidate_cabinet
from nmo.cycles.exceptions import (
    CycleInvalid,
    CycleOverlaps,
    CycleRuleInvalid,
    NoDefaultCycleRule,
)
from nmo.cycles.models import (
    Cycle,
    CycleRule,
)
from nmo.cycles.selectors import default_rule
from nmo.cycles.types import OverflowPolicy, RuleTerms


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
    specialty = get_active_specialty(code)
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
    lock_user(specialist.pk)
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
