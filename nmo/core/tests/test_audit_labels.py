"""Every action the code base writes to the audit log has Russian words (ADR 0018)."""

import ast
from pathlib import Path

import nmo
from nmo.core.audit import CORE_ACTIONS, action_label, registry

ROOT = Path(nmo.__file__).parent
WRITERS = ("record_audit", "audit_values")
# record_audit hands its own `action` argument on to audit_values.
PASS_THROUGH = {ROOT / "core" / "services.py"}


def _literals(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def written_action_codes() -> tuple[dict[str, list[str]], list[str]]:
    """The action codes of every audit call outside the tests, and the calls whose code
    is not a literal (which no registry check could follow)."""
    codes: dict[str, list[str]] = {}
    opaque: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in WRITERS:
                continue
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                found = _literals(keyword.value)
                if found is None:
                    if path not in PASS_THROUGH:
                        opaque.append(where)
                    continue
                for code in found:
                    codes.setdefault(code, []).append(where)
    return codes, opaque


def test_every_action_written_in_the_code_has_a_russian_label():
    """Scanning the source finds the audit calls of every app; each code they write is
    declared (with Russian words) by its app's `types.AUDIT_ACTIONS` or by core."""
    codes, opaque = written_action_codes()
    assert len(codes) > 70, "the scan found too few audit calls: has the writer been renamed?"
    assert "document.new_version" in codes
    assert not opaque, f"audit calls whose action is not a literal code: {opaque}"
    known = registry().actions
    missing = {code: where for code, where in codes.items() if code not in known}
    assert not missing, f"action codes without Russian words: {missing}"
    for code in codes:
        label = known[code].label
        assert label != code
        assert any("а" <= ch.lower() <= "я" for ch in label), (code, label)


def test_core_s_own_export_is_labelled_and_unknown_codes_fall_back_to_the_code():
    """The export's own line reads in Russian; a code nobody declared shows as written."""
    assert action_label("audit.export") == CORE_ACTIONS["audit.export"]
    assert action_label("no.such_action") == "no.such_action"


def test_no_two_apps_declare_the_same_action_or_field():
    """The registry merges the apps' declarations: a code or key declared twice would
    silently take one app's words for the other's lines."""
    from importlib import import_module

    from django.apps import apps

    owners: dict[str, list[str]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("nmo."):
            continue
        try:
            module = import_module(f"{config.name}.types")
        except ModuleNotFoundError:
            continue
        for kind in ("AUDIT_ACTIONS", "AUDIT_FIELDS"):
            for key in getattr(module, kind, {}):
                owners.setdefault(f"{kind}:{key}", []).append(config.name)
    assert owners, "no app declares audit words"
    twice = {key: names for key, names in owners.items() if len(names) > 1}
    assert not twice
