"""The ledger's rules as SQL, for the one statement of a code activation on PostgreSQL
(ADR 0203). Each function here is the SQL twin of what the rest of the app does in
Python, and tests hold them together:

- `creditable_activity(alias)`: `rules.credit_refusal(...) is None` plus "has a
  specialty" (faq-only-listed, faq-foreign) — compared case by case on PostgreSQL
  (tests/test_sql_twins.py);
- `chosen_specialty(...)`: `rules.choose_specialty(...)` — likewise;
- `credit_entry_insert(...)`: the row `post_credit` inserts — the activation tests run
  on both databases and check the entry (codes/tests/test_activate_code.py);
- `cabinet_stamp_insert(...)`: `cache.invalidate_cabinet` (tests/test_cabinet_stamp.py).
"""

from typing import Any

from django.db import connection

from nmo.accounts.models import User
from nmo.catalog.models import Activity, ActivityStatus, CreditPolicy, Specialty
from nmo.core.sql import insert_select
from nmo.cycles import rules
from nmo.cycles.cache import new_version, stamp_upsert
from nmo.cycles.models import CreditEntry, CreditKind, Cycle


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def creditable_activity(alias: str) -> tuple[str, list[Any]]:
    """A condition on the activity row `alias`: it earns credits now. Accredited with
    credits above zero (faq-only-listed), held at home or abroad while the credit policy
    allows it (faq-foreign), with at least one specialty to book the credits under."""
    links = _table(Activity.specialties.through)
    sql = (
        f"{alias}.status = %s AND {alias}.credits > 0 "  # noqa: S608 - model names
        f"AND (upper(coalesce(nullif({alias}.country, ''), %s)) = %s "
        f"OR EXISTS (SELECT 1 FROM {_table(CreditPolicy)} p "
        f"WHERE p.id = 1 AND p.foreign_credits_allowed)) "
        f"AND EXISTS (SELECT 1 FROM {links} x WHERE x.activity_id = {alias}.id)"
    )
    return sql, [ActivityStatus.ACCREDITED, rules.HOME_COUNTRY, rules.HOME_COUNTRY]


def chosen_specialty(*, specialist_id: int, activity: str, on: str) -> tuple[str, list[Any]]:
    """A scalar subquery: the specialty an entry of the activity (SQL expression
    `activity`, its id) dated `on` (SQL expression) is booked under for the specialist,
    as `rules.choose_specialty` chooses it: a specialty of a cycle that includes the date,
    else one the specialist has any cycle in, else the first; ties by name in code-point
    order (`COLLATE "C"`, as Python sorts), then by id. PostgreSQL."""
    links, specialties = _table(Activity.specialties.through), _table(Specialty)
    sql = (
        f"(SELECT x.specialty_id FROM {links} x "  # noqa: S608 - model names
        f"JOIN {specialties} s ON s.id = x.specialty_id "
        f"LEFT JOIN {_table(Cycle)} c ON c.specialty_id = x.specialty_id "
        f"AND c.specialist_id = %s "
        f"WHERE x.activity_id = {activity} GROUP BY x.specialty_id, s.name "
        f"ORDER BY coalesce(bool_or(c.starts_on <= {on} AND {on} <= c.ends_on), false) DESC, "
        f'count(c.id) > 0 DESC, s.name COLLATE "C", x.specialty_id LIMIT 1)'
    )
    return sql, [specialist_id]


def credit_entry_insert(
    *, specialist: User, source: str, reference: str, activity: str, source_rows: str
) -> tuple[str, list[Any]]:
    """`INSERT … SELECT … FROM source_rows RETURNING *` of the entry `post_credit` writes
    for an event (one per row of `source_rows`). `activity` names the source's columns of
    the activity: `<activity>.id`, `.credits`, `.ends_on` and `.specialty_id` (from
    `chosen_specialty`). A second entry of the activity breaks the unique constraint
    `credit_once_per_activity`: the statement fails and writes nothing."""
    return insert_select(
        CreditEntry,
        {
            "specialist_id": specialist.pk,
            "source": source,
            "kind": CreditKind.EVENT,
            "reference": reference[: rules.REFERENCE_MAX],
        },
        computed={
            "activity_id": f"{activity}.id",
            "specialty_id": f"{activity}.specialty_id",
            "hours": f"{activity}.credits",
            "occurred_on": f"{activity}.ends_on",
        },
        source=source_rows,
        returning="*",
    )


def cabinet_stamp_insert(*, specialist_id: int, source_rows: str) -> tuple[str, list[Any]]:
    """The specialist's cabinet gets a new version (`cache.invalidate_cabinet`) once per
    row of `source_rows`: none when the change did not happen."""
    return stamp_upsert(source=source_rows), [specialist_id, new_version()]
