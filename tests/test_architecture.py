"""What import-linter cannot check about the layout (style.md §2; the app APIs and floors
themselves are import-linter contracts in pyproject.toml, run by `make lint`)."""

import ast
from pathlib import Path

NMO = Path(__file__).resolve().parents[1] / "nmo"
DOMAIN_MODULES = {"services", "selectors", "rules", "types", "access", "exceptions"}
# import-linter sees an external package only as a whole ("django"), so the HTTP parts of
# Django are checked here. The request's type may be named (the `signed_in` guard of
# accounts.access narrows `request.user`); responses, shortcuts and Http404 may not.
DJANGO_HTTP = ("django.http", "django.shortcuts")
ALLOWED = {"django.http.HttpRequest"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return [name for name in found if name not in ALLOWED]


def _domain_files() -> list[Path]:
    files = []
    for app in NMO.iterdir():
        for name in DOMAIN_MODULES:
            files.extend(p for p in [app / f"{name}.py"] if p.exists())
            if (app / name).is_dir():
                files.extend((app / name).glob("*.py"))
    return files


def test_domain_modules_do_not_import_django_http():
    """Services, selectors, rules, types, access and exceptions never build an HTTP answer:
    a refusal is a DomainError, turned into a status by the page or the API."""
    offenders = [
        f"{path.relative_to(NMO.parent)}: {name}"
        for path in _domain_files()
        for name in _imports(path)
        if name.startswith(DJANGO_HTTP)
    ]
    assert offenders == []


def _models_by_app() -> dict[str, str]:
    """Each model class name with the app that declares it."""
    owners = {}
    for path in NMO.glob("*/models.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                owners[node.name] = path.parent.name
    return owners


def test_apps_reach_another_apps_models_through_its_selectors_and_services():
    """Another app's model is a foreign-key target and a join in one's own queries, never a
    manager to query (`Organisation.objects…` outside accounts) nor a row to build: reads go
    through the owning app's selectors and writes through its services, so its rules and
    indexes stay in one place (ADR 0010)."""
    owners = _models_by_app()
    offenders = []
    for path in NMO.rglob("*.py"):
        relative = path.relative_to(NMO)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        own_app = relative.parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("nmo.")
            and node.module.endswith(".models")
            and node.module.split(".")[1] != own_app
            for alias in node.names
            if owners.get(alias.name) == node.module.split(".")[1]
        }
        offenders += [
            f"{relative}:{node.lineno} {node.value.id}.objects"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in foreign
        ]
        offenders += [
            f"{relative}:{node.lineno} {node.func.id}(…)"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in foreign
        ]
    assert sorted(offenders) == []
