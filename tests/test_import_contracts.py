"""The app-api contract (config/import_contracts.py, ADR 0010) on a small import graph."""

import grimp

from config.import_contracts import private_imports

APPS = ["nmo.codes", "nmo.cycles"]
PUBLIC = {"services", "selectors", "models"}


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for module in {name for pair in imports for name in pair}:
        parts = module.split(".")
        for depth in range(1, len(parts) + 1):
            graph.add_module(".".join(parts[:depth]))
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=3, line_contents="")
    return graph


def test_another_apps_private_module_is_refused():
    """codes importing cycles' views (or its SQL) is reported with the line."""
    graph = _graph(
        ("nmo.codes.services", "nmo.cycles.views"),
        ("nmo.codes.services", "nmo.cycles.sql"),
    )
    assert private_imports(graph, APPS, PUBLIC, []) == [
        ("nmo.codes.services", "nmo.cycles.sql", (3,)),
        ("nmo.codes.services", "nmo.cycles.views", (3,)),
    ]


def test_public_modules_own_app_tests_and_wiring_are_allowed():
    """Services, selectors and models of another app; any module of one's own app; an
    app's tests; and the wiring (config) may import what they need."""
    graph = _graph(
        ("nmo.codes.services", "nmo.cycles.services"),
        ("nmo.codes.views", "nmo.cycles.selectors"),
        ("nmo.codes.services", "nmo.cycles.models"),
        ("nmo.cycles.services", "nmo.cycles.sql"),
        ("nmo.codes.tests.test_x", "nmo.cycles.tests.factories"),
        ("config.urls", "nmo.cycles.views"),
    )
    assert private_imports(graph, APPS, PUBLIC, ["config"]) == []


def test_a_private_module_deep_in_a_package_is_private():
    """`nmo.cycles.reports.pdf` is private because `reports` is not a public kind."""
    graph = _graph(("nmo.codes.views", "nmo.cycles.reports.pdf"))
    assert private_imports(graph, APPS, PUBLIC, []) == [
        ("nmo.codes.views", "nmo.cycles.reports.pdf", (3,))
    ]
