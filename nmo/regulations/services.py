"""State changes of regulations: installing the presets, applying one to an organisation,
amending a regulation by a new version."""

import copy
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from nmo.accounts.models import Organisation, OrganisationKind, User
from nmo.accounts.selectors import get_organisation
from nmo.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from nmo.core.services import record_audit
from nmo.regulations.access import (
    can_amend_regulation,
    can_manage_organisation,
    can_view_regulation,
)
from nmo.regulations.exceptions import RegulationInactive
from nmo.regulations.models import Regulation, RegulationVersion
from nmo.regulations.presets import PRESETS, get_preset
from nmo.regulations.schema import RegulationRules
from nmo.regulations.selectors import latest_version, preset_template, rules_diff

REASON_MAX = 2000


@transaction.atomic
def install_presets() -> int:
    """Create the template of each preset that is not installed yet, with version 1 holding
    the shipped rules. Idempotent: a template that exists is left alone, amendments by the
    administrators included. Return how many templates were created."""
    created = 0
    for code, preset in PRESETS.items():
        if preset_template(code) is not None:
            continue
        try:
            with transaction.atomic():
                template = Regulation.objects.create(
                    organisation=None, title=preset.title, preset_code=code.value
                )
        except IntegrityError:  # installed concurrently
            continue
        RegulationVersion.objects.create(
            regulation=template,
            number=1,
            rules=preset.rules.to_dict(),
            reason="Образец из комплекта поставки, по тексту положения организации",
        )
        record_audit(
            actor=None,
            action="regulation.install_preset",
            target=template,
            changes={"preset_code": code.value, "version": 1},
        )
        created += 1
    return created


@transaction.atomic
def apply_preset(*, actor: User, organisation: Organisation, preset_code: str) -> Regulation:
    """Make the organisation work under a preset: create its regulation with version 1
    holding the preset's rules in force (the template's latest version once installed).

    Only an administrator or the organisation's staff may do it (PermissionDenied). An
    unknown preset or an organisation that is not educational is refused
    (ValidationFailed). The regulation the organisation worked under before stops being
    active; attestations pinned to its versions keep them. Audited as
    "regulation.apply_preset".
    """
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied()
    preset = get_preset(preset_code)
    if preset is None:
        known = ", ".join(code.value for code in PRESETS)
        raise ValidationFailed(
            errors={"preset_code": [f"Неизвестный пресет «{preset_code}». Допустимо: {known}."]}
        )
    organisation = get_organisation(organisation.pk, lock=True)
    if organisation.kind != OrganisationKind.EDUCATIONAL:
        raise ValidationFailed(
            errors={
                "organisation": [
                    "Положение об итоговой аттестации выбирает только образовательная организация."
                ]
            }
        )
    template = preset_template(preset.code)
    source_version = latest_version(template) if template is not None else None
    rules = (
        RegulationRules.from_dict(source_version.rules)
        if source_version is not None
        else preset.rules
    )
    previous = list(
        Regulation.objects.select_for_update().filter(organisation=organisation, is_active=True)
    )
    for old in previous:
        old.is_active = False
        old.save(update_fields=["is_active", "updated_at"])
    try:
        with transaction.atomic():
            regulation = Regulation.objects.create(
                organisation=organisation,
                title=f"Положение об итоговой аттестации — {organisation}",
                preset_code=preset.code.value,
            )
    except IntegrityError as exc:  # another regulation became active concurrently
        raise Conflict("Положение организации только что изменено. Повторите действие.") from exc
    template_note = f" (версия {source_version.number} шаблона)" if source_version else ""
    RegulationVersion.objects.create(
        regulation=regulation,
        number=1,
        rules=rules.to_dict(),
        created_by=actor,
        reason=f"Применён пресет «{preset.title}»{template_note}.",
    )
    record_audit(
        actor=actor,
        action="regulation.apply_preset",
        target=regulation,
        changes={
            "organisation": organisation.pk,
            "preset_code": preset.code.value,
            "template_version": source_version.number if source_version else None,
            "replaced": [old.pk for old in previous],
        },
    )
    return regulation


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Apply changes given as nested dicts and/or "dotted.path" keys to a rule tree."""
    result = copy.deepcopy(base)
    for key, value in changes.items():
        parts = str(key).split(".")
        target = result
        for part in parts[:-1]:
            child = target.get(part)
            if not isinstance(child, dict):
                child = {}
                target[part] = child
            target = child
        last = parts[-1]
        current = target.get(last)
        if isinstance(value, Mapping) and isinstance(current, dict):
            target[last] = _merge(current, value)
        else:
            target[last] = copy.deepcopy(value)
    return result


@transaction.atomic
def amend_regulation(
    *, actor: User, regulation: Regulation, changes: Mapping[str, Any], reason: str
) -> RegulationVersion:
    """Amend a regulation: write a new version with the changed rules; older versions are
    never touched, so whatever was decided under them stays as it was.

    `changes` holds the new values as nested dicts ({"retake": {"application_working_days":
    7}}) or dotted paths ({"retake.application_working_days": 7}). The result is checked by
    `RegulationRules.from_dict` (ValidationFailed by dotted path); a reason (the order that
    approved the change) is required; a change that changes nothing is refused. Who may:
    administrators any regulation, the organisation's staff their own (PermissionDenied
    for a preset template, NotFound for what they may not see). Audited as
    "regulation.amend" with the diff.
    """
    if not can_view_regulation(actor, regulation):
        raise NotFound()
    if not can_amend_regulation(actor, regulation):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            errors={"reason": ["Укажите основание изменения, например реквизиты приказа."]}
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(errors={"reason": [f"Не более {REASON_MAX} символов."]})
    if not isinstance(changes, Mapping) or not changes:
        raise ValidationFailed(errors={"changes": ["Укажите, какие правила изменить."]})
    regulation = Regulation.objects.select_for_update().get(pk=regulation.pk)
    if not regulation.is_active:
        raise RegulationInactive()
    previous = latest_version(regulation)
    current = RegulationRules.from_dict(previous.rules).to_dict()
    amended = RegulationRules.from_dict(_merge(current, changes)).to_dict()
    diff = rules_diff(current, amended)
    if not diff:
        raise ValidationFailed(
            errors={"changes": ["Изменений нет: значения совпадают с действующей версией."]},
            code="regulation_unchanged",
        )
    version = RegulationVersion.objects.create(
        regulation=regulation,
        number=previous.number + 1,
        rules=amended,
        created_by=actor,
        reason=reason,
    )
    regulation.updated_at = timezone.now()
    regulation.save(update_fields=["updated_at"])
    record_audit(
        actor=actor,
        action="regulation.amend",
        target=regulation,
        changes={"version": version.number, "reason": reason, "diff": diff},
    )
    return version
