"""A background job's result file is kept JOB_RESULT_KEEP_WORKING_DAYS working days after
the job finished, then deleted by `manage.py purge_job_results` (ADR 0611): its owner's
page says until when, and afterwards that it is gone."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command

from nmo.core.models import BackgroundJob, JobStatus

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def _ten_working_days(settings):  # type: ignore[no-untyped-def]
    settings.JOB_RESULT_KEEP_WORKING_DAYS = 10


def finished_job(owner, finished_at: datetime, content: bytes = b"PK\x03\x04") -> BackgroundJob:  # type: ignore[no-untyped-def]
    job = BackgroundJob.objects.create(
        owner=owner,
        kind="frdo",
        title="Выгрузка ФИС ФРДО",
        status=JobStatus.DONE,
        message="Выгружено 3 документа.",
        result_name="ФИС ФРДО.xlsx",
        result_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        finished_at=finished_at,
    )
    job.result.save(f"{job.pk}-frdo.xlsx", ContentFile(content), save=True)
    return job


def test_the_page_says_until_when_the_file_is_kept(client, specialist):
    """Finished on Friday 4 December 2026: ten working days later is Friday 18 December."""
    job = finished_job(specialist, datetime(2026, 12, 4, 12, 0, tzinfo=MSK))
    client.force_login(specialist)

    page = client.get(f"/jobs/{job.pk}/").content.decode()

    assert "Файл хранится до 18.12.2026 включительно" in page
    assert f"/jobs/{job.pk}/file/" in page


def test_files_past_their_keeping_are_deleted_and_the_page_says_so(client, specialist):
    """On 4 December 2026 the files of jobs finished on 16 November (kept through 30
    November) and late on 19 November (kept through 3 December) are deleted from the
    storage; one finished just after midnight on 20 November (kept through 4 December,
    ten working days later) is not. The owner's
    page then says the file is gone and why, and the download is a 404."""
    old = finished_job(specialist, datetime(2026, 11, 16, 15, 0, tzinfo=MSK))
    last_day_yesterday = finished_job(specialist, datetime(2026, 11, 19, 23, 0, tzinfo=MSK))
    recent = finished_job(specialist, datetime(2026, 11, 20, 0, 30, tzinfo=MSK))
    storage, old_name = old.result.storage, old.result.name
    assert storage.exists(old_name)

    out = StringIO()
    with time_machine.travel(datetime(2026, 12, 4, 3, 0, tzinfo=MSK), tick=False):
        call_command("purge_job_results", stdout=out)

    assert "Удалено 2 файла результатов фоновых работ" in out.getvalue()
    assert not storage.exists(old_name)
    last_day_yesterday.refresh_from_db()
    assert not last_day_yesterday.result  # kept through 3 December, deleted on the 4th
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.result
    assert old.result_purged_at is not None
    assert recent.result
    assert storage.exists(recent.result.name)

    client.force_login(specialist)
    page = client.get(f"/jobs/{old.pk}/").content.decode()
    assert "Файл результата удалён" in page
    assert "срок его хранения истёк" in page
    assert f"/jobs/{old.pk}/file/" not in page
    assert client.get(f"/jobs/{old.pk}/file/").status_code == 404
    assert client.get(f"/jobs/{recent.pk}/file/").status_code == 200


def test_a_weekend_run_keeps_what_fridays_kept(specialist):
    """A run on Saturday 5 December deletes what Friday's did, no more: the file of a job
    finished on 20 November is kept through Friday 4 December, so it goes on Saturday;
    one finished on 23 November is kept through Monday 7 December."""
    friday_last = finished_job(specialist, datetime(2026, 11, 20, 12, 0, tzinfo=MSK))
    monday_last = finished_job(specialist, datetime(2026, 11, 23, 12, 0, tzinfo=MSK))
    with time_machine.travel(datetime(2026, 12, 5, 3, 0, tzinfo=MSK), tick=False):
        call_command("purge_job_results", stdout=StringIO())
    friday_last.refresh_from_db()
    monday_last.refresh_from_db()
    assert not friday_last.result
    assert monday_last.result


def test_a_file_the_storage_will_not_delete_is_not_offered_and_is_tried_again(
    client, specialist, monkeypatch
):
    """A storage error on one file: the job is marked (its page no longer offers the
    file, the download is a 404), the other files are still deleted, and the next run
    deletes it."""
    from django.core.files.storage import FileSystemStorage

    stuck = finished_job(specialist, datetime(2026, 11, 2, 15, 0, tzinfo=MSK))
    other = finished_job(specialist, datetime(2026, 11, 3, 15, 0, tzinfo=MSK))
    real_delete = FileSystemStorage.delete

    def refuse_stuck(self, name):  # type: ignore[no-untyped-def]
        if name == stuck.result.name:
            raise PermissionError(13, "Permission denied")
        real_delete(self, name)

    monkeypatch.setattr(FileSystemStorage, "delete", refuse_stuck)
    with time_machine.travel(datetime(2026, 12, 4, 3, 0, tzinfo=MSK), tick=False):
        call_command("purge_job_results", stdout=StringIO())
    stuck.refresh_from_db()
    other.refresh_from_db()
    assert stuck.result
    assert stuck.result_purged_at is not None
    assert not other.result
    client.force_login(specialist)
    assert client.get(f"/jobs/{stuck.pk}/file/").status_code == 404
    assert "Файл результата удалён" in client.get(f"/jobs/{stuck.pk}/").content.decode()

    monkeypatch.setattr(FileSystemStorage, "delete", real_delete)
    with time_machine.travel(datetime(2026, 12, 5, 3, 0, tzinfo=MSK), tick=False):
        call_command("purge_job_results", stdout=StringIO())
    stuck.refresh_from_db()
    assert not stuck.result


def test_a_second_run_deletes_nothing_more(specialist):
    """The purge is safe to run every day: a job already purged is left alone."""
    finished_job(specialist, datetime(2026, 11, 2, 15, 0, tzinfo=MSK))
    runs = []
    with time_machine.travel(datetime(2026, 12, 4, 3, 0, tzinfo=MSK), tick=False):
        for _ in range(2):
            out = StringIO()
            call_command("purge_job_results", stdout=out)
            runs.append(out.getvalue())
    assert "Удалено 1 файл " in runs[0]
    assert "Удалено 0 файлов " in runs[1]
