"""An import-linter contract for app APIs (ADR 0010): another app may import only an app's
public modules; everything else in the app is private to it.

    [[tool.importlinter.contracts]]
    type = "app_api"
    apps = ["nmo.accounts", ...]
    public = ["services", "selectors", ...]
    wiring = ["config"]
    ignore_imports = ["nmo.codes.services.activation -> nmo.cycles.sql"]

A module is public when the name right under its app (`nmo.<app>.<name>`, or the app
package itself) is in `public`. An import of a private module is allowed from inside its
own app, from any app's tests (a test may use another app's factories) and from the
`wiring` packages (settings and URLs mount every app); from anywhere else it breaks the
contract. New modules are private until listed.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


def _app_of(module: str, apps: list[str]) -> str | None:
    for app in apps:
        if module == app or module.startswith(app + "."):
            return app
    return None


def _is_test(module: str) -> bool:
    return ".tests." in module + "." or module.endswith(".conftest")


def private_imports(
    graph: ImportGraph, apps: list[str], public: set[str], wiring: list[str]
) -> list[tuple[str, str, tuple[int, ...]]]:
    """Every import of an app's private module from outside that app, with line numbers."""
    found = []
    for app in apps:
        for module in sorted(graph.find_descendants(app)):
            kind = module[len(app) + 1 :].split(".")[0]
            if kind in public:
                continue
            for importer in sorted(graph.find_modules_that_directly_import(module)):
                if _app_of(importer, [app, *wiring]) or _is_test(importer):
                    continue
                lines = tuple(
                    detail["line_number"]
                    for detail in graph.get_import_details(importer=importer, imported=module)
                )
                found.append((importer, module, lines))
    return found


class AppApiContract(Contract):
    type_name = "app_api"

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    wiring = fields.ListField(subfield=fields.StringField(), required=False, default=[])
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        warnings = contract_utils.remove_ignored_imports(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=contract_utils.AlertLevel.ERROR,
        )
        found = private_imports(
            graph,
            list(self.apps),  # type: ignore[call-overload]
            set(self.public),  # type: ignore[arg-type]
            list(self.wiring),  # type: ignore[call-overload]
        )
        return ContractCheck(kept=not found, warnings=warnings, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Imports of another app's private modules:", bold=False)
        output.new_line()
        for importer, imported, lines in check.metadata["found"]:
            where = ", ".join(map(str, lines))
            output.print_error(f"- {importer} -> {imported} (l.{where})", bold=False)
        output.new_line()
        output.print(
            "An app may import another app's "
            + ", ".join(self.public)  # type: ignore[arg-type]
            + " only (ADR 0010). Call its service or selector, or move the shared code there."
        )
