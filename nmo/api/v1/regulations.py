"""Regulations: the presets, and the regulation an organisation works under."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut
from nmo.regulations.access import access_organisation
from nmo.regulations.selectors import current_version, list_presets, rules_of

router = Router(tags=["Положения об итоговой аттестации"])


class PresetOut(Schema):
    code: str
    title: str
    source: str
    version: int | None
    rules: dict[str, Any]


class OrganisationRegulationOut(Schema):
    organisation_id: int
    regulation_id: int
    title: str
    preset_code: str
    version: int
    version_created_at: datetime
    reason: str
    rules: dict[str, Any]


@router.get(
    "/regulations/presets",
    response=list[PresetOut],
    auth=None,
    summary="Пресеты положений об итоговой аттестации",
)
def presets(request: HttpRequest) -> list[dict[str, Any]]:
    """The presets shipped with the platform (the two seed regulations), with their rules in
    force as JSON: `version` is the template's version, null before the templates are
    installed."""
    return [
        {
            "code": p.code.value,
            "title": p.title,
            "source": p.source,
            "version": p.version,
            "rules": p.rules.to_dict(),
        }
        for p in list_presets()
    ]


@router.get(
    "/organisations/{organisation_id}/regulation",
    response={200: OrganisationRegulationOut, 401: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Действующее положение организации",
)
def organisation_regulation(request: AuthenticatedRequest, organisation_id: int) -> dict[str, Any]:
    """The latest version of the organisation's regulation in force. For the
    organisation's staff and administrators; anybody else gets 404."""
    organisation = access_organisation(request.auth, organisation_id)
    version = current_version(organisation)
    return {
        "organisation_id": organisation.pk,
        "regulation_id": version.regulation.pk,
        "title": version.regulation.title,
        "preset_code": version.regulation.preset_code,
        "version": version.number,
        "version_created_at": version.created_at,
        "reason": version.reason,
        "rules": rules_of(version).to_dict(),
    }
