"""DOCX forms filled from templates (docxtpl): a .docx file with Jinja tags.

The page of every form (ADR 0029): A4 portrait with the margins of an official document
kept in the archive (`FORM_MARGINS_MM`: left 30 mm for binding, right 15, top and bottom
20 — ГОСТ Р 7.0.97's minimums are 20/10/20/20), Times New Roman 12 pt (Liberation Serif
on a machine without it: the same metrics). `setup_form_page` sets them on a form being
built; `render_docx` sets them again on every filled document, so a form drawn by hand in
Word cannot come out as US Letter, and drops the empty paragraphs that Jinja tags leave
behind (`{%p if … %}`, a line whose only content was a tag)."""

import io
from pathlib import Path
from typing import Any

A4_MM = (210, 297)
FORM_MARGINS_MM = {"left": 30, "right": 15, "top": 20, "bottom": 20}
FONT = "Times New Roman"
FONT_SIZE_PT = 12
TEXT_WIDTH_MM = A4_MM[0] - FORM_MARGINS_MM["left"] - FORM_MARGINS_MM["right"]
"""165 mm: what the columns of a form's tables share."""


def setup_form_page(document: Any) -> None:
    """A4 portrait, the form's margins, on every section of `document` (python-docx)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(A4_MM[0])
        section.page_height = Mm(A4_MM[1])
        section.left_margin = Mm(FORM_MARGINS_MM["left"])
        section.right_margin = Mm(FORM_MARGINS_MM["right"])
        section.top_margin = Mm(FORM_MARGINS_MM["top"])
        section.bottom_margin = Mm(FORM_MARGINS_MM["bottom"])


def setup_form_styles(document: Any) -> None:
    """Times New Roman 12 pt for the text (all scripts), single spacing, no space after
    paragraphs but a small one (2 pt) to separate them, as on a printed form."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(FONT_SIZE_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(2)
    style.paragraph_format.line_spacing = 1.0


def drop_empty_paragraphs(document: Any) -> int:
    """Remove the body's paragraphs with no text and nothing drawn (left by template tags);
    keep a paragraph that carries section properties. Returns how many were removed."""
    from docx.oxml.ns import qn

    removed = 0
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        if text.strip():
            continue
        if any(paragraph.iter(qn("w:sectPr"), qn("w:drawing"), qn("w:br"), qn("w:pict"))):
            continue
        body.remove(paragraph)
        removed += 1
    return removed


def render_docx(template_path: Path, context: dict[str, Any]) -> bytes:
    """Fill a DOCX form and return the document's bytes: A4, the form's margins, no empty
    paragraphs left by the template's tags."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(template_path))
    document.render(context, autoescape=True)
    docx = document.docx
    setup_form_page(docx)
    drop_empty_paragraphs(docx)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
