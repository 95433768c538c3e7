"""The FRDO export (ADR 0114): the staff download the organisation's qualification
documents of a year as XLSX in the columns of the ФИС ФРДО template for ДПО, every column
filled from what was collected at enrolment; statuses, kinds and the other reference
values as the template has them; a revoked, lost, exchanged or destroyed document
expressed by the template's confirmation columns and a duplicate carrying its original;
a check before the export lists per learner what is missing, and the export refuses
while anything is; audited; staff of the organisation only."""

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
from nmo.documents.frdo import HEADERS, row_of
from nmo.documents.models import QualificationDocument
from nmo.documents.services import issue_training_record, revoke_document
from nmo.documents.tests.factories import (
    ISSUED_ON,
    admin,
    enrol,
    issue,
    make_cohort,
    make_learner,
    make_programme,
)
from nmo.programmes.models import Enrolment
from nmo.regulations.types import ProgrammeKind

pytestmark = pytest.mark.django_db

URL = reverse("documents:frdo_export")
CHECK_URL = reverse("documents:frdo_check")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEMPLATE_COLUMNS = (
    "Вид документа",
    "Статус документа",
    "Подтверждение утраты",
    "Подтверждение обмена",
    "Подтверждение уничтожения",
    "Серия документа",
    "Номер документа",
    "Дата выдачи документа",
    "Регистрационный номер",
    "Дополнительная профессиональная программа (повышение квалификации/ "
    "профессиональная переподготовка)",
    "Наименование дополнительной профессиональной программы",
    "Наименование области профессиональной деятельности",
    "Укрупненные группы специальностей",
    "Наименование квалификации, профессии, специальности",
    "Уровень образования ВО/СПО",
    "Фамилия указанная в дипломе о ВО или СПО",
    "Серия документа о ВО/СПО",
    "Номер документа о ВО/СПО",
    "Год начала обучения (для документа о квалификации)",
    "Год окончания обучения (для документа о квалификации)",
    "Срок обучения, часов (для документа о квалификации)",
    "Фамилия получателя",
    "Имя получателя",
    "Отчество получателя",
    "Дата рождения получателя",
    "Пол получателя",
    "СНИЛС",
    "Форма обучения",
    "Источник финансирования обучения",
    "Форма получения образования на момент прекращения образовательных отношений",
    "Гражданство получателя (код страны по ОКСМ)",
    "Наименование документа об образовании (оригинала)",
    "Серия (оригинала)",
    "Номер (оригинала)",
    "Регистрационный N (оригинала)",
    "Дата выдачи (оригинала)",
    "Фамилия получателя (оригинала)",
    "Имя получателя (оригинала)",
    "Отчество получателя (оригинала)",
    "Номер документа для изменения",
)
"""The ДПО template's 40 columns in order, typed here from the template (ADR 0114)."""

_snils = iter(range(200_000_001, 200_100_000, 7))


def snils() -> str:
    first_nine = f"{next(_snils):09d}"
    return f"{first_nine}{snils_check_number(first_nine):02d}"


def complete(
    enrolment: Enrolment,
    *,
    sex: str = "male",
    birth_date: date = date(1980, 5, 17),
    level: str = "higher",
    diploma_last_name: str = "",
    funding: str = "contract",
    study_form: str = "part_time",
    citizenship: str = "643",
) -> Enrolment:
    """Give a learner what the template requires (as the enrolment form would)."""
    learner = enrolment.learner
    learner.sex, learner.sex_inferred, learner.birth_date = sex, False, birth_date
    learner.save(update_fields=["sex", "sex_inferred", "birth_date"])
    cohort = enrolment.cohort
    cohort.study_form = study_form
    cohort.save(update_fields=["study_form"])
    enrolment.citizenship = citizenship
    enrolment.education_level = level
    enrolment.diploma_last_name = diploma_last_name
    enrolment.diploma_series = "106104"
    enrolment.diploma_number = "0012345"
    enrolment.funding_source = funding
    enrolment.save()
    return enrolment


def retraining_programme(org):  # type: ignore[no-untyped-def]
    """A retraining programme whose diploma states its sphere and qualification: its
    documents come after the certificates in register order."""
    programme = make_programme(org, kind=ProgrammeKind.PROFESSIONAL_RETRAINING)
    programme.qualification_title = "Врач — организатор здравоохранения"
    programme.practice_field = "организации здравоохранения и общественного здоровья"
    programme.save(update_fields=["qualification_title", "practice_field"])
    return programme


def streamed(response) -> bytes:  # type: ignore[no-untyped-def]
    """The file a response streams (ADR 0607), read to its end."""
    assert response.streaming
    return b"".join(response.streaming_content)


def sheet_rows(content: bytes) -> list[dict[str, object]]:
    """The data rows of the file's only sheet, by header (the header row checked)."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == TEMPLATE_COLUMNS
    return [dict(zip(TEMPLATE_COLUMNS, row, strict=True)) for row in rows[1:]]


def export(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_the_header_row_is_the_templates_columns_in_order():
    """The module's columns are the template's 40, in the template's order."""
    assert HEADERS == TEMPLATE_COLUMNS
    assert len(HEADERS) == 40


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_a_full_row_for_a_man_and_a_woman(org, client, request):
    """npc-2.8, rgmu-2.8: the qualification documents issued go to the FRDO file. A man's
    certificate and a woman's diploma — every field collected — come back from the XLSX
    (read with openpyxl) with every column of the template filled as the template wants:
    the document names, «Оригинал», «Нет» in the confirmations, the programme type, the
    education level, the diploma's surname (hers stated, his his own), series and number,
    years and hours, name, date of birth, «Муж»/«Жен», SNILS, form of study, funding
    source, «в образовательной организации», citizenship code; the export is audited."""
    man = complete(
        enrol(
            make_cohort(org),
            make_learner(last_name="Егоров", first_name="Евгений", middle_name="Жоресович",
                         snils=snils()),
        ),
        funding="contract",
        study_form="part_time",
    )  # fmt: skip
    # НПЦ issues certificates only; РостГМУ's woman gets a retraining diploma.
    with_diploma = request.node.callspec.params["org"] == "rgmu"
    retraining = make_programme(
        org,
        kind=(
            ProgrammeKind.PROFESSIONAL_RETRAINING
            if with_diploma
            else ProgrammeKind.QUALIFICATION_UPGRADE
        ),
    )
    # The diploma's sphere and qualification, as its programme states them (ADR 0114).
    retraining.qualification_title = "Врач — организатор здравоохранения"
    retraining.practice_field = "организации здравоохранения и общественного здоровья"
    retraining.save(update_fields=["qualification_title", "practice_field"])
    woman = complete(
        enrol(
            make_cohort(org, retraining),
            make_learner(last_name="Кириллова", first_name="Алла", middle_name="Борисовна",
                         snils=snils()),
        ),
        sex="female",
        birth_date=date(1991, 11, 2),
        level="secondary_vocational",
        diploma_last_name="Антонова",
        funding="federal_budget",
        study_form="full_time",
        citizenship="112",
    )  # fmt: skip
    certificate = issue(org, man)
    issue(org, woman)
    response = export(client, org.staff, year="2026")
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Content-Type"] == XLSX
    rows = sheet_rows(streamed(response))
    assert len(rows) == 2
    by_name = {row["Фамилия получателя"]: row for row in rows}
    his, hers = by_name["Егоров"], by_name["Кириллова"]
    assert his == {
        "Вид документа": "Удостоверение о повышении квалификации",
        "Статус документа": "Оригинал",
        "Подтверждение утраты": "Нет",
        "Подтверждение обмена": "Нет",
        "Подтверждение уничтожения": "Нет",
        "Серия документа": certificate.series or None,
        "Номер документа": f"{certificate.number:06d}",
        "Дата выдачи документа": datetime(2026, 3, 13),
        "Регистрационный номер": certificate.registration_number,
        TEMPLATE_COLUMNS[9]: "Повышение квалификации",
        "Наименование дополнительной профессиональной программы": certificate.programme_title,
        "Наименование области профессиональной деятельности": None,
        "Укрупненные группы специальностей": None,
        "Наименование квалификации, профессии, специальности": None,
        "Уровень образования ВО/СПО": "Высшее образование",
        "Фамилия указанная в дипломе о ВО или СПО": "Егоров",
        "Серия документа о ВО/СПО": "106104",
        "Номер документа о ВО/СПО": "0012345",
        "Год начала обучения (для документа о квалификации)": 2026,
        "Год окончания обучения (для документа о квалификации)": 2026,
        "Срок обучения, часов (для документа о квалификации)": certificate.hours,
        "Фамилия получателя": "Егоров",
        "Имя получателя": "Евгений",
        "Отчество получателя": "Жоресович",
        "Дата рождения получателя": datetime(1980, 5, 17),
        "Пол получателя": "Муж",
        "СНИЛС": format_snils(man.learner.snils),
        "Форма обучения": "Очно-заочная",
        "Источник финансирования обучения": (
            "По договору об оказании платных образовательных услуг"
        ),
        TEMPLATE_COLUMNS[29]: "в образовательной организации",
        "Гражданство получателя (код страны по ОКСМ)": "643",
        **{column: None for column in TEMPLATE_COLUMNS[31:]},
    }
    if with_diploma:
        assert hers["Вид документа"] == "Диплом о профессиональной переподготовке"
        assert hers[TEMPLATE_COLUMNS[9]] == "Профессиональная переподготовка"
        assert hers["Наименование квалификации, профессии, специальности"] == (
            "Врач — организатор здравоохранения"
        )
        assert hers["Наименование области профессиональной деятельности"] == (
            "Организация здравоохранения и общественного здоровья"
        )
    else:
        assert hers["Вид документа"] == "Удостоверение о повышении квалификации"
        assert hers[TEMPLATE_COLUMNS[9]] == "Повышение квалификации"
        assert hers["Наименование области профессиональной деятельности"] is None
    assert hers["Уровень образования ВО/СПО"] == "Среднее профессиональное образование"
    assert hers["Фамилия указанная в дипломе о ВО или СПО"] == "Антонова"
    assert (hers["Имя получателя"], hers["Отчество получателя"]) == ("Алла", "Борисовна")
    assert hers["Дата рождения получателя"] == datetime(1991, 11, 2)
    assert hers["Пол получателя"] == "Жен"
    assert hers["Форма обучения"] == "Очная"
    assert hers["Источник финансирования обучения"] == (
        "За счет бюджетных ассигнований федерального бюджета"
    )
    assert hers["Гражданство получателя (код страны по ОКСМ)"] == "112"
    assert hers["Статус документа"] == "Оригинал"
    audit = AuditEntry.objects.get(action="documents.frdo_export")
    assert audit.actor == org.staff
    assert audit.changes == {"year": 2026, "documents": 2}


def test_revoked_lost_exchanged_destroyed_and_duplicates(rgmu, client):
    """The template has no «Аннулирован»: a document reported lost says «Да» in
    «Подтверждение утраты», one exchanged in «Подтверждение обмена», one destroyed in
    «Подтверждение уничтожения»; the document issued in place of the lost one is a
    «Дубликат» carrying the original's name, series, number, registration number, date
    and holder; the others stay «Оригинал»."""
    cohort = make_cohort(rgmu)
    lost_enrolment = complete(enrol(cohort, make_learner(last_name="Жукова", first_name="Анна",
                                                           middle_name="Ивановна", snils=snils())),
                              sex="female")  # fmt: skip
    lost = issue(rgmu, lost_enrolment)
    revoke_document(actor=rgmu.staff, document=lost, reason="Слушатель сообщила об утрате",
                    ground="lost")  # fmt: skip
    duplicate = issue(rgmu, lost_enrolment)
    exchanged = issue(rgmu, complete(enrol(cohort, make_learner(last_name="Шевчук",
                                                                  snils=snils()))))  # fmt: skip
    revoke_document(actor=rgmu.staff, document=exchanged, reason="Ошибка в отчестве слушателя",
                    ground="exchanged")  # fmt: skip
    destroyed = issue(rgmu, complete(enrol(cohort, make_learner(last_name="Ли", snils=snils()))))
    revoke_document(actor=rgmu.staff, document=destroyed, reason="Бланк испорчен при печати",
                    ground="destroyed")  # fmt: skip

    content = streamed(export(client, rgmu.staff, year="2026"))
    rows = {r["Регистрационный номер"]: r for r in sheet_rows(content)}
    confirmations = ("Подтверждение утраты", "Подтверждение обмена", "Подтверждение уничтожения")

    def flags(document: QualificationDocument) -> tuple[object, ...]:
        row = rows[document.registration_number]
        return (row["Статус документа"], *(row[c] for c in confirmations))

    assert flags(lost) == ("Оригинал", "Да", "Нет", "Нет")
    assert flags(exchanged) == ("Оригинал", "Нет", "Да", "Нет")
    assert flags(destroyed) == ("Оригинал", "Нет", "Нет", "Да")
    assert flags(duplicate) == ("Дубликат", "Нет", "Нет", "Нет")
    assert "Аннулирован" not in {row["Статус документа"] for row in rows.values()}
    copy = rows[duplicate.registration_number]
    assert copy["Наименование документа об образовании (оригинала)"] == (
        "Удостоверение о повышении квалификации"
    )
    assert copy["Номер (оригинала)"] == f"{lost.number:06d}"
    assert copy["Серия (оригинала)"] == (lost.series or None)
    assert copy["Регистрационный N (оригинала)"] == lost.registration_number
    assert copy["Дата выдачи (оригинала)"] == datetime(2026, 3, 13)
    assert (
        copy["Фамилия получателя (оригинала)"],
        copy["Имя получателя (оригинала)"],
        copy["Отчество получателя (оригинала)"],
    ) == ("Жукова", "Анна", "Ивановна")
    assert rows[lost.registration_number]["Номер (оригинала)"] is None


def test_the_check_lists_exactly_what_is_missing_and_the_export_refuses(rgmu, client):
    """The check before the export names, per learner, exactly the columns still empty —
    date of birth and sex, the education level and diploma number, the SNILS of a Russian
    citizen, the form of study, the funding source, the ground of a document revoked
    before grounds were asked — and the export refuses (422) with the same Russian
    messages naming the learner and the column; nothing is exported or audited. Filled
    in, the same year exports."""
    cohort = make_cohort(rgmu)
    bare_cohort = make_cohort(rgmu)  # its form of study not stated yet
    bare = issue(rgmu, enrol(bare_cohort, make_learner(last_name="Антонова", first_name="Алла",
                                                         middle_name="Борисовна")))  # fmt: skip
    almost = complete(enrol(cohort, make_learner(last_name="Егоров", snils=snils())))
    almost.funding_source = ""
    almost.save()
    issued_to_almost = issue(rgmu, almost)
    foreigner = complete(enrol(cohort, make_learner(last_name="Ли")), citizenship="156")
    issue(rgmu, foreigner)  # a foreign citizen without SNILS lacks nothing
    legacy = issue(rgmu, complete(enrol(cohort, make_learner(last_name="Шевчук", snils=snils()))))
    revoke_document(actor=rgmu.staff, document=legacy, reason="Ошибка в дате рождения")
    issue_training_record(  # a справка is not in the ДПО template: not checked, not exported
        actor=rgmu.staff,
        enrolment=enrol(cohort, make_learner(last_name="Кириллова")),
        issued_on=ISSUED_ON,
    )
    client.force_login(rgmu.staff)
    page = client.get(CHECK_URL, {"year": "2026"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Документов для выгрузки: 4" in text
    assert reverse("programmes:enrolment_detail", args=[bare_cohort.pk, bare.enrolment_id]) in text

    from nmo.documents.frdo import check_frdo

    check = check_frdo(actor=rgmu.staff, organisation=rgmu.organisation, year=2026)
    assert {gap.holder_name: gap.missing for gap in check.gaps} == {
        "Антонова Алла Борисовна": (
            "Уровень образования ВО/СПО",
            "Номер документа о ВО/СПО",
            "Дата рождения получателя",
            "Пол получателя",
            "СНИЛС",
            "Форма обучения",
            "Источник финансирования обучения",
        ),
        issued_to_almost.holder_name: ("Источник финансирования обучения",),
        legacy.holder_name: ("Основание аннулирования (утрата, обмен или уничтожение)",),
    }
    for gap in check.gaps:
        for column in gap.missing:
            assert column in text

    refused = client.get(URL, {"year": "2026"})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "Файл для ФИС ФРДО не сформирован" in body
    assert "Антонова Алла Борисовна (рег. № " in body
    assert "«Пол получателя»" in body
    assert (
        f"{issued_to_almost.holder_name} (рег. № {issued_to_almost.registration_number}): "
        "не указано — «Источник финансирования обучения»."
    ) in body
    assert not AuditEntry.objects.filter(action="documents.frdo_export").exists()

    complete(bare.enrolment, sex="female")
    learner = bare.enrolment.learner
    learner.snils = snils()
    learner.save(update_fields=["snils"])
    almost.funding_source = "regional_budget"
    almost.save()
    QualificationDocument.objects.filter(pk=legacy.pk).update(revocation_ground="exchanged")
    assert check_frdo(actor=rgmu.staff, organisation=rgmu.organisation, year=2026).complete
    done = client.get(URL, {"year": "2026"})
    assert done.status_code == 200
    rows = sheet_rows(streamed(done))
    assert len(rows) == 4
    assert {r["Источник финансирования обучения"] for r in rows} >= {
        "За счет бюджетных ассигнований бюджета субъекта Российской Федерации"
    }
    assert all(r["Вид документа"] != "Справка об обучении" for r in rows)


def test_the_check_builds_only_the_incomplete_documents_rows(rgmu, client, monkeypatch):
    """The check of a year counts its documents and reads the rows of the incomplete ones
    only (GAP_FILTER): a complete year of the country's biggest organisation is not
    100,000 rows built in Python while staff wait (1.8 s at a tenth of it before)."""
    from nmo.documents import frdo

    built: list[int] = []
    real_row_of = frdo.row_of

    def counted_row_of(document: QualificationDocument) -> object:
        built.append(document.pk)
        return real_row_of(document)

    monkeypatch.setattr(frdo, "row_of", counted_row_of)
    cohort = make_cohort(rgmu)
    for _ in range(5):
        issue(rgmu, complete(enrol(cohort, make_learner(snils=snils()))))
    lacking = issue(rgmu, enrol(cohort, make_learner(last_name="Антонова", snils=snils())))
    client.force_login(rgmu.staff)
    text = client.get(CHECK_URL, {"year": "2026"}).content.decode()
    assert "Документов для выгрузки: 6." in text
    assert "строк с пробелами — 1 из 6." in text
    assert lacking.holder_name in text
    assert built == [lacking.pk]


def test_the_check_page_lists_the_first_incomplete_documents_of_a_big_year(
    rgmu, client, monkeypatch, api_client, token_for
):
    """A year with more incomplete documents than the page lists (FRDO_GAPS_SHOWN) shows
    the first of them in register order and says how many there are in all, numbers
    printed as Russian prints them; the API still lists every one."""
    from nmo.documents import views

    monkeypatch.setattr(views, "FRDO_GAPS_SHOWN", 2)
    retraining = retraining_programme(rgmu)
    # Issued first, but a diploma comes after the certificates in register order.
    diploma = issue(rgmu, enrol(make_cohort(rgmu, retraining), make_learner(snils=snils())))
    cohort = make_cohort(rgmu)
    certificates = [issue(rgmu, enrol(cohort, make_learner(snils=snils()))) for _ in range(2)]
    issue(rgmu, complete(enrol(cohort, make_learner(snils=snils()))))
    assert diploma.kind == "retraining_diploma"
    assert {c.kind for c in certificates} == {"qualification_certificate"}
    client.force_login(rgmu.staff)
    page = client.get(CHECK_URL, {"year": "2026"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "строк с пробелами — 3 из 4." in text
    assert "первые 2 из 3 — заполните их и проверьте год снова" in text
    for shown in certificates:
        assert shown.registration_number in text
    assert diploma.registration_number not in text
    listed = api_client.get(
        f"/api/v1/organisations/{rgmu.organisation.pk}/frdo/check?year=2026",
        **token_for(rgmu.staff),
    ).json()
    assert (listed["documents"], len(listed["gaps"])) == (4, 3)

    monkeypatch.setattr(views, "FRDO_GAPS_SHOWN", 3)  # exactly as many as there are
    text = client.get(CHECK_URL, {"year": "2026"}).content.decode()
    assert "строк с пробелами — 3 из 4." in text
    assert "первые" not in text
    assert diploma.registration_number in text


def test_the_check_reads_the_incomplete_documents_chunk_by_chunk_in_register_order(
    rgmu, monkeypatch
):
    """Past a chunk (CHUNK ids a query) the check's gaps still come in register order —
    certificates before diplomas, by number — one query per chunk and none per row; at
    most `shown` are read, their total counted; `shown` below 1 is a caller's error."""
    from nmo.documents import frdo

    monkeypatch.setattr(frdo, "CHUNK", 2)
    retraining = retraining_programme(rgmu)
    diplomas = make_cohort(rgmu, retraining)
    certificates = make_cohort(rgmu)
    lacking = [
        issue(rgmu, enrol(cohort, make_learner(snils=snils())))
        for cohort in (diplomas, certificates, diplomas, certificates, certificates)
    ]
    issue(rgmu, complete(enrol(certificates, make_learner(snils=snils()))))
    in_register_order = [d.pk for d in sorted(lacking, key=lambda d: (d.kind, d.number, d.pk))]
    assert in_register_order != sorted(in_register_order)  # not the order of issue
    with CaptureQueriesContext(connection) as queries:
        check = frdo.check_frdo(actor=rgmu.staff, organisation=rgmu.organisation, year=2026)
    assert [gap.document_id for gap in check.gaps] == in_register_order
    assert (check.documents, check.incomplete) == (6, 5)
    rows_read = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and '"programmes_cohort"."study_form"' in q["sql"]
        and "COUNT(" not in q["sql"]
        and '"pdf"' not in q["sql"]
    ]
    assert len(rows_read) == 1 + 3  # the ids, then three chunks of at most two
    first = frdo.check_frdo(actor=rgmu.staff, organisation=rgmu.organisation, year=2026, shown=3)
    assert [gap.document_id for gap in first.gaps] == in_register_order[:3]
    assert first.incomplete == 5
    assert not first.all_shown
    with pytest.raises(ValueError, match="at least 1"):
        frdo.check_frdo(actor=rgmu.staff, organisation=rgmu.organisation, year=2026, shown=0)


def test_a_value_outside_its_choices_is_a_missing_column(rgmu, client):
    """A value no form offers (stored around the services) is named as missing by the
    check and the export's refusal (422), not an error of the server."""
    document = issue(rgmu, complete(enrol(make_cohort(rgmu), make_learner(snils=snils()))))
    Enrolment.objects.filter(pk=document.enrolment_id).update(education_level="phd")
    client.force_login(rgmu.staff)
    page = client.get(CHECK_URL, {"year": "2026"})
    assert page.status_code == 200
    assert "Уровень образования ВО/СПО" in page.content.decode()
    refused = client.get(URL, {"year": "2026"})
    assert refused.status_code == 422
    assert "«Уровень образования ВО/СПО»" in refused.content.decode()


def test_counts_are_printed_with_their_thousands_apart():
    """«116 666», not «116666»: the check page's counts (a no-break space between)."""
    from django.template import Context, Template

    rendered = Template("{% load russian %}{{ n|grouped }} {{ m|grouped }}").render(
        Context({"n": 116666, "m": 7})
    )
    assert rendered == "116\u00a0666 7"


def test_the_rows_come_from_one_query(rgmu, client):
    """The number of queries does not grow with the documents: one query for the rows of
    a chunk (the learners, cohorts and replaced documents joined), none per row."""
    cohort = make_cohort(rgmu)
    issue(rgmu, complete(enrol(cohort, make_learner(snils=snils()))))
    client.force_login(rgmu.staff)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"year": "2026"}).status_code == 200
    for _ in range(5):
        issue(rgmu, complete(enrol(cohort, make_learner(snils=snils()))))
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"year": "2026"})
    assert len(sheet_rows(streamed(response))) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
    # Read in keyset chunks of 2,000 (ADR 0607): six documents are one chunk, one query
    # (beside the COUNT that decides between the download and a job).
    reads = [
        q["sql"]
        for q in many.captured_queries
        if "documents_qualificationdocument" in q["sql"]
        and q["sql"].startswith("SELECT")
        and not q["sql"].startswith("SELECT COUNT(*)")
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
    (422), never a 500, and nothing is exported or audited — for the check too."""
    response = export(client, rgmu.staff, year=year)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Файл не сформирован" in page
    assert "Год выдачи" in page or "год выдачи" in page
    assert client.get(CHECK_URL, {"year": year}).status_code == 422
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
    issue(npc, complete(enrol(make_cohort(npc), make_learner(snils=snils()))))
    response = export(client, rgmu.staff, year="2026")
    assert response.status_code == 422
    assert "Выберите организацию" in response.content.decode()
    chosen = export(client, rgmu.staff, year="2026", organisation=str(npc.organisation.pk))
    assert chosen.status_code == 200
    assert len(sheet_rows(streamed(chosen))) == 1


def test_the_register_page_offers_the_check_and_the_export(rgmu, client):
    """The register page offers the check and the FRDO download for the year."""
    client.force_login(rgmu.staff)
    page = client.get(reverse("documents:register")).content.decode()
    assert f'action="{URL}"' in page
    assert f'formaction="{CHECK_URL}"' in page
    assert "Скачать XLSX для ФИС ФРДО" in page


def test_it_checks_access(rgmu, outsider, specialist, client):
    """Another organisation's staff get 404 for the file and the check (and a malformed
    organisation is 404 too), a person without the staff role 403, a visitor the login
    form; none of them is audited."""
    issue(rgmu, complete(enrol(make_cohort(rgmu), make_learner(snils=snils()))))
    theirs = {"year": "2026", "organisation": str(rgmu.organisation.pk)}
    assert export(client, outsider, **theirs).status_code == 404
    assert client.get(CHECK_URL, theirs).status_code == 404
    assert export(client, outsider, year="2026", organisation="x1").status_code == 404
    assert export(client, outsider, year="2026", organisation="9" * 40).status_code == 404
    assert export(client, specialist, **theirs).status_code == 403
    assert client.get(CHECK_URL, theirs).status_code == 403
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


def test_an_unknown_revocation_ground_is_refused(rgmu):
    """A ground outside the template's three is refused in Russian (422)."""
    from nmo.documents.exceptions import RevocationInvalid

    document = issue(rgmu, enrol(make_cohort(rgmu), make_learner()))
    with pytest.raises(RevocationInvalid) as refused:
        revoke_document(
            actor=rgmu.staff, document=document, reason="Ошибка в фамилии", ground="annulled"
        )
    assert refused.value.errors["ground"] == ["Выберите основание: утрата, обмен или уничтожение."]


def test_the_revocation_page_asks_the_ground(rgmu, client):
    """The document page asks the ground with the reason; the revocation keeps it."""
    document = issue(rgmu, enrol(make_cohort(rgmu), make_learner()))
    client.force_login(rgmu.staff)
    url = reverse("documents:revoke", args=[document.pk])
    missing = client.post(url, {"reason": "Слушатель сообщил об утрате"})
    assert missing.status_code == 422
    response = client.post(url, {"reason": "Слушатель сообщил об утрате", "ground": "lost"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.revocation_ground) == ("revoked", "lost")
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Основание: утрата" in page


def test_the_ground_of_an_old_revocation_is_recorded_once(rgmu, client):
    """A document revoked before grounds were asked shows a form for the ground on its
    page; the ground is recorded once (audited), after which the check no longer lists
    it and a second attempt is refused."""
    document = issue(rgmu, complete(enrol(make_cohort(rgmu), make_learner(snils=snils()))))
    revoke_document(actor=rgmu.staff, document=document, reason="Ошибка в дате рождения")
    client.force_login(rgmu.staff)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Основание аннулирования" in page
    url = reverse("documents:revocation_ground", args=[document.pk])
    assert client.post(url, {"ground-ground": "annulled"}).status_code == 422
    assert client.post(url, {"ground-ground": "destroyed"}).status_code == 302
    document.refresh_from_db()
    assert document.revocation_ground == "destroyed"
    assert AuditEntry.objects.filter(action="document.revocation_ground").count() == 1
    from nmo.documents.frdo import check_frdo

    assert check_frdo(actor=rgmu.staff, organisation=rgmu.organisation, year=2026).complete
    again = client.post(url, {"ground-ground": "lost"}, follow=True)
    assert "только один раз" in again.content.decode()
    document.refresh_from_db()
    assert document.revocation_ground == "destroyed"
