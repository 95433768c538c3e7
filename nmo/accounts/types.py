from dataclasses import dataclass


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued API token: `raw` is shown once and never stored."""

    id: int
    raw: str
    prefix: str
