import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.programmes import services
from nmo.programmes.exceptions import AssessmentBankFileInvalid
from nmo.programmes.models import AssessmentItem
from nmo.programmes.selectors import bank_counts
from nmo.programmes.xlsx import bank_template, bank_workbook, parse_bank, read_sheet

from .factories import bank_file, make_programme

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    ("Тестовое задание", 1, "Частота дыхания новорождённого?", "20–30", "40–60", "", "", "2"),
    ("тест", "", "Признаки гипоксии?", "Цианоз", "Тахикардия", "Брадипноэ", "", "1; 2"),
    ("Ситуационная задача", 3, "Ребёнок 3 лет, лихорадка. Тактика?", "", "", "", "", ""),
    ("Практический навык", "", "Измерение артериального давления.", "", "", "", "", ""),
    ("Вопрос для собеседования", 2, "Инфузионная терапия у детей.", "", "", "", "", ""),
    ("Тема реферата", "", "Вакцинопрофилактика.", "", "", "", "", ""),
]


def load(org, programme, content, *, replace=False, name="fos.xlsx"):
    return services.import_assessment_bank(
        actor=org.staff, programme=programme, file_name=name, content=content, replace=replace
    )


@pytest.mark.clause("npc-2.7")
def test_a_bank_file_loads_every_kind_of_item(org):
    """Test questions with options and answers, case tasks, skills, interview questions and
    essay topics belong to the programme's assessment bank (npc-2.7); a row may name the
    stage its item serves."""
    programme = make_programme(org, stages=3)  # testing, interview, case tasks
    result = load(org, programme, bank_file(GOOD_ROWS))
    assert (result.created, result.replaced) == (6, 0)
    items = list(AssessmentItem.objects.order_by("number"))
    assert [i.number for i in items] == [1, 2, 3, 4, 5, 6]
    first, second = items[0], items[1]
    assert first.options == ["20–30", "40–60"]
    assert first.correct_answers == [1]
    assert first.stage.order == 1
    assert second.correct_answers == [0, 1]
    assert items[2].stage.kind == "case_tasks"
    assert items[3].options == []
    assert dict((code, n) for code, _, n in bank_counts(programme)) == {
        "test_question": 2,
        "case_task": 1,
        "skill": 1,
        "interview_question": 1,
        "essay_topic": 1,
    }
    entry = AuditEntry.objects.get(action="programme.import_assessment_bank")
    assert entry.changes["created"] == 6


@pytest.mark.clause("npc-2.7")
def test_a_file_with_bad_rows_is_refused_whole_with_row_numbers(org):
    """One bad row refuses the file: nothing is written and every problem is listed by its
    row number (the header is row 1)."""
    programme = make_programme(org)
    rows = [
        GOOD_ROWS[0],
        ("Загадка", "", "Что это?", "", "", "", "", ""),
        ("Тестовое задание", "", "", "А", "Б", "", "", "1"),
        ("Тестовое задание", "", "Один вариант", "А", "", "", "", "1"),
        ("Тестовое задание", "", "Ответ вне вариантов", "А", "Б", "", "", "3"),
        ("Тестовое задание", "", "Без ответа", "А", "Б", "", "", ""),
        ("Практический навык", "", "Навык с вариантами", "А", "Б", "", "", "1"),
        ("Ситуационная задача", 1, "Задача на этапе тестирования", "", "", "", "", ""),
        ("Тестовое задание", 9, "Несуществующий этап", "А", "Б", "", "", "1"),
    ]
    with pytest.raises(AssessmentBankFileInvalid) as caught:
        load(org, programme, bank_file(rows))
    problems = caught.value.errors["file"]
    assert [p.split(":")[0] for p in problems] == [
        "Строка 3", "Строка 4", "Строка 5", "Строка 6", "Строка 7", "Строка 8", "Строка 9",
        "Строка 10",
    ]  # fmt: skip
    assert "неизвестный вид «Загадка»" in problems[0]
    assert "у программы нет этапа 9" in problems[-1]
    assert not AssessmentItem.objects.exists()


def test_replace_swaps_the_bank_and_append_continues_the_numbers(org):
    """Without `replace` the items are added after the existing ones; with it they take
    their place."""
    programme = make_programme(org, stages=3)
    load(org, programme, bank_file(GOOD_ROWS[:2]))
    load(org, programme, bank_file(GOOD_ROWS[2:3]))
    assert list(AssessmentItem.objects.values_list("number", flat=True)) == [1, 2, 3]
    result = load(org, programme, bank_file(GOOD_ROWS[3:4]), replace=True)
    assert (result.created, result.replaced) == (1, 3)
    assert list(AssessmentItem.objects.values_list("number", "kind")) == [(1, "skill")]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("fos.xls", b"whatever", "XLSX"),
        ("fos.xlsx", b"not a zip", "повреждён"),
        ("fos.xlsx", b"", "пуст"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(org, name, content, problem):
    """Only XLSX workbooks are read."""
    programme = make_programme(org)
    with pytest.raises(AssessmentBankFileInvalid) as caught:
        load(org, programme, content, name=name)
    assert problem in caught.value.errors["file"][0]


def test_missing_columns_are_named(org):
    """A sheet without «Вид» or «Текст» is refused with the missing column names."""
    programme = make_programme(org)
    content = bank_workbook([("Вопрос?",)], header=["Содержание"])
    with pytest.raises(AssessmentBankFileInvalid) as caught:
        load(org, programme, content)
    assert "«Вид»" in caught.value.errors["file"][0]


def test_the_downloadable_example_is_a_valid_file():
    """The example offered for download parses without a single problem."""
    items, errors = parse_bank(read_sheet(bank_template(), max_rows=100))
    assert errors == []
    assert len(items) == 6


def test_the_programme_page_loads_a_bank_file(client, npc):
    """Staff upload the file on the programme page and see the counts by kind."""
    programme = make_programme(npc, stages=3)
    client.force_login(npc.staff)
    upload = SimpleUploadedFile("fos.xlsx", bank_file(GOOD_ROWS))
    response = client.post(f"/programmes/{programme.pk}/bank/", {"file": upload})
    assert response.status_code == 302
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "Загружено материалов ФОС: 6." in page
    bad = SimpleUploadedFile("fos.xlsx", bank_file([("Загадка", "", "?", "", "", "", "", "")]))
    refused = client.post(f"/programmes/{programme.pk}/bank/", {"file": bad})
    assert refused.status_code == 422
    assert "Строка 2: неизвестный вид" in refused.content.decode()
    template = client.get("/programmes/bank-template.xlsx")
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert parse_bank(read_sheet(b"".join(template), max_rows=100))[1] == []


def test_it_checks_access(client, npc, outsider, specialist):
    """Only the programme organisation's staff load its bank (NotFound for other
    organisations, PermissionDenied without the role)."""
    programme = make_programme(npc)
    with pytest.raises(NotFound):
        services.import_assessment_bank(
            actor=outsider, programme=programme, file_name="f.xlsx", content=bank_file(GOOD_ROWS)
        )
    with pytest.raises(PermissionDenied):
        services.import_assessment_bank(
            actor=specialist, programme=programme, file_name="f.xlsx", content=bank_file([])
        )
    client.force_login(outsider)
    upload = SimpleUploadedFile("fos.xlsx", bank_file(GOOD_ROWS))
    assert client.post(f"/programmes/{programme.pk}/bank/", {"file": upload}).status_code == 404
    assert not AssessmentItem.objects.exists()
