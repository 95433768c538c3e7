"""Programmes and the stages of their final attestation, checked against the
organisation's regulation (npc-2.4–2.6, rgmu-2.4–2.6, npc-3.1, rgmu-3.1, rgmu-3.2)."""

from typing import Any

from django.db import transaction
from django.db.models import Max, ProtectedError, Q

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import Organisation, User
from nmo.catalog.selectors import are_specialties_active
from nmo.core.services import record_audit
from nmo.programmes.exceptions import (
    ProgrammeBreachesRegulation,
    ProgrammeInvalid,
    StageInUse,
    StageInvalid,
)
from nmo.programmes.models import (
    Programme,
    ProgrammeStage,
    SpecialConditionsApplication,
    SpecialConditionsStatus,
)
from nmo.programmes.rules import programme_errors, stage_defaults, stage_errors
from nmo.programmes.selectors import regulation_for, stored_stage_errors
from nmo.programmes.services._common import merge, unit_of
from nmo.programmes.types import ProgrammeData, RegulationInForce, StageData
from nmo.regulations.types import AttestationForm

TITLE_MAX = 500
HOURS_MAX = 10_000
CRITERIA_MAX = 2000
MAX_STAGES = 10
CRITERIA_FIELDS = (
    "criteria_excellent",
    "criteria_good",
    "criteria_satisfactory",
    "criteria_unsatisfactory",
    "criteria_passed",
    "criteria_failed",
)
EXAM_CRITERIA = CRITERIA_FIELDS[:4]
CREDIT_TEST_CRITERIA = CRITERIA_FIELDS[4:]


def _criteria(reg: RegulationInForce, data: ProgrammeData) -> dict[str, str]:
    """The grade criteria as typed; an empty one takes the regulation's wording (rgmu-3.2,
    npc-3.3)."""
    grading = reg.rules.grading
    return {
        field: (getattr(data, field).strip() or getattr(grading, field))
        for field in CRITERIA_FIELDS
    }


def _data_errors(
    organisation: Organisation, data: ProgrammeData, criteria: dict[str, str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    title = " ".join(data.title.split())
    if not title:
        errors["title"] = ["Укажите наименование программы."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"Не более {TITLE_MAX} символов."]
    if not 1 <= data.hours <= HOURS_MAX:
        errors["hours"] = [f"Объём программы — от 1 до {HOURS_MAX} академических часов."]
    if not 1 <= data.attestation_hours <= max(data.hours, 1):
        errors["attestation_hours"] = [
            "Объём итоговой аттестации — от 1 часа и не больше объёма программы."
        ]
    if unit_of(organisation.pk, data.unit_id) is None:
        errors["unit_id"] = ["Выберите подразделение своей организации."]
    if data.specialty_ids and not are_specialties_active(data.specialty_ids):
        errors["specialty_ids"] = ["Выберите действующие специальности из номенклатуры."]
    for field, text in criteria.items():
        if len(text) > CRITERIA_MAX:
            errors[field] = [f"Не более {CRITERIA_MAX} символов."]
    needed = (
        EXAM_CRITERIA if data.attestation_form == AttestationForm.EXAM else CREDIT_TEST_CRITERIA
    )
    for field in needed:
        if not criteria[field]:
            errors.setdefault(field, []).append(
                "Укажите критерий: критерии оценки показываются комиссии при оценивании."
            )
    return errors


def _check(
    organisation: Organisation,
    reg: RegulationInForce,
    data: ProgrammeData,
    stages: list[ProgrammeStage],
) -> dict[str, str]:
    """Check the data against the regulation and the form; return the criteria to store."""
    criteria = _criteria(reg, data)
    breaches = programme_errors(
        reg,
        kind=data.kind,
        attestation_form=data.attestation_form,
        remote_share_percent=data.remote_share_percent,
    )
    stage_problems = stored_stage_errors(reg, data.attestation_form, stages)
    if stage_problems:
        breaches = merge(breaches, {"attestation_form": stage_problems})
    if breaches:
        raise ProgrammeBreachesRegulation(
            errors=merge(breaches, _data_errors(organisation, data, criteria))
        )
    errors = _data_errors(organisation, data, criteria)
    if errors:
        raise ProgrammeInvalid(errors=errors)
    return criteria


def _values(data: ProgrammeData, criteria: dict[str, str]) -> dict[str, Any]:
    return {
        "unit_id": data.unit_id,
        "kind": data.kind.value,
        "title": " ".join(data.title.split()),
        "hours": data.hours,
        "remote_share_percent": data.remote_share_percent,
        "attestation_form": data.attestation_form.value,
        "attestation_hours": data.attestation_hours,
        **criteria,
    }


def _snapshot(programme: Programme) -> dict[str, Any]:
    return {
        "unit_id": programme.unit_id,
        "kind": programme.kind,
        "title": programme.title,
        "hours": programme.hours,
        "remote_share_percent": programme.remote_share_percent,
        "attestation_form": programme.attestation_form,
        "attestation_hours": programme.attestation_hours,
        "specialties": sorted(programme.specialties.values_list("pk", flat=True)),
        **{field: getattr(programme, field) for field in CRITERIA_FIELDS},
    }


@transaction.atomic
def create_programme(*, actor: User, organisation: Organisation, data: ProgrammeData) -> Programme:
    """Create a programme of the organisation. Its kind, attestation form and share of
    remote learning must be allowed by the organisation's regulation (НПЦ: qualification
    upgrade ending with a зачёт — npc-2.5, npc-2.8; РостГМУ: also retraining and the exam —
    rgmu-2.5, rgmu-2.8; npc-2.4, rgmu-2.4), else ProgrammeBreachesRegulation with messages
    naming the clause. Empty grade criteria take the regulation's wording (rgmu-3.2).
    Audited as "programme.create"."""
    require_staff_of(actor, organisation)
    reg = regulation_for(organisation)
    criteria = _check(organisation, reg, data, [])
    programme = Programme.objects.create(
        organisation=organisation, created_by=actor, **_values(data, criteria)
    )
    programme.specialties.set(sorted(set(data.specialty_ids)))
    record_audit(
        actor=actor, action="programme.create", target=programme, changes=_snapshot(programme)
    )
    return programme


@transaction.atomic
def update_programme(*, actor: User, programme: Programme, data: ProgrammeData) -> Programme:
    """Change a programme, with the same checks as `create_programme`; a new form must
    also suit the stages already set (a зачёт is graded зачтено/не зачтено). Audited as
    "programme.update" with the values before and after."""
    require_staff_of(actor, programme.organisation)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    reg = regulation_for(programme.organisation)
    stages = list(programme.stages.order_by("order"))
    criteria = _check(programme.organisation, reg, data, stages)
    before = _snapshot(programme)
    values = _values(data, criteria)
    for field, value in values.items():
        setattr(programme, field, value)
    programme.save(update_fields=[*values, "updated_at"])
    programme.specialties.set(sorted(set(data.specialty_ids)))
    after = _snapshot(programme)
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changed:
        record_audit(actor=actor, action="programme.update", target=programme, changes=changed)
    return programme


def _stage_values(reg: RegulationInForce, programme: Programme, data: StageData) -> dict[str, Any]:
    filled = stage_defaults(reg, data)
    errors = stage_errors(reg, AttestationForm(programme.attestation_form), filled)
    if errors:
        raise StageInvalid(errors=errors)
    return {
        "kind": filled.kind.value,
        "scale": filled.scale.value,
        "duration_minutes": filled.duration_minutes,
        "mode": filled.mode,
        "defence_work": filled.defence_work.value if filled.defence_work else "",
        "pass_threshold_percent": filled.pass_threshold_percent,
        "excellent_from_percent": filled.excellent_from_percent,
        "good_from_percent": filled.good_from_percent,
    }


@transaction.atomic
def add_stage(*, actor: User, programme: Programme, data: StageData) -> ProgrammeStage:
    """Add a stage after the last one. Its kind, the work defended and its scale must be
    allowed by the regulation (npc-2.5, rgmu-2.5, npc-3.1, rgmu-3.1); a testing stage
    without a threshold takes the regulation's recommended 70% (npc-3.5, rgmu-3.6).
    Audited as "programme.add_stage"."""
    require_staff_of(actor, programme.organisation)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    reg = regulation_for(programme.organisation)
    values = _stage_values(reg, programme, data)
    last = programme.stages.aggregate(last=Max("order"))["last"] or 0
    if last >= MAX_STAGES:
        raise StageInvalid(
            errors={"kind": [f"У аттестации не может быть больше {MAX_STAGES} этапов."]}
        )
    stage = ProgrammeStage.objects.create(programme=programme, order=last + 1, **values)
    record_audit(
        actor=actor,
        action="programme.add_stage",
        target=programme,
        changes={"order": stage.order, **values},
    )
    return stage


@transaction.atomic
def update_stage(*, actor: User, stage: ProgrammeStage, data: StageData) -> ProgrammeStage:
    """Change a stage, with the checks of `add_stage`. Audited as "programme.update_stage"."""
    programme = Programme.objects.select_for_update().get(pk=stage.programme_id)
    require_staff_of(actor, programme.organisation)
    stage = ProgrammeStage.objects.get(pk=stage.pk)
    reg = regulation_for(programme.organisation)
    values = _stage_values(reg, programme, data)
    before = {field: getattr(stage, field) for field in values}
    for field, value in values.items():
        setattr(stage, field, value)
    stage.save(update_fields=[*values, "updated_at"])
    record_audit(
        actor=actor,
        action="programme.update_stage",
        target=programme,
        changes={"order": stage.order, "before": before, "after": values},
    )
    return stage


def _note_removed_stage(stage: ProgrammeStage) -> None:
    """Keep the removed stage's name on the open and granted applications for special
    conditions that name it (their link goes with the stage): staff are warned (ADR 0305)."""
    name = f"{stage.order}. {stage.get_kind_display()} ({stage.get_mode_display()})"
    ids = set(
        SpecialConditionsApplication.objects.filter(
            Q(assistant_stages=stage) | Q(extra_time_stages=stage),
            status__in=[SpecialConditionsStatus.FILED, SpecialConditionsStatus.GRANTED],
        ).values_list("pk", flat=True)
    )
    for application in SpecialConditionsApplication.objects.select_for_update().filter(pk__in=ids):
        application.removed_stages = [*application.removed_stages, name]
        application.save(update_fields=["removed_stages", "updated_at"])


@transaction.atomic
def remove_stage(*, actor: User, stage: ProgrammeStage) -> None:
    """Remove a stage and renumber the ones after it; its bank items stay in the bank
    without a stage. A stage with results of an attestation stays (`StageInUse`, 409).
    Audited as "programme.remove_stage"."""
    programme = Programme.objects.select_for_update().get(pk=stage.programme_id)
    require_staff_of(actor, programme.organisation)
    order, kind = stage.order, stage.kind
    _note_removed_stage(stage)
    try:
        ProgrammeStage.objects.filter(pk=stage.pk).delete()
    except ProtectedError as exc:  # the results of an attestation keep their stage
        raise StageInUse() from exc
    # Ascending, so each stage moves into a number that is already free.
    for number, later in enumerate(programme.stages.order_by("order"), start=1):
        if later.order != number:
            later.order = number
            later.save(update_fields=["order", "updated_at"])
    record_audit(
        actor=actor,
        action="programme.remove_stage",
        target=programme,
        changes={"order": order, "kind": kind},
    )
