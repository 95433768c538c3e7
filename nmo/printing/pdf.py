"""HTML to PDF with WeasyPrint, the parsed stylesheet and the font configuration reused.

Two kinds of template:
- a page extending `printing/base.html`: `render_pdf`, with the official form's stylesheet
  (`OFFICIAL_FORM`) under the few rules of the page's own;
- a standalone page whose CSS lives in a file: `render_print`, the fast path for documents
  printed one after another (certificates, diplomas, protocols). WeasyPrint spends most of a
  small page's time on work that is the same for every copy — parsing the CSS, loading
  fontconfig — so the stylesheet is parsed once per process and the thread's font
  configuration is reused.

Every render takes an optional `PdfMeta` (ADR 0029): the title, subject and keywords of the
file, custom fields (archive number, version, who signed and when), the verification line
printed at the foot of every page, and whether the file is kept in the archive — then it is
written as PDF/A-3b (fonts embedded, XMP identification, sRGB output intent), tagged for
screen readers, in Russian.
"""

import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

_thread = threading.local()

ARCHIVAL_VARIANT = "pdf/a-3b"
"""The PDF/A flavour of the documents kept in the archive (ADR 0029): part 3 allows the
PNG QR codes' transparency and later attachments; conformance B (visual appearance) is what
WeasyPrint guarantees, and the tags are written on top for screen readers."""

GENERATOR = "НМО"


@dataclass(frozen=True)
class PdfMeta:
    """What a PDF says about itself (ADR 0029).

    `footer` is the one verification line printed at the foot of every page (archive number,
    version, signing marks, where to check) — never in the form's body. `custom` goes into
    the document information dictionary (ASCII keys). `archival` writes PDF/A-3b, tagged."""

    title: str
    subject: str = ""
    keywords: tuple[str, ...] = ()
    custom: Mapping[str, str] = field(default_factory=dict)
    footer: str = ""
    archival: bool = False
    author: str = ""


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


def css_string(text: str) -> str:
    """`text` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", " ").replace("\r", " ")
    return f'"{escaped}"'


@functools.lru_cache(maxsize=256)
def footer_stylesheet(footer: str) -> Any:
    """The verification line at the foot of every page, as a small stylesheet (a
    `@bottom-left` margin box; the page number stays at the bottom right). A few hundred
    microseconds to parse; the same line (a draft's) is parsed once."""
    from weasyprint import CSS

    return CSS(
        string=(
            "@page { @bottom-left { content: "
            + css_string(footer)
            + '; font-family: "Liberation Serif", "PT Astra Serif", "Times New Roman", serif;'
            " font-size: 7.5pt; color: #333; width: 80%; vertical-align: middle; } }"
        )
    )


def _html(template_name: str, context: dict[str, Any]) -> Any:
    from weasyprint import HTML

    return HTML(string=render_to_string(template_name, context), base_url=str(settings.BASE_DIR))


def _options(meta: PdfMeta | None) -> dict[str, Any]:
    if meta is None or not meta.archival:
        return {}
    return {"pdf_variant": ARCHIVAL_VARIANT, "pdf_tags": True, "custom_metadata": True}


OFFICIAL_FORM = Path(__file__).resolve().parent / "official_form.css"
"""The margins, type and pagination of an official form (ADR 0029): the base that a
form's own stylesheet adds to (pass both, `(OFFICIAL_FORM, own)`)."""

Stylesheets = Path | tuple[Path, ...]
"""One print stylesheet, or several applied in order."""


def _sheets(stylesheet: Stylesheets | None, meta: PdfMeta | None) -> list[Any]:
    paths = (stylesheet,) if isinstance(stylesheet, Path) else (stylesheet or ())
    sheets = [print_stylesheet(str(path)) for path in paths]
    if meta is not None and meta.footer:
        sheets.append(footer_stylesheet(meta.footer))
    return sheets


def _describe(document: Any, meta: PdfMeta | None) -> None:
    metadata = document.metadata
    metadata.lang = "ru"
    metadata.generator = GENERATOR
    if meta is None:
        return
    metadata.title = meta.title
    if meta.subject:
        metadata.description = meta.subject
    if meta.keywords:
        metadata.keywords = list(meta.keywords)
    if meta.author:
        metadata.authors = [meta.author]
    if meta.custom:
        metadata.custom = {str(k): str(v) for k, v in meta.custom.items()}


def _write(html: Any, stylesheet: Stylesheets | None, meta: PdfMeta | None) -> bytes:
    options = _options(meta)
    document = html.render(
        stylesheets=_sheets(stylesheet, meta),
        font_config=thread_font_config(),
        **options,
    )
    _describe(document, meta)
    if meta is not None:
        options.setdefault("custom_metadata", bool(meta.custom))
    pdf: bytes = document.write_pdf(**options)
    return pdf


def render_pdf(
    template_name: str, context: dict[str, Any], *, meta: PdfMeta | None = None
) -> bytes:
    """Render a Django template (extending printing/base.html) to a PDF, on the official
    form's margins, type and pagination (`OFFICIAL_FORM`; the page's own rules win)."""
    return _write(_html(template_name, context), OFFICIAL_FORM, meta)


def render_pdf_pages(
    template_name: str,
    contexts: list[dict[str, Any]],
    *,
    stylesheet: Stylesheets | None = None,
    progress: Callable[[int], None] | None = None,
    meta: PdfMeta | None = None,
    footers: Sequence[str] | None = None,
) -> bytes:
    """Render one template per context and join them into one PDF (a page group each).
    With `stylesheet` the template is a standalone print page (as for `render_print`).
    `footers`, one per context, print each part's own verification line at the foot of its
    pages (a book of frozen protocols: each protocol's archive number and signing marks)
    in place of `meta.footer`. `progress(n)` is called after the n-th context is laid
    out. Without `stylesheet` the template extends printing/base.html (as for
    `render_pdf`)."""
    stylesheet = OFFICIAL_FORM if stylesheet is None else stylesheet
    font_config = thread_font_config()
    sheets = _sheets(stylesheet, meta) or None
    options = _options(meta)
    if footers is not None and len(footers) != len(contexts):
        raise ValueError("one footer per context")
    documents = []
    for number, ctx in enumerate(contexts, start=1):
        part_sheets = sheets
        if footers is not None:
            part_sheets = _sheets(stylesheet, None)
            if footers[number - 1]:
                part_sheets.append(footer_stylesheet(footers[number - 1]))
        documents.append(
            _html(template_name, ctx).render(
                stylesheets=part_sheets or None, font_config=font_config, **options
            )
        )
        if progress is not None:
            progress(number)
    if not documents:
        return b""
    pages = [page for doc in documents for page in doc.pages]
    joined = documents[0].copy(pages)
    _describe(joined, meta)
    pdf: bytes = joined.write_pdf(**options)
    return pdf


def render_print(
    template_name: str,
    context: dict[str, Any],
    *,
    stylesheet: Stylesheets,
    meta: PdfMeta | None = None,
) -> bytes:
    """Render a standalone print template (a full HTML page, not extending printing/base)
    with `stylesheet` parsed once per process, to a PDF described by `meta`."""
    return _write(_html(template_name, context), stylesheet, meta)
