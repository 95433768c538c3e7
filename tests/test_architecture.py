"""The layout rules of style.md §2, checked on the source: domain modules stay free of
HTTP, and an app reaches into another only through its public modules."""

import ast
from pathlib import Path

NMO = Path(__file__).resolve().parents[1] / "nmo"
DOMAIN_MODULES = {"services", "selectors", "rules", "types", "access", "exceptions"}
HTTP_MODULES = ("django.http", "ninja", "nmo.api", "django.shortcuts")
# What another app may import. `models` only as foreign-key targets and for queries in
# selectors; `access` is the shared access layer; `rendering` is the documents toolkit.
PUBLIC_MODULES = {
    "services",
    "selectors",
    "types",
    "exceptions",
    "models",
    "access",
    "rules",
    "rendering",
    "tasks",
    "sql",  # the SQL twins of an app's rules, for a hot path's one statement (ADR 0203)
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _domain_files() -> list[Path]:
    files = []
    for app in NMO.iterdir():
        if not app.is_dir():
            continue
        for name in DOMAIN_MODULES:
            files.extend(p for p in [app / f"{name}.py"] if p.exists())
            package = app / name
            if package.is_dir():
                files.extend(package.glob("*.py"))
    return files


def test_domain_modules_do_not_import_http():
    """Services, selectors, rules, types, access and exceptions never import HTTP code."""
    offenders = [
        f"{path.relative_to(NMO.parent)}: {name}"
        for path in _domain_files()
        for name in _imports(path)
        if name.startswith(HTTP_MODULES)
    ]
    assert offenders == []


def test_apps_use_only_each_others_public_modules():
    """An app imports another app's services, selectors, types, exceptions, models, tasks,
    SQL twins (and the shared access and rendering helpers) — never its views, forms or
    private helpers."""
    offenders = []
    for path in NMO.rglob("*.py"):
        relative = path.relative_to(NMO)
        if (
            relative.parts[0] in {"api"}
            or "tests" in relative.parts
            or "migrations" in relative.parts
        ):
            continue
        own_app = relative.parts[0]
        for name in _imports(path):
            parts = name.split(".")
            if len(parts) < 3 or parts[0] != "nmo" or parts[1] == own_app or parts[1] == "core":
                continue
            if parts[2] not in PUBLIC_MODULES:
                offenders.append(f"{relative}: {name}")
    assert offenders == []
