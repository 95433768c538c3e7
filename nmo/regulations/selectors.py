"""Reads of regulations: the version in force, its rules, lists and history."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max, Q, QuerySet

from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.selectors import is_admin, organisations_for
from nmo.regulations import codec
from nmo.regulations.exceptions import RegulationNotFound
from nmo.regulations.models import Regulation, RegulationVersion
from nmo.regulations.presets import PRESETS, get_preset
from nmo.regulations.rules import clause_text
from nmo.regulations.schema import RegulationRules
from nmo.regulations.types import PresetCode


def current_version(organisation: Organisation) -> RegulationVersion:
    """Return the latest version of the organisation's active regulation: the rules an
    attestation scheduled now is held under (pin it on the attestation).

    Raise RegulationNotFound (404) when the organisation has no regulation yet.
    """
    version = (
        RegulationVersion.objects.select_related("regulation")
        .filter(regulation__organisation=organisation, regulation__is_active=True)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise RegulationNotFound(
            f"У организации «{organisation}» нет действующего положения об итоговой "
            "аттестации: выберите пресет на странице «Положения»."
        )
    return version


def rules_of(version: RegulationVersion) -> RegulationRules:
    """Return the rules of a version, as they were when it was written."""
    cached: RegulationRules | None = getattr(version, "_rules_cache", None)
    if cached is None:
        cached = RegulationRules.from_dict(version.rules)
        version._rules_cache = cached  # type: ignore[attr-defined]
    return cached


def clauses_of(version: RegulationVersion) -> dict[str, str]:
    """Return the clause each rule of the version reproduces, by dotted path, in words
    ("retake.application_working_days" → "п. 2.9 Положения НПЦ ДЗМ", `rules.clause_text`):
    the clauses of the preset its regulation was made from; empty for a regulation made
    from no preset. Pages and refusals cite these words, never the internal ids."""
    preset = get_preset(version.regulation.preset_code)
    if preset is None:
        return {}
    return {path: clause_text(clause) for path, clause in preset.clauses.items()}


def latest_version(regulation: Regulation) -> RegulationVersion:
    """Return the regulation's latest version (RegulationNotFound if it has none)."""
    version = regulation.versions.order_by("-number").first()
    if version is None:
        raise RegulationNotFound("У положения нет ни одной версии.")
    return version


def get_version(regulation: Regulation, number: int) -> RegulationVersion:
    """Return version `number` of the regulation, or raise RegulationNotFound."""
    version = regulation.versions.filter(number=number).first()
    if version is None:
        raise RegulationNotFound(f"У положения нет версии {number}.")
    return version


def get_version_by_id(version_id: int) -> RegulationVersion:
    """Return the version with its regulation; raise RegulationVersion.DoesNotExist if none."""
    return RegulationVersion.objects.select_related("regulation").get(pk=version_id)


def list_versions(regulation: Regulation) -> QuerySet[RegulationVersion]:
    """Return the versions of a regulation, newest first, with their authors."""
    return regulation.versions.select_related("created_by").order_by("-number")


def list_regulations(actor: User) -> QuerySet[Regulation]:
    """Return the regulations the actor may see, each annotated with `latest_number`: every
    one for an administrator; the preset templates and the regulations of their own
    organisations for everybody else."""
    regulations = Regulation.objects.select_related("organisation").annotate(
        latest_number=Max("versions__number")
    )
    if not is_admin(actor):
        own = organisations_for(actor, Role.ORGANISATION_STAFF)
        regulations = regulations.filter(Q(organisation__isnull=True) | Q(organisation__in=own))
    return regulations.order_by("organisation__name", "-is_active", "preset_code", "-created_at")


def preset_template(code: PresetCode) -> Regulation | None:
    """Return the installed template of a preset, if any."""
    return Regulation.objects.filter(organisation__isnull=True, preset_code=code).first()


@dataclass(frozen=True)
class PresetInfo:
    """A preset as shipped, or as the administrators have amended its template."""

    code: PresetCode
    title: str
    source: str
    rules: RegulationRules
    template: Regulation | None
    version: int | None


def list_presets() -> list[PresetInfo]:
    """Return the presets with their rules in force: the template's latest version when the
    template is installed, else the rules shipped in `presets`."""
    templates = {
        r.preset_code: r
        for r in Regulation.objects.filter(organisation__isnull=True).prefetch_related("versions")
    }
    found: list[PresetInfo] = []
    for code, preset in PRESETS.items():
        template = templates.get(code.value)
        versions = sorted(template.versions.all(), key=lambda v: v.number) if template else []
        if versions:
            rules, number = rules_of(versions[-1]), versions[-1].number
        else:
            rules, number = preset.rules, None
        found.append(
            PresetInfo(
                code=code,
                title=template.title if template else preset.title,
                source=preset.source,
                rules=rules,
                template=template,
                version=number,
            )
        )
    return found


@dataclass(frozen=True)
class VersionEntry:
    """One line of a regulation's history: a version and what it changed."""

    version: RegulationVersion
    number: int
    created_at: datetime
    author: str
    reason: str
    changes: dict[str, dict[str, Any]]


def version_history(regulation: Regulation) -> list[VersionEntry]:
    """Return the versions newest first, each with the rules it changed against the
    version before it (by dotted path: {"old", "new"})."""
    versions = list(list_versions(regulation))
    entries: list[VersionEntry] = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        changes = rules_diff(older.rules, version.rules) if older is not None else {}
        entries.append(
            VersionEntry(
                version=version,
                number=version.number,
                created_at=version.created_at,
                author=str(version.created_by) if version.created_by else "система",
                reason=version.reason,
                changes=changes,
            )
        )
    return entries


def rules_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the leaves that differ between two stored rule trees, by dotted path."""
    before, after = codec.flatten(old), codec.flatten(new)
    return {
        path: {"old": before.get(path), "new": after.get(path)}
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    }
