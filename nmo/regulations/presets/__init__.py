"""The two seed regulations shipped as presets: the registry the services and pages use.

One module per seed (`npc_dzm`, `rostgmu`) writes each rule once, beside the clause it
reproduces; `preset.build_preset` derives the rules and the clause of each rule from it.
`NPC_DZM` and `ROSTGMU` are the presets' rules.
"""

from collections.abc import Mapping

from nmo.regulations.presets import npc_dzm, rostgmu
from nmo.regulations.presets.preset import SILENT, Preset
from nmo.regulations.schema import RegulationRules
from nmo.regulations.types import PresetCode

__all__ = ["NPC_DZM", "PRESETS", "ROSTGMU", "SILENT", "Preset", "get_preset"]

PRESETS: Mapping[PresetCode, Preset] = {
    preset.code: preset for preset in (npc_dzm.PRESET, rostgmu.PRESET)
}
"""Preset code → (title, source file, rules, clause of each rule)."""

NPC_DZM: RegulationRules = npc_dzm.PRESET.rules
ROSTGMU: RegulationRules = rostgmu.PRESET.rules


def get_preset(code: str) -> Preset | None:
    """Return the preset with this code, or None for an unknown code."""
    try:
        return PRESETS[PresetCode(code)]
    except ValueError:
        return None
