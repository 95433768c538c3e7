"""The editable DOCX forms of the attestation records, built with python-docx.

Each form reproduces its appendix — the statement (НПЦ, Appendix 1; at РостГМУ for a
qualification-upgrade cohort), the retraining protocol (РостГМУ, Appendix 1), the
commission's report (РостГМУ, Appendix 2) and the protocol of the commission's meeting
(npc-2.13, npc-4.9, in the order of the НПЦ forms) — with
Jinja tags that docxtpl fills from a record's print snapshot
(`snapshots.snapshot`): `{{ programme }}`, and `{%tr for … %}` rows for the
learners and the signatures. The forms are written into `docx_templates/` the first time they are
needed (`form_path`), and can be rebuilt with `python -m nmo.attestation.docx_forms`.

The page and the tables (ADR 0029): A4 with the margins of a form kept in the archive
(`nmo.printing.office`), Times New Roman 12 pt, tables 11 pt with fixed column widths in
millimetres summing to the text's width (165 mm) so that no word is broken, a table's head
repeated on each page and no row split across pages; the signature block is kept on one
page with its heading. The composition is in the order of the PDF (chair, deputy,
secretary, members in the statement; chair, members, secretary in the protocol and the
report); optional lines are `{%p if %}` paragraphs, so that no empty paragraph is left.
"""

from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from nmo.attestation.types import RecordKind
from nmo.printing.office import TEXT_WIDTH_MM, setup_form_page, setup_form_styles

TABLE_FONT_PT = 11

FORMS_DIR = Path(__file__).resolve().parent / "docx_templates"
FORM_FILES: dict[RecordKind, str] = {
    RecordKind.ATTESTATION_STATEMENT: "attestation_statement.docx",
    RecordKind.RETRAINING_PROTOCOL: "retraining_protocol.docx",
    RecordKind.COMMISSION_REPORT: "commission_report.docx",
    RecordKind.MEETING_PROTOCOL: "meeting_protocol.docx",
}


def _new() -> DocumentType:
    document = Document()
    setup_form_page(document)
    setup_form_styles(document)
    return document


def _row_flags(row: object, *, header: bool = False) -> None:
    """A row that never splits across pages (`cantSplit`); a header row repeats on each."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement("w:cantSplit")
    tr_pr.append(flag)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _fix_widths(table: Table, widths_mm: list[float]) -> None:
    """Fixed layout, the columns' widths in millimetres (the grid and every cell), the
    table's text 11 pt; the widths sum to the text's width."""
    if abs(sum(widths_mm) - TEXT_WIDTH_MM) > 0.5:
        raise ValueError(f"the columns {widths_mm} do not fill {TEXT_WIDTH_MM} mm")
    table.autofit = False  # <w:tblLayout w:type="fixed"/>
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.insert_element_before(width, "w:jc", "w:tblLayout", "w:tblLook")
    width.set(qn("w:w"), str(int(Mm(TEXT_WIDTH_MM).twips)))
    width.set(qn("w:type"), "dxa")
    for column, mm in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(mm)
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(mm)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_FONT_PT)


def _centre(document: DocumentType, text: str, *, bold: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).bold = bold


def _rows_table(
    document: DocumentType,
    header: list[str],
    loop: str,
    cells: list[str],
    widths_mm: list[float],
) -> Table:
    """A table with a header row (repeated on each page) and one row per item (never
    split): docxtpl repeats the row between the `{%tr for %}` and `{%tr endfor %}` rows."""
    table: Table = document.add_table(rows=4, cols=len(header))
    table.style = "Table Grid"
    for index, text in enumerate(header):
        table.rows[0].cells[index].text = text
        for run in table.rows[0].cells[index].paragraphs[0].runs:
            run.bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for index, text in enumerate(cells):
        table.rows[2].cells[index].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _row_flags(table.rows[0], header=True)
    _row_flags(table.rows[2])
    _fix_widths(table, widths_mm)
    return table


def _optional(document: DocumentType, condition: str, text: str) -> None:
    """A paragraph printed only when `condition` holds: docxtpl's `{%p if %}` paragraphs
    vanish with their tags, leaving no empty line."""
    document.add_paragraph(f"{{%p if {condition} %}}")
    document.add_paragraph(text)
    document.add_paragraph("{%p endif %}")


def _composition(document: DocumentType, *, deputy: bool) -> None:
    """The commission in the PDF's order: the statement (with a deputy) lists the chair,
    the deputy, the secretary and then the members; the protocol and the report the chair,
    the members and the secretary."""
    if deputy:  # the statement: the words and order of npc-app1's table
        document.add_paragraph("Председатель итоговой аттестационной комиссии {{ chair }}")
        _optional(
            document, "deputy", "Зам. председателя итоговой аттестационной комиссии {{ deputy }}"
        )
        document.add_paragraph("Секретарь итоговой аттестационной комиссии {{ secretary }}")
        document.add_paragraph("Члены итоговой аттестационной комиссии: {{ members_text }}")
    else:
        document.add_paragraph("Председатель итоговой аттестационной комиссии: {{ chair }}")
        document.add_paragraph("Члены итоговой аттестационной комиссии: {{ members_text }}")
        document.add_paragraph("Секретарь итоговой аттестационной комиссии: {{ secretary }}")
    _optional(document, "presiding_note", "{{ presiding_note }}")


SIGNATURE_WIDTHS_MM = [60.0, 45.0, 60.0]


def _signatures(document: DocumentType) -> None:
    """«Подписи:» kept with the lines that follow it, one unsplit row per signatory; when
    and by whom it was signed in the system is in the PDF's metadata, not here."""
    heading = document.add_paragraph("Подписи:")
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(8)
    table = document.add_table(rows=3, cols=3)
    table.rows[0].cells[0].text = "{%tr for s in signers %}"
    table.rows[1].cells[0].text = "{{ s.line }}"
    table.rows[1].cells[1].text = "__________ (подпись)"
    table.rows[1].cells[2].text = "{{ s.name }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    _row_flags(table.rows[1])
    _fix_widths(table, SIGNATURE_WIDTHS_MM)
    for cell in table.rows[1].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_before = Pt(6)


def _number(document: DocumentType) -> None:
    """Only the reason of a correction: the archive number and the version are in the
    PDF's metadata and on its verification line (ADR 0029)."""
    _optional(document, "correction_reason", "Исправление: {{ correction_reason }}")


def build_statement() -> DocumentType:
    """The statement of a qualification-upgrade attestation (npc-2.12, npc-app1)."""
    document = _new()
    _centre(document, "{{ organisation }}")
    _centre(document, "Ведомость", bold=True)
    _centre(document, "итоговой аттестации обучающихся на цикле повышения квалификации", bold=True)
    _centre(document, "«{{ programme }}»")
    _centre(document, "(наименование дополнительной профессиональной программы)")
    document.add_paragraph("с {{ starts_on }} по {{ ends_on }}")
    document.add_paragraph("{{ specialties_text }}")
    document.add_paragraph("Дата проведения итоговой аттестации {{ held_on }}")
    _number(document)
    _composition(document, deputy=True)
    _rows_table(
        document,
        ["№ п/п", "ФИО слушателя", "Итоговая оценка"],
        "l in learners",
        ["{{ l.n }}", "{{ l.name }}", "{{ l.grade }}"],
        [15.0, 105.0, 45.0],
    )
    _signatures(document)
    return document


def build_protocol() -> DocumentType:
    """The protocol of one learner's retraining attestation (rgmu-2.12, rgmu-app1)."""
    document = _new()
    _centre(document, "{{ organisation }}")
    _centre(document, "ПРОТОКОЛ № {{ number or '____' }}", bold=True)
    _centre(
        document,
        "итоговой аттестации обучающегося на цикле профессиональной переподготовки по "
        "специальности «{{ specialty }}» с {{ starts_on }} по {{ ends_on }} {{ department_at }}",
    )
    document.add_paragraph("Дата проведения {{ held_on }}")
    _number(document)
    _composition(document, deputy=False)
    document.add_paragraph("2. Фамилия, имя, отчество соискателя: {{ learner }}")
    document.add_paragraph("3. Специальность: {{ specialty }}")
    document.add_paragraph("{%p if present is sameas false %}")
    document.add_paragraph("4. Итоговая аттестация: {{ attendance }}")
    document.add_paragraph("5. Решение комиссии: {{ decision }}")
    document.add_paragraph("{%p else %}")
    document.add_paragraph("4. Итоговая аттестация:")
    document.add_paragraph("4.1. Тестовый контроль: {{ testing_text }}")
    document.add_paragraph("4.2. Оценка умений, практических навыков: {{ skills }}")
    document.add_paragraph("4.3. Оценка результатов собеседования: {{ interview }}")
    _optional(document, "other_text", "Другие этапы: {{ other_text }}")
    document.add_paragraph("4.4. Общая оценка: {{ overall }}")
    document.add_paragraph("5. Решение комиссии:")
    document.add_paragraph("{{ decision }}")
    document.add_paragraph(
        "5.3. Результаты голосования членов комиссии по принятию решения: {{ votes_text or '—' }}."
        "{% if casting_line %} {{ casting_line }}.{% endif %}"
    )
    document.add_paragraph("{%p endif %}")
    document.add_paragraph(
        "6. Замечания, рекомендации экзаменационной комиссии: {{ remarks or 'нет' }}"
    )
    document.add_paragraph("{{ diploma_line }}")
    _signatures(document)
    return document


def build_report() -> DocumentType:
    """The commission's report on a cohort (rgmu-2.12, rgmu-app2)."""
    document = _new()
    _centre(document, "{{ organisation }}")
    _centre(document, "Отчет № {{ number or '____' }}", bold=True)
    _centre(
        document,
        "Комиссии по проведению итоговой аттестации слушателей, освоивших ДПП «{{ programme }}»",
    )
    document.add_paragraph(
        "По специальности «{{ specialty }}» с {{ starts_on }} по {{ ends_on }} {{ department_at }}"
    )
    document.add_paragraph("Дата проведения {{ held_on }}")
    _number(document)
    _composition(document, deputy=False)
    document.add_paragraph(
        "2.1. Итоговая аттестационная комиссия утверждает положительную аттестацию "
        "{{ passed_text }}."
    )
    document.add_paragraph(
        "2.2. Итоговая аттестационная комиссия отказывает в аттестации по программе ДПО "
        "{{ refused_text }}."
    )
    _rows_table(
        document,
        ["№ п/п", "ФИО", "Итоговая оценка", "Голосование"],
        "l in learners",
        ["{{ l.n }}", "{{ l.name }}", "{{ l.grade }}", "{{ l.votes }}"],
        [15.0, 70.0, 35.0, 45.0],
    )
    document.add_paragraph("2.3. Результаты голосования членов комиссии по принятию решения:")
    document.add_paragraph("За {{ votes_for_text }}")
    document.add_paragraph("Против {{ votes_against_text }}")
    document.add_paragraph("Воздержались {{ abstained_text }}")
    _optional(
        document,
        "casting_line",
        "{{ casting_line }} (по слушателям: {{ casting_names|join(', ') }}).",
    )
    _signatures(document)
    return document


def build_meeting_protocol() -> DocumentType:
    """The protocol of the commission's meeting (npc-2.13, npc-4.9): the regulation gives
    no form, so it follows the heading of npc-app1 and the parts of npc-app3."""
    document = _new()
    _centre(document, "{{ organisation }}")
    _centre(document, "Протокол № {{ number or '____' }}", bold=True)
    _centre(document, "заседания аттестационной комиссии от {{ held_on }}", bold=True)
    _centre(document, "{{ commission }}")
    _centre(document, "(состав утверждён: {{ order }})")
    document.add_paragraph(
        "Итоговая аттестация обучающихся на цикле {{ cycle }} «{{ programme }}» ({{ hours }} ч) "
        "с {{ starts_on }} по {{ ends_on }} {{ specialties_text }}"
    )
    document.add_paragraph(
        "Место проведения: {{ place }}{% if address %}, {{ address }}{% endif %}"
    )
    _number(document)
    document.add_paragraph("1. Присутствовали:")
    _rows_table(
        document,
        ["Роль", "ФИО"],
        "p in present_by_role",
        ["{{ p.role }}", "{{ p.names }}"],
        [70.0, 95.0],
    )
    document.add_paragraph("Отсутствовали: {{ absent_members or 'нет' }}")
    _optional(document, "presiding_note", "{{ presiding_note }}")
    document.add_paragraph("2. Повестка заседания:")
    document.add_paragraph(
        "Итоговая аттестация {{ admitted_text }}, допущенных к итоговой аттестации по "
        "дополнительной профессиональной программе «{{ programme }}»."
    )
    document.add_paragraph("3. Результаты итоговой аттестации:")
    _rows_table(
        document,
        ["№ п/п", "ФИО слушателя", "Итоговая оценка", "Голосование", "Решение"],
        "l in learners",
        [
            "{{ l.n }}",
            "{{ l.name }}",
            "{{ l.grade }}",
            "{{ l.votes or '—' }}{% if l.casting %}; решающий голос председательствующего"
            "{% endif %}",
            "{{ l.outcome }}",
        ],
        [12.0, 48.0, 30.0, 40.0, 35.0],
    )
    document.add_paragraph("4. Решение аттестационной комиссии:")
    document.add_paragraph(
        "4.1. Признать прошедшими итоговую аттестацию: {{ passed_names or 'нет' }}."
    )
    document.add_paragraph(
        "4.2. Признать не прошедшими итоговую аттестацию: {{ failed_names or 'нет' }}."
    )
    document.add_paragraph("4.3. Не явились на итоговую аттестацию: {{ absent_names or 'нет' }}.")
    document.add_paragraph(
        "5. Результаты голосования членов комиссии по принятию решения: {% if votes %}за — "
        "{{ votes_for_text }}, против — {{ votes_against_text }}, воздержались — "
        "{{ abstained_text }}{% else %}{{ votes_for_text }}{% endif %}.{% if casting_line %} "
        "{{ casting_line }} (по слушателям: {{ casting_names|join(', ') }}).{% endif %}"
    )
    _signatures(document)
    return document


BUILDERS: dict[RecordKind, Callable[[], DocumentType]] = {
    RecordKind.ATTESTATION_STATEMENT: build_statement,
    RecordKind.RETRAINING_PROTOCOL: build_protocol,
    RecordKind.COMMISSION_REPORT: build_report,
    RecordKind.MEETING_PROTOCOL: build_meeting_protocol,
}


def write_forms(directory: Path = FORMS_DIR) -> list[Path]:
    """Write every form into `directory` and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in FORM_FILES.items():
        path = directory / name
        BUILDERS[kind]().save(str(path))
        written.append(path)
    return written


def form_path(kind: RecordKind) -> Path:
    """Return the path of a form, building the forms first if it is missing."""
    path = FORMS_DIR / FORM_FILES[kind]
    if not path.exists():
        write_forms()
    return path


if __name__ == "__main__":
    for written in write_forms():
        print(written)
