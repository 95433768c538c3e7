"""The docs' generated parts (nmo/web/structure.py) say what the code says."""

import re

from nmo.web import structure


def test_generated_docs_are_up_to_date():
    """The floors picture in docs/architecture.md and each app README's public API and
    clauses match the import-linter contracts, the modules and the tests. Run `make docs`."""
    assert structure.out_of_date() == []


def test_every_app_stands_on_a_floor():
    """Every package under nmo/ is on a floor of the layers contract, so the picture shows
    the whole product and import-linter checks every app."""
    packages = {p.parent.name for p in (structure._root() / "nmo").glob("*/__init__.py")}
    assert packages == set(structure.apps())


def test_the_picture_puts_core_at_the_bottom_and_config_on_top():
    """The picture is drawn from the contract: config first, core last."""
    picture = structure.floors_picture().splitlines()
    assert picture[1].strip() == "config"
    assert "core" in picture[-2]


def test_every_domain_app_is_guarded_by_the_app_api_contract():
    """Every app on a floor, except the bottom-floor libraries (core, printing: all public),
    is in the app-api contract, so a new app's internals are private from the start."""
    libraries = {"core", "printing"}
    assert set(structure.api_apps()) == set(structure.apps()) - libraries


def _settings_environment() -> dict[str, object]:
    """Every environment variable config/settings.py reads through config/env.py, with its
    default where the default is a literal (None where it is computed)."""
    import ast

    readers = {"env_str", "env_int", "env_bool", "env_list", "env_networks"}
    tree = ast.parse((structure._root() / "config" / "settings.py").read_text(encoding="utf-8"))
    found: dict[str, object] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in readers):
            continue
        name = node.args[0]
        assert isinstance(name, ast.Constant), ast.dump(node)
        default: object = None
        if len(node.args) > 1:
            expression = compile(ast.Expression(node.args[1]), "<default>", "eval")
            try:
                # Literals of our own settings (`15 * 60` too), no names, no builtins.
                default = eval(expression, {"__builtins__": {}})  # noqa: S307
            except NameError:
                default = None  # computed from other settings (`not DEBUG`, BASE_DIR …)
        found[str(name.value)] = default
    return found


def _env_example() -> dict[str, str]:
    values = {}
    for line in (structure._root() / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, _, rest = line.partition("=")
            values[name] = rest.split("  #")[0].split(" #")[0].strip()
    return values


def _as_example(default: object) -> str:
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, list):
        return ",".join(default)
    return str(default)


def test_every_environment_variable_is_in_env_example_with_its_default():
    """.env.example lists every variable the settings read; where it gives a value, it is
    the code's own default (a deployer copying it changes nothing they did not mean to)."""
    example = _env_example()
    variables = _settings_environment()
    assert sorted(set(variables) - set(example)) == []
    differing = {
        name: (example[name], _as_example(default))
        for name, default in variables.items()
        if default is not None and example[name] and example[name] != _as_example(default)
    }
    assert differing == {}


def test_every_environment_variable_is_in_the_deploy_guide_table():
    """docs/deploy.md's table «Every variable» has a row for every variable the settings
    read."""
    guide = (structure._root() / "docs" / "deploy.md").read_text(encoding="utf-8")
    start = guide.index("Every variable:")
    table = guide[start : guide.index("\n\n", guide.index("| variable |", start))]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    assert sorted(set(_settings_environment()) - named) == []
