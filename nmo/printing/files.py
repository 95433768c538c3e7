"""File names of downloaded documents and their `Content-Disposition` (ADR 0029).

A name says what the file is, in Russian («Протокол ИА — Егоров Е.Ж. — 03.12.2026.pdf»):
`document_file_name` joins the parts with « — », drops the characters no file system
accepts, and keeps the extension. `attachment_header` writes the header for any name as
RFC 6266 / RFC 5987 want it: `filename="…"` with an ASCII transliteration for old clients and
`filename*=UTF-8''…` with the name itself; `set_file_name` puts it on a response.
"""

import re
import unicodedata
from typing import Any
from urllib.parse import quote

FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
"""Characters Windows, macOS or Linux refuse in a file name (and control characters)."""

MAX_STEM = 150
SEPARATOR = " — "

_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "iu",
            "ia",
        ],
        strict=True,
    )
)
"""Russian letters in Latin (the passport transliteration, Order of the MFA No. 2113):
only for the ASCII fallback of old clients."""


def clean_file_name(name: str) -> str:
    """`name` without the characters forbidden in file names, spaces collapsed, no leading
    or trailing dots and spaces, the stem cut to 150 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name)
    name = FORBIDDEN.sub(" ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 5 or " " in extension:
        stem, extension = name, ""
    stem = stem[:MAX_STEM].rstrip(" .—-") or "документ"
    return f"{stem}.{extension}" if extension else stem


def document_file_name(*parts: object, extension: str) -> str:
    """A file name from the non-empty `parts` joined by « — », with `extension` («pdf»)."""
    stem = SEPARATOR.join(str(p).strip() for p in parts if p is not None and str(p).strip())
    return clean_file_name(f"{stem}.{extension.lstrip('.')}")


def ascii_file_name(name: str) -> str:
    """The name in printable ASCII (Russian transliterated, dashes as hyphens, anything
    else dropped), for the `filename=` fallback."""
    out = []
    for char in name:
        lower = char.lower()
        if lower in _LATIN:
            latin = _LATIN[lower]
            out.append(latin.capitalize() if char != lower else latin)
        elif char in "—–":
            out.append("-")
        elif char in "«»":
            out.append("")
        elif " " <= char <= "~" and char not in '"\\':
            out.append(char)
        else:
            decomposed = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(decomposed)
    return re.sub(r"\s+", " ", "".join(out)).strip() or "document"


def attachment_header(name: str, *, inline: bool = False) -> str:
    """The `Content-Disposition` value for a file called `name` (RFC 6266, RFC 5987)."""
    name = clean_file_name(name)
    disposition = "inline" if inline else "attachment"
    fallback = ascii_file_name(name)
    header = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def set_file_name(response: Any, name: str, *, inline: bool = False) -> Any:
    """Name the file a response carries (`Content-Disposition`) and return the response."""
    response["Content-Disposition"] = attachment_header(name, inline=inline)
    return response
