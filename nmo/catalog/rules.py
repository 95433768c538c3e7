"""Pure rules of the nomenclature of specialties: how names are compared and searched."""

CODE_MAX_LENGTH = 20
NAME_MAX_LENGTH = 300


def normalise_name(raw: str) -> str:
    """Collapse runs of whitespace and trim: how a specialty name is stored."""
    return " ".join((raw or "").split())


def search_key(text: str) -> str:
    """The form in which names are compared: Unicode case folding (so «Кардиология» and
    «кардиология» are equal on every database), «ё» read as «е», whitespace collapsed."""
    return normalise_name(text).casefold().replace("ё", "е")


def name_matches(name: str, query: str) -> bool:
    """Whether the query is a substring of the name, ignoring case and «ё»/«е»; an empty
    query matches every name."""
    return search_key(query) in search_key(name)
