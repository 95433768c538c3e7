"""What a preset is, and how a preset module writes one: the rule tree as nested dicts
whose leaves are `(clause, value)`, so each rule is written once, beside the clause of the
seed regulation it reproduces. `build_preset` derives from it both the `RegulationRules`
and the clause of every rule by dotted path (the pages and the refusals cite it).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nmo.regulations.schema import RegulationRules
from nmo.regulations.types import PresetCode

SILENT = "положение не регулирует"
"""The reference shown for a rule the seed regulation does not state."""


@dataclass(frozen=True)
class Preset:
    """A seed regulation shipped as a preset."""

    code: PresetCode
    title: str
    source: str
    rules: RegulationRules
    clauses: Mapping[str, str]


def build_preset(*, code: PresetCode, title: str, source: str, cited: Mapping[str, Any]) -> Preset:
    """Build a preset from its cited rule tree.

    The values go through `RegulationRules.from_dict`, which checks every one of them and
    their consistency, so a preset that breaks a rule fails on import; a rule without its
    clause (a leaf that is not a pair) fails the same way.
    """
    values, clauses = _split(cited, "")
    return Preset(
        code=code,
        title=title,
        source=source,
        rules=RegulationRules.from_dict(values),
        clauses=clauses,
    )


def _split(tree: Mapping[str, Any], prefix: str) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    clauses: dict[str, str] = {}
    for name, node in tree.items():
        if isinstance(node, Mapping):
            values[name], nested = _split(node, f"{prefix}{name}.")
            clauses.update(nested)
        else:
            clauses[f"{prefix}{name}"], values[name] = node
    return values, clauses
