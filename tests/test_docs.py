"""The docs' generated parts (nmo/web/structure.py) say what the code says."""

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
