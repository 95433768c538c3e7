"""Speed where a provider waits (ADR 0017): a small roster answers at once with no PDF in
the request; a long roster, a large batch of codes and a bundle of certificates run as
background jobs with a status page that shows progress, gives the file to its owner only
and reports a refusal in Russian with nothing written."""

import io
import re
import time

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook
from pypdf import PdfReader

from nmo.codes import documents
from nmo.codes.models import ConfirmationCode, Participant
from nmo.codes.tests.factories import issued_codes
from nmo.core.models import BackgroundJob

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def roster_file(rows, name="roster.xlsx"):
    workbook = Workbook()
    workbook.active.append(["ФИО", "E-mail"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def people(count, start=1):
    return [[f"Участник Номер {n}", f"person{n}@example.ru"] for n in range(start, start + count)]


def run_worker():
    """What `manage.py db_worker` does in production, until the queue is empty."""
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def job_id(response) -> int:
    assert response.status_code == 302, response.content[:500]
    match = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert match, response["Location"]
    return int(match.group(1))


@pytest.fixture
def pdfs_rendered(monkeypatch):
    """Counts the certificates rendered to PDF (the slow step of a roster with e-mails)."""
    calls = []
    original = documents.render_pdf

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(documents, "render_pdf", counting)
    return calls


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_roster_of_three_answers_at_once_and_renders_no_pdf_in_the_request(
    provider, event, pdfs_rendered, django_capture_on_commit_callbacks
):
    """A roster of 3 with e-mails is loaded in the request and answered in well under a
    second: the certificates it e-mails are queued for the worker, none is rendered while
    the provider waits (it was: 3 PDFs in the request, 7.6 s on a cold server). The time
    is asserted with a wide margin (the request takes tens of milliseconds); the count of
    PDFs rendered is the exact, load-independent proof."""
    client = client_for(provider)
    client.get(reverse("codes:activity_codes", args=[event.pk]))  # warm URLs and templates
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("codes:import_roster", args=[event.pk]), {"file": roster_file(people(3))}
        )
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert response["Location"] == reverse("codes:activity_codes", args=[event.pk])
    assert elapsed < 1.0
    assert pdfs_rendered == []
    assert Participant.objects.filter(activity=event).count() == 3
    queued = DBTaskResult.objects.filter(task_path="nmo.codes.tasks.send_certificate")
    assert queued.count() == 3
    assert not BackgroundJob.objects.exists()


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_bundle_of_certificates_is_a_job_with_progress_and_its_file_is_the_owners(
    provider, event, other_provider, specialist, monkeypatch
):
    """More than a few certificates: the download link becomes a button; the job's page
    shows the progress while the worker renders them one by one, then the file, which
    only the provider who started it may download (others get 404)."""
    issued_codes(provider, event, 4)
    client = client_for(provider)
    page = client.get(reverse("codes:activity_codes", args=[event.pk])).content.decode()
    assert "Подготовить PDF" in page
    prepare = client.get(reverse("codes:certificates_zip", args=[event.pk]))
    assert prepare.status_code == 200
    assert "Подготовить архив ZIP" in prepare.content.decode()

    pk = job_id(client.post(reverse("codes:certificates_zip", args=[event.pk]) + "?part=1"))
    waiting = client.get(reverse("web:job", args=[pk])).content.decode()
    assert "В очереди" in waiting
    assert "data-job-poll" in waiting  # the page polls its status block
    assert f'href="/jobs/{pk}/">Обновить состояние' in waiting  # and without scripts, a link
    assert 'aria-live="polite"' in waiting

    seen = []
    original = documents.render_pdf

    def render_and_look(*args, **kwargs):
        seen.append(client.get(reverse("web:job", args=[pk]) + "?partial=1").content.decode())
        return original(*args, **kwargs)

    monkeypatch.setattr(documents, "render_pdf", render_and_look)
    run_worker()
    assert "готово 2 из 4" in seen[2]
    assert 'value="50"' in seen[2]

    done = client.get(reverse("web:job", args=[pk])).content.decode()
    assert "Готово." in done
    assert "Свидетельств в файле: 4." in done
    assert "data-job-poll" not in done
    download = client.get(reverse("web:job_file", args=[pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(download.getvalue())).namelist()
    assert len(names) == 4
    # The status page closed, the job is found again on «Мои задания», with its file.
    mine = client.get(reverse("web:jobs")).content.decode()
    assert f'href="/jobs/{pk}/file/"' in mine
    assert "Готово" in mine
    for stranger in (other_provider, specialist):
        assert f"/jobs/{pk}/" not in client_for(stranger).get(reverse("web:jobs")).content.decode()
        assert client_for(stranger).get(reverse("web:job", args=[pk])).status_code == 404
        assert client_for(stranger).get(reverse("web:job_file", args=[pk])).status_code == 404
    assert Client().get(reverse("web:job_file", args=[pk])).status_code == 302  # to login


def test_a_pdf_bundle_job_gives_one_page_per_certificate(
    provider, event, django_capture_on_commit_callbacks
):
    """With the immediate queue of development the job runs after its commit; the PDF is
    whole."""
    codes = issued_codes(provider, event, 5)
    client = client_for(provider)
    with django_capture_on_commit_callbacks(execute=True):
        pk = job_id(client.post(reverse("codes:certificates_pdf", args=[event.pk])))
    download = client.get(reverse("web:job_file", args=[pk]))
    pages = PdfReader(io.BytesIO(download.getvalue())).pages
    assert len(pages) == 5
    assert codes[0].value in pages[0].extract_text()


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_long_roster_with_a_bad_row_is_refused_in_russian_and_nothing_is_written(provider, event):
    """A roster longer than a few rows is a job; a bad row fails it: the status page lists
    the row in Russian and no participant or code is written."""
    rows = people(12)
    rows[4] = ["Участник Номер 5", "плохой"]
    client = client_for(provider)
    pk = job_id(
        client.post(reverse("codes:import_roster", args=[event.pk]), {"file": roster_file(rows)})
    )
    run_worker()
    page = client.get(reverse("web:job", args=[pk])).content.decode()
    assert "Не выполнено." in page
    assert 'role="alert"' in page
    assert "Строка 6: неверный адрес электронной почты «плохой»." in page
    assert "Ничего не записано" in page
    assert not Participant.objects.exists()
    assert not ConfirmationCode.objects.exists()
    assert not BackgroundJob.objects.get(pk=pk).source  # the upload is not kept


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_long_roster_is_loaded_by_the_worker(provider, event):
    client = client_for(provider)
    pk = job_id(
        client.post(
            reverse("codes:import_roster", args=[event.pk]), {"file": roster_file(people(12))}
        )
    )
    assert not Participant.objects.exists()  # nothing in the request
    run_worker()
    page = client.get(reverse("web:job", args=[pk])).content.decode()
    assert "Список загружен: участников 12, выпущено кодов 12" in page
    assert Participant.objects.filter(activity=event).count() == 12


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_large_batch_of_codes_is_a_job_and_a_small_one_is_immediate(provider, event):
    client = client_for(provider)
    small = client.post(reverse("codes:issue_codes", args=[event.pk]), {"count": "5"})
    assert small["Location"] == reverse("codes:activity_codes", args=[event.pk])
    assert ConfirmationCode.objects.count() == 5
    pk = job_id(client.post(reverse("codes:issue_codes", args=[event.pk]), {"count": "150"}))
    assert ConfirmationCode.objects.count() == 5
    assert "Выпуск кодов (150)" in client.get(reverse("web:job", args=[pk])).content.decode()
    run_worker()
    assert ConfirmationCode.objects.count() == 155
    assert "Выпущено кодов: 150." in client.get(reverse("web:job", args=[pk])).content.decode()
