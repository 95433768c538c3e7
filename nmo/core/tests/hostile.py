"""Hostile uploads, generated in the test (small on disk): the files of issue 11's probe
(ADR 0025). Each is built from a real workbook with one part replaced."""

import functools
import io
import re
import zipfile

from openpyxl import Workbook

SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def plain_xlsx(rows=(("ФИО", "E-mail"), ("Участник Один", "one@example.ru"))) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shared_strings_xlsx() -> bytes:
    """A workbook with a shared-strings part that openpyxl reads when it opens the book
    (listed in the content types; openpyxl itself writes text inline)."""
    content = plain_xlsx()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml")
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    types = types.replace(b"</Types>", override)
    sst = f'<?xml version="1.0"?><sst xmlns="{SST}"><si><t>x</t></si></sst>'.encode()
    return replace_parts(content, {"[Content_Types].xml": types, "xl/sharedStrings.xml": sst})


def replace_parts(content: bytes, parts: dict[str, bytes], *, streamed=None) -> bytes:
    """The workbook with `parts` replaced (or added); `streamed` = (name, chunk, times)
    writes a part chunk by chunk, so a 200 MB part never sits in memory."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        skip = set(parts) | ({streamed[0]} if streamed else set())
        for item in source.infolist():
            if item.filename not in skip:
                target.writestr(item, source.read(item.filename))
        for name, data in parts.items():
            target.writestr(name, data)
        if streamed:
            name, head, chunk, times, tail = streamed
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=True) as handle:
                handle.write(head)
                for _ in range(times):
                    handle.write(chunk)
                handle.write(tail)
    return out.getvalue()


@functools.cache
def zip_bomb_xlsx() -> bytes:
    """One shared string that unpacks to 200 MB; about 200 KB packed."""
    head = f'<?xml version="1.0"?><sst xmlns="{SST}" count="1" uniqueCount="1"><si><t>'.encode()
    return replace_parts(
        _shared_strings_xlsx(),
        {},
        streamed=("xl/sharedStrings.xml", head, b"A" * (1024 * 1024), 200, b"</t></si></sst>"),
    )


def huge_dimension_xlsx(ref: str = "A1:XFD300") -> bytes:
    """A sheet that declares itself 300 × 16,384 cells (the one that killed the worker)."""
    content = plain_xlsx()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), sheet)
    assert ref.encode() in sheet
    return replace_parts(content, {"xl/worksheets/sheet1.xml": sheet})


def wide_sheet_without_dimension(rows: int = 300) -> bytes:
    """Cells in column XFD of 300 rows and no declared dimension."""
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c>'
        f'<c r="XFD{r}" t="inlineStr"><is><t>y</t></is></c></row>'
        for r in range(1, rows + 1)
    )
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{SST}"><sheetData>{cells}</sheetData></worksheet>'
    )
    return replace_parts(plain_xlsx(), {"xl/worksheets/sheet1.xml": sheet.encode()})


def _with_dtd_in_shared_strings(doctype: str, text: str) -> bytes:
    part = (
        f'<?xml version="1.0"?>{doctype}<sst xmlns="{SST}" count="1" uniqueCount="1">'
        f"<si><t>{text}</t></si></sst>"
    )
    return replace_parts(_shared_strings_xlsx(), {"xl/sharedStrings.xml": part.encode()})


def xxe_xlsx() -> bytes:
    """A shared string that is an external entity (the contents of /etc/passwd)."""
    return _with_dtd_in_shared_strings(
        '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"
    )


def billion_laughs_xlsx() -> bytes:
    """Ten levels of ten entities each: 10^9 «lol» if expanded."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return _with_dtd_in_shared_strings(f"<!DOCTYPE sst [{''.join(entities)}]>", "&lol9;")


def pdf_named_xlsx() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zip_that_is_not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def binary_csv() -> bytes:
    return bytes(range(256)) * 64


def fifty_megabytes() -> bytes:
    """A 50 MB upload (a real workbook padded with a stored part: the size alone refuses
    it)."""
    return b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024)


#: name, file name, content (a callable), the words the refusal must carry.
HOSTILE_XLSX = [
    ("zip_bomb", "list.xlsx", zip_bomb_xlsx, "распаковки"),
    ("huge_dimension", "list.xlsx", huge_dimension_xlsx, "16\u00a0384 столбца"),
    ("xxe", "list.xlsx", xxe_xlsx, "DTD"),
    ("billion_laughs", "list.xlsx", billion_laughs_xlsx, "DTD"),
    ("pdf_renamed", "list.xlsx", pdf_named_xlsx, "Это файл PDF"),
    ("not_a_workbook", "list.xlsx", zip_that_is_not_a_workbook, "не является книгой Excel"),
    ("fifty_megabytes", "list.xlsx", fifty_megabytes, "больше 5 МБ"),
]
