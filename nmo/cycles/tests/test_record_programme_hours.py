"""record_programme_hours: the 108 h programme part and its remote share."""

from datetime import date

import pytest

from nmo.accounts.models import Organisation
from nmo.accounts.services import add_user
from nmo.core.exceptions import PermissionDenied
from nmo.cycles.exceptions import ProgrammeHoursInvalid, ProgrammeHoursRecorded
from nmo.cycles.models import CreditEntry, CreditKind
from nmo.cycles.services import record_programme_hours

pytestmark = pytest.mark.django_db


def _record(actor, specialist, specialty, **kwargs):
    data = {
        "hours": 108,
        "remote_hours": 60,
        "completed_on": date(2026, 5, 30),
        "reference": "Удостоверение 612400012345",
    }
    data.update(kwargs)
    return record_programme_hours(actor=actor, specialist=specialist, specialty=specialty, **data)


@pytest.mark.clause("faq-cycle-hours")
def test_staff_record_programme_hours_with_the_remote_share(
    staff, specialist, cardiology, mailoutbox, django_capture_on_commit_callbacks
):
    """An educational organisation records the ДПП hours and the remote hours; the entry
    names the organisation, and the specialist is told (faq-cycle-hours)."""
    with django_capture_on_commit_callbacks(execute=True):
        entry = _record(staff, specialist, cardiology)
    assert (entry.kind, entry.source, entry.hours, entry.remote_hours) == (
        CreditKind.PROGRAMME,
        "programme",
        108,
        60,
    )
    assert entry.activity is None
    assert entry.organisation.name == "ФГБОУ ВО РостГМУ Минздрава России"
    assert len(mailoutbox) == 1


def test_the_same_document_is_recorded_once(staff, specialist, cardiology):
    _record(staff, specialist, cardiology)
    with pytest.raises(ProgrammeHoursRecorded):
        _record(staff, specialist, cardiology, hours=36, remote_hours=0)
    assert CreditEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": 0}, "hours"),
        ({"remote_hours": 109}, "remote_hours"),
        ({"remote_hours": -1}, "remote_hours"),
        ({"reference": "  "}, "reference"),
        ({"completed_on": date(2026, 6, 16)}, "completed_on"),
    ],
)
def test_bad_figures_are_refused(staff, specialist, cardiology, change, field):
    with pytest.raises(ProgrammeHoursInvalid) as caught:
        _record(staff, specialist, cardiology, **change)
    assert field in caught.value.errors


def test_it_checks_access(staff, specialist, provider, cardiology):
    """Only organisation staff record programme hours, and only for their organisation."""
    for actor in (specialist, provider):
        with pytest.raises(PermissionDenied):
            _record(actor, specialist, cardiology)
    add_user(
        email="other-org@example.ru",
        password="pw-1234567890",
        role="organisation_staff",
        organisation_name="ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»",
    )
    with pytest.raises(PermissionDenied):
        _record(
            staff,
            specialist,
            cardiology,
            organisation=Organisation.objects.get(name="ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"),
        )
    assert not CreditEntry.objects.exists()
