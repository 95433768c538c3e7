"""Hostile uploads to the learners and assessment-bank imports (ADR 0025): each file of
issue 11's probe is answered 422 with its Russian reason, on the page and in the API, in
the request — nothing is queued, nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from nmo.core.models import BackgroundJob
from nmo.core.tests import hostile
from nmo.programmes.models import AssessmentItem, Enrolment

from .factories import make_cohort, make_programme

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HOSTILE = pytest.mark.parametrize(
    ("name", "file_name", "make", "words"),
    hostile.HOSTILE_XLSX,
    ids=[case[0] for case in hostile.HOSTILE_XLSX],
)


def nothing_started():
    assert not BackgroundJob.objects.exists()
    assert not DBTaskResult.objects.exists()


@HOSTILE
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_learners_page_refuses_each_hostile_file_at_once(
    client, npc, name, file_name, make, words
):
    cohort = make_cohort(npc)
    client.force_login(npc.staff)
    response = client.post(
        f"/programmes/cohorts/{cohort.pk}/learners/import/",
        {"file": SimpleUploadedFile(file_name, make())},
    )
    assert response.status_code == 422
    assert words in response.content.decode()
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    nothing_started()


@HOSTILE
def test_the_bank_page_refuses_each_hostile_file(client, npc, name, file_name, make, words):
    programme = make_programme(npc)
    client.force_login(npc.staff)
    response = client.post(
        f"/programmes/{programme.pk}/bank/", {"file": SimpleUploadedFile(file_name, make())}
    )
    assert response.status_code == 422
    assert words in response.content.decode()
    assert not AssessmentItem.objects.filter(programme=programme).exists()


@HOSTILE
def test_the_bank_api_refuses_each_hostile_file(
    api_client, token_for, npc, name, file_name, make, words
):
    programme = make_programme(npc)
    response = api_client.post(
        f"/api/v1/programmes/{programme.pk}/bank",
        {"file": SimpleUploadedFile(file_name, make())},
        **token_for(npc.staff),
    )
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["code"] == "assessment_bank_file_invalid"
    assert any(words in text for text in body["errors"]["file"])
    assert not AssessmentItem.objects.filter(programme=programme).exists()
