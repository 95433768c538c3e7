"""Codes are activated on the credit portal (faq-activate-where): a cycle-only deployment
takes no code, says where to activate it and links there; a deployment with both roles
(the default) activates as before."""

import pytest
from django.test import override_settings

from nmo.codes.tests.factories import issued_codes
from nmo.cycles.models import CreditEntry

pytestmark = pytest.mark.django_db

CREDIT_PORTAL = "https://credits.example.ru"


@pytest.mark.clause("faq-activate-where")
@override_settings(PORTAL_ROLES=["cycles"], OTHER_PORTAL_URL=CREDIT_PORTAL)
def test_a_cycle_portal_sends_the_specialist_to_the_credit_portal(
    client, specialist, provider, event
):
    """faq-activate-where: on a cycle-only portal the activation page offers no form, says
    in Russian that codes are activated on the credit portal and links to its form; a
    posted code (page or API) is refused and credits nothing."""
    code = issued_codes(provider, event, 1)[0].value
    client.force_login(specialist)
    page = client.get("/codes/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Коды активируются на портале учёта кредитов" in html
    assert f'href="{CREDIT_PORTAL}/codes/activate/"' in html
    assert 'name="code"' not in html

    posted = client.post("/codes/activate/", {"code": code})
    assert posted.status_code == 409
    assert not CreditEntry.objects.exists()


@pytest.mark.clause("faq-activate-where")
@override_settings(PORTAL_ROLES=["cycles"], OTHER_PORTAL_URL=CREDIT_PORTAL)
def test_the_api_of_a_cycle_portal_refuses_a_code(
    api_client, token_for, specialist, provider, event
):
    """faq-activate-where: POST /api/v1/codes/activate on a cycle-only portal is 409
    `activate_on_credit_portal` with a Russian explanation; nothing is credited."""
    code = issued_codes(provider, event, 1)[0].value
    response = api_client.post(
        "/api/v1/codes/activate",
        {"code": code},
        content_type="application/json",
        **token_for(specialist),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "activate_on_credit_portal"
    assert "портале учёта кредитов" in response.json()["detail"]
    assert not CreditEntry.objects.exists()


@pytest.mark.clause("faq-activate-where")
@pytest.mark.parametrize("roles", [["credits"], ["cycles", "credits"]])
def test_a_credit_portal_activates_codes(client, specialist, provider, event, roles):
    """faq-activate-where: the credit portal (alone or with both roles, the default) keeps
    the activation form and credits the code."""
    code = issued_codes(provider, event, 1)[0].value
    client.force_login(specialist)
    with override_settings(PORTAL_ROLES=roles):
        assert 'name="code"' in client.get("/codes/activate/").content.decode()
        assert client.post("/codes/activate/", {"code": code}).status_code == 200
    assert CreditEntry.objects.filter(specialist=specialist).count() == 1
