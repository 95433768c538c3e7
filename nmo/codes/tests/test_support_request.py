"""When a code will not activate: support requests, routing, resolution (faq-ikp-support,
faq-cert-from-provider)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from nmo.codes.exceptions import (
    SupportRequestClosed,
    SupportRequestInvalid,
    SupportRequestNotResolvable,
)
from nmo.codes.models import ConfirmationCode, SupportRoute, SupportStatus
from nmo.codes.services import (
    activate_code,
    file_support_request,
    import_roster,
    refuse_support_request,
    resolve_support_request,
    route_support_request,
)
from nmo.codes.tests.factories import accredited_event, issued_codes
from nmo.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from nmo.core.models import AuditEntry
from nmo.cycles.models import CreditEntry

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 12)


def file_request(specialist, **overrides):
    data = {
        "event_title": "Актуальные вопросы кардиологии",
        "event_date": DAY,
        "place": "Москва",
        "typed_code": "AAAA-AAAA0000",
        "comment": "",
    }
    data.update(overrides)
    return file_support_request(specialist=specialist, **data)


def roster_with(name, email=""):
    workbook = Workbook()
    workbook.active.append(["ФИО", "E-mail"])
    workbook.active.append([name, email])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.clause("faq-ikp-support", "faq-cert-from-provider")
def test_request_with_a_known_code_goes_to_that_events_provider(provider, specialist, event):
    """A request whose code exists goes to the provider of the code's event."""
    code = issued_codes(provider, event, 1)[0]
    request = file_request(
        specialist, event_title="Что-то другое", typed_code=code.value.lower().replace("-", " ")
    )
    assert request.route == SupportRoute.CODE
    assert request.activity == event
    assert request.routed_to_id == event.provider_id
    assert request.code_value == code.value
    assert request.status == SupportStatus.OPEN
    assert AuditEntry.objects.filter(action="support_request.file", actor=specialist).exists()


@pytest.mark.clause("faq-ikp-support")
@pytest.mark.parametrize(
    "typed_title",
    [
        "АКТУАЛЬНЫЕ  вопросы кардиологии",
        "вопросы кардиологии",
        "Конференция: Актуальные вопросы кардиологии 2026",
    ],
)
def test_request_is_matched_by_title_and_date(specialist, event, typed_title):
    """An unknown code: the accredited event whose title matches (ignoring case) and whose
    dates include the given date takes the request."""
    request = file_request(specialist, event_title=typed_title, event_date=event.ends_on)
    assert request.route == SupportRoute.TITLE
    assert request.activity == event
    assert request.routed_to_id == event.provider_id


@pytest.mark.parametrize(
    ("title", "date"),
    [
        ("Актуальные вопросы кардиологии", dt.date(2025, 3, 20)),  # outside the dates
        ("Школа неврологии", DAY),  # no such event
    ],
)
def test_request_matching_nothing_is_unmatched_for_admins(
    specialist, event, admin_user, title, date
):
    request = file_request(specialist, event_title=title, event_date=date)
    assert request.route == SupportRoute.UNMATCHED
    assert request.routed_to is None
    from nmo.codes.selectors import support_requests_for_decider

    assert request in support_requests_for_decider(admin_user)


def test_two_matching_events_leave_the_request_unmatched(specialist, event, other_provider):
    accredited_event(submitted_by=other_provider, title=event.title)
    assert file_request(specialist).route == SupportRoute.UNMATCHED


@pytest.mark.clause("faq-ikp-support")
def test_all_four_facts_are_required(specialist):
    """Event name, date, place and code are all required."""
    with pytest.raises(SupportRequestInvalid) as caught:
        file_support_request(
            specialist=specialist,
            event_title=" ",
            event_date=None,
            place="",
            typed_code="",
            comment="",
        )
    assert set(caught.value.errors) == {"event_title", "event_date", "place", "typed_code"}


@pytest.mark.clause("faq-ikp-support", "faq-email-notice")
def test_provider_resolves_and_the_specialist_is_credited_once(
    provider, specialist, event, django_capture_on_commit_callbacks
):
    """Resolving credits the specialist (source "support") once, marks the roster
    participant's unused code as theirs, closes the request, tells them by e-mail and is
    audited; the code can then be activated by nobody."""
    import_roster(
        actor=provider, activity=event, file_name="r.xlsx", content=roster_with("Иванова М. П.")
    )
    code = ConfirmationCode.objects.get(activity=event)
    request = file_request(specialist)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = resolve_support_request(
            actor=provider, request=request, participant_id=code.participant_id
        )
    assert resolved.status == SupportStatus.RESOLVED
    assert resolved.decided_by == provider
    entry = CreditEntry.objects.get(specialist=specialist, activity=event)
    assert entry.source == "support"
    assert entry.hours == 6
    code.refresh_from_db()
    assert code.activated_by == specialist
    assert [m.to for m in mail.outbox] == [[specialist.email]]
    assert "Кредиты начислены" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="support_request.resolve", actor=provider).exists()
    with pytest.raises(SupportRequestClosed):
        resolve_support_request(actor=provider, request=request, participant_id=None)
    assert CreditEntry.objects.filter(specialist=specialist, activity=event).count() == 1


def test_resolving_for_a_specialist_already_credited_is_refused_and_rolled_back(
    provider, specialist, event
):
    code = issued_codes(provider, event, 1)[0]
    activate_code(specialist=specialist, typed_code=code.value, ip="192.0.2.1")
    request = file_request(specialist)
    with pytest.raises(Conflict) as caught:
        resolve_support_request(actor=provider, request=request, participant_id=None)
    assert caught.value.code == "already_credited"
    request.refresh_from_db()
    assert request.status == SupportStatus.OPEN


def test_participant_of_another_event_is_refused(provider, specialist, event):
    other_event = accredited_event(submitted_by=provider, title="Другая конференция")
    import_roster(
        actor=provider, activity=other_event, file_name="r.xlsx", content=roster_with("Кто-то")
    )
    foreign = ConfirmationCode.objects.get(activity=other_event)
    request = file_request(specialist)
    with pytest.raises(ValidationFailed) as caught:
        resolve_support_request(
            actor=provider, request=request, participant_id=foreign.participant_id
        )
    assert caught.value.errors == {
        "participant": ["Такого участника нет в списке этого мероприятия."]
    }
    assert not CreditEntry.objects.exists()


@pytest.mark.clause("faq-ikp-support")
def test_refusal_tells_the_specialist_the_reason(
    provider, specialist, event, django_capture_on_commit_callbacks
):
    """Refusing closes the request with the reason, e-mails it to the specialist, shows
    it in their list and credits nothing."""
    request = file_request(specialist)
    with django_capture_on_commit_callbacks(execute=True):
        refuse_support_request(
            actor=provider, request=request, reason="Вы не зарегистрированы как участник."
        )
    request.refresh_from_db()
    assert request.status == SupportStatus.REFUSED
    assert request.answer == "Вы не зарегистрированы как участник."
    assert mail.outbox[0].to == [specialist.email]
    assert "Вы не зарегистрированы как участник." in mail.outbox[0].body
    assert not CreditEntry.objects.exists()
    assert AuditEntry.objects.filter(action="support_request.refuse").exists()
    client = Client()
    client.force_login(specialist)
    page = client.get(reverse("codes:my_support_requests")).content.decode()
    assert "Отказано" in page
    assert "Вы не зарегистрированы как участник." in page


def test_refusal_needs_a_reason(provider, specialist, event):
    request = file_request(specialist)
    with pytest.raises(ValidationFailed) as caught:
        refuse_support_request(actor=provider, request=request, reason="  ")
    assert caught.value.errors == {"reason": ["Укажите причину отказа."]}


def test_admin_routes_an_unmatched_request_to_a_provider(admin_user, provider, specialist, event):
    request = file_request(specialist, event_title="Неизвестное мероприятие")
    assert request.route == SupportRoute.UNMATCHED
    with pytest.raises(SupportRequestNotResolvable):
        resolve_support_request(actor=admin_user, request=request, participant_id=None)
    route_support_request(actor=admin_user, request=request, activity=event)
    assert request.routed_to_id == event.provider_id
    resolve_support_request(actor=provider, request=request, participant_id=None)
    assert CreditEntry.objects.filter(specialist=specialist, activity=event).exists()


@pytest.mark.clause("faq-cert-from-provider")
def test_it_checks_access(provider, other_provider, specialist, colleague, event, admin_user):
    """Only specialists file requests; only the provider the request is routed to decides
    it (another provider does not see it); another specialist does not see it."""
    with pytest.raises(PermissionDenied):
        file_request(provider)
    request = file_request(specialist)
    assert request.routed_to_id == event.provider_id
    with pytest.raises(NotFound):
        resolve_support_request(actor=other_provider, request=request, participant_id=None)
    with pytest.raises(NotFound):
        refuse_support_request(actor=other_provider, request=request, reason="нет")
    with pytest.raises(PermissionDenied):
        refuse_support_request(actor=colleague, request=request, reason="нет")
    with pytest.raises(NotFound):  # admins decide only what matched no provider
        refuse_support_request(actor=admin_user, request=request, reason="нет")
    url = reverse("codes:support_request", args=[request.pk])
    for user, status in (
        (other_provider, 404),
        (colleague, 404),
        (specialist, 200),
        (provider, 200),
    ):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status
    doctor = Client()
    doctor.force_login(specialist)
    assert doctor.get(reverse("codes:support_requests")).status_code == 403
