"""Directories and the catalogue (api.md: Activities)."""

from django.http import HttpRequest
from ninja import P, QueryEx, Router, Schema

from nmo.catalog.selectors import list_matching_specialties

router = Router(tags=["Справочники и каталог"])

SPECIALTY_QUERY_MAX_LENGTH = 100


class SpecialtyOut(Schema):
    code: str
    name: str


@router.get(
    "/specialties",
    response=list[SpecialtyOut],
    auth=None,
    summary="Номенклатура специальностей",
)
def specialties(
    request: HttpRequest,
    q: QueryEx[
        str,
        P(
            max_length=SPECIALTY_QUERY_MAX_LENGTH,
            description="Часть наименования, без учёта регистра (например «кардио»)",
        ),
    ] = "",
) -> list[dict[str, str]]:
    """Active specialties of the nomenclature (order 700н), sorted by name, as
    `[{"code", "name"}]`; `q` keeps those whose name contains it, ignoring case.

    Matching is done by `list_matching_specialties` in Python rather than by SQL `icontains`:
    SQLite folds case for ASCII only, so Cyrillic queries would behave differently on the
    embedded database and on PostgreSQL; the list is about a hundred rows.
    """
    return [{"code": s.code, "name": s.name} for s in list_matching_specialties(query=q)]
