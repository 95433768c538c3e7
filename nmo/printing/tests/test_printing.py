import io

from pypdf import PdfReader

from nmo.printing.pdf import render_pdf
from nmo.printing.qr import qr_data_uri


def test_pdf_holds_the_russian_text(tmp_path, settings):
    """A rendered PDF opens and its text layer carries the Cyrillic text."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]],
        }
    ]
    (tmp_path / "probe.html").write_text(
        '{% extends "printing/base.html" %}{% block body %}<h1>Свидетельство НМО</h1>'
        '<p>Иванова Мария Петровна</p><img src="{{ qr }}" alt="">{% endblock %}',
        encoding="utf-8",
    )
    pdf = render_pdf("probe.html", {"qr": qr_data_uri("https://example.ru/v/1")})
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Свидетельство НМО" in text
    assert "Иванова Мария Петровна" in text


def test_qr_png_is_small_and_deterministic_with_a_fixed_mask():
    """The PNG QR code is a data URI of a few hundred bytes; with a fixed mask the same
    link always gives the same image, and each mask gives a valid code of its own."""
    from nmo.printing.qr import qr_png_data_uri

    link = "https://nmo.example.ru/documents/verify/abc/"
    uri = qr_png_data_uri(link, mask=4)
    assert uri.startswith("data:image/png;base64,")
    assert len(uri) < 1500
    assert qr_png_data_uri(link, mask=4) == uri
    assert qr_png_data_uri(link, mask=0) != uri


def test_render_print_uses_a_stylesheet_parsed_once(tmp_path, settings):
    """A standalone print template renders with its CSS file, parsed once per process."""
    from nmo.printing.pdf import print_stylesheet, render_print

    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html lang="ru"><body><p class="x">{{ text }}</p></body></html>',
        encoding="utf-8",
    )
    css = tmp_path / "page.css"
    css.write_text("@page { size: A4 landscape; } .x { font-size: 20pt; }", encoding="utf-8")
    pdf = render_print("page.html", {"text": "Удостоверение"}, stylesheet=css)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "Удостоверение" in page.extract_text()
    assert float(page.mediabox.width) > float(page.mediabox.height)
    assert print_stylesheet(str(css)) is print_stylesheet(str(css))


def test_content_disposition_for_a_russian_name():
    """A name with Cyrillic, spaces and «—» goes as RFC 5987's `filename*=UTF-8''…` with an
    ASCII transliteration in `filename=` for old clients (RFC 6266)."""
    from urllib.parse import unquote

    from nmo.printing.files import attachment_header, document_file_name

    name = document_file_name("Протокол ИА", "Егоров Е.Ж.", "03.12.2026", extension="pdf")
    assert name == "Протокол ИА — Егоров Е.Ж. — 03.12.2026.pdf"
    header = attachment_header(name)
    fallback, encoded = header.split("; filename*=UTF-8''")
    assert fallback == 'attachment; filename="Protokol IA - Egorov E.Zh. - 03.12.2026.pdf"'
    assert " " not in encoded
    assert "%E2%80%94" in encoded
    assert unquote(encoded) == name
    assert attachment_header(name, inline=True).startswith("inline; ")
    assert attachment_header("report.pdf") == 'attachment; filename="report.pdf"'


def test_forbidden_characters_are_removed_from_file_names():
    """Characters no file system accepts (/ \\ : * ? " < > | and control characters) are
    dropped, spaces collapsed, the extension kept; the header never carries a quote."""
    from nmo.printing.files import attachment_header, clean_file_name, document_file_name

    name = document_file_name(
        "Ведомость ИА", 'Группа "ОВП/2026": кардиология?*', "03.12.2026", extension="pdf"
    )
    assert name == "Ведомость ИА — Группа ОВП 2026 кардиология — 03.12.2026.pdf"
    assert clean_file_name("  ..a\x00b<c>|d\\e.docx ") == "a b c d e.docx"
    assert clean_file_name("/:*?") == "документ"
    assert len(clean_file_name("Я" * 400 + ".pdf")) == 154
    header = attachment_header('x"y\\z.pdf')
    assert header == 'attachment; filename="x y z.pdf"'


def test_a_pdf_says_what_it_is_and_an_archival_one_is_pdfa(tmp_path, settings):
    """`PdfMeta` puts the title, subject, keywords and custom fields into the file and the
    verification line at the foot of every page; `archival` writes PDF/A-3b with every font
    embedded (ADR 0029)."""
    from nmo.printing.pdf import PdfMeta, render_print
    from nmo.printing.tests.pdf_checks import assert_pdfa_3b, pages_text

    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html lang="ru"><body>'
        + "".join(f"<p>Строка {n}</p>" for n in range(120))
        + "</body></html>",
        encoding="utf-8",
    )
    css = tmp_path / "page.css"
    css.write_text(
        '@page { size: A4; margin: 20mm } body { font-family: "Liberation Serif"; }',
        encoding="utf-8",
    )
    meta = PdfMeta(
        title="Ведомость № 7",
        subject="Проба",
        keywords=("НМО", "архивный № 7"),
        custom={"ArchiveNumber": "7", "SignedBy": "Иванов И.И., 03.12.2026 10:00"},
        footer='Архивный № 7 · версия 2 · подписано в системе НМО · "проверка"',
        archival=True,
    )
    pdf = render_print("page.html", {}, stylesheet=css, meta=meta)
    reader = assert_pdfa_3b(pdf)
    assert reader.metadata.title == "Ведомость № 7"
    assert reader.metadata.subject == "Проба"
    assert reader.metadata["/Keywords"] == "НМО, архивный № 7"
    assert reader.metadata["/SignedBy"] == "Иванов И.И., 03.12.2026 10:00"
    pages = pages_text(pdf)
    assert len(pages) > 1
    for page in pages:
        assert 'Архивный № 7 · версия 2 · подписано в системе НМО · "проверка"' in page
    plain = render_print("page.html", {}, stylesheet=css, meta=PdfMeta(title="Проба"))
    assert b"pdfaid" not in plain


def test_a_page_extending_base_stands_on_the_official_form(tmp_path, settings):
    """A page extending printing/base.html is printed on the official form (ADR 0029,
    official_form.css): the text starts 30 mm from the left edge (the binding margin),
    in Liberation Serif, each page numbered «стр. N из M»; the page keeps its own
    orientation and its own rules (a landscape report whose heading it sets in 20 pt)."""
    from nmo.printing.tests.pdf_checks import font_names

    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "report.html").write_text(
        '{% extends "printing/base.html" %}{% block orientation %}landscape{% endblock %}'
        "{% block style %}h1 { font-size: 20pt; }{% endblock %}"
        "{% block body %}<h1>Отчет</h1><p>Иванова Мария Петровна</p>"
        '<table class="small"><tr><td>Запись № 17</td></tr></table>{% endblock %}',
        encoding="utf-8",
    )
    pdf = render_pdf("report.html", {})
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    sizes: dict[str, float] = {}
    lefts: dict[str, float] = {}

    def seen(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes[text.strip()] = size * tm[0] * cm[0]
            lefts[text.strip()] = tm[4] * cm[0] + cm[4]

    page.extract_text(visitor_text=seen)
    mm = 72 / 25.4
    assert abs(lefts["Иванова Мария Петровна"] - 30 * mm) < 1, lefts
    assert abs(sizes["Иванова Мария Петровна"] - 12) < 0.1, sizes
    assert abs(sizes["Отчет"] - 20) < 0.1, sizes
    assert abs(sizes["Запись № 17"] - 11) < 0.1, sizes  # a table, even a «small» one: 11 pt
    assert page.get_contents().get_data().count(b"\nS\n") == 4  # its cell's four borders
    # The signature's table draws no borders: only the line to sign on, a filled bar.
    (tmp_path / "signature.html").write_text(
        '{% extends "printing/base.html" %}{% block body %}<table class="signature"><tr>'
        '<td>Специалист</td><td><span class="line">&nbsp;</span></td></tr></table>'
        "{% endblock %}",
        encoding="utf-8",
    )
    signed = PdfReader(io.BytesIO(render_pdf("signature.html", {}))).pages[0]
    drawn = signed.get_contents().get_data()
    assert drawn.count(b"\nS\n") == 0
    assert drawn.count(b"f*") == 1
    assert "стр. 1 из 1" in page.extract_text()
    assert any("Liberation-Serif" in name for name in font_names(pdf)), font_names(pdf)
