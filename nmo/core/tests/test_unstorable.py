"""Characters PostgreSQL cannot store (NUL, a lone surrogate) are refused at the door with
a 422, on the API in its error shape and on pages in Russian, never a 500 (ADR 0026)."""

import pytest

from nmo.codes.exceptions import RosterInvalid
from nmo.codes.services.issue import read_roster_file

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Недопустимый символ"


def _refused(response, field):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"] == "Проверьте введённые данные."
    assert body["errors"][field][0].startswith(NUL_MESSAGE)


def test_a_nul_in_a_query_string_is_a_422(api_client):
    _refused(api_client.get("/api/v1/catalogue", {"q": "кардио\x00"}), "q")
    _refused(api_client.get("/api/v1/specialties?q=%00"), "q")


def test_a_nul_or_a_lone_surrogate_in_a_json_body_is_a_422(api_client, token_for, specialist):
    headers = token_for(specialist)
    nul = '{"specialty": "31.08.36\\u0000", "starts_on": "2025-03-01"}'
    response = api_client.post("/api/v1/cycles", nul, content_type="application/json", **headers)
    _refused(response, "specialty")
    surrogate = '{"specialty": "\\ud800", "starts_on": "2025-03-01"}'
    response = api_client.post(
        "/api/v1/cycles", surrogate, content_type="application/json", **headers
    )
    _refused(response, "specialty")


def test_nested_json_fields_are_named_by_their_path(api_client, token_for, provider):
    body = '{"kind": "event", "title": "Школа", "specialties": ["31.08.36", "\\u0000"]}'
    response = api_client.post(
        "/api/v1/activities", body, content_type="application/json", **token_for(provider)
    )
    _refused(response, "specialties.1")


def test_a_paired_surrogate_and_an_escaped_backslash_are_ordinary_text(api_client):
    """An emoji written as a surrogate pair and the six characters `\\u0000` are stored
    fine: only what PostgreSQL rejects is refused."""
    response = api_client.get("/api/v1/catalogue", {"q": "\\u0000 😀"})
    assert response.status_code == 200


def test_a_nul_in_a_path_parameter_or_a_token_is_a_422(api_client):
    _refused(api_client.get("/api/v1/documents/verify/ab%00cd"), "path")
    response = api_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer abc\x00")
    _refused(response, "Authorization")


def test_a_nul_in_a_form_field_of_an_api_upload_is_a_422(api_client, token_for, provider):
    response = api_client.post(
        "/api/v1/catalogue", {"note": "a\x00b"}, **token_for(provider)
    )  # any form body: refused before routing
    _refused(response, "note")


def test_a_multipart_body_without_a_boundary_is_a_400(api_client, token_for, provider):
    response = api_client.generic(
        "POST",
        "/api/v1/programmes/1/bank",
        b"--x--",
        content_type="multipart/form-data",
        **token_for(provider),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_a_page_refuses_a_nul_in_russian(client):
    """A page's query or form with a NUL shows a Russian refusal (422), not a 500."""
    response = client.get("/catalogue/", {"q": "\x00"})
    assert response.status_code == 422
    assert NUL_MESSAGE in response.content.decode()
    response = client.post("/accounts/login/", {"username": "a\x00@b.ru", "password": "x"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Действие не выполнено" in page
    assert NUL_MESSAGE in page


def test_a_csv_roster_with_a_nul_is_refused_in_russian():
    with pytest.raises(RosterInvalid) as refused:
        read_roster_file("roster.csv", "ФИО;СНИЛС\nИванов\x00;112-233-445 95\n".encode())
    # The upload check (nmo/core/uploads.py, ADR 0025) refuses it before it is parsed.
    assert refused.value.errors["file"] == [
        "Файл не похож на таблицу CSV: в нём двоичные данные. Сохраните таблицу как CSV или XLSX."
    ]


def test_a_date_is_only_yyyy_mm_dd(api_client):
    """`date_to=0` would be read as 1970-01-01 by pydantic: the API takes ГГГГ-ММ-ДД."""
    for value in ("0", "1700000000", "2026-1-5"):
        response = api_client.get("/api/v1/catalogue", {"date_to": value})
        assert response.status_code == 422, value
        assert response.json()["errors"]["date_to"] == ["Ожидается дата в формате ГГГГ-ММ-ДД."]
    assert api_client.get("/api/v1/catalogue", {"date_to": "2026-01-05"}).status_code == 200
