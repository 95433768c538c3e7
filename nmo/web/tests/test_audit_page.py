"""The administrators' audit-log page (ADR 0004, 0018): read in Russian, filtered, exported."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from nmo.attestation import services as attestation_services
from nmo.attestation.selectors import current_records, required_signers
from nmo.attestation.tests.factories import build, decided, entry
from nmo.core.models import AuditEntry
from nmo.core.services import record_audit
from nmo.regulations.types import CommissionRole, Grade, StageKind

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


def page_text(client, **params) -> str:
    response = client.get("/audit/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_changed_grade_reads_as_russian_words_with_before_and_after(client, admin_user):
    """A grade changed through the attestation's service shows as «Выставлена оценка за
    этап» on the learner's result, with «оценка: хорошо → отлично», the stage kind by its
    name — no action code, no raw dictionary."""
    setup = build("rgmu")
    result = setup.results()[0]
    interview = next(s for s in setup.stages() if s.kind == StageKind.INTERVIEW)
    for grade in (Grade.GOOD, Grade.EXCELLENT):
        attestation_services.record_stage_results(
            actor=setup.secretary,
            attestation=setup.attestation,
            entries=[entry(result, interview, grade)],
        )
    client.force_login(admin_user)
    html = page_text(client, action="attestation.grade")
    assert "Выставлена оценка за этап" in html
    assert "attestation.grade</" not in html
    arrow = (
        '</span> <span aria-hidden="true">→</span><span class="visually-hidden">, стало</span> '
        '<span class="change-after">'
    )
    assert f"хорошо{arrow}отлично" in html
    assert 'вид этапа:</span> <span class="change-after">собеседование' in html
    assert "Результат слушателя: " in html
    assert str(result.enrolment.learner) in html
    assert "{&#x27;" not in html
    assert "{'" not in html


def test_signing_a_record_shows_the_document_and_the_signers_role(client, admin_user):
    """Signing a protocol through its service shows «Документ подписан», the document by
    its name and the signer's role in the commission in words."""
    setup = decided("rgmu")
    record = current_records(setup.attestation).first()
    signer = required_signers(setup.attestation)[0]
    attestation_services.sign_record(actor=signer.seat.person, record=record)
    client.force_login(admin_user)
    html = page_text(client, action="document.sign")
    assert "Документ подписан" in html
    role = CommissionRole(signer.seat.role).label
    assert f'роль в комиссии:</span> <span class="change-after">{role}' in html
    assert str(record).split(" (")[0] in html
    assert str(signer.seat.person) in html


def test_changes_written_before_this_page_still_read(client, admin_user):
    """Old lines keep their shape: a [было, стало] list of a «pairs» action and an
    unknown action code (an entry of an action since renamed) both show."""
    record_audit(
        actor=admin_user,
        action="specialty.update",
        object_type="catalog.specialty",
        object_id="7",
        object_repr="Терапия",
        changes={"name": ["Терапия", "Терапия взрослых"], "is_active": [True, False]},
    )
    record_audit(
        actor=admin_user,
        action="grade.change",
        object_repr="Старый объект",
        changes={"grade": ["хорошо", "отлично"]},
    )
    client.force_login(admin_user)
    html = page_text(client)
    assert "Изменена специальность" in html
    assert "Специальность: Терапия" in html
    was = '<span class="visually-hidden">было </span><span class="change-before">'
    assert f"наименование:</span> {was}Терапия</span>" in html
    assert f"действует:</span> {was}да</span>" in html
    assert "Действие без описания:</span> <code>grade.change</code>" in html
    assert "Старый объект" in html
    assert "хорошо, отлично" in html


@pytest.fixture
def journal(admin_user, specialist):
    """Entries of two people, two kinds of object and two days."""
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=MSK), tick=False):
        record_audit(
            actor=admin_user,
            action="calendar.mark_day",
            object_type="workcalendar.calendarday",
            object_id="1",
            object_repr="08.03.2026",
            changes={"date": "2026-03-08", "before": None, "after": {"is_working": False}},
        )
    with time_machine.travel(datetime(2026, 3, 5, 23, 30, tzinfo=MSK), tick=False):
        record_audit(
            actor=specialist,
            action="code.activate",
            object_type="codes.confirmationcode",
            object_id="41",
            object_repr="ABCD-EFGH1234",
            changes={"credits": 6},
        )
        record_audit(
            actor=specialist,
            action="plan.add",
            object_type="cycles.planitem",
            object_id="5",
            object_repr="Кардиология 2026",
            changes={},
        )
    return admin_user


def test_filters_narrow_by_person_object_period_and_action(client, journal):
    """Each filter keeps only its entries: the person (by surname), the kind of object
    and its name, the period in ДД.ММ.ГГГГ (whole days, the last one included), the action."""
    client.force_login(journal)
    by_person = page_text(client, person="Иванова")
    assert "ABCD-EFGH1234" in by_person
    assert "Кардиология 2026" in by_person
    assert "08.03.2026" not in by_person
    by_type = page_text(client, object_type="codes.confirmationcode")
    assert "ABCD-EFGH1234" in by_type
    assert "Кардиология 2026" not in by_type
    by_name = page_text(client, object_text="кардиология")
    assert "Кардиология 2026" in by_name
    assert "ABCD-EFGH1234" not in by_name
    by_period = page_text(client, date_from="01.03.2026", date_to="02.03.2026")
    assert "08.03.2026" in by_period
    assert "ABCD-EFGH1234" not in by_period
    last_day = page_text(client, date_from="05.03.2026", date_to="05.03.2026")
    assert "ABCD-EFGH1234" in last_day
    assert "08.03.2026" not in last_day
    by_action = page_text(client, action="code.activate")
    assert "Активирован код подтверждения" in by_action
    assert "Кардиология 2026" not in by_action
    assert "найдено: 1" in by_action


def test_the_page_is_paginated(client, admin_user):
    """Fifty entries a page, the rest on the next with the filters kept."""
    for n in range(53):
        record_audit(actor=admin_user, action="token.issue", object_repr=f"токен {n:02d}")
    client.force_login(admin_user)
    first = page_text(client, action="token.issue")
    assert first.count("<td>Выпущен токен API</td>") == 50
    assert "action=token.issue&amp;page=2" in first
    second = page_text(client, action="token.issue", page=2)
    assert second.count("<td>Выпущен токен API</td>") == 3


def test_the_csv_export_holds_the_filtered_rows_and_is_audited(client, journal):
    """The CSV opens in Russian Excel (UTF-8 with BOM, «;»), holds exactly the filtered
    entries read as on the page, and the export itself is written to the log."""
    client.force_login(journal)
    wanted = {"person": "Иванова", "date_from": "05.03.2026", "date_to": "05.03.2026"}
    response = client.get("/audit/export/", {**wanted, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.streaming  # ADR 0025: no request timeout limits the log's size
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Время", "Кто", "Действие", "Объект", "Что изменилось", "IP-адрес"]
    body = rows[1:]
    assert len(body) == 2
    assert {r[2] for r in body} == {
        "Активирован код подтверждения",
        "Мероприятие добавлено в план обучения",
    }
    activation = next(r for r in body if r[2] == "Активирован код подтверждения")
    assert activation[0] == "05.03.2026 23:30:00"
    assert activation[3] == "Код подтверждения (ИКП): ABCD-EFGH1234"
    assert activation[4] == "кредиты: 6"
    export = AuditEntry.objects.get(action="audit.export")
    assert export.actor == journal
    assert export.changes["rows"] == 2
    assert export.changes["filters"] == {
        "Кто": "Иванова",
        "С даты": "05.03.2026",
        "По дату": "05.03.2026",
    }
    assert "Выгружен журнал аудита" in page_text(client, action="audit.export")


def test_the_xlsx_export_opens_with_the_filtered_rows(client, journal):
    """The XLSX opens in openpyxl with a header and only the entries of the period."""
    client.force_login(journal)
    response = client.get(
        "/audit/export/", {"date_from": "02.03.2026", "date_to": "02.03.2026", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Время", "Кто", "Действие")
    assert len(rows) == 2
    assert rows[1][2] == "Изменён день производственного календаря"
    assert "рабочий день: — → нет" in rows[1][4]
    assert "дата: 08.03.2026" in rows[1][4]


def test_it_checks_access(client, specialist, provider):
    """Anonymous visitors are sent to log in; other roles get 403, for the export too."""
    anonymous = client.get("/audit/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    for user in (specialist, provider):
        client.force_login(user)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export/", {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_bad_filter_input_is_not_a_500(client, admin_user):
    """A malformed date or a reversed period shows the form error, not a crash; nothing
    is exported."""
    client.force_login(admin_user)
    response = client.get("/audit/", {"date_from": "31.31.2026"})
    assert response.status_code == 200
    assert "ДД.ММ.ГГГГ" in response.content.decode()
    assert "Введите дату в формате ДД.ММ.ГГГГ" in response.content.decode()
    reversed_period = page_text(client, date_from="05.03.2026", date_to="01.03.2026")
    assert "Конец периода раньше его начала." in reversed_period
    export = client.get("/audit/export/", {"date_from": "31.31.2026", "format": "csv"})
    assert export.status_code == 400
    assert "Введите дату в формате ДД.ММ.ГГГГ" in export.content.decode()
    assert client.get("/audit/export/", {"format": "pdf"}).status_code == 400
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_a_name_typed_as_a_formula_is_exported_as_text(client, admin_user):
    """A person who registers as «=HYPERLINK(…)» shows in the administrator's export as
    typed: never a formula that Excel would run, in XLSX or in CSV."""
    formula = '=HYPERLINK("http://evil.example/","Открыть")'
    record_audit(actor=admin_user, action="token.issue", object_repr=formula)
    client.force_login(admin_user)
    xlsx = client.get("/audit/export/", {"action": "token.issue", "format": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    cell = book.active.cell(row=2, column=4)
    assert cell.data_type != "f"
    assert cell.value == "'" + formula
    csv_file = client.get("/audit/export/", {"action": "token.issue", "format": "csv"})
    raw = b"".join(csv_file.streaming_content)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3] == "'" + formula


def test_a_large_export_is_a_job_and_a_small_csv_streams(
    client, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    """ADR 0025: past INSTANT_AUDIT_ROWS the export link shows a button; its POST starts a
    job whose file holds every chosen entry as it was when the export began (XLSX or CSV);
    below it the CSV streams at once, in chunks."""
    from nmo.core import services as core_services
    from nmo.core.models import BackgroundJob, JobStatus
    from nmo.web import views

    monkeypatch.setattr(views, "INSTANT_AUDIT_ROWS", 3)
    monkeypatch.setattr(core_services, "_STREAM_ROWS", 2)
    for n in range(7):
        record_audit(actor=admin_user, action="token.issue", object_repr=f"токен {n}")
    client.force_login(admin_user)
    prepare = client.get("/audit/export/", {"action": "token.issue", "format": "xlsx"})
    assert prepare.status_code == 200
    assert "Отобрано записей: 7." in prepare.content.decode()
    assert not BackgroundJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/audit/export/?action=token.issue&format=xlsx")
    job = BackgroundJob.objects.get(kind="audit.export")
    assert started["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE, job.errors
    assert job.message == "В выгрузке 7 записей."
    assert job.title == "Выгрузка журнала аудита в Excel (7 записей)"
    file = client.get(f"/jobs/{job.pk}/file/")
    sheet = load_workbook(io.BytesIO(file.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 8
    assert {row[3] for row in rows[1:]} == {f"токен {n}" for n in range(7)}
    exports = AuditEntry.objects.filter(action="audit.export")
    assert [e.changes["rows"] for e in exports] == [7]

    assert "в CSV" in client.get("/audit/export/", {"format": "csv"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/audit/export/?action=token.issue&format=csv")
    csv_job = BackgroundJob.objects.filter(kind="audit.export").latest("pk")
    assert csv_job.status == JobStatus.DONE, csv_job.errors
    raw = client.get(f"/jobs/{csv_job.pk}/file/").getvalue()
    assert len(list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))) == 8

    monkeypatch.setattr(views, "INSTANT_AUDIT_ROWS", 100)
    streamed = client.get("/audit/export/", {"action": "token.issue", "format": "csv"})
    assert streamed.streaming
    chunks = list(streamed.streaming_content)
    assert len(chunks) == 4  # 2 + 2 + 2 rows, then the last row
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 8


def test_a_log_of_millions_is_counted_only_up_to_the_cap(client, admin_user, monkeypatch):
    """The national log holds 20M entries: the page counts at most COUNT_CAP of them
    (one count over a LIMIT, ADR 0616), says «больше …», and pages through those first
    entries only — a page number past them is the last of them, never an OFFSET of
    millions. Fewer entries than the cap are counted exactly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import nmo.core.paging
    import nmo.web.views

    for n in range(8):
        record_audit(actor=admin_user, action="grade.change", object_repr=f"запись {n}")
    monkeypatch.setattr(nmo.core.paging, "COUNT_CAP", 5)
    monkeypatch.setattr(nmo.web.views, "AUDIT_PAGE_SIZE", 2)
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        html = page_text(client, page="99")
    assert "найдено: больше 5)" in html
    assert "Страница 3 из 3" in html
    assert "(показаны первые 5 — уточните поиск, чтобы увидеть остальные)" in html
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the page counts nothing"
    assert all("LIMIT 6" in sql for sql in counts), counts

    monkeypatch.setattr(nmo.core.paging, "COUNT_CAP", 10_000)
    exact = AuditEntry.objects.count()
    html = page_text(client)
    assert f"найдено: {exact})" in html
    assert "показаны первые" not in html


def test_an_export_of_millions_is_weighed_by_the_capped_count(
    client, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    """Choosing a file or a job needs no count of 20M entries (ADR 0616): the export is
    weighed by the count up to the cap, the button's page says «больше …», and the job
    counts the rows itself and says how many it wrote. A bad filter shows the page with
    nothing found."""
    from nmo.core.models import BackgroundJob, JobStatus
    from nmo.web import views

    monkeypatch.setattr(views, "INSTANT_AUDIT_ROWS", 3)
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    for n in range(7):
        record_audit(actor=admin_user, action="token.issue", object_repr=f"токен {n}")
    client.force_login(admin_user)
    prepare = client.get("/audit/export/", {"action": "token.issue", "format": "xlsx"})
    assert "Отобрано записей: больше 5." in prepare.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/audit/export/?action=token.issue&format=xlsx")
    job = BackgroundJob.objects.get(kind="audit.export")
    assert job.status == JobStatus.DONE, job.errors
    assert job.title == "Выгрузка журнала аудита в Excel (больше 5 записей)"
    assert job.message == "В выгрузке 7 записей."

    refused = client.get("/audit/export/", {"action": "token.issue", "format": "pdf"})
    assert refused.status_code == 400
    assert "найдено: 0)" in refused.content.decode()
