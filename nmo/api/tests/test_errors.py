"""The error format of api.md holds everywhere: 4xx with detail and code, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]


def test_malformed_json_is_400(api_client):
    """A body that is not JSON gets 400 malformed_json with a Russian message."""
    response = api_client.post("/api/v1/accounts", "{not json", content_type="application/json")
    assert_error(response, 400, "malformed_json")
    assert response.json()["detail"] == "Тело запроса не является корректным JSON."


def test_wrong_types_are_422_per_field(api_client):
    """Wrong types are listed per field in Russian."""
    response = api_client.post(
        "/api/v1/accounts",
        {"email": 5, "password": [], "personal_data_consent": "maybe"},
        content_type="application/json",
    )
    assert_error(response, 422, "validation_error")
    errors = response.json()["errors"]
    assert errors["email"] == ["Ожидается строка."]
    assert errors["last_name"] == ["Обязательное поле."]
    assert "personal_data_consent" in errors


def test_oversized_field_is_422(api_client):
    """A field longer than allowed is refused before any work."""
    response = api_client.post(
        "/api/v1/auth/token",
        {"email": "a" * 10_000 + "@x.ru", "password": "x"},
        content_type="application/json",
    )
    assert_error(response, 422, "validation_error")
    assert response.json()["errors"]["email"] == [
        "Слишком длинное значение: не более 254 символов."
    ]


def test_oversized_body_is_413(api_client, settings):
    """A body over the upload limit is refused with 413."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client.post(
        "/api/v1/accounts", json.dumps({"email": "x" * 5000}), content_type="application/json"
    )
    assert_error(response, 413, "request_too_large")


def test_unknown_path_is_json_404(api_client):
    """An unknown API path answers JSON, not an HTML page."""
    assert_error(api_client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(api_client.get("/api/v2/"), 404, "not_found")


def test_wrong_method_is_json_405(api_client):
    """A method the path does not take answers 405 in the error format."""
    assert_error(
        api_client.put("/api/v1/auth/token", "{}", content_type="application/json"),
        405,
        "method_not_allowed",
    )


def test_openapi_schema_and_docs_are_served(api_client):
    """The schema and the docs page are public."""
    schema = api_client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/token" in paths
    assert "/api/v1/accounts" in paths
    assert "/api/v1/specialties" in paths
    assert api_client.get("/api/v1/docs").status_code == 200


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.text(max_size=200),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {},
        optional={
            "email": json_values,
            "password": json_values,
            "last_name": json_values,
            "first_name": json_values,
            "middle_name": json_values,
            "snils": json_values,
            "personal_data_consent": json_values,
        },
    ).map(json.dumps),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, path=st.sampled_from(["/api/v1/accounts", "/api/v1/auth/token"]))
def test_no_body_makes_the_api_fail_with_500(api_client, body, path):
    """Whatever bytes a client sends to the public endpoints, the answer is a 2xx or a 4xx
    in the error format, never a 500."""
    response = api_client.post(path, body, content_type="application/json")
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        body_json = response.json()
        assert body_json["code"]
        assert body_json["detail"]
