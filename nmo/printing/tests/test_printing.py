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
