"""The editable DOCX forms of the attestation records, built with python-docx.

Each form reproduces its appendix — the statement (НПЦ, Appendix 1; at РостГМУ for a
qualification-upgrade cohort), the retraining protocol (РостГМУ, Appendix 1), the
commission's report (РостГМУ, Appendix 2) and the protocol of the commission's meeting
(npc-2.13, npc-4.9, in the order of the НПЦ forms) — with
Jinja tags that docxtpl fills from a record's print snapshot
(`snapshots.snapshot`): `{{ programme }}`, and `{%tr for … %}` rows for the
learners and the signatures. The forms are written into `docx_templates/` the first time they are
needed (`form_path`), and can be rebuilt with `python -m nmo.attestation.docx_forms`.
"""

from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import Table

from nmo.attestation.types import RecordKind

FORMS_DIR = Path(__file__).resolve().parent / "docx_templates"
FORM_FILES: dict[RecordKind, str] = {
    RecordKind.ATTESTATION_STATEMENT: "attestation_statement.docx",
    RecordKind.RETRAINING_PROTOCOL: "retraining_protocol.docx",
    RecordKind.COMMISSION_REPORT: "commission_report.docx",
    RecordKind.MEETING_PROTOCOL: "meeting_protocol.docx",
}


def _new() -> DocumentType:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"  # type: ignore[attr-defined]
    style.font.size = Pt(12)  # type: ignore[attr-defined]
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, not US Letter
    return document


def _centre(document: DocumentType, text: str, *, bold: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).bold = bold


def _rows_table(
    document: DocumentType,
    header: list[str],
    loop: str,
    cells: list[str],
    widths_mm: list[float] | None = None,
) -> Table:
    """A table with a header row and one row per item: docxtpl repeats the row between
    the `{%tr for %}` and `{%tr endfor %}` rows. `widths_mm`: the columns' widths."""
    table: Table = document.add_table(rows=4, cols=len(header))
    if widths_mm is not None:
        table.autofit = False
        for row in table.rows:
            for cell, mm in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(mm)
    table.style = "Table Grid"
    for index, text in enumerate(header):
        table.rows[0].cells[index].text = text
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for index, text in enumerate(cells):
        table.rows[2].cells[index].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def _optional(document: DocumentType, condition: str, text: str) -> None:
    """A paragraph printed only when `condition` holds: docxtpl's `{%p if %}` paragraphs
    vanish with their tags, leaving no empty line."""
    document.add_paragraph(f"{{%p if {condition} %}}")
    document.add_paragraph(text)
    document.add_paragraph("{%p endif %}")


def _composition(document: DocumentType, *, deputy: bool) -> None:
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
    document.add_paragraph("{{ presiding_note }}")


def _signatures(document: DocumentType) -> None:
    document.add_paragraph("Подписи:")
    table = document.add_table(rows=3, cols=3)
    table.rows[0].cells[0].text = "{%tr for s in signers %}"
    table.rows[1].cells[0].text = "{{ s.line }}"
    table.rows[1].cells[1].text = "__________ (подпись)"
    table.rows[1].cells[2].text = "{{ s.name }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"


def _number(document: DocumentType) -> None:
    document.add_paragraph(
        "Архивный № {{ number or '—' }}, версия {{ version }}{% if correction_reason %}"
        " (исправление: {{ correction_reason }}){% endif %}"
    )


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
