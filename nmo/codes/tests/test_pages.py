"""HTML pages of codes: the provider's event page, the activation form, support requests."""

import io

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import Workbook

from nmo.codes.models import ConfirmationCode, Participant, SupportRequest
from nmo.codes.tests.factories import issued_codes
from nmo.cycles.models import CreditEntry
from nmo.web.navigation import menu_for

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_menu_links_to_activation_and_support_requests():
    """The main menu's entries for codes resolve to these pages."""
    assert ("Активировать код", reverse("codes:activate")) in menu_for(
        roles={"specialist"}, signed_in=True
    )
    assert ("Обращения по кодам", reverse("codes:support_requests")) in menu_for(
        roles={"provider"}, signed_in=True
    )


@pytest.mark.clause("faq-ikp-activation", "faq-ikp-normalize")
def test_activation_page_has_a_labelled_form_and_announces_success(
    specialist, provider, event, django_capture_on_commit_callbacks
):
    """The form's input has the label and the hint about format and the letter O; a
    success is announced with role=status and the notice e-mail is sent."""
    client = client_for(specialist)
    page = client.get(reverse("codes:activate")).content.decode()
    assert '<label for="id_code">Индивидуальный код подтверждения (ИКП)' in page
    assert 'aria-describedby="id_code_helptext"' in page
    assert "Буквы «O» в коде нет — вводите ноль" in page
    code = issued_codes(provider, event, 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("codes:activate"), {"code": code.value.lower()})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="status"' in html
    assert f"Код {code.value} активирован" in html
    assert len(mail.outbox) == 1


@pytest.mark.clause("faq-ikp-error", "faq-ikp-support")
def test_activation_page_refusal_is_an_alert_with_a_support_link(specialist):
    response = client_for(specialist).post(reverse("codes:activate"), {"code": "ZZZZ-ZZZZ9999"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Код не был активирован. Возможно код неверен или уже был активирован ранее" in html
    assert reverse("codes:support_request_new") + "?code=ZZZZ-ZZZZ9999" in html


@override_settings(THROTTLE_ACTIVATION_FAILURES=1)
def test_activation_page_throttled_says_when_to_retry(specialist):
    client = client_for(specialist)
    client.post(reverse("codes:activate"), {"code": "ZZZZ-ZZZZ9999"})
    response = client.post(reverse("codes:activate"), {"code": "ZZZZ-ZZZZ9998"})
    assert response.status_code == 429
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Повторите попытку через 15 минут." in html


def test_provider_page_issues_codes_and_loads_a_roster(provider, event):
    client = client_for(provider)
    page = client.get(reverse("codes:activity_codes", args=[event.pk]))
    assert page.status_code == 200
    assert "Выпустить коды" in page.content.decode()
    response = client.post(reverse("codes:issue_codes", args=[event.pk]), {"count": "3"})
    assert response.status_code == 302
    assert ConfirmationCode.objects.filter(activity=event).count() == 3
    workbook = Workbook()
    workbook.active.append(["ФИО", "E-mail"])
    workbook.active.append(["Иванова Мария", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    response = client.post(reverse("codes:import_roster", args=[event.pk]), {"file": buffer})
    assert response.status_code == 302
    assert Participant.objects.filter(activity=event).count() == 1
    listing = client.get(reverse("codes:activity_codes", args=[event.pk])).content.decode()
    assert "Иванова Мария" in listing
    assert "Выпущено кодов</dt><dd>4" in listing


def test_bad_roster_lists_row_errors_on_the_page(provider, event):
    buffer = io.BytesIO("ФИО;E-mail\n;a@b.ru\nИванов;плохой\n".encode())
    buffer.name = "roster.csv"
    response = client_for(provider).post(
        reverse("codes:import_roster", args=[event.pk]), {"file": buffer}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Строка 2: не указаны фамилия, имя и отчество." in html
    assert "Строка 3: неверный адрес электронной почты «плохой»." in html
    assert not Participant.objects.exists()


def test_module_page_explains_codes_are_for_events(provider):
    from nmo.codes.tests.factories import accredited_event

    module = accredited_event(submitted_by=provider, kind="module")
    response = client_for(provider).get(reverse("codes:activity_codes", args=[module.pk]))
    html = response.content.decode()
    assert "только для аккредитованных учебных мероприятий" in html
    assert "Выпустить коды</button>" not in html


@pytest.mark.clause("faq-ikp-support")
def test_specialist_files_a_request_and_the_provider_resolves_it(specialist, provider, event):
    doctor = client_for(specialist)
    form = doctor.get(reverse("codes:support_request_new") + "?code=ABCD").content.decode()
    assert 'value="ABCD"' in form
    response = doctor.post(
        reverse("codes:support_request_new"),
        {
            "event_title": event.title,
            "event_date": "2025-03-12",
            "place": "Москва",
            "typed_code": "ABCD-EFGH1234",
        },
    )
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert request.routed_to_id == event.provider_id
    staff = client_for(provider)
    listing = staff.get(reverse("codes:support_requests")).content.decode()
    assert f"Обращение {request.pk}" in listing
    response = staff.post(
        reverse("codes:resolve_support_request", args=[request.pk]), {"participant": ""}
    )
    assert response.status_code == 302
    assert CreditEntry.objects.filter(specialist=specialist, activity=event).exists()
    mine = doctor.get(reverse("codes:my_support_requests")).content.decode()
    assert "Кредиты начислены" in mine


def test_support_form_requires_all_four_facts(specialist):
    response = client_for(specialist).post(reverse("codes:support_request_new"), {})
    assert response.status_code == 422
    html = response.content.decode()
    for label in ("Название мероприятия", "Дата проведения", "Место проведения"):
        assert label in html
    assert not SupportRequest.objects.exists()


def test_it_checks_access(specialist, provider, event, other_provider):
    """Activation and support forms are the specialists'; the event's page is its
    provider's; visitors are sent to log in."""
    visitor = Client()
    for name in ("codes:activate", "codes:support_request_new", "codes:my_support_requests"):
        assert visitor.get(reverse(name)).status_code == 302
        assert client_for(provider).get(reverse(name)).status_code == 403
    assert visitor.get(reverse("codes:support_requests")).status_code == 302
    assert (
        client_for(other_provider).get(reverse("codes:activity_codes", args=[event.pk])).status_code
        == 404
    )
    response = client_for(other_provider).post(
        reverse("codes:issue_codes", args=[event.pk]), {"count": "1"}
    )
    assert response.status_code == 404
    assert not ConfirmationCode.objects.exists()


def test_refused_resolution_shows_the_refusal_and_the_request_stays_open(
    specialist, provider, event
):
    """Regression (issue 10): resolving «Начислить кредиты» for a specialist already
    credited for the event answered 422 but the page said «Кредиты начислены … Ответ:
    Кредиты начислены: 6». Now the page shows the refusal as an alert, the request as still
    open with its form, and no second credit."""
    code = issued_codes(provider, event, 1)[0]
    doctor = client_for(specialist)
    assert doctor.post(reverse("codes:activate"), {"code": code.value}).status_code == 200
    doctor.post(
        reverse("codes:support_request_new"),
        {
            "event_title": event.title,
            "event_date": "2025-03-12",
            "place": "Москва",
            "typed_code": "ABCD-EFGH1234",
        },
    )
    support = SupportRequest.objects.get()
    response = client_for(provider).post(
        reverse("codes:resolve_support_request", args=[support.pk]), {"participant": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "уже начислены кредиты за это мероприятие" in html
    assert "Кредиты начислены: 6" not in html
    assert "На рассмотрении" in html
    assert "Начислить кредиты</button>" in html
    assert CreditEntry.objects.filter(specialist=specialist, activity=event).count() == 1
    support.refresh_from_db()
    assert support.status == "open"
    assert support.answer == ""
