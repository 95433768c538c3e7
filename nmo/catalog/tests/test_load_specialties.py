import csv
from pathlib import Path

import pytest

from nmo.catalog.exceptions import SpecialtiesFileInvalid
from nmo.catalog.models import Specialty, SpecialtyLevel
from nmo.catalog.services import default_specialties_path, load_specialties, update_specialty
from nmo.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.clause("npc-4.1")]


def write_file(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "level"])
        writer.writerows(rows)
    return path


@pytest.fixture
def small_file(tmp_path):
    return write_file(
        tmp_path / "specialties.csv",
        [
            ("31.08.36", "Кардиология", "higher_medical"),
            ("33.05.01", "Фармация", "higher_pharmaceutical"),
        ],
    )


def test_the_project_file_loads_the_whole_nomenclature():
    """The shipped data file holds the nomenclature of order 700н as amended (npc-4.1):
    at least a hundred specialties with unique codes and names, medical and pharmaceutical."""
    with default_specialties_path().open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["code"] for r in rows}) == len(rows)
    assert len({r["name"] for r in rows}) == len(rows)

    result = load_specialties()

    assert result.created == len(rows) >= 100
    assert result.updated == 0
    assert Specialty.objects.get(code="31.08.36").name == "Кардиология"
    assert Specialty.objects.get(name="Фармация").level == SpecialtyLevel.HIGHER_PHARMACEUTICAL
    assert Specialty.objects.get(name="Акушерство и гинекология").code == "31.08.01"
    assert Specialty.objects.filter(is_active=True, edited_by_admin=False).count() == len(rows)


def test_a_second_load_creates_and_updates_nothing():
    """Loading the same file again changes nothing and writes no audit line (npc-4.1)."""
    load_specialties()
    entries = AuditEntry.objects.count()

    result = load_specialties()

    assert (result.created, result.updated) == (0, 0)
    assert AuditEntry.objects.count() == entries


def test_a_changed_file_row_updates_a_row_nobody_edited(small_file, tmp_path):
    """A new name or level in the file updates a specialty no administrator edited, and
    the load records the change in the audit log (npc-4.1)."""
    load_specialties(path=small_file)
    changed = write_file(
        tmp_path / "changed.csv",
        [
            ("31.08.36", "Кардиология взрослых", "higher_other"),
            ("33.05.01", "Фармация", "higher_pharmaceutical"),
        ],
    )

    result = load_specialties(path=changed)

    assert (result.created, result.updated) == (0, 1)
    cardiology = Specialty.objects.get(code="31.08.36")
    assert cardiology.name == "Кардиология взрослых"
    assert cardiology.level == SpecialtyLevel.HIGHER_OTHER
    entry = AuditEntry.objects.filter(action="specialty.load").first()
    assert entry is not None
    assert entry.actor is None
    assert entry.changes["updated"] == {
        "31.08.36": {
            "name": ["Кардиология", "Кардиология взрослых"],
            "level": ["higher_medical", "higher_other"],
        }
    }


def test_an_administrators_edit_survives_a_reload(small_file, tmp_path, administrator):
    """Once an administrator renamed or withdrew a specialty, reloading the file — even a
    file that changes that row — keeps the administrator's version (npc-4.1)."""
    load_specialties(path=small_file)
    update_specialty(
        actor=administrator,
        specialty=Specialty.objects.get(code="31.08.36"),
        name="Кардиология (взрослые)",
        is_active=False,
    )
    changed = write_file(
        tmp_path / "changed.csv",
        [
            ("31.08.36", "Кардиология взрослых", "higher_other"),
            ("33.05.01", "Фармация", "higher_pharmaceutical"),
        ],
    )

    assert load_specialties(path=small_file).updated == 0
    assert load_specialties(path=changed).updated == 0

    cardiology = Specialty.objects.get(code="31.08.36")
    assert cardiology.name == "Кардиология (взрослые)"
    assert cardiology.level == SpecialtyLevel.HIGHER_MEDICAL
    assert cardiology.is_active is False


def test_a_specialty_missing_from_the_file_is_kept(small_file, tmp_path):
    """A specialty the file no longer lists is neither deleted nor withdrawn by a load;
    only administrators withdraw specialties (npc-4.1)."""
    load_specialties(path=small_file)
    shorter = write_file(tmp_path / "shorter.csv", [("31.08.36", "Кардиология", "higher_medical")])

    result = load_specialties(path=shorter)

    assert (result.created, result.updated) == (0, 0)
    assert Specialty.objects.get(code="33.05.01").is_active is True


def test_a_new_code_in_the_file_is_created_next_to_existing_rows(small_file, tmp_path):
    """A code added to the file is created on the next load; the others stay as they are."""
    load_specialties(path=small_file)
    longer = write_file(
        tmp_path / "longer.csv",
        [
            ("31.08.36", "Кардиология", "higher_medical"),
            ("33.05.01", "Фармация", "higher_pharmaceutical"),
            ("31.08.49", "Терапия", "higher_medical"),
        ],
    )

    result = load_specialties(path=longer)

    assert (result.created, result.updated) == (1, 0)
    assert Specialty.objects.count() == 3


@pytest.mark.parametrize(
    "rows",
    [
        [("31.08.36", "Кардиология", "doctor")],
        [("31.08.36", "Кардиология", "higher_medical"), ("31.08.36", "Терапия", "higher_medical")],
        [
            ("31.08.36", "Кардиология", "higher_medical"),
            ("31.08.49", "кардиология", "higher_medical"),
        ],
        [("", "Кардиология", "higher_medical")],
    ],
    ids=["unknown level", "repeated code", "repeated name", "empty code"],
)
def test_a_malformed_file_is_refused_and_loads_nothing(tmp_path, rows):
    """A file with an unknown level, a repeated code or name, or an empty field is
    refused as a whole: not a single row of it is loaded."""
    path = write_file(tmp_path / "bad.csv", [("31.08.49", "Терапия", "higher_medical"), *rows])

    with pytest.raises(SpecialtiesFileInvalid) as refused:
        load_specialties(path=path)

    assert refused.value.code == "specialties_file_invalid"
    assert refused.value.errors["file"]
    assert not Specialty.objects.exists()
