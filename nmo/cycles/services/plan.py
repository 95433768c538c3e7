"""The learning plan of a cycle: adding and removing activities (faq-join-steps)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from nmo.accounts.models import User
from nmo.catalog.models import Activity
from nmo.core.exceptions import NotFound
from nmo.core.services import record_audit
from nmo.cycles import rules
from nmo.cycles.cache import invalidate_cabinet
from nmo.cycles.exceptions import (
    PlanItemDone,
    PlanItemInvalid,
)
from nmo.cycles.models import (
    Cycle,
    PlanItem,
)
from nmo.cycles.selectors import is_activity_credited
from nmo.cycles.services.ledger import (
    credit_refusal,
)


@transaction.atomic
def add_plan_item(*, specialist: User, cycle: Cycle, activity: Activity) -> PlanItem:
    """Plan a catalogue event or module within the specialist's cycle (faq-join-steps,
    steps 3–4). Someone else's cycle is not found (404). The activity must be in the
    catalogue (accredited; foreign only with the switch on), accredited for the cycle's
    specialty and held within the cycle's dates (409 `plan_item_invalid` with a reason
    code)."""
    if cycle.specialist_id != specialist.pk:
        raise NotFound()
    refusal = credit_refusal(activity)
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
