"""The FRDO export: the staff download the organisation's register for a year as XLSX in
the columns of the ФИС ФРДО template for ДПП — one row per issued or revoked document in
register order, with the holder's SNILS; audited; staff of the organisation only; a bad
year is answered in Russian, never with a 500."""

import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from nmo.accounts.rules import format_snils, snils_check_number
from nmo.accounts.services import grant_role
from nmo.core.models import AuditEntry
from nmo.documents.frdo import HEADERS, NOT_HELD, row_of
from nmo.documents.services import issue_training_record, revoke_document
from nmo.documents.tests.factories import (
    ISSUED_ON,
    admin,
    enrol,
    issue,
    make_cohort,
    make_learner,
    organisation_under,
)
from nmo.regulations.types import PresetCode

pytestmark = pytest.mark.django_db

URL = reverse("documents:frdo_export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REQUIRED = (
    "Название документа",
    "Вид документа",
    "Статус документа",
    "Серия документа",
    "Номер документа",
    "Дата выдачи документа",
    "Регистрационный номер",
    "Наименование дополнительной профессиональной программы",
    "Срок обучения (часов)",
    "Год поступления на обучение",
    "Год окончания обучения",
    "Фамилия получателя",
    "Имя получателя",
    "Отчество получателя",
    "СНИЛС",
)

_snils = iter(range(200_000_001, 200_100_000, 7))


def snils() -> str:
    first_nine = f"{next(_snils):09d}"
    return f"{first_nine}{snils_check_number(first_nine):02d}"


def sheet_rows(content: bytes) -> list[dict[str, object]]:
    """The data rows of the file's only sheet, by header."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in rows[1:]]


def export(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


@pytest.fixture
def register_of_2026(org):
    """Two certificates (the second revoked) and a справка issued in 2026, a certificate
    issued in 2025, and another organisation's certificate: three rows for 2026."""
    cohort = make_cohort(org)
    first = issue(
        org,
        enrol(cohort, make_learner(last_name="Алексеева", first_name="Анна", snils=snils())),
    )
    revoked = issue(org, enrol(cohort, make_learner(last_name="Борисов", snils=snils())))
    revoke_document(actor=org.staff, document=revoked, reason="Ошибка в фамилии слушателя")
    record = issue_training_record(
        actor=org.staff,
        enrolment=enrol(cohort, make_learner(last_name="=Васильев", middle_name="")),
        issued_on=ISSUED_ON,
    )
    earlier = make_cohort(org, starts_on=date(2025, 3, 3), ends_on=date(2025, 3, 14))
    issue(org, enrol(earlier), issued_on=date(2025, 3, 14))
    other = organisation_under(PresetCode.ROSTGMU, name="ГБОУ ВО Третий", email="uo@third.ru")
    issue(other, enrol(make_cohort(other), make_learner(last_name="Чужой")))
    return first, revoked, record


@pytest.mark.clause("npc-2.8", "npc-2.11", "rgmu-2.8", "rgmu-2.11")
def test_the_file_has_the_template_headers_and_one_row_per_document(org, client, register_of_2026):
    """The XLSX opens with openpyxl: the header row of the FRDO template (columns the
    system does not hold present and empty), then one row per document of the year in
    register order — certificates by number, the revoked one «Аннулирован», then the
    справка — with the holder's name in parts and the SNILS; the export is audited."""
    first, revoked, record = register_of_2026
    response = export(client, org.staff, year="2026")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert f"frdo-{org.organisation.pk}-2026.xlsx" in response["Content-Disposition"]
    assert set(REQUIRED) <= set(HEADERS)
    assert {"Дата рождения получателя", "Пол получателя"} <= set(NOT_HELD)

    rows = sheet_rows(response.content)
    assert [(r["Регистрационный номер"], r["Статус документа"]) for r in rows] == [
        (first.registration_number, "Оригинал"),
        (revoked.registration_number, "Аннулирован"),
        (record.registration_number, "Оригинал"),
    ]
    top = rows[0]
    learner = first.enrolment.learner
    assert top["Название документа"] == "Удостоверение о повышении квалификации"
    assert top["Вид документа"] == "Документ о квалификации"
    assert top["Номер документа"] == f"{first.number:06d}"
    assert top["Дата выдачи документа"] == datetime(2026, 3, 13)
    assert top["Наименование дополнительной профессиональной программы"] == (first.programme_title)
    assert top["Срок обучения (часов)"] == first.hours
    assert (top["Год поступления на обучение"], top["Год окончания обучения"]) == (2026, 2026)
    assert (top["Фамилия получателя"], top["Имя получателя"], top["Отчество получателя"]) == (
        "Алексеева",
        "Анна",
        "Петрович",
    )
    assert top["СНИЛС"] == format_snils(learner.snils)
    assert all(top[column] is None for column in NOT_HELD)
    last = rows[2]
    assert last["Название документа"] == "Справка об обучении или о периоде обучения"
    assert last["Вид документа"] == "Документ об обучении"
    assert last["Фамилия получателя"] == "=Васильев"  # text, not a formula
    assert last["СНИЛС"] is None

    audit = AuditEntry.objects.get(action="documents.frdo_export")
    assert audit.actor == org.staff
    assert audit.object_id == str(org.organisation.pk)
    assert audit.changes == {"year": 2026, "documents": 3}


def test_the_rows_come_from_one_query(rgmu, client):
    """The number of queries does not grow with the documents: one query for the rows
    (the learners joined), none per row."""
    cohort = make_cohort(rgmu)
    issue(rgmu, enrol(cohort, make_learner(snils=snils())))
    client.force_login(rgmu.staff)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"year": "2026"}).status_code == 200
    for _ in range(5):
        issue(rgmu, enrol(cohort, make_learner(snils=snils())))
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"year": "2026"})
    assert len(sheet_rows(response.content)) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
    reads = [
        q["sql"]
        for q in many.captured_queries
        if "documents_qualificationdocument" in q["sql"] and q["sql"].startswith("SELECT")
    ]
    assert len(reads) == 1
    assert '"pdf"' not in reads[0]


def test_a_renamed_learner_keeps_the_printed_name(rgmu):
    """A row carries the name printed on the document: after the learner's name changes,
    the printed name is split into surname, name and patronymic (all after the name)."""
    document = issue(
        rgmu, enrol(make_cohort(rgmu), make_learner(last_name="Алиев", first_name="Рашид"))
    )
    learner = document.enrolment.learner
    learner.last_name = "Алиева-Новая"
    document.holder_name = "Алиев Рашид Ахмед оглы"
    row = row_of(document)
    assert (row.last_name, row.first_name, row.middle_name) == ("Алиев", "Рашид", "Ахмед оглы")


@pytest.mark.parametrize(
    "year", ["", "abc", "26", "99999", "1999", "2026.0", "２０２６", "-2026", "9" * 5000]
)
def test_a_bad_year_is_answered_in_russian(rgmu, client, year):
    """A missing or malformed year re-shows the register with the reason in Russian
    (422), never a 500, and nothing is exported or audited."""
    response = export(client, rgmu.staff, year=year)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Файл не сформирован" in page
    assert "Год выдачи" in page or "год выдачи" in page
    assert not AuditEntry.objects.filter(action="documents.frdo_export").exists()


def test_a_missing_year_is_answered_too(rgmu, client):
    """No year at all is the same 422 with the reason."""
    client.force_login(rgmu.staff)
    response = client.get(URL)
    assert response.status_code == 422
    assert "Укажите год выдачи документов" in response.content.decode()


def test_staff_of_several_organisations_choose_one(rgmu, npc, client):
    """Staff of two organisations name the organisation; without it the register is
    re-shown asking for it (422); with it they get that organisation's file."""
    grant_role(
        actor=admin(), user=rgmu.staff, role="organisation_staff", organisation=npc.organisation
    )
    issue(npc, enrol(make_cohort(npc), make_learner(snils=snils())))
    response = export(client, rgmu.staff, year="2026")
    assert response.status_code == 422
    assert "Выберите организацию" in response.content.decode()
    chosen = export(client, rgmu.staff, year="2026", organisation=str(npc.organisation.pk))
    assert chosen.status_code == 200
    assert len(sheet_rows(chosen.content)) == 1


def test_the_register_page_links_to_the_export(rgmu, client):
    """The register page offers the FRDO download for the year."""
    client.force_login(rgmu.staff)
    page = client.get(reverse("documents:register")).content.decode()
    assert f'action="{URL}"' in page
    assert "Скачать XLSX для ФИС ФРДО" in page


def test_it_checks_access(rgmu, outsider, specialist, client):
    """Another organisation's staff get 404 for it (and a malformed organisation is 404
    too), a person without the staff role 403, a visitor the login form; none of them
    is audited."""
    issue(rgmu, enrol(make_cohort(rgmu), make_learner(snils=snils())))
    theirs = {"year": "2026", "organisation": str(rgmu.organisation.pk)}
    assert export(client, outsider, **theirs).status_code == 404
    assert export(client, outsider, year="2026", organisation="x1").status_code == 404
    assert export(client, outsider, year="2026", organisation="9" * 40).status_code == 404
    assert export(client, specialist, **theirs).status_code == 403
    client.logout()
    response = client.get(URL, theirs)
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]
    assert not AuditEntry.objects.filter(action="documents.frdo_export").exists()


def test_a_head_request_exports_nothing(rgmu, client):
    """Every export is audited: a HEAD request is refused (405) rather than building the
    file and recording an export nobody received."""
    client.force_login(rgmu.staff)
    response = client.head(URL, {"year": "2026"})
    assert response.status_code == 405
    assert not AuditEntry.objects.filter(action="documents.frdo_export").exists()
