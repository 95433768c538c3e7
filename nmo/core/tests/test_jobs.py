"""Background jobs (ADR 0017): progress, the result, refusals and breakdowns in Russian."""

import pytest
from django_tasks import task

from nmo.core.exceptions import NotFound, ValidationFailed
from nmo.core.jobs import INTERNAL_FAILURE, JobResult, job_of, read_result, run_job, start_job
from nmo.core.models import BackgroundJob, JobStatus

pytestmark = pytest.mark.django_db


@task()
def nothing(*, job_id: int) -> None:
    """A task that leaves the job queued, so the test runs it by hand."""


def queued(owner, total=4):
    return start_job(owner=owner, kind="test", title="Проверка", task=nothing, total=total)


def test_progress_then_a_result_only_its_owner_reads(specialist, provider):
    job = queued(specialist)
    seen = []

    def work(current, progress):
        progress(1)
        seen.append(BackgroundJob.objects.get(pk=current.pk).percent)
        return JobResult(message="Сделано.", content=b"%PDF", file_name="a.pdf")

    assert run_job(job.pk, work) == JobStatus.DONE
    assert seen == [25]
    mine = job_of(specialist, job.pk)
    assert (mine.done, mine.message, read_result(mine)) == (4, "Сделано.", b"%PDF")
    with pytest.raises(NotFound):
        job_of(provider, job.pk)


def test_any_progress_shows(specialist):
    job = BackgroundJob(owner=specialist, total=10_000, done=1)
    assert job.percent == 1


def test_a_refusal_keeps_its_russian_reasons(specialist):
    job = queued(specialist)

    def work(current, progress):
        raise ValidationFailed(errors={"file": ["Строка 2: не указано имя."]})

    assert run_job(job.pk, work) == JobStatus.FAILED
    assert BackgroundJob.objects.get(pk=job.pk).errors == ["Строка 2: не указано имя."]


def test_a_breakdown_is_reported_in_russian_and_a_second_run_changes_nothing(specialist):
    job = queued(specialist)

    def work(current, progress):
        raise RuntimeError("boom")

    assert run_job(job.pk, work) == JobStatus.FAILED
    failed = BackgroundJob.objects.get(pk=job.pk)
    assert failed.errors == [INTERNAL_FAILURE]
    with pytest.raises(NotFound):
        read_result(failed)
    assert run_job(job.pk, lambda current, progress: JobResult(message="x")) == JobStatus.FAILED


def test_a_result_the_storage_refuses_fails_the_job_instead_of_leaving_it_running(
    specialist, monkeypatch
):
    """A full disk when the finished file is stored: the job ends failed with the Russian
    reason (its page stops polling), and no part of the file is kept."""
    import tempfile

    from django.core.files.storage import FileSystemStorage

    def full(self, name, content, max_length=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "save", full)
    job = queued(specialist)
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 - run_job closes it (asserted below)
    spooled.write(b"PK\x03\x04" + b"0" * 1000)

    def work(current, progress):
        return JobResult(message="Готово.", file=spooled, file_name="frdo.xlsx")

    assert run_job(job.pk, work) == JobStatus.FAILED
    failed = BackgroundJob.objects.get(pk=job.pk)
    assert failed.errors == [INTERNAL_FAILURE]
    assert failed.finished_at is not None
    assert not failed.result
    assert spooled.closed
