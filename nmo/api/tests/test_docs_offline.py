"""The API docs work on a machine without internet (ADR 0013): the page loads Swagger UI
from the app's own static files and names no other host."""

import json
import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_the_docs_page_loads_swagger_ui_from_this_server_only():
    client = Client()  # a new client builds the middleware: WhiteNoise reads the finders
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(asset.endswith(".js") and "swagger-ui-bundle" in asset for asset in assets)
    assert any(asset.endswith(".css") for asset in assets)
    assert not re.search(r"(?:https?:)?//", " ".join(assets)), assets
    assert "cdn" not in page.lower()

    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', page, re.S
    )
    assert settings_json is not None
    swagger = json.loads(settings_json.group(1))
    assert swagger["url"] == "/api/v1/openapi.json"
    assert swagger["validatorUrl"] is None  # no badge fetched from swagger.io

    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 0, asset
    bundle = next(asset for asset in assets if "swagger-ui-bundle" in asset)
    served = client.get(bundle)
    assert b"SwaggerUIBundle" in b"".join(served.streaming_content)
