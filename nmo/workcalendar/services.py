"""State changes of the work calendar: seeding from `holidays` and administrators' edits.

Every change bumps the calendar's cache version twice: at once, so that the rest of the
same transaction reads the edit instead of the cached calendar, and again on commit, so
that a calendar another server loaded from the old rows while the transaction was open
cannot outlive the commit. (A calendar read inside a transaction is never stored in the
cache, see `selectors.get_work_calendar`, so a rolled-back edit cannot be cached either.)
"""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from nmo.accounts.models import User
from nmo.accounts.selectors import is_admin
from nmo.core.exceptions import PermissionDenied, ValidationFailed
from nmo.core.services import record_audit
from nmo.workcalendar.cache import bump_version
from nmo.workcalendar.models import CalendarDay, DaySource
from nmo.workcalendar.rules import mark_errors
from nmo.workcalendar.seed_data import seed_days
from nmo.workcalendar.types import DayKind, SeedDay

SEED_FIRST_YEAR = 2015
SEED_YEARS_AHEAD = 2


@transaction.atomic
def seed_calendar(*, first_year: int = SEED_FIRST_YEAR, last_year: int | None = None) -> int:
    """Load the Russian work calendar from the `holidays` package, idempotently.

    Covers first_year..last_year (by default 2015 to two years after the current one):
    public holidays, days off moved by decree or by the Labour Code, and working
    Saturdays/Sundays. A day an administrator edited (`source=admin`) is never touched;
    a seeded day the package no longer lists is removed. Return how many rows were
    created, updated or removed (0 on a repeated run).
    """
    if last_year is None:
        last_year = timezone.localdate().year + SEED_YEARS_AHEAD
    if first_year > last_year:
        raise ValidationFailed(
            errors={"first_year": ["Первый год не может быть позже последнего."]}
        )
    plan = seed_days(first_year, last_year)
    existing = {
        row.date: row
        for row in CalendarDay.objects.select_for_update().filter(
            date__range=(date(first_year, 1, 1), date(last_year, 12, 31))
        )
    }
    to_create: list[CalendarDay] = []
    updated = 0
    for day, seed in sorted(plan.items()):
        row = existing.get(day)
        if row is None:
            to_create.append(CalendarDay(date=day, source=DaySource.SEEDED, **_seed_values(seed)))
        elif row.source == DaySource.SEEDED and _content(row) != _seed_values(seed):
            for field, value in _seed_values(seed).items():
                setattr(row, field, value)
            row.save(update_fields=[*_seed_values(seed), "updated_at"])
            updated += 1
    # A concurrent administrator's edit of a new date wins over the seed.
    created = len(CalendarDay.objects.bulk_create(to_create, ignore_conflicts=True))
    stale = [
        row.pk
        for day, row in existing.items()
        if row.source == DaySource.SEEDED and day not in plan
    ]
    removed = CalendarDay.objects.filter(pk__in=stale).delete()[0] if stale else 0
    changed = created + updated + removed
    if changed:
        record_audit(
            actor=None,
            action="calendar.seed",
            object_type=CalendarDay._meta.label_lower,
            object_repr=f"Производственный календарь {first_year}–{last_year}",
            changes={"created": created, "updated": updated, "removed": removed},
        )
        _invalidate_cache()
    return changed


@transaction.atomic
def mark_day(
    *,
    actor: User,
    day: date,
    is_working: bool,
    kind: str,
    name: str = "",
    decree: str,
) -> CalendarDay:
    """Set a date of the calendar as an administrator, citing the decree it follows.

    Only an administrator may do it (PermissionDenied otherwise). The kind must agree with
    the working flag and the decree reference is required (ValidationFailed with Russian
    messages by field). The row becomes `source=admin`, so reseeding keeps it; the edit is
    audited as "calendar.mark_day" and deadlines see it at once.
    """
    if not is_admin(actor):
        raise PermissionDenied()
    errors = mark_errors(day=day, is_working=is_working, kind=kind, name=name, decree=decree)
    if errors:
        raise ValidationFailed(errors=errors)
    values: dict[str, Any] = {
        "is_working": is_working,
        "kind": DayKind(kind),
        "name": name.strip(),
        "decree": decree.strip(),
        "source": DaySource.ADMIN,
    }
    row, before = _lock_or_create(day, values)
    if before is not None:
        for field, value in values.items():
            setattr(row, field, value)
        row.save(update_fields=[*values, "updated_at"])
    record_audit(
        actor=actor,
        action="calendar.mark_day",
        target=row,
        changes={"date": day.isoformat(), "before": before, "after": _values(row)},
    )
    _invalidate_cache()
    return row


@transaction.atomic
def reset_day(*, actor: User, day: date) -> CalendarDay | None:
    """Return a date to the state the `holidays` package gives it, as an administrator.

    A date the package lists gets its seeded values back (`source=seeded`); any other
    date returns to the plain weekday rule and its row is removed. Return the row, or
    None when the date now follows the plain rule. Audited as "calendar.reset_day".
    """
    if not is_admin(actor):
        raise PermissionDenied()
    seed = seed_days(day.year, day.year).get(day)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = _values(row) if row is not None else None
    if seed is None:
        if row is None:
            return None
        record_audit(
            actor=actor,
            action="calendar.reset_day",
            target=row,
            changes={"date": day.isoformat(), "before": before, "after": None},
        )
        row.delete()
        _invalidate_cache()
        return None
    values = {**_seed_values(seed), "source": DaySource.SEEDED}
    row, before_create = _lock_or_create(day, values)
    if before_create is not None:
        for field, value in values.items():
            setattr(row, field, value)
        row.save(update_fields=[*values, "updated_at"])
    record_audit(
        actor=actor,
        action="calendar.reset_day",
        target=row,
        changes={"date": day.isoformat(), "before": before, "after": _values(row)},
    )
    _invalidate_cache()
    return row


def _lock_or_create(day: date, values: dict[str, Any]) -> tuple[CalendarDay, dict[str, Any] | None]:
    """Return the date's row locked for update with its values before the change, or a
    row created with `values` and None."""
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        try:
            with transaction.atomic():
                return CalendarDay.objects.create(date=day, **values), None
        except IntegrityError:  # created concurrently (by a seed run): edit that row
            row = CalendarDay.objects.select_for_update().get(date=day)
    return row, _values(row)


def _seed_values(seed: SeedDay) -> dict[str, Any]:
    return {
        "is_working": seed.is_working,
        "kind": seed.kind,
        "name": seed.name,
        "decree": seed.decree,
    }


def _content(row: CalendarDay) -> dict[str, Any]:
    return {
        "is_working": row.is_working,
        "kind": str(row.kind),
        "name": row.name,
        "decree": row.decree,
    }


def _values(row: CalendarDay) -> dict[str, Any]:
    return {**_content(row), "source": str(row.source)}


def _invalidate_cache() -> None:
    bump_version()
    transaction.on_commit(bump_version)
