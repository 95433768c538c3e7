"""Helpers shared by the services of the app."""

from collections.abc import Mapping, Sequence

from nmo.accounts.models import Unit
from nmo.accounts.selectors import get_unit


def merge(*parts: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Merge error mappings field by field."""
    merged: dict[str, list[str]] = {}
    for part in parts:
        for field, messages in part.items():
            merged.setdefault(field, []).extend(messages)
    return merged


def unit_of(organisation_id: int, unit_id: int | None) -> Unit | None:
    """Return the organisation's unit with this id, or None."""
    if unit_id is None:
        return None
    return get_unit(unit_id, organisation_id)
