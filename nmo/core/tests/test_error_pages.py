"""Error pages answer in Russian even when the request fails before anyone is known."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(ALLOWED_HOSTS=["nmo.example"], DEBUG=False)
def test_a_request_for_an_unknown_host_gets_the_400_page_not_a_500():
    """A request with a Host header the site does not serve is refused before the user
    is read; the 400 page (with its menu) still renders instead of failing with a 500."""
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Некорректный запрос" in response.content.decode()


@override_settings(DEBUG=False)
def test_an_unknown_address_gets_the_russian_404_page_not_the_url_list():
    """With DEBUG off (as `make run` serves) a mistyped address shows the site's own page
    in Russian, never Django's debug page with every URL pattern."""
    client = Client(raise_request_exception=False)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="ru"' in page
    assert "Страница не найдена" in page
    assert "URLconf" not in page
    assert "URL patterns" not in page
    assert "DEBUG = True" not in page
