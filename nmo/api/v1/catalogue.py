"""Directories and the catalogue (api.md: Activities)."""

from django.http import HttpRequest
from ninja import Router, Schema

from nmo.catalog.selectors import list_specialties

router = Router(tags=["Справочники и каталог"])


class SpecialtyOut(Schema):
    code: str
    name: str


@router.get("/specialties", response=list[SpecialtyOut], auth=None, summary="Номенклатура специальностей")
def specialties(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": s.code, "name": s.name} for s in list_specialties()]
