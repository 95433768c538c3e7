"""Helpers shared by the attestation services."""

from collections.abc import Mapping, Sequence

from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.models import RegulationVersion


def merge(*parts: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Merge error mappings field by field."""
    merged: dict[str, list[str]] = {}
    for part in parts:
        for field, messages in part.items():
            merged.setdefault(field, []).extend(messages)
    return merged


def cite(version: RegulationVersion, *paths: str) -> str:
    """Return " (npc-4.10)" for the clauses the rules at `paths` reproduce, or "" when the
    regulation was not made from a preset."""
    clauses = regulation_selectors.clauses_of(version)
    found = list(dict.fromkeys(clauses[p] for p in paths if clauses.get(p)))
    return f" ({', '.join(found)})" if found else ""
