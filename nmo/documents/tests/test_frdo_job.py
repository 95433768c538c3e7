"""The FRDO export of a big year as a background job (issue 16 point 1, ADR 0607): a year
of FRDO_EXPORT_JOB_THRESHOLD documents or more is not written inside the request (minutes
of openpyxl at 100,000 rows) but by a job the staff member waits for on its page, with
the rows written counted; the file is the same, only its owner downloads it, the export
is audited when the file is complete; a year with gaps is refused before any job starts.
Smaller years stay the direct download."""

import io

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from nmo.core.models import AuditEntry, BackgroundJob, JobStatus
from nmo.documents import frdo
from nmo.documents.models import QualificationDocument
from nmo.documents.services import revoke_document
from nmo.documents.tests.factories import enrol, issue, make_cohort, make_learner
from nmo.documents.tests.test_frdo_export import complete, sheet_rows, snils, streamed
from nmo.documents.tests.test_frdo_streaming import (
    EXPECTED,
    FROZEN,
    _members,
    a_year,
    more_of_the_same,
)
from nmo.printing.files import attachment_header

pytestmark = pytest.mark.django_db

URL = reverse("documents:frdo_export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def documents(org, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` complete documents of 2026 of the organisation."""
    issue(org, complete(enrol(make_cohort(org), make_learner(snils=snils()))))
    if count > 1:
        more_of_the_same(count - 1)


def _audited() -> list[dict[str, object]]:
    return [e.changes for e in AuditEntry.objects.filter(action="documents.frdo_export")]


@override_settings(FRDO_EXPORT_JOB_THRESHOLD=5)
def test_a_big_year_is_written_by_a_job_its_owner_downloads(
    rgmu, outsider, client, django_capture_on_commit_callbacks
):
    """Staff asking for a year of 5 documents (the threshold) see how many and a button;
    nothing is exported until they press it. The button starts a job and opens its page;
    the job writes every row, counts them as its progress (5 of 5), audits the export
    once the file is complete, and its file is the XLSX of the direct download. Another
    person gets 404 for the job's page and its file."""
    documents(rgmu, 5)
    client.force_login(rgmu.staff)
    prepare = client.get(URL, {"year": "2026"})
    assert prepare.status_code == 200
    text = prepare.content.decode()
    assert "Документов для выгрузки: 5." in text
    assert "Подготовить файл XLSX" in text
    assert not BackgroundJob.objects.exists()
    assert _audited() == []

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"{URL}?year=2026&organisation={rgmu.organisation.pk}")
    job = BackgroundJob.objects.get(kind="documents.frdo_export")
    assert started.status_code == 302
    assert started["Location"] == reverse("web:job", args=[job.pk])
    assert job.owner_id == rgmu.staff.pk
    assert job.status == JobStatus.DONE, job.errors
    assert (job.done, job.total) == (5, 5)
    assert job.message == "Файл для ФИС ФРДО готов: в нём 5 документов."
    assert job.title == f"Выгрузка в ФИС ФРДО за 2026 год: {rgmu.organisation.name} (5 документов)"
    assert _audited() == [{"year": 2026, "documents": 5}]

    page = client.get(reverse("web:job", args=[job.pk]))
    assert page.status_code == 200
    assert reverse("web:job_file", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("web:job_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == attachment_header(
        f"ФИС ФРДО — {rgmu.organisation} — 2026.xlsx"
    )
    # Names and SNILS: kept by no cache, as the direct export.
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    rows = sheet_rows(streamed(download))
    numbers = [row["Номер документа"] for row in rows]
    assert len(numbers) == 5 == len(set(numbers))
    assert numbers == sorted(numbers)

    client.force_login(outsider)
    assert client.get(reverse("web:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("web:job_file", args=[job.pk])).status_code == 404


@time_machine.travel(FROZEN, tick=False)
@override_settings(FRDO_EXPORT_JOB_THRESHOLD=2)
def test_the_jobs_file_is_byte_for_byte_the_direct_one(
    rgmu, client, django_capture_on_commit_callbacks
):
    """The job's file holds the same parts, byte for byte, as the file the direct export
    wrote for the same year (stored, `test_frdo_streaming`)."""
    a_year(rgmu)
    client.force_login(rgmu.staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}?year=2026")
    job = BackgroundJob.objects.get(kind="documents.frdo_export")
    assert job.status == JobStatus.DONE, job.errors
    content = streamed(client.get(reverse("web:job_file", args=[job.pk])))
    with open(EXPECTED, "rb") as stored:
        assert _members(content) == _members(stored.read())


@pytest.mark.parametrize(("threshold", "job"), [(4, True), (5, False)])
def test_the_threshold_is_where_the_job_begins(
    rgmu, client, django_capture_on_commit_callbacks, threshold, job
):
    """A year of 4 documents is a job when the threshold is 4 and the direct download
    (the file, at once, audited) when it is 5."""
    documents(rgmu, 4)
    client.force_login(rgmu.staff)
    with override_settings(FRDO_EXPORT_JOB_THRESHOLD=threshold):
        answer = client.get(URL, {"year": "2026"})
        assert answer.status_code == 200
        if job:
            assert "Подготовить файл XLSX" in answer.content.decode()
            with django_capture_on_commit_callbacks(execute=True):
                client.post(f"{URL}?year=2026")
            assert BackgroundJob.objects.get().status == JobStatus.DONE
        else:
            assert answer["Content-Type"] == XLSX
            assert len(sheet_rows(streamed(answer))) == 4
            assert not BackgroundJob.objects.exists()
    assert _audited() == [{"year": 2026, "documents": 4}]


@override_settings(FRDO_EXPORT_JOB_THRESHOLD=2)
def test_a_year_with_gaps_never_starts_a_job(rgmu, client, django_capture_on_commit_callbacks):
    """A big year with a learner whose sex is not stated is refused (422) with the
    export's own Russian message naming the learner and the column — on the first page
    and on the button's POST alike — and no job is started, nothing audited."""
    documents(rgmu, 3)
    learner = QualificationDocument.objects.latest("number").enrolment.learner
    learner.sex = ""
    learner.save(update_fields=["sex"])
    client.force_login(rgmu.staff)
    for answer in (
        client.get(URL, {"year": "2026"}),
        client.post(f"{URL}?year=2026"),
    ):
        assert answer.status_code == 422
        body = answer.content.decode()
        assert (
            "Файл для ФИС ФРДО не сформирован: не хватает сведений. Строк с пробелами: 1 из 3."
            in body
        )
        assert f"{learner.full_name} (рег. № " in body
        assert "«Пол получателя»" in body
    assert not BackgroundJob.objects.exists()
    assert _audited() == []


def test_the_quick_gap_test_agrees_with_the_check(rgmu):
    """GAP_FILTER — what the check and the refusal before a job rely on, reading only
    the documents it selects (ADR 0619) — selects exactly the documents whose FRDO row
    lacks something as the export builds it, row by row: each required detail taken
    away in turn or set to a value outside its choices (written around the services),
    the SNILS of a Russian citizen (also with the citizenship left empty, which is
    Russia) but not of a foreigner, a revocation without ground; and the check lists
    them."""
    document = issue(rgmu, complete(enrol(make_cohort(rgmu), make_learner(snils=snils()))))
    enrolment = document.enrolment
    learner = enrolment.learner
    cohort = enrolment.cohort

    def agree() -> bool:
        lacking = {
            d.pk
            for d in frdo._documents(rgmu.organisation, 2026)
            if frdo.missing_of(d, frdo.row_of(d))
        }
        selected = set(
            QualificationDocument.objects.filter(frdo.GAP_FILTER).values_list("pk", flat=True)
        )
        assert selected == lacking
        check = frdo.check_frdo(actor=rgmu.staff, organisation=rgmu.organisation, year=2026)
        assert {gap.document_id for gap in check.gaps} == lacking
        return bool(lacking)

    assert not agree()
    changes = [
        (enrolment, "education_level", ""),
        (enrolment, "education_level", "phd"),
        (enrolment, "diploma_number", ""),
        (learner, "birth_date", None),
        (learner, "sex", ""),
        (learner, "sex", "Male"),
        (cohort, "study_form", ""),
        (cohort, "study_form", "evening"),
        (enrolment, "funding_source", ""),
        (enrolment, "funding_source", "grant"),
        (learner, "snils", None),
    ]
    for record, field, empty in changes:
        kept = getattr(record, field)
        setattr(record, field, empty)
        record.save(update_fields=[field])
        assert agree(), field
        setattr(record, field, kept)
        record.save(update_fields=[field])
        assert not agree(), field
    learner.snils = None
    learner.save(update_fields=["snils"])
    enrolment.citizenship = ""
    enrolment.save(update_fields=["citizenship"])
    assert agree()  # no citizenship stated is Russia's: the SNILS is required
    enrolment.citizenship = "156"
    enrolment.save(update_fields=["citizenship"])
    assert not agree()  # a foreign citizen without SNILS lacks nothing
    revoke_document(actor=rgmu.staff, document=document, reason="Ошибка в дате рождения")
    assert agree()
    QualificationDocument.objects.filter(pk=document.pk).update(revocation_ground="lost")
    assert not agree()


@override_settings(FRDO_EXPORT_JOB_THRESHOLD=3)
def test_the_api_answers_202_with_a_job_for_a_big_year(
    rgmu, outsider, api_client, token_for, django_capture_on_commit_callbacks
):
    """Over the API a big year answers 202 with the job (its URL to poll, the rows done of
    the total); when done, its `file_url` gives the XLSX with every row, to the caller
    who started it only (404 for another). A small year is still the file at once, and a
    big year with gaps 422 `frdo_incomplete` without a job."""
    documents(rgmu, 3)
    headers = token_for(rgmu.staff)
    url = f"/api/v1/organisations/{rgmu.organisation.pk}/frdo?year=2026"
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client.get(url, **headers)
    assert answer.status_code == 202, answer.content
    body = answer.json()
    job = BackgroundJob.objects.get()
    assert body["id"] == job.pk
    assert body["kind"] == "documents.frdo_export"
    assert body["url"] == f"/api/v1/jobs/{job.pk}"
    assert body["total"] == 3
    polled = api_client.get(body["url"], **headers).json()
    assert (polled["status"], polled["done"], polled["total"]) == ("done", 3, 3)
    assert polled["file_url"] == f"/api/v1/jobs/{job.pk}/file"
    download = api_client.get(polled["file_url"], **headers)
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert len(sheet_rows(streamed(download))) == 3
    assert api_client.get(polled["file_url"], **token_for(outsider)).status_code == 404
    assert api_client.get(body["url"], **token_for(outsider)).status_code == 404
    assert _audited() == [{"year": 2026, "documents": 3}]

    with override_settings(FRDO_EXPORT_JOB_THRESHOLD=4):
        small = api_client.get(url, **headers)
    assert small.status_code == 200
    assert len(sheet_rows(streamed(small))) == 3

    learner = QualificationDocument.objects.latest("number").enrolment.learner
    learner.birth_date = None
    learner.save(update_fields=["birth_date"])
    refused = api_client.get(url, **headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "frdo_incomplete"
    assert BackgroundJob.objects.count() == 1


@override_settings(FRDO_EXPORT_JOB_THRESHOLD=3)
def test_asked_again_while_the_job_runs_the_api_answers_the_same_job(rgmu, api_client, token_for):
    """A client that calls the big year again (a retry, a second click) before the job has
    run gets the job under way, not a second export of the same year."""
    documents(rgmu, 3)
    headers = token_for(rgmu.staff)
    url = f"/api/v1/organisations/{rgmu.organisation.pk}/frdo?year=2026"
    first = api_client.get(url, **headers)  # the task waits for a commit that never comes
    second = api_client.get(url, **headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert BackgroundJob.objects.count() == 1


def test_the_job_counts_the_rows_as_they_are_written(rgmu, monkeypatch):
    """The job's progress is the rows written so far, every PROGRESS_EVERY rows and at
    the end: 7 rows by 3 report 3, 6, then 7."""
    monkeypatch.setattr(frdo, "PROGRESS_EVERY", 3)
    documents(rgmu, 7)
    written: list[int] = []
    with frdo.export_frdo(
        actor=rgmu.staff, organisation=rgmu.organisation, year=2026, written=written.append
    ) as out:
        sheet = load_workbook(io.BytesIO(out.read())).worksheets[0]
    assert written == [3, 6, 7]
    assert sheet.max_row == 8
