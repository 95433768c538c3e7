import pytest

from nmo.accounts.models import OrganisationKind, UnitKind
from nmo.accounts.selectors import units_for_organisation
from nmo.accounts.services import add_organisation, add_unit
from nmo.core.exceptions import PermissionDenied, ValidationFailed
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_unit_is_added_once_and_audited(specialist):
    organisation = add_organisation(name="ГБОУ Пример", kind=OrganisationKind.EDUCATIONAL)
    first = add_unit(organisation=organisation, name=" Кафедра  терапии ", kind=UnitKind.DEPARTMENT)
    again = add_unit(organisation=organisation, name="Кафедра терапии", kind=UnitKind.DEPARTMENT)

    assert again.pk == first.pk
    assert [u.name for u in units_for_organisation(organisation)] == ["Кафедра терапии"]
    assert AuditEntry.objects.filter(action="unit.create").count() == 1
    with pytest.raises(ValidationFailed):
        add_unit(organisation=organisation, name="Отдел", kind="faculty")
    with pytest.raises(PermissionDenied):
        add_unit(organisation=organisation, name="Отдел", kind=UnitKind.UNIT, actor=specialist)
