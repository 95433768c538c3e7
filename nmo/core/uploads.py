"""Uploads that cannot hurt (ADR 0025): the one place where an uploaded table (XLSX or CSV)
is checked before anything parses it, and where an XLSX is read.

`check_table_upload` looks only at what is cheap to look at: the size of the upload, the
first bytes (a PDF or a Word file renamed .xlsx, a binary file renamed .csv), the ZIP's
central directory (the declared uncompressed size of every part and its compression ratio:
a zip bomb is refused without inflating it; `zipfile` never inflates a part past its
declared size), the first kilobytes of every XML part (a DTD — external entities, "billion
laughs" — is refused; Excel never writes one) and the declared dimension of every sheet
(`<dimension ref="A1:XFD300"/>`: a sheet declared far larger than the import reads is
refused before openpyxl pads rows to it). `read_xlsx_rows` then reads the first sheet with
openpyxl in read-only mode — which parses with defusedxml when it is installed (it is
pinned) — bounded in rows and columns, and turns any XML error into the same refusal.

Every refusal is `UploadRefused` (422) with a Russian message; the apps turn it into their
own error (RosterInvalid, LearnersInvalid, …) so pages and the API show it as they show
a bad row. The checks run in the request, before a job is queued."""

import io
import re
import zipfile
from collections.abc import Iterable
from itertools import islice
from typing import Any, Protocol
from xml.etree.ElementTree import ParseError

from nmo.core.exceptions import ValidationFailed
from nmo.core.russian import count, grouped, plural

__all__ = [
    "MAX_COLUMNS",
    "MAX_UNCOMPRESSED_BYTES",
    "UploadRefused",
    "check_scan_upload",
    "check_table_upload",
    "megabytes",
    "read_limited",
    "read_xlsx_rows",
]

#: The whole unpacked workbook: a list of 10,000 people is a few megabytes of XML.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
#: A part larger than this must not be packed more than MAX_RATIO times.
RATIO_FROM_BYTES = 1024 * 1024
MAX_RATIO = 100
#: Parts in one workbook (a plain one has about ten).
MAX_PARTS = 500
#: Columns read from a sheet and allowed in its declared dimension.
MAX_COLUMNS = 100
#: How much of each XML part is looked at for a DTD and the dimension.
HEAD_BYTES = 64 * 1024

NOT_XLSX = "Файл повреждён или не является книгой Excel (XLSX). Файлы XLS сохраните как XLSX."
DAMAGED_XLSX = "Файл повреждён или не является книгой Excel (XLSX)."
NOT_CSV = "Файл не похож на таблицу CSV: в нём двоичные данные. Сохраните таблицу как CSV или XLSX."
WITH_DTD = (
    "Файл XLSX содержит объявление DTD (сущности XML) — такие файлы не принимаются. "
    "Откройте его в Excel и сохраните заново."
)
XML_BROKEN = "Файл XLSX повреждён: его содержимое не читается как XML."

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0", "XLS или DOC (старый формат Microsoft Office)"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"\x1f\x8b", "GZIP"),
    (b"7z\xbc\xaf", "7z"),
    (b"MZ", "программа Windows"),
    (b"\x7fELF", "программа"),
)
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")


class UploadRefused(ValidationFailed):
    """An uploaded file refused before it was parsed; `errors["file"]` holds the reason."""

    code = "upload_refused"
    default_message = "Файл не принят."

    def __init__(self, reason: str) -> None:
        super().__init__(reason, errors={"file": [reason]})


def megabytes(size: int) -> str:
    """«5 МБ» for a limit in bytes (whole megabytes, as the limits are)."""
    return f"{size // (1024 * 1024)} МБ"


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def read_limited(upload: _Readable, max_bytes: int) -> bytes:
    """At most `max_bytes + 1` bytes of an uploaded file: enough to tell it is too large
    without holding a 50 MB upload in memory."""
    return upload.read(max_bytes + 1)


#: A scanned document (a retake application's certificate of a valid reason).
MAX_SCAN_BYTES = 10 * 1024 * 1024
_SCAN_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff")


def check_scan_upload(upload: Any) -> None:
    """Refuse (UploadRefused) a scanned document that is larger than MAX_SCAN_BYTES or
    not a PDF, JPEG or PNG by its first bytes (whatever its name says)."""
    if upload.size > MAX_SCAN_BYTES:
        raise UploadRefused(f"Файл больше {megabytes(MAX_SCAN_BYTES)}.")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    if not head.startswith(_SCAN_SIGNATURES):
        raise UploadRefused("Загрузите скан документа в формате PDF, JPEG или PNG.")


def _kind_of(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def _signature(content: bytes) -> str | None:
    for magic, name in _SIGNATURES:
        if content.startswith(magic):
            return name
    return None


def check_table_upload(
    file_name: str,
    content: bytes,
    *,
    max_bytes: int,
    max_rows: int,
    max_columns: int = MAX_COLUMNS,
    kinds: Iterable[str] = ("xlsx", "csv"),
) -> str:
    """Refuse (UploadRefused) a table upload that is too large, of the wrong type or
    hostile, before anything parses it; return its kind ("xlsx" or "csv"). `max_rows`
    bounds the rows a sheet may declare (the header and some blank rows included)."""
    kinds = tuple(kinds)
    kind = _kind_of(file_name)
    if kind not in kinds:
        names = " или ".join(k.upper() for k in kinds)
        raise UploadRefused(f"Загрузите файл {names} (файлы XLS сохраните как XLSX).")
    if not content:
        raise UploadRefused("Файл пуст.")
    if len(content) > max_bytes:
        raise UploadRefused(f"Файл больше {megabytes(max_bytes)}: разделите его на части.")
    if kind == "xlsx":
        _check_xlsx(content, max_rows=max_rows, max_columns=max_columns)
    else:
        _check_csv(content, max_rows=max_rows)
    return kind


def _check_csv(content: bytes, *, max_rows: int) -> None:
    other = _signature(content) or ("XLSX или другой архив ZIP" if content[:2] == b"PK" else None)
    if other:
        raise UploadRefused(f"Это файл {other}, а не таблица CSV.")
    head = content[:HEAD_BYTES]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    if b"\x00" in content or controls > len(head) // 100:
        raise UploadRefused(NOT_CSV)
    lines = content.count(b"\n") + 1
    if lines > max_rows:
        raise UploadRefused(
            f"В файле {count(lines, ('строка', 'строки', 'строк'))}, а допустимо не "
            f"больше {max_rows}: разделите его на части."
        )


def _check_xlsx(content: bytes, *, max_rows: int, max_columns: int) -> None:
    if not content.startswith(b"PK\x03\x04"):
        other = _signature(content)
        raise UploadRefused(f"Это файл {other}, а не книга Excel (XLSX)." if other else NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UploadRefused(DAMAGED_XLSX) from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise UploadRefused(DAMAGED_XLSX)
        names = {part.filename for part in parts}
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise UploadRefused(NOT_XLSX)
        unpacked = sum(part.file_size for part in parts)
        if unpacked > MAX_UNCOMPRESSED_BYTES:
            raise UploadRefused(
                f"Файл XLSX после распаковки занимает больше {megabytes(MAX_UNCOMPRESSED_BYTES)}"
                " — такой файл не принимается. Разделите список на части."
            )
        for part in parts:
            if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(
                part.compress_size, 1
            ):
                raise UploadRefused(
                    "Файл XLSX сжат подозрительно сильно (больше чем в "
                    f"{MAX_RATIO} раз) — такой файл не принимается."
                )
        for part in parts:
            if not part.filename.endswith((".xml", ".rels")):
                continue
            head = _head(archive, part)
            if _DTD.search(head):
                raise UploadRefused(WITH_DTD)
            if part.filename.startswith("xl/worksheets/"):
                _check_dimension(head, max_rows=max_rows, max_columns=max_columns)


def _head(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(part) as handle:
            head: bytes = handle.read(HEAD_BYTES)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
        raise UploadRefused(DAMAGED_XLSX) from exc
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    return head


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


_ROWS = ("строку", "строки", "строк")
_COLUMNS = ("столбец", "столбца", "столбцов")


def _check_dimension(head: bytes, *, max_rows: int, max_columns: int) -> None:
    found = _DIMENSION.search(head)
    if found is None:
        return  # no declared size: the reader bounds rows and columns itself
    columns = rows = 1
    for corner in found.group(1).decode("ascii", errors="replace").split(":"):
        match = _CELL.match(corner.strip())
        if match is None:
            raise UploadRefused(DAMAGED_XLSX)
        letters, digits = match.groups()
        if letters:
            columns = max(columns, _column_number(letters))
        if digits:
            rows = max(rows, int(digits))
    if rows > max_rows or columns > max_columns:
        raise UploadRefused(
            f"Лист таблицы объявлен на {grouped(rows)} {plural(rows, _ROWS)} и "
            f"{grouped(columns)} {plural(columns, _COLUMNS)}, а допустимо не больше "
            f"{max_rows} строк и {max_columns} столбцов. "
            "Удалите лишние строки и столбцы или разделите список на части."
        )


def _xml_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [ParseError, SyntaxError]
    try:
        from defusedxml import DefusedXmlException

        errors.append(DefusedXmlException)
    except ImportError:  # pragma: no cover - defusedxml is pinned
        pass
    try:
        from lxml.etree import LxmlError

        errors.append(LxmlError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def read_xlsx_rows(
    content: bytes, *, max_rows: int, max_columns: int = MAX_COLUMNS
) -> list[tuple[object, ...]]:
    """The first `max_rows` rows (values, at most `max_columns` each) of the first sheet
    of an XLSX file already passed by `check_table_upload`; UploadRefused if openpyxl
    cannot read it."""
    from openpyxl import load_workbook

    xml_errors = _xml_errors()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except xml_errors as exc:
        raise UploadRefused(XML_BROKEN) from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as exc:
        # openpyxl wraps the parser's error (a DTD refused by defusedxml) in a ValueError
        cause = exc.__cause__ or exc.__context__
        raise UploadRefused(XML_BROKEN if isinstance(cause, xml_errors) else DAMAGED_XLSX) from exc
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        declared = getattr(sheet, "max_column", None)
        width = min(declared, max_columns) if declared else max_columns
        rows = sheet.iter_rows(max_col=width, values_only=True)
        return [tuple(row) for row in islice(rows, max_rows)]
    except xml_errors as exc:
        raise UploadRefused(XML_BROKEN) from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as exc:
        raise UploadRefused(DAMAGED_XLSX) from exc
    finally:
        workbook.close()
