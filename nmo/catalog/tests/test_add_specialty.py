import pytest

from nmo.catalog.exceptions import SpecialtyInvalid
from nmo.catalog.models import Specialty
from nmo.catalog.services import add_specialty, load_specialties
from nmo.catalog.tests.factories import SpecialtyFactory
from nmo.core.exceptions import PermissionDenied
from nmo.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.clause("npc-4.1")]


def test_an_administrator_adds_a_specialty_and_it_is_audited(administrator):
    """An administrator may add a specialty the data file does not list; it is audited
    and marked as edited by an administrator (npc-4.1)."""
    specialty = add_specialty(
        actor=administrator,
        code=" NMO-0100 ",
        name="Паллиативная медицинская помощь",
        level="higher_medical",
    )

    assert specialty.code == "NMO-0100"
    assert specialty.is_active is True
    assert specialty.edited_by_admin is True
    entry = AuditEntry.objects.get(action="specialty.create")
    assert entry.actor == administrator
    assert entry.changes["code"] == "NMO-0100"


def test_a_file_row_with_the_same_code_does_not_overwrite_it(administrator, tmp_path):
    """A later file row with an administrator-added code leaves the row as added."""
    add_specialty(
        actor=administrator, code="31.08.36", name="Кардиология (местная)", level="higher_medical"
    )
    path = tmp_path / "s.csv"
    path.write_text("code,name,level\n31.08.36,Кардиология,higher_medical\n", encoding="utf-8")

    assert (load_specialties(path=path).created, load_specialties(path=path).updated) == (0, 0)
    assert Specialty.objects.get(code="31.08.36").name == "Кардиология (местная)"


@pytest.mark.parametrize(
    ("code", "name", "level", "field"),
    [
        ("31.08.36", "Новая", "higher_medical", "code"),
        ("", "Новая", "higher_medical", "code"),
        ("1" * 21, "Новая", "higher_medical", "code"),
        ("NMO-0100", "кардиология", "higher_medical", "name"),
        ("NMO-0100", "Новая", "doctor", "level"),
    ],
    ids=["taken code", "empty code", "long code", "taken name", "unknown level"],
)
def test_a_bad_specialty_is_refused(administrator, code, name, level, field):
    """A taken, empty or overlong code, a taken name or an unknown level is refused."""
    SpecialtyFactory(code="31.08.36", name="Кардиология")

    with pytest.raises(SpecialtyInvalid) as refused:
        add_specialty(actor=administrator, code=code, name=name, level=level)

    assert field in refused.value.errors
    assert Specialty.objects.count() == 1


def test_it_checks_access(specialist_account):
    """Only an administrator may add a specialty."""
    with pytest.raises(PermissionDenied):
        add_specialty(
            actor=specialist_account, code="NMO-0100", name="Новая", level="higher_medical"
        )

    assert not Specialty.objects.exists()
