"""HTML to PDF with WeasyPrint, the parsed stylesheet and the font configuration reused.

Two kinds of template:
- a page extending `printing/base.html` (its CSS inline): `render_pdf`, `render_pdf_pages`;
- a standalone page whose CSS lives in a file: `render_print`, the fast path for documents
  printed one after another (certificates, diplomas, protocols). WeasyPrint spends most of a
  small page's time on work that is the same for every copy — parsing the CSS, loading
  fontconfig — so the stylesheet is parsed once per process and the thread's font
  configuration is reused.
"""

import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

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


def _html(template_name: str, context: dict[str, Any]) -> Any:
    from weasyprint import HTML

    return HTML(string=render_to_string(template_name, context), base_url=str(settings.BASE_DIR))


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (extending printing/base.html) to a PDF."""
    pdf: bytes = _html(template_name, context).write_pdf(font_config=thread_font_config())
    return pdf


def render_pdf_pages(
    template_name: str,
    contexts: list[dict[str, Any]],
    *,
    stylesheet: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Render one template per context and join them into one PDF (a page group each).
    With `stylesheet` the template is a standalone print page (as for `render_print`).
    `progress(n)` is called after the n-th context is laid out."""
    font_config = thread_font_config()
    sheets = [print_stylesheet(str(stylesheet))] if stylesheet is not None else None
    documents = []
    for number, ctx in enumerate(contexts, start=1):
        documents.append(
            _html(template_name, ctx).render(stylesheets=sheets, font_config=font_config)
        )
        if progress is not None:
            progress(number)
    if not documents:
        return b""
    pages = [page for doc in documents for page in doc.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf()
    return pdf


def render_print(template_name: str, context: dict[str, Any], *, stylesheet: Path) -> bytes:
    """Render a standalone print template (a full HTML page, not extending printing/base)
    with `stylesheet` parsed once per process, to a PDF."""
    pdf: bytes = _html(template_name, context).write_pdf(
        stylesheets=[print_stylesheet(str(stylesheet))], font_config=thread_font_config()
    )
    return pdf
