"""What a programme's qualification document states beyond its title and hours: the
qualification awarded, the field of professional activity and the disciplines (modules)
with their hours, the rows of a retraining diploma's supplement (issue 12)."""

from django.db import transaction

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import User
from nmo.core.services import record_audit
from nmo.programmes.exceptions import ProgrammeInvalid
from nmo.programmes.models import Programme, ProgrammeDiscipline
from nmo.programmes.rules import curriculum_errors
from nmo.programmes.types import CurriculumData


def _state(programme: Programme) -> dict[str, object]:
    return {
        "qualification_title": programme.qualification_title,
        "practice_field": programme.practice_field,
        "disciplines": [
            f"{row.title} — {row.hours}" for row in programme.disciplines.order_by("order")
        ],
    }


@transaction.atomic
def set_curriculum(*, actor: User, programme: Programme, data: CurriculumData) -> Programme:
    """Set the qualification awarded, the field of professional activity and the list of
    disciplines (modules) with hours that the programme's diploma and its supplement print
    (rgmu-2.8). The disciplines' hours may not add up to more than the programme's
    (ProgrammeInvalid, Russian messages by field). Organisation staff only. Audited as
    "programme.set_curriculum" with the values before and after."""
    require_staff_of(actor, programme.organisation)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    data = CurriculumData(
        qualification_title=" ".join(data.qualification_title.split()),
        practice_field=" ".join(data.practice_field.split()),
        disciplines=data.disciplines,
    )
    errors = curriculum_errors(data, programme_hours=programme.hours)
    if errors:
        raise ProgrammeInvalid(errors=errors)
    before = _state(programme)
    programme.qualification_title = data.qualification_title
    programme.practice_field = data.practice_field
    programme.save(update_fields=["qualification_title", "practice_field", "updated_at"])
    programme.disciplines.all().delete()
    ProgrammeDiscipline.objects.bulk_create(
        ProgrammeDiscipline(programme=programme, order=order, title=row.title, hours=row.hours)
        for order, row in enumerate(data.disciplines, start=1)
    )
    after = _state(programme)
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changed:
        record_audit(
            actor=actor, action="programme.set_curriculum", target=programme, changes=changed
        )
    return programme
