"""DOCX forms filled from templates (docxtpl): a .docx file with Jinja tags."""

import io
from pathlib import Path
from typing import Any


def render_docx(template_path: Path, context: dict[str, Any]) -> bytes:
    """Fill a DOCX form and return the document's bytes."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(template_path))
    document.render(context, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
