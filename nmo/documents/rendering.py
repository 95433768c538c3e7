"""Turning templates into files a person can open: PDF (WeasyPrint), DOCX (docxtpl),
QR codes (segno). Shared by every app that issues a document."""

import base64
import io
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (extending documents/print_base.html) to a PDF."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()  # type: ignore[no-any-return]


def render_pdf_pages(template_name: str, contexts: list[dict[str, Any]]) -> bytes:
    """Render one template per context and join them into one PDF (a page group each)."""
    from weasyprint import HTML

    documents = [
        HTML(string=render_to_string(template_name, ctx), base_url=str(settings.BASE_DIR)).render()
        for ctx in contexts
    ]
    if not documents:
        return b""
    pages = [page for doc in documents for page in doc.pages]
    return documents[0].copy(pages).write_pdf()  # type: ignore[no-any-return]


def qr_data_uri(data: str, *, scale: int = 4) -> str:
    """A QR code as an SVG data URI, ready for <img src>."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_docx(template_path: Path, context: dict[str, Any]) -> bytes:
    """Fill a DOCX form (a .docx file with Jinja tags) and return the document's bytes."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(template_path))
    document.render(context, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def absolute_url(path: str) -> str:
    """A link for a printed document (QR codes, e-mails): SITE_URL + path."""
    return settings.SITE_URL.rstrip("/") + path
