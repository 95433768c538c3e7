"""Hostile roster uploads (ADR 0025): each file of issue 11's probe, XLSX or CSV, is
answered 422 on the event's page with its Russian reason, in the request — a large one is
not queued as a job first — and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from nmo.codes.models import ConfirmationCode, Participant
from nmo.core.models import BackgroundJob
from nmo.core.tests import hostile

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CASES = [
    *hostile.HOSTILE_XLSX,
    ("binary_csv", "roster.csv", hostile.binary_csv, "двоичные данные"),
    ("pdf_as_csv", "roster.csv", hostile.pdf_named_xlsx, "Это файл PDF, а не таблица CSV"),
]


@pytest.mark.parametrize(
    ("name", "file_name", "make", "words"), CASES, ids=[case[0] for case in CASES]
)
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_roster_page_refuses_each_hostile_file_at_once(
    client, provider, event, name, file_name, make, words
):
    client.force_login(provider)
    response = client.post(
        reverse("codes:import_roster", args=[event.pk]),
        {"file": SimpleUploadedFile(file_name, make())},
    )
    assert response.status_code == 422
    assert words in response.content.decode()
    assert not Participant.objects.filter(activity=event).exists()
    assert not ConfirmationCode.objects.filter(activity=event).exists()
    assert not BackgroundJob.objects.exists()
    assert not DBTaskResult.objects.exists()
