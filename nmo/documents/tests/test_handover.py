"""Handing a document over to its holder: in person, to another person holding a certified
power of attorney, or by registered mail with acknowledgement of receipt (npc-2.14,
rgmu-2.14). Each mode carries its details; the record is audited and shown on the
document's page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from nmo.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.documents.exceptions import DocumentRevoked, HandoverAlreadyRecorded, HandoverInvalid
from nmo.documents.models import DocumentHandover
from nmo.documents.services import record_handover, revoke_document
from nmo.documents.tests.factories import ISSUED_ON, PASSWORD, issue, make_enrolment

pytestmark = pytest.mark.django_db

HANDED_ON = date(2026, 3, 16)


@pytest.fixture
def document(org):
    return issue(org, make_enrolment(org))


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_in_person(org, document):
    """In person: the holder receives the document; only the date is needed (npc-2.14,
    rgmu-2.14). Details of other modes are not stored."""
    handover = record_handover(
        actor=org.staff,
        document=document,
        mode="in_person",
        handed_on=HANDED_ON,
        tracking_number="12345678901234",
    )
    assert handover.mode == "in_person"
    assert handover.handed_on == HANDED_ON
    assert handover.recipient_name == document.holder_name
    assert handover.tracking_number == ""
    assert handover.recorded_by == org.staff
    entry = AuditEntry.objects.get(action="document.handover")
    assert entry.changes["mode"] == "in_person"


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_by_proxy_with_a_power_of_attorney(org, document):
    """To another person: their name and the number and date of the certified power of
    attorney are recorded (npc-2.14, rgmu-2.14)."""
    handover = record_handover(
        actor=org.staff,
        document=document,
        mode="proxy",
        handed_on=HANDED_ON,
        recipient_name="Петрова Анна Сергеевна",
        power_of_attorney_number="77 АБ 1234567",
        power_of_attorney_date=date(2026, 3, 14),
    )
    assert handover.recipient_name == "Петрова Анна Сергеевна"
    assert handover.power_of_attorney_number == "77 АБ 1234567"
    assert handover.power_of_attorney_date == date(2026, 3, 14)
    entry = AuditEntry.objects.get(action="document.handover")
    assert entry.changes["power_of_attorney_number"] == "77 АБ 1234567"


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_by_proxy_needs_the_power_of_attorney_details(org, document):
    """A proxy handover without the person's name, the power of attorney's number or date
    is refused, each with a Russian message; a power of attorney dated after the handover
    too (npc-2.14, rgmu-2.14)."""
    with pytest.raises(HandoverInvalid) as refused:
        record_handover(actor=org.staff, document=document, mode="proxy", handed_on=HANDED_ON)
    errors = refused.value.errors
    assert set(errors) == {"recipient_name", "power_of_attorney_number", "power_of_attorney_date"}
    assert "доверенност" in errors["power_of_attorney_number"][0]
    assert refused.value.code == "handover_invalid"

    with pytest.raises(HandoverInvalid) as refused:
        record_handover(
            actor=org.staff,
            document=document,
            mode="proxy",
            handed_on=HANDED_ON,
            recipient_name="Петрова Анна Сергеевна",
            power_of_attorney_number="1",
            power_of_attorney_date=HANDED_ON + timedelta(days=1),
        )
    assert "power_of_attorney_date" in refused.value.errors
    assert not DocumentHandover.objects.exists()


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_by_registered_mail_with_a_tracking_number(org, document):
    """By registered mail with acknowledgement of receipt (заказное письмо с уведомлением
    о вручении): the postal tracking number is recorded, normalised (npc-2.14,
    rgmu-2.14)."""
    handover = record_handover(
        actor=org.staff,
        document=document,
        mode="registered_mail",
        handed_on=HANDED_ON,
        tracking_number="1234 5678 9012 34",
    )
    assert handover.tracking_number == "12345678901234"
    assert handover.recipient_name == document.holder_name


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_by_registered_mail_needs_a_valid_tracking_number(org, document):
    """Registered mail without a tracking number, or with one that is neither 14 digits
    nor RA123456789RU, is refused (npc-2.14, rgmu-2.14)."""
    for tracking, message in (
        (None, "уведомлением о вручении"),
        ("ABC", "14 цифр"),
    ):
        with pytest.raises(HandoverInvalid) as refused:
            record_handover(
                actor=org.staff,
                document=document,
                mode="registered_mail",
                handed_on=HANDED_ON,
                tracking_number=tracking,
            )
        assert message in refused.value.errors["tracking_number"][0]
    handover = record_handover(
        actor=org.staff,
        document=document,
        mode="registered_mail",
        handed_on=HANDED_ON,
        tracking_number="ra123456789ru",
    )
    assert handover.tracking_number == "RA123456789RU"


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_unknown_modes_and_dates_are_refused(org, document):
    """Only the three modes of the regulation; the date lies between the issue date and
    today."""
    with pytest.raises(HandoverInvalid) as refused:
        record_handover(actor=org.staff, document=document, mode="courier", handed_on=HANDED_ON)
    assert "mode" in refused.value.errors
    for handed_on in (ISSUED_ON - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(HandoverInvalid) as refused:
            record_handover(
                actor=org.staff, document=document, mode="in_person", handed_on=handed_on
            )
        assert "handed_on" in refused.value.errors


def test_a_document_is_handed_over_once(org, document):
    """A second handover record is refused (409)."""
    record_handover(actor=org.staff, document=document, mode="in_person", handed_on=HANDED_ON)
    with pytest.raises(HandoverAlreadyRecorded):
        record_handover(actor=org.staff, document=document, mode="in_person", handed_on=HANDED_ON)


def test_a_revoked_document_is_not_handed_over(org, document):
    """A revoked document is not handed over."""
    revoke_document(actor=org.staff, document=document, reason="Ошибка в фамилии слушателя")
    with pytest.raises(DocumentRevoked):
        record_handover(actor=org.staff, document=document, mode="in_person", handed_on=HANDED_ON)


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_the_page_records_and_shows_the_handover(org, document, client):
    """On the document's page the staff record a handover by proxy; missing details come
    back as Russian messages tied to the fields (422); the record is then shown."""
    client.login(email=org.staff.email, password=PASSWORD)
    url = reverse("documents:record_handover", args=[document.pk])
    response = client.post(url, {"mode": "proxy", "handed_on": "2026-03-16"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Укажите номер заверенной доверенности" in body
    assert 'id="id_power_of_attorney_number_error"' in body

    response = client.post(
        url,
        {
            "mode": "proxy",
            "handed_on": "2026-03-16",
            "recipient_name": "Петрова Анна Сергеевна",
            "power_of_attorney_number": "77 АБ 1234567",
            "power_of_attorney_date": "2026-03-14",
        },
    )
    assert response.status_code == 302
    page = client.get(document.get_absolute_url()).content.decode()
    assert "другому лицу по заверенной доверенности" in page
    assert "Петрова Анна Сергеевна" in page
    assert "№ 77 АБ 1234567 от 14.03.2026" in page
    assert "Записать выдачу" not in page


def test_it_checks_access(org, document, outsider, specialist, client):
    """Only the staff of the issuing organisation record a handover: other staff get
    NotFound, the holder and other people PermissionDenied, a visitor NotAuthenticated;
    the page answers 404 to other staff."""
    from django.contrib.auth.models import AnonymousUser

    kwargs = {"document": document, "mode": "in_person", "handed_on": HANDED_ON}
    with pytest.raises(NotFound):
        record_handover(actor=outsider, **kwargs)
    for actor in (specialist, document.enrolment.learner):
        with pytest.raises(PermissionDenied):
            record_handover(actor=actor, **kwargs)
    with pytest.raises(NotAuthenticated):
        record_handover(actor=AnonymousUser(), **kwargs)
    client.login(email=outsider.email, password=PASSWORD)
    url = reverse("documents:record_handover", args=[document.pk])
    assert client.post(url, {"mode": "in_person", "handed_on": "2026-03-16"}).status_code == 404
    assert not DocumentHandover.objects.exists()
