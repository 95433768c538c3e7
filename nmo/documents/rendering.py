"""Turning templates into files a person can open: PDF (WeasyPrint), DOCX (docxtpl),
QR codes (segno). Shared by every app that issues a document."""

import base64
import functools
import io
import threading
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


# --- the fast path for documents issued one after another (certificates, diplomas) -------
#
# WeasyPrint spends most of a small page's time on work that is the same for every copy:
# parsing the page's CSS, loading the fontconfig configuration, drawing an SVG. A template
# rendered with `render_print` keeps its CSS in a file parsed once per process, reuses the
# thread's font configuration and carries its QR code as a tiny PNG (`qr_png_data_uri`).

_thread = threading.local()


def thread_font_config() -> Any:
    """This thread's WeasyPrint font configuration, made once per thread (loading
    fontconfig costs milliseconds per document). For stylesheets without @font-face."""
    config = getattr(_thread, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = FontConfiguration()
        _thread.font_config = config
    return config


@functools.lru_cache(maxsize=32)
def print_stylesheet(path: str) -> Any:
    """A print stylesheet (a CSS file) parsed once per process, shared read-only."""
    from weasyprint import CSS

    return CSS(filename=path)


def render_print(template_name: str, context: dict[str, Any], *, stylesheet: Path) -> bytes:
    """Render a standalone print template (a full HTML page, not extending print_base) with
    `stylesheet` parsed once per process, to a PDF."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(  # type: ignore[no-any-return]
        stylesheets=[print_stylesheet(str(stylesheet))], font_config=thread_font_config()
    )


def qr_png_data_uri(data: str, *, mask: int | None = None) -> str:
    """A QR code as a PNG data URI with one pixel per module: a few hundred bytes, drawn
    fast by PDF renderers. Size it in CSS with `image-rendering: pixelated` so the modules
    stay sharp at any size.

    `mask` fixes the mask pattern (0–7) instead of scoring all eight, which is most of the
    cost of making a code (about 7 of 9 ms). Every mask gives a valid code; for data that
    is mostly random (a link ending in a random token) the eight score alike anyway."""
    buffer = io.BytesIO()
    segno.make(data, error="m", mask=mask).save(buffer, kind="png", scale=1, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
