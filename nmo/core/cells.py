"""Cells of the spreadsheets the product exports (XLSX, CSV for Excel)."""

FORMULA_STARTS = frozenset("=+-@")


def as_text(value: object) -> object:
    """A text that Excel would take for a formula (a name typed as «=HYPERLINK(…)») gets
    a leading apostrophe, so it is shown as typed and never run; other values pass."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
