"""Forms offer only what the organisation's regulation allows (issue 10): the choices are
filtered by the organisation's current regulation version, per preset, instead of being
refused after submit."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from nmo.attestation.tests.factories import build, make_programme, organisation_under

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]


def _staff(org) -> Client:
    client = Client()
    client.force_login(org.staff)
    return client


# What each preset allows (nmo/regulations/presets): programme kinds, attestation forms,
# grade scales, places, and whether there is a deputy chair.
ALLOWED = {
    "npc": {
        "kind": ["qualification_upgrade"],
        "attestation_form": ["credit_test"],
        "scale": ["two_point"],
        "place": ["organisation", "unit"],
        "deputy_chair": True,
    },
    "rgmu": {
        "kind": ["qualification_upgrade", "professional_retraining"],
        "attestation_form": ["exam", "credit_test"],
        "scale": ["four_point", "two_point"],
        "place": ["organisation", "unit", "customer_premises"],
        "deputy_chair": False,
    },
}


@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_programme_and_stage_forms_offer_only_the_regulations_choices(key):
    org = organisation_under(key)
    client = _staff(org)
    page = client.get(reverse("programmes:programme_create")).content.decode()
    assert sorted(_options(page, "kind")) == sorted(ALLOWED[key]["kind"])
    assert sorted(_options(page, "attestation_form")) == sorted(ALLOWED[key]["attestation_form"])
    programme = make_programme(org)
    page = client.get(reverse("programmes:programme_detail", args=[programme.pk])).content
    assert sorted(_options(page.decode(), "scale")) == sorted(ALLOWED[key]["scale"])


@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_cohort_and_schedule_forms_offer_only_the_regulations_places(key):
    setup = build(key, schedule=False)
    client = _staff(setup.org)
    page = client.get(reverse("programmes:cohort_create")).content.decode()
    assert sorted(_options(page, "place")) == sorted(ALLOWED[key]["place"])
    url = reverse("attestation:attestation_schedule", args=[setup.cohort.pk])
    page = client.get(url).content.decode()
    assert sorted(_options(page, "place")) == sorted([*ALLOWED[key]["place"], "remote"])


@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_commission_form_offers_a_deputy_chair_only_where_the_regulation_has_one(key):
    org = organisation_under(key)
    page = _staff(org).get(reverse("attestation:commission_create")).content.decode()
    roles = _options(page, "seats-0-role")
    assert ("deputy_chair" in roles) is ALLOWED[key]["deputy_chair"]
    assert {"chair", "member", "secretary"} <= set(roles)
