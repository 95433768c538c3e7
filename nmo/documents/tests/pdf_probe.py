"""Reading rendered PDFs in tests: the text of each page (pypdf), and where a string lands
on a page in millimetres from the sheet's top-left corner (pypdfium2's text page)."""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Found:
    """A string's first character on a page: its box's left and top, in mm from the
    sheet's top-left corner."""

    x: float
    y: float


class Pdf:
    def __init__(self, data: bytes) -> None:
        self.document = pdfium.PdfDocument(bytes(data))
        self.reader = PdfReader(io.BytesIO(bytes(data)))

    def __len__(self) -> int:
        return len(self.document)

    def page_size_mm(self, index: int = 0) -> tuple[float, float]:
        width, height = self.document[index].get_size()
        return width / PT_PER_MM, height / PT_PER_MM

    def text(self, index: int | None = None) -> str:
        """The text of one page, or of all pages, with whitespace collapsed and a word
        broken at its hyphen at the end of a line («Врач-\nкардиолог») joined again."""
        pages = range(len(self.document)) if index is None else [index]
        parts = [
            re.sub(r"(?<=\w)-\s*\n\s*", "-", self.reader.pages[i].extract_text() or "")
            for i in pages
        ]
        return " ".join(" ".join(p.split()) for p in parts)

    def find(self, needle: str, index: int = 0, occurrence: int = 0) -> Found | None:
        """Where the `occurrence`-th match of `needle` starts on the page, or None."""
        page = self.document[index]
        textpage = page.get_textpage()
        searcher = textpage.search(needle, match_case=True)
        match = None
        for _ in range(occurrence + 1):
            match = searcher.get_next()
            if match is None:
                return None
        assert match is not None
        left, _bottom, _right, top = textpage.get_charbox(match[0], loose=True)
        height = page.get_size()[1]
        return Found(x=left / PT_PER_MM, y=(height - top) / PT_PER_MM)

    def find_all(self, needle: str, index: int = 0) -> list[Found]:
        """Where every match of `needle` starts on the page, in reading order."""
        found = []
        while (match := self.find(needle, index, occurrence=len(found))) is not None:
            found.append(match)
        return found


PREVIEWS = Path(__file__).resolve().parents[3] / "reports" / "previews"


def save_preview(name: str, data: bytes) -> None:
    """Keep a PNG of each page of a rendered PDF under reports/previews/ (issue 12, point
    8: a person can look at the forms a build printed). Needs pdftoppm (poppler-utils);
    without it nothing is written."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    source = PREVIEWS / f"{name}.pdf"
    source.write_bytes(bytes(data))
    subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
        [tool, "-r", "60", "-png", str(source), str(PREVIEWS / name)], check=True, timeout=60
    )
    source.unlink()
