"""GET /api/v1/specialties (api.md): the public nomenclature of specialties."""

import pytest

from nmo.catalog.tests.factories import SpecialtyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clause("npc-4.1")]

URL = "/api/v1/specialties"


@pytest.fixture
def nomenclature():
    SpecialtyFactory(code="31.08.49", name="Терапия")
    SpecialtyFactory(code="31.08.36", name="Кардиология")
    SpecialtyFactory(code="31.08.13", name="Детская кардиология")
    SpecialtyFactory(code="31.08.01", name="Акушерство и гинекология")
    SpecialtyFactory(code="31.08.23", name="Сексология", is_active=False)


def test_specialties_are_public_and_give_exactly_code_and_name(api_client, nomenclature):
    """Anyone may read the list, without a token; each item is exactly {"code", "name"}."""
    response = api_client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body
    assert all(set(item) == {"code", "name"} for item in body)
    assert {"code": "31.08.36", "name": "Кардиология"} in body


def test_only_active_specialties_are_listed_sorted_by_name(api_client, nomenclature):
    """Withdrawn specialties are hidden; the rest come in alphabetical order (npc-4.1)."""
    names = [item["name"] for item in api_client.get(URL).json()]

    assert names == ["Акушерство и гинекология", "Детская кардиология", "Кардиология", "Терапия"]


@pytest.mark.parametrize("q", ["кардио", "КАРДИО", "Кардио", " кардиология "])
def test_q_filters_by_name_ignoring_case_in_cyrillic(api_client, nomenclature, q):
    """`q` keeps the specialties whose name contains it, ignoring case, for Cyrillic on
    SQLite as on PostgreSQL."""
    response = api_client.get(URL, {"q": q})

    assert response.status_code == 200
    assert response.json() == [
        {"code": "31.08.13", "name": "Детская кардиология"},
        {"code": "31.08.36", "name": "Кардиология"},
    ]


def test_q_reads_yo_as_ye(api_client):
    """«е» in the query finds «ё» in a name and the other way round."""
    SpecialtyFactory(code="99.00.001", name="Учёт и отчётность")

    assert [i["code"] for i in api_client.get(URL, {"q": "учет"}).json()] == ["99.00.001"]
    assert [i["code"] for i in api_client.get(URL, {"q": "УЧЁТ"}).json()] == ["99.00.001"]


def test_q_does_not_reveal_withdrawn_specialties(api_client, nomenclature):
    """A query matching only a withdrawn specialty answers an empty list."""
    response = api_client.get(URL, {"q": "сексология"})

    assert response.status_code == 200
    assert response.json() == []


def test_an_empty_q_lists_everything(api_client, nomenclature):
    """An empty `q` is the same as no `q`."""
    assert api_client.get(URL, {"q": ""}).json() == api_client.get(URL).json()


def test_an_overlong_q_is_refused_with_422(api_client, nomenclature):
    """A `q` longer than 100 characters is refused as invalid input, never a 500."""
    response = api_client.get(URL, {"q": "к" * 101})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "q" in body["errors"]
