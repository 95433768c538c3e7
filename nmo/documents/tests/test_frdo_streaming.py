"""The FRDO export at national scale (issue 16 point 1, ADR 0607): a year of an
organisation's documents (100,000 rows) is read in keyset chunks — never one result in
memory, never a server-side cursor, which PgBouncer in transaction mode cannot keep —
written to a temporary file and streamed; the memory it takes does not grow with the
year, and the file is the one the export always wrote for the same documents."""

import io
import tempfile
import tracemalloc
import zipfile
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from nmo.accounts.models import User
from nmo.accounts.rules import snils_check_number
from nmo.core.models import AuditEntry
from nmo.documents import frdo
from nmo.documents.models import QualificationDocument
from nmo.documents.services import revoke_document
from nmo.documents.tests import factories
from nmo.documents.tests.factories import enrol, issue, make_cohort, make_learner, make_programme
from nmo.documents.tests.test_frdo_export import complete
from nmo.printing.files import attachment_header
from nmo.programmes.models import Enrolment
from nmo.regulations.types import ProgrammeKind

pytestmark = pytest.mark.django_db

URL = reverse("documents:frdo_export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPECTED = __file__.rsplit("/", 1)[0] + "/data/frdo-rgmu-2026.xlsx"
"""The file the export wrote for `a_year` before it streamed (written by the one-query
export of commit b50e91b at 2026-12-04 12:00 UTC)."""
FROZEN = datetime.fromisoformat("2026-12-04T12:00:00+00:00")


def _snils(n: int) -> str:
    first_nine = f"{300_000_000 + n * 7:09d}"
    return f"{first_nine}{snils_check_number(first_nine):02d}"


def a_year(org) -> None:  # type: ignore[no-untyped-def]
    """Documents of 2026 with every kind of row the template has: certificates and a
    diploma, a man and women, a foreign citizen without SNILS, a name with a formula's
    "=", a document lost and its duplicate, one exchanged and one destroyed. The series
    carries the organisation's ИНН (ADR 0110), so no id of the database is in the file."""
    org.organisation.inn = "7700000001"
    org.organisation.save(update_fields=["inn"])
    cohort = make_cohort(org)
    retraining = make_cohort(
        org, make_programme(org, kind=ProgrammeKind.PROFESSIONAL_RETRAINING, title="Педиатрия")
    )
    people = [
        ("Егоров", "Евгений", "Жоресович", {}),
        ("Кириллова", "Алла", "", {"sex": "female", "birth_date": date(1991, 11, 2)}),
        ("=СУММ(1)", "Ян", "Ли", {"level": "secondary_vocational", "funding": "federal_budget"}),
        ("Ахмедов", "Рашид", "Ахмед оглы", {"citizenship": "112", "study_form": "full_time"}),
    ]
    for n, (last, first, middle, details) in enumerate(people):
        learner = make_learner(
            last_name=last,
            first_name=first,
            middle_name=middle,
            snils=None if details.get("citizenship") else _snils(n),
        )
        issue(org, complete(enrol(cohort, learner), **details))
    diploma = complete(
        enrol(retraining, make_learner(last_name="Жукова", first_name="Анна", snils=_snils(9))),
        sex="female",
        diploma_last_name="Антонова",
    )
    issue(org, diploma)
    lost = issue(org, complete(enrol(cohort, make_learner(last_name="Шевчук", snils=_snils(10)))))
    revoke_document(actor=org.staff, document=lost, reason="Сообщил об утрате", ground="lost")
    issue(org, lost.enrolment)
    for n, ground in ((11, "exchanged"), (12, "destroyed")):
        document = issue(
            org, complete(enrol(cohort, make_learner(last_name="Ким", snils=_snils(n))))
        )
        reason = "Бланк испорчен при печати"
        revoke_document(actor=org.staff, document=document, reason=reason, ground=ground)


def more_of_the_same(count: int, *, first: int = 1000) -> None:
    """`count` more documents of the year like the newest one, each with its own learner
    (numbered from `first`) and enrolment, written in bulk (issuing each through the
    service renders its PDF)."""
    template = QualificationDocument.objects.filter(status="issued").latest("number")
    enrolment = template.enrolment
    start = QualificationDocument.objects.order_by("-number").values_list("number", flat=True)[0]
    learners = User.objects.bulk_create(
        User(
            email=f"bulk{n}@example.ru",
            password="!",
            last_name=f"Слушатель{n}",
            first_name="Иван",
            middle_name="Иванович",
            snils=_snils(1000 + n),
            sex="male",
            birth_date=date(1980, 1, 1),
        )
        for n in range(first, first + count)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            cohort_id=enrolment.cohort_id,
            learner=learner,
            programme_completed=True,
            curriculum_completed=True,
            citizenship=enrolment.citizenship,
            education_level=enrolment.education_level,
            diploma_series=enrolment.diploma_series,
            diploma_number=f"{n:07d}",
            funding_source=enrolment.funding_source,
        )
        for n, learner in enumerate(learners, start=first)
    )
    fields = [f.attname for f in QualificationDocument._meta.concrete_fields if not f.primary_key]
    copies = []
    for n, enrolled in enumerate(enrolments, start=1):
        copy = QualificationDocument(**{name: getattr(template, name) for name in fields})
        copy.number = start + n
        copy.registration_number = f"{template.registration_number}-{start + n}"
        copy.enrolment = enrolled
        copy.holder_name = copy.holder_search = f"Слушатель{first + n - 1} Иван Иванович"
        copy.verification_token = f"bulk-{start + n}"
        copy.pdf = b""
        copies.append(copy)
    QualificationDocument.objects.bulk_create(copies)


def _members(content: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


@time_machine.travel(FROZEN, tick=False)
def test_the_file_is_byte_for_byte_the_one_written_before(rgmu, client):
    """The streamed file holds the same parts, in the same order, byte for byte, as the
    file the export wrote in memory before (stored): the 40 columns, the values, the
    styles, the workbook's properties. Only the zip's own dates of its parts differ, as
    they did between any two exports."""
    a_year(rgmu)
    client.force_login(rgmu.staff)
    response = client.get(URL, {"year": "2026"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == attachment_header(
        f"ФИС ФРДО — {rgmu.organisation} — 2026.xlsx"
    )
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(content)
    with open(EXPECTED, "rb") as stored:
        expected = stored.read()
    assert _members(content) == _members(expected)


def _export_peak(rgmu) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The file's rows and the peak of Python memory allocated while exporting, the
    second time in a row: the first export after new rows also fills one-off caches
    (up to about 100 kB on PostgreSQL), which is no cost of the rows."""
    peak = 0
    for _ in range(2):
        tracemalloc.start()
        try:
            with frdo.export_frdo(
                actor=rgmu.staff, organisation=rgmu.organisation, year=2026
            ) as out:
                _, peak = tracemalloc.get_traced_memory()
                sheet = load_workbook(out, read_only=True).worksheets[0]
                rows = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
        finally:
            tracemalloc.stop()
    return rows, peak


def test_memory_does_not_grow_with_the_year(rgmu, monkeypatch):
    """A year four times larger takes no more memory to export: the peak of Python
    allocations while exporting 1,200 documents is within 10% of the peak for 300
    (chunks of 100 rows; server-side cursors off, as behind PgBouncer). Measured: 1.72–1.78
    MB and +0.2–5% on SQLite, 1.67 MB and +3% on PostgreSQL, none of it kept after the
    export; the export that read one result and built the file in memory peaked at 2.0
    and 7.6 MB (SQLite), +280%."""
    monkeypatch.setattr(frdo, "CHUNK", 100)
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    issue(rgmu, complete(enrol(make_cohort(rgmu), make_learner(snils=_snils(0)))))
    more_of_the_same(299)
    small_rows, small = _export_peak(rgmu)
    more_of_the_same(900, first=2000)
    large_rows, large = _export_peak(rgmu)
    assert (small_rows, large_rows) == (300, 1200)
    assert large < small * 1.1, (small, large)


def exported_in_chunks(
    org: factories.Org, documents: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], list[object]]:
    """Export a year of `documents` in chunks of `chunk`: the statements run while
    exporting and the «Номер документа» of each row of the file."""
    monkeypatch.setattr(frdo, "CHUNK", chunk)
    issue(org, complete(enrol(make_cohort(org), make_learner(snils=_snils(0)))))
    more_of_the_same(documents - 1)
    with (
        CaptureQueriesContext(connection) as queries,
        frdo.export_frdo(actor=org.staff, organisation=org.organisation, year=2026) as out,
    ):
        sheet = load_workbook(out, read_only=True).worksheets[0]
        numbers = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    return [q["sql"] for q in queries.captured_queries], numbers


def test_the_rows_are_read_in_keyset_chunks(rgmu, monkeypatch):
    """Every read is a short query with a LIMIT, the next one starting after the last key
    read (no OFFSET, no cursor): 25 documents in chunks of 10 are three reads, and every
    document is in the file once, in register order."""
    statements, numbers = exported_in_chunks(rgmu, 25, 10, monkeypatch)
    reads = [sql for sql in statements if "documents_qualificationdocument" in sql]
    assert len(reads) == 3
    assert all(read.startswith("SELECT") and "LIMIT 10" in read for read in reads)
    assert not any("OFFSET" in read for read in reads)
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 25
    assert AuditEntry.objects.get(action="documents.frdo_export").changes == {
        "year": 2026,
        "documents": 25,
    }


def test_a_read_failing_mid_way_leaves_no_temporary_file_with_rows():
    """The rows stop coming (a connection lost between chunks): the error goes up, and
    the sheet's temporary file, which held the rows written so far, is gone at once."""
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    from nmo.documents.frdo import write_xlsx

    before = set(ALL_TEMP_FILES)

    def rows():
        raise ConnectionError("server closed the connection unexpectedly")
        yield  # pragma: no cover - a generator that fails at its first row

    with tempfile.TemporaryFile() as out, pytest.raises(ConnectionError):
        write_xlsx(rows(), out)
    assert set(ALL_TEMP_FILES) == before


def _plan(sql: str) -> str:
    """How PostgreSQL runs `sql`, told not to sort where an index serves."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's plan (SQLite's follows its own stats)"
)
def test_the_chunks_and_the_apis_list_walk_the_frdo_order_index(rgmu, monkeypatch, client):
    """The FRDO order (kind, number, id) within an organisation is an index (ADR 0616):
    each keyset chunk of the year, and a page of the API's list of the organisation's
    documents, is read off it — the year's rows are not sorted again for every chunk, nor
    a kind's documents for every page (the biggest organisation holds 200,000)."""
    from nmo.accounts.services import issue_token_for_user

    statements, _ = exported_in_chunks(rgmu, 5, 2, monkeypatch)
    reads = [sql for sql in statements if "documents_qualificationdocument" in sql]
    token = issue_token_for_user(actor=rgmu.staff, name="frdo").raw
    with CaptureQueriesContext(connection) as listed:
        response = client.get(
            f"/api/v1/organisations/{rgmu.organisation.pk}/documents",
            {"page_size": 2},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 200
    assert response.json()["total"] == 5
    page = [
        q["sql"]
        for q in listed.captured_queries
        if "documents_qualificationdocument" in q["sql"] and "LIMIT 2" in q["sql"]
    ]
    assert len(page) == 1
    for sql in [reads[0], reads[-1], page[0]]:
        plan = _plan(sql)
        assert "document_frdo_order_idx" in plan, plan
        assert "Sort" not in plan, plan
