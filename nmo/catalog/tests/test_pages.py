"""Pages of the catalog: the public catalogue and an activity's page, providers'
applications, the commission's queue and decision page."""

import datetime

import pytest
from django.urls import reverse

from nmo.catalog.models import Activity
from nmo.catalog.tests.factories import ActivityFactory
from nmo.catalog.types import ActivityStatus

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("catalog:catalogue")
MY = reverse("catalog:provider_activities")
NEW = reverse("catalog:activity_submit")
QUEUE = reverse("catalog:review_queue")


def detail(activity: Activity) -> str:
    return reverse("catalog:activity_detail", args=[activity.pk])


def edit(activity: Activity) -> str:
    return reverse("catalog:activity_edit", args=[activity.pk])


def review(activity: Activity) -> str:
    return reverse("catalog:review_activity", args=[activity.pk])


@pytest.fixture
def own(provider_org, cardiology):
    """A submitted application of the `provider` fixture's organisation."""
    return ActivityFactory(
        provider=provider_org,
        title="Школа кардиолога",
        hours_requested=12,
        specialties=[cardiology],
    )


@pytest.fixture
def listed(cardiology):
    return ActivityFactory(
        title="Конгресс «Кардиология 2026»", accredited=True, specialties=[cardiology]
    )


# --- The public catalogue --------------------------------------------------------------


@pytest.mark.clause("faq-only-listed", "faq-join-steps")
def test_the_public_catalogue_lists_only_accredited_activities(client, listed, own, cardiology):
    """Anyone may open the catalogue without signing in; it lists accredited activities
    with their credits, never a submitted or rejected application (faq-only-listed), and
    offers the «Мероприятия» and «Модули» sections (faq-join-steps)."""
    ActivityFactory(title="Отклонённая школа", rejected=True, specialties=[cardiology])

    response = client.get(CATALOGUE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Конгресс «Кардиология 2026»" in html
    assert "Школа кардиолога" not in html
    assert "Отклонённая школа" not in html
    assert "Найдено: 1" in html
    assert ">Мероприятия</a>" in html
    assert ">Модули</a>" in html


def test_the_filter_form_is_labelled_and_grouped(client, nomenclature):
    """The filters sit in a fieldset with a legend, every input has its label, and the
    results table has a caption and column headers."""
    ActivityFactory(accredited=True, specialties=[nomenclature.get(code="31.08.36")])

    html = client.get(CATALOGUE).content.decode()

    assert '<fieldset class="filter-set">' in html
    assert "<legend>Поиск и фильтры</legend>" in html
    for field in ("q", "specialty", "kind", "format", "date_from", "date_to"):
        assert f'<label for="id_{field}">' in html
    assert 'role="search"' in html
    assert "<caption id=" in html
    assert '<th scope="col">Кредиты</th>' in html
    assert '<option value="31.08.36">Кардиология (31.08.36)</option>' in html


@pytest.mark.clause("faq-join-steps")
def test_the_catalogue_filters_by_kind_specialty_and_cyrillic_title(client, cardiology, neurology):
    """The section links and the filter form narrow the list; the title search ignores
    case in Cyrillic."""
    ActivityFactory(title="Школа кардиолога", accredited=True, specialties=[cardiology])
    ActivityFactory(
        title="Модуль по неврологии", accredited=True, module=True, specialties=[neurology]
    )

    modules = client.get(CATALOGUE, {"kind": "module"}).content.decode()
    by_specialty = client.get(CATALOGUE, {"specialty": "31.08.36"}).content.decode()
    by_title = client.get(CATALOGUE, {"q": "НЕВРОЛОГ"}).content.decode()

    assert "Модуль по неврологии" in modules
    assert "Школа кардиолога" not in modules
    assert 'aria-current="page">Модули</a>' in modules
    assert "Школа кардиолога" in by_specialty
    assert "Модуль по неврологии" not in by_specialty
    assert "Модуль по неврологии" in by_title
    assert "Школа кардиолога" not in by_title


def test_the_catalogue_pages_and_tolerates_bad_page_numbers(client, cardiology):
    """20 per page with accessible pagination; a mistyped or too large page number shows
    the first or the last page instead of an error."""
    for n in range(25):
        ActivityFactory(
            title=f"Семинар № {n:02d}",
            starts_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            accredited=True,
            specialties=[cardiology],
        )

    first = client.get(CATALOGUE).content.decode()
    second = client.get(CATALOGUE, {"page": "2", "kind": "event"}).content.decode()

    assert "Семинар № 24" in first
    assert "Семинар № 04" not in first
    assert 'aria-label="Страницы"' in first
    assert "page=2" in first
    assert "Семинар № 04" in second
    assert "kind=event&amp;page=1" in second
    assert "Семинар № 24" in client.get(CATALOGUE, {"page": "abc"}).content.decode()
    assert "Семинар № 04" in client.get(CATALOGUE, {"page": "99"}).content.decode()


def test_a_bad_filter_is_shown_next_to_its_field(client, listed):
    """An impossible period is explained next to «по»; that date does not filter."""
    response = client.get(CATALOGUE, {"date_from": "2026-03-01", "date_to": "2026-02-01"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "не может быть раньше даты начала" in html
    assert "Конгресс «Кардиология 2026»" in html


def test_the_catalogue_is_in_the_menu(client, listed):
    """«Каталог НМО» is in the main menu for everyone."""
    assert f'href="{CATALOGUE}"' in client.get("/").content.decode()


# --- An activity's page -----------------------------------------------------------------


@pytest.mark.clause("faq-only-listed")
def test_an_accredited_activity_page_is_public(client, listed):
    """The page of a catalogue activity is public and shows its credits."""
    response = client.get(detail(listed))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Конгресс «Кардиология 2026»" in html
    assert "Кредиты (ЗЕТ)" in html
    assert "История заявки" not in html


@pytest.mark.clause("faq-only-listed")
def test_it_checks_access_to_an_application_page(
    client, own, provider, other_provider, specialist, expert
):
    """An application not in the catalogue is 404 for the public, a specialist and another
    provider; its own provider and the commission's experts see it with its status and
    history."""
    assert client.get(detail(own)).status_code == 404
    for outsider in (specialist, other_provider):
        client.force_login(outsider)
        assert client.get(detail(own)).status_code == 404
    for insider in (provider, expert):
        client.force_login(insider)
        response = client.get(detail(own))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Подана на оценку" in html
        assert "История заявки" in html


# --- Providers -------------------------------------------------------------------------


def test_a_provider_sees_only_their_own_applications(client, provider, own, cardiology):
    """The provider's list shows their applications with the status in words, and not
    another provider's."""
    ActivityFactory(title="Чужая конференция", specialties=[cardiology])
    client.force_login(provider)

    response = client.get(MY)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Школа кардиолога" in html
    assert "Чужая конференция" not in html
    assert "<strong>Подана на оценку</strong>" in html
    assert f'href="{edit(own)}"' in html


def test_a_provider_submits_an_application_through_the_form(client, provider, nomenclature):
    """The form creates a submitted application and opens its page."""
    client.force_login(provider)
    assert client.get(NEW).status_code == 200

    response = client.post(
        NEW,
        {
            "kind": "event",
            "title": "Вебинар «Гипертензия»",
            "specialties": ["31.08.36", "31.08.49"],
            "format": "online",
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-01",
            "location": "",
            "country": "RU",
            "hours_requested": "2",
            "description": "",
        },
    )

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(activity)
    assert activity.status == ActivityStatus.SUBMITTED
    assert activity.provider.name == "Общество кардиологов"
    assert "подана на оценку" in client.get(detail(activity)).content.decode()


def test_the_form_shows_the_services_refusals_next_to_the_fields(client, provider, nomenclature):
    """Rules checked by the service (a place for an in-person event, the country) come
    back in Russian next to their fields, with what was typed kept."""
    client.force_login(provider)

    response = client.post(
        NEW,
        {
            "kind": "event",
            "title": "Школа без адреса",
            "specialties": ["31.08.36"],
            "format": "in_person",
            "starts_on": "2026-06-02",
            "ends_on": "2026-06-01",
            "country": "ZZ",
            "hours_requested": "6",
        },
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Для очного мероприятия укажите место проведения." in html
    assert "Дата окончания не может быть раньше даты начала." in html
    assert "двухбуквенным кодом ISO 3166-1" in html
    assert 'value="Школа без адреса"' in html
    assert not Activity.objects.exists()


def test_a_provider_edits_a_submitted_application(client, provider, own):
    client.force_login(provider)
    assert client.get(edit(own)).status_code == 200

    response = client.post(
        edit(own),
        {
            "kind": "event",
            "title": "Школа кардиолога — 2",
            "specialties": ["31.08.36"],
            "format": "in_person",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-10",
            "location": "Москва",
            "country": "RU",
            "hours_requested": "12",
        },
    )

    own.refresh_from_db()
    assert response.status_code == 302
    assert own.title == "Школа кардиолога — 2"
    assert list(own.history.values_list("action", flat=True)) == ["edited"]


def test_a_decided_application_is_not_offered_for_editing(client, provider, provider_org):
    decided = ActivityFactory(provider=provider_org, accredited=True)
    client.force_login(provider)

    response = client.get(edit(decided), follow=True)

    assert "изменить её нельзя" in response.content.decode()


def test_it_checks_access_to_the_provider_pages(client, own, other_provider, specialist, expert):
    """Anonymous visitors are sent to log in; a specialist or an expert may not open the
    provider's pages (403); another provider's application is 404."""
    for url in (MY, NEW):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(edit(own)).status_code == 302
    for outsider in (specialist, expert):
        client.force_login(outsider)
        assert client.get(MY).status_code == 403
        assert client.get(NEW).status_code == 403
    client.force_login(other_provider)
    assert client.get(edit(own)).status_code == 404
    assert client.post(edit(own), {"title": "Чужая"}).status_code == 404


# --- The commission ----------------------------------------------------------------------


def test_the_review_queue_lists_submitted_applications_oldest_first(
    client, expert, own, listed, cardiology
):
    """Experts see the applications awaiting a decision, oldest first; decided ones are
    not in the queue."""
    newer = ActivityFactory(title="Поздняя заявка", specialties=[cardiology])
    client.force_login(expert)

    response = client.get(QUEUE)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Школа кардиолога") < html.index(newer.title)
    assert "Конгресс «Кардиология 2026»" not in html
    assert "Ожидают решения: 2" in html
    assert f'href="{review(own)}"' in html


def test_the_review_queue_filters(client, expert, own, cardiology):
    ActivityFactory(title="Модуль ЭКГ", module=True, specialties=[cardiology])
    client.force_login(expert)

    html = client.get(QUEUE, {"kind": "module"}).content.decode()

    assert "Модуль ЭКГ" in html
    assert "Школа кардиолога" not in html


def test_an_expert_accredits_through_the_decision_page(client, expert, own, mailoutbox):
    """The application page shows the history and the decision form; accrediting puts the
    activity in the catalogue."""
    client.force_login(expert)
    page = client.get(review(own)).content.decode()
    assert "История рассмотрения заявки" in page
    assert "<legend>Решение" in page

    response = client.post(review(own), {"decision": "accredited", "credits": "10"})

    own.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert (own.status, own.credits) == (ActivityStatus.ACCREDITED, 10)
    assert "Школа кардиолога" in client.get(CATALOGUE).content.decode()


def test_the_decision_page_explains_refusals(client, expert, own, provider_org):
    """No credits → 422 next to the field; credits abroad → 409 with the faq-foreign
    message; a decided application offers no form."""
    client.force_login(expert)

    missing = client.post(review(own), {"decision": "accredited", "credits": ""})
    assert missing.status_code == 422
    assert "Укажите число кредитов" in missing.content.decode()

    abroad = ActivityFactory(provider=provider_org, country="DE", location="Berlin")
    refused = client.post(review(abroad), {"decision": "accredited", "credits": "5"})
    assert refused.status_code == 409
    assert "за рубежом" in refused.content.decode()

    decided = ActivityFactory(accredited=True)
    assert "<legend>Решение" not in client.get(review(decided)).content.decode()


def test_it_checks_access_to_the_commission_pages(client, own, specialist, provider):
    """Anonymous visitors are sent to log in; a specialist or a provider gets 403 on the
    queue and the decision page."""
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    for outsider in (specialist, provider):
        client.force_login(outsider)
        assert client.get(QUEUE).status_code == 403
        assert client.get(review(own)).status_code == 403
        assert (
            client.post(review(own), {"decision": "accredited", "credits": "5"}).status_code == 403
        )
    own.refresh_from_db()
    assert own.status == ActivityStatus.SUBMITTED


def test_each_role_finds_its_catalog_pages_in_the_menu(client, provider, expert):
    """The menu links «Мои мероприятия и модули» for providers and «Заявки на оценку» for
    experts."""
    client.force_login(provider)
    assert f'href="{MY}"' in client.get(CATALOGUE).content.decode()
    client.force_login(expert)
    assert f'href="{QUEUE}"' in client.get(CATALOGUE).content.decode()


def test_provider_reaches_codes_from_an_accredited_event(client, provider):
    """The provider's page of an accredited event links to its codes and certificates
    (faq-certificate): the provider, not the commission, issues them."""
    from nmo.codes.tests.factories import accredited_event

    event = accredited_event(
        provider=provider.memberships.get().organisation, submitted_by=provider
    )
    client.force_login(provider)
    page = client.get(f"/catalogue/activities/{event.pk}/").content.decode()
    assert f"/codes/activities/{event.pk}/" in page
    client.logout()
    public = client.get(f"/catalogue/activities/{event.pk}/").content.decode()
    assert f"/codes/activities/{event.pk}/" not in public
