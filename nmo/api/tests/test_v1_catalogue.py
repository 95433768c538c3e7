"""GET /api/v1/catalogue (api.md: Activities): the public catalogue of accredited events
and e-modules."""

import datetime

import pytest

from nmo.catalog.tests import fixtures as catalog_fixtures
from nmo.catalog.tests.factories import ActivityFactory, ProviderFactory

# The catalog's fixtures (nmo/catalog/tests/fixtures.py), by name.
cardiology = catalog_fixtures.cardiology
neurology = catalog_fixtures.neurology
nomenclature = catalog_fixtures.nomenclature

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogue"
ITEM_KEYS = {
    "id",
    "kind",
    "title",
    "provider",
    "specialties",
    "format",
    "starts_on",
    "ends_on",
    "credits",
}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


@pytest.fixture
def congress(cardiology, neurology):
    return ActivityFactory(
        title="Конгресс «Кардионеврология»",
        provider=ProviderFactory(name="Российское кардиологическое общество"),
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 9, 3),
        hours_requested=18,
        accredited=True,
        specialties=[neurology, cardiology],
    )


@pytest.mark.clause("faq-only-listed")
def test_the_catalogue_is_public_and_has_exactly_the_contract_fields(api_client, congress):
    """No token needed; {"items", "total"}; each item has exactly the fields of api.md,
    the provider's name and the specialty codes."""
    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "total"}
    assert body["total"] == 1
    (item,) = body["items"]
    assert set(item) == ITEM_KEYS
    assert item == {
        "id": congress.pk,
        "kind": "event",
        "title": "Конгресс «Кардионеврология»",
        "provider": "Российское кардиологическое общество",
        "specialties": ["31.08.36", "31.08.42"],
        "format": "in_person",
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-03",
        "credits": 18,
    }


@pytest.mark.clause("faq-only-listed", "faq-catalogue-providers")
def test_submitted_and_rejected_applications_never_appear(api_client, congress, cardiology):
    """Only accredited activities are listed and carry credits (faq-only-listed)."""
    ActivityFactory(title="Подана", specialties=[cardiology])
    ActivityFactory(title="Отклонена", rejected=True, specialties=[cardiology])

    body = api_client.get(URL).json()

    assert [item["title"] for item in body["items"]] == ["Конгресс «Кардионеврология»"]
    assert body["total"] == 1


@pytest.mark.clause("faq-join-steps")
def test_kind_gives_the_events_and_the_modules_catalogues(api_client, congress, cardiology):
    """`kind=event` is «Мероприятия», `kind=module` is «Модули» (faq-join-steps step 4)."""
    ActivityFactory(title="Модуль «ЭКГ»", accredited=True, module=True, specialties=[cardiology])

    events = api_client.get(URL, {"kind": "event"}).json()
    modules = api_client.get(URL, {"kind": "module"}).json()

    assert [i["title"] for i in events["items"]] == ["Конгресс «Кардионеврология»"]
    assert [i["title"] for i in modules["items"]] == ["Модуль «ЭКГ»"]
    assert modules["items"][0]["format"] == "online"


def test_specialty_and_cyrillic_search_filter(api_client, congress, cardiology):
    ActivityFactory(title="Школа кардиолога", accredited=True, specialties=[cardiology])

    by_specialty = api_client.get(URL, {"specialty": "31.08.42"}).json()
    by_title = api_client.get(URL, {"q": "КАРДИОЛОГА"}).json()
    unknown = api_client.get(URL, {"specialty": "00.00.00"}).json()

    assert [i["title"] for i in by_specialty["items"]] == ["Конгресс «Кардионеврология»"]
    assert [i["title"] for i in by_title["items"]] == ["Школа кардиолога"]
    assert unknown == {"items": [], "total": 0}


def test_dates_and_format_filter(api_client, congress, cardiology):
    ActivityFactory(
        title="Вебинар",
        format="online",
        location="",
        starts_on=datetime.date(2026, 10, 5),
        accredited=True,
        specialties=[cardiology],
    )

    september = api_client.get(URL, {"date_from": "2026-09-03", "date_to": "2026-09-30"}).json()
    online = api_client.get(URL, {"format": "online"}).json()

    assert [i["title"] for i in september["items"]] == ["Конгресс «Кардионеврология»"]
    assert [i["title"] for i in online["items"]] == ["Вебинар"]


def test_pages_of_20_and_a_page_beyond_the_last_is_empty(api_client, cardiology):
    for n in range(23):
        ActivityFactory(
            title=f"Семинар {n:02d}",
            starts_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            accredited=True,
            specialties=[cardiology],
        )

    first = api_client.get(URL).json()
    second = api_client.get(URL, {"page": 2}).json()
    beyond = api_client.get(URL, {"page": 50})

    assert len(first["items"]) == 20
    assert first["items"][0]["title"] == "Семинар 22"
    assert [i["title"] for i in second["items"]] == ["Семинар 02", "Семинар 01", "Семинар 00"]
    assert first["total"] == second["total"] == 23
    assert beyond.status_code == 200
    assert beyond.json() == {"items": [], "total": 23}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"kind": "lecture"}, "kind"),
        ({"format": "hybrid"}, "format"),
        ({"date_from": "01.09.2026"}, "date_from"),
        ({"q": "к" * 201}, "q"),
        ({"date_from": "2026-09-10", "date_to": "2026-09-01"}, "date_to"),
    ],
)
def test_bad_parameters_are_422(api_client, params, field):
    body = assert_error(api_client.get(URL, params), 422, "validation_error")
    assert field in body["errors"]


def test_a_page_costs_at_most_three_queries(
    api_client, cardiology, neurology, django_assert_max_num_queries
):
    """Count, rows with their provider, and their specialties: not one query per row."""
    for n in range(20):
        ActivityFactory(
            title=f"Мероприятие {n}",
            provider=ProviderFactory(),
            accredited=True,
            specialties=[cardiology, neurology],
        )

    with django_assert_max_num_queries(3):
        response = api_client.get(URL, {"q": "мероприятие"})

    assert len(response.json()["items"]) == 20
