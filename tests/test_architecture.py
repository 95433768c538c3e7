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
