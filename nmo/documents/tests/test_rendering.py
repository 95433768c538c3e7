import io

from pypdf import PdfReader

from nmo.documents.rendering import qr_data_uri, render_pdf


def test_pdf_holds_the_russian_text(tmp_path, settings):
    """A rendered PDF opens and its text layer carries the Cyrillic text."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]],
        }
    ]
    (tmp_path / "probe.html").write_text(
        '{% extends "documents/print_base.html" %}{% block body %}<h1>Свидетельство НМО</h1>'
        '<p>Иванова Мария Петровна</p><img src="{{ qr }}" alt="">{% endblock %}',
        encoding="utf-8",
    )
    pdf = render_pdf("probe.html", {"qr": qr_data_uri("https://example.ru/v/1")})
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Свидетельство НМО" in text
    assert "Иванова Мария Петровна" in text
