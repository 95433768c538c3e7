"""Checks of rendered PDFs shared by the apps' tests: text per page, PDF/A identification
and embedded fonts (ADR 0029)."""

import io
import re

from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def _fonts(reader: PdfReader) -> list[tuple[str, object]]:
    found = []
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get_object().get("/Font") or {}
        for font in fonts.get_object().values():
            font = font.get_object()
            descriptors = []
            if "/FontDescriptor" in font:
                descriptors.append(font["/FontDescriptor"].get_object())
            for descendant in font.get("/DescendantFonts") or []:
                descendant = descendant.get_object()
                if "/FontDescriptor" in descendant:
                    descriptors.append(descendant["/FontDescriptor"].get_object())
            found.append((str(font.get("/BaseFont")), descriptors))
    return found


def assert_fonts_embedded(reader: PdfReader) -> None:
    """Every font of every page carries its file (FontFile, FontFile2 or FontFile3)."""
    fonts = _fonts(reader)
    assert fonts, "no fonts"
    for name, descriptors in fonts:
        assert descriptors, f"{name}: no font descriptor"
        for descriptor in descriptors:
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"{name}"


def font_names(pdf: bytes) -> set[str]:
    return {name for name, _ in _fonts(PdfReader(io.BytesIO(pdf)))}


def assert_pdfa_3b(pdf: bytes) -> PdfReader:
    """The file declares PDF/A-3b in its XMP metadata (pdfaid:part 3, conformance B), has an
    output intent, says it is in Russian and embeds every font. Returns the reader."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    part = re.search(r'pdfaid:part(?:="|>)(\d)', xmp)
    conformance = re.search(r'pdfaid:conformance(?:="|>)([A-Z])', xmp)
    assert part, xmp[:500]
    assert part.group(1) == "3", xmp[:500]
    assert conformance, xmp[:500]
    assert conformance.group(1) == "B", xmp[:500]
    assert "/OutputIntents" in root
    assert str(root.get("/Lang")) == "ru"
    assert_fonts_embedded(reader)
    assert any("Liberation-Serif" in name for name in font_names(pdf)), font_names(pdf)
    return reader
