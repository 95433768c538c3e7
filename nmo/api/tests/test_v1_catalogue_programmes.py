"""The programmes of educational organisations in the public catalogue's API (issue 15,
point 1): what the catalogue page offers, with the same filters, for an integration or a
mobile client."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from nmo.programmes.models import Cohort, Programme
from nmo.programmes.tests.conftest import organisation_under
from nmo.programmes.tests.test_applications import offered

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogue/programmes"


@pytest.mark.clause("faq-join-steps")
def test_a_published_programme_with_an_open_cohort_is_listed_with_seats_and_the_form():
    org = organisation_under("npc_dzm", name="ГБУЗ НПЦ", email="uo@npc-api.example.ru")
    cohort = offered(org, seats=3)
    programme = cohort.programme
    hidden = offered(org, seats=3).programme
    Programme.objects.filter(pk=hidden.pk).update(published=False)

    answer = Client().get(URL)

    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["id"] == programme.pk
    assert item["title"] == programme.title
    assert item["organisation"] == "ГБУЗ НПЦ"
    assert item["by_certificate"] is True
    assert item["price"] == "25000.00"
    assert item["url"] == f"/catalogue/programmes/{programme.pk}/"
    (open_cohort,) = item["cohorts"]
    assert open_cohort["id"] == cohort.pk
    assert open_cohort["seats_left"] == 3
    assert open_cohort["apply_url"] == f"/programmes/apply/{cohort.pk}/"


def test_a_started_cohort_takes_no_applications_and_the_filters_apply():
    org = organisation_under("npc_dzm", name="ГБУЗ НПЦ", email="uo@npc-api.example.ru")
    cohort = offered(org, seats=3)
    client = Client()
    assert client.get(URL, {"kind": "professional_retraining"}).json()["total"] == 0
    assert client.get(URL, {"kind": "qualification_upgrade"}).json()["total"] == 1
    assert client.get(URL, {"q": "нет такой программы"}).json()["total"] == 0
    today = timezone.localdate()
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=today - timedelta(days=1))
    assert client.get(URL).json() == {"items": [], "total": 0}


def test_bad_filters_get_a_russian_answer():
    client = Client()
    answer = client.get(URL, {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert answer.status_code == 422
    assert "не может быть раньше" in answer.content.decode()
    assert client.get(URL, {"kind": "что-то"}).status_code == 422
    assert client.get(URL, {"page": "0"}).status_code == 422
