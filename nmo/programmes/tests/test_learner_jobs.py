"""A learners file a staff member waits for (ADR 0017): a short list is enrolled at once;
a long one is a background job whose status page gives the outcome, or every bad row in
Russian with nobody enrolled."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings

from nmo.accounts.models import User
from nmo.core.models import BackgroundJob
from nmo.programmes.models import Enrolment
from nmo.programmes.tests.factories import learners_file, make_cohort, snils_number

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def rows(count):
    return [
        ("Петров", f"Пётр{n}", "", snils_number(), f"learner-job-{n}@example.ru", "", "", "")
        for n in range(count)
    ]


def upload(client, cohort, content):
    return client.post(
        f"/programmes/cohorts/{cohort.pk}/learners/import/",
        {"file": SimpleUploadedFile("list.xlsx", content)},
    )


def job_page(client, response) -> str:
    assert response.status_code == 302
    match = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert match, response["Location"]
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    return client.get(response["Location"]).content.decode()


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_list_of_three_is_enrolled_at_once(client, npc):
    cohort = make_cohort(npc)
    client.force_login(npc.staff)
    client.get(f"/programmes/cohorts/{cohort.pk}/")  # warm URLs and templates
    started = time.perf_counter()
    response = upload(client, cohort, learners_file(rows(3)))
    assert time.perf_counter() - started < 1.0
    assert response["Location"] == f"/programmes/cohorts/{cohort.pk}/#learners"
    assert Enrolment.objects.filter(cohort=cohort).count() == 3
    assert not BackgroundJob.objects.exists()


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_long_list_is_a_job(client, npc):
    cohort = make_cohort(npc)
    client.force_login(npc.staff)
    response = upload(client, cohort, learners_file(rows(12)))
    assert not Enrolment.objects.exists()  # nothing in the request
    page = job_page(client, response)
    assert "Зачислено: 12; уже были в группе: 0; новых учётных записей: 12." in page
    assert Enrolment.objects.filter(cohort=cohort).count() == 12


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_long_list_with_a_bad_row_enrols_nobody_and_says_why(client, npc):
    cohort = make_cohort(npc)
    client.force_login(npc.staff)
    listed = rows(12)
    listed[3] = ("Петров", "Пётр", "", "123-456-789 00", "bad-snils@example.ru", "", "", "")
    page = job_page(client, upload(client, cohort, learners_file(listed)))
    assert "Не выполнено." in page
    assert "Строка 5: СНИЛС указан с ошибкой" in page
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email__startswith="learner-job-").exists()
