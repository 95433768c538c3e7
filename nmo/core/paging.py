"""Pages of a list that may hold millions of rows (ADR 0616): the audit log, the users,
the ledger's back-office list.

`CappedPaginator` counts at most `cap` rows — `SELECT count(*) FROM (… LIMIT cap + 1)` —
instead of every row the filters choose: a count over the national audit log (20M
entries) or the users (2M) costs seconds on every page, and the last of 400,000 pages
is an OFFSET as long. Past the cap the page says «больше 10 000» and offers the pages of
the first `cap` rows; the person narrows the search to reach the rest, as they would in
any case. Below the cap it is Django's Paginator, with the exact count."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

from nmo.core.russian import grouped

#: Rows counted and paged at most: 200 pages of 50.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Django's Paginator over a queryset, its count stopped at `cap`."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def found(self) -> int:
        """The rows the filters choose, counted up to one past the cap."""
        return count_up_to(self.object_list, self.cap + 1)

    @property
    def capped(self) -> bool:
        """More rows than the cap: the count shown is a lower bound."""
        return self.found > self.cap

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self.found, self.cap)

    @property
    def found_text(self) -> str:
        """How many the page says it found: «37», «больше 10 000»."""
        return f"больше {grouped(self.cap)}" if self.capped else grouped(self.count)

    @property
    def cap_text(self) -> str:
        return grouped(self.cap)


def count_up_to(queryset: Any, limit: int) -> int:
    """The rows of `queryset`, counted up to `limit`: `SELECT count(*) FROM (… LIMIT n)`."""
    return int(queryset[:limit].count())
