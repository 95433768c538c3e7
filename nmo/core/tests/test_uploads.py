"""Uploads that cannot hurt (ADR 0025): every hostile file of issue 11's probe is refused
with a Russian reason before anything parses it, fast and without inflating it; a plain
workbook and a plain CSV pass."""

import time

import pytest

from nmo.core.tests import hostile
from nmo.core.uploads import UploadRefused, check_table_upload, read_xlsx_rows

LIMITS = {"max_bytes": 5 * 1024 * 1024, "max_rows": 11_000}


@pytest.mark.parametrize(
    ("name", "file_name", "make", "words"), hostile.HOSTILE_XLSX, ids=lambda v: str(v)[:20]
)
def test_each_hostile_workbook_is_refused_before_parsing(name, file_name, make, words):
    content = make()
    with pytest.raises(UploadRefused) as refused:
        check_table_upload(file_name, content, **LIMITS)
    assert words in refused.value.message
    assert refused.value.errors == {"file": [refused.value.message]}
    assert refused.value.status == 422


def test_the_zip_bomb_is_small_on_disk_and_refused_in_well_under_a_second():
    content = hostile.zip_bomb_xlsx()
    assert len(content) < 2 * 1024 * 1024  # 200 MB unpacked
    started = time.perf_counter()
    with pytest.raises(UploadRefused, match="после распаковки занимает больше 50 МБ"):
        check_table_upload("list.xlsx", content, **LIMITS)
    assert time.perf_counter() - started < 0.2


def test_a_part_packed_too_well_is_refused_even_under_the_total():
    """A 20 MB shared string (under the 50 MB total) packed a thousand times."""
    head = b'<?xml version="1.0"?><sst><si><t>'
    content = hostile.replace_parts(
        hostile.plain_xlsx(),
        {},
        streamed=("xl/sharedStrings.xml", head, b"B" * (1024 * 1024), 20, b"</t></si></sst>"),
    )
    with pytest.raises(UploadRefused, match="сжат подозрительно сильно"):
        check_table_upload("list.xlsx", content, **LIMITS)


def test_a_declared_dimension_is_measured_against_the_rows_the_import_reads():
    with pytest.raises(UploadRefused) as refused:
        check_table_upload("list.xlsx", hostile.huge_dimension_xlsx(), **LIMITS)
    assert refused.value.message.startswith(
        "Лист таблицы объявлен на 300 строк и 16\u00a0384 столбца, а допустимо не больше "
        "11000 строк и 100 столбцов."
    )
    with pytest.raises(UploadRefused, match="1\u00a0048\u00a0576 строк"):
        check_table_upload("list.xlsx", hostile.huge_dimension_xlsx("A1:C1048576"), **LIMITS)
    check_table_upload("list.xlsx", hostile.huge_dimension_xlsx("A1:C300"), **LIMITS)


def test_a_wide_sheet_without_a_dimension_is_read_only_as_wide_as_the_limit():
    content = hostile.wide_sheet_without_dimension()
    check_table_upload("list.xlsx", content, **LIMITS)
    started = time.perf_counter()
    rows = read_xlsx_rows(content, max_rows=11_000)
    assert time.perf_counter() - started < 2
    assert len(rows) == 300
    assert {len(row) for row in rows} == {100}
    assert rows[0][0] == "x"


@pytest.mark.parametrize("make", [hostile.xxe_xlsx, hostile.billion_laughs_xlsx])
def test_openpyxl_itself_refuses_entities_with_defusedxml(make):
    """The second wall: had a DTD slipped past the check, the reader (openpyxl through
    defusedxml) refuses it with the same Russian 422, not a ParseError (a 500)."""
    import openpyxl

    assert openpyxl.DEFUSEDXML is True
    with pytest.raises(UploadRefused, match="не читается как XML"):
        read_xlsx_rows(make(), max_rows=100)


def test_wrong_types_are_named():
    with pytest.raises(UploadRefused, match="Это файл PDF, а не таблица CSV"):
        check_table_upload("list.csv", hostile.pdf_named_xlsx(), **LIMITS)
    with pytest.raises(UploadRefused, match="двоичные данные"):
        check_table_upload("list.csv", hostile.binary_csv(), **LIMITS)
    with pytest.raises(UploadRefused, match="XLSX или другой архив ZIP, а не таблица CSV"):
        check_table_upload("list.csv", hostile.plain_xlsx(), **LIMITS)
    with pytest.raises(UploadRefused, match="Загрузите файл XLSX или CSV"):
        check_table_upload("list.pdf", hostile.pdf_named_xlsx(), **LIMITS)
    with pytest.raises(UploadRefused, match="Файл пуст"):
        check_table_upload("list.xlsx", b"", **LIMITS)


def test_plain_files_pass():
    assert check_table_upload("list.xlsx", hostile.plain_xlsx(), **LIMITS) == "xlsx"
    csv = "ФИО;E-mail\r\nУчастник Один;one@example.ru\r\n"
    assert check_table_upload("list.csv", csv.encode("utf-8-sig"), **LIMITS) == "csv"
    assert check_table_upload("list.csv", csv.encode("cp1251"), **LIMITS) == "csv"
    assert read_xlsx_rows(hostile.plain_xlsx(), max_rows=10) == [
        ("ФИО", "E-mail"),
        ("Участник Один", "one@example.ru"),
    ]


def test_a_csv_with_too_many_lines_is_refused_before_parsing():
    content = b"a;b\n" * 20_000
    with pytest.raises(UploadRefused, match="В файле 20001 строка, а допустимо не больше 11000"):
        check_table_upload("list.csv", content, **LIMITS)
