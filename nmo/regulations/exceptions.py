"""Refusals of the regulations app, each with a stable code."""

from nmo.core.exceptions import Conflict, NotFound

__all__ = ["RegulationInactive", "RegulationNotFound"]


class RegulationNotFound(NotFound):
    """The organisation has no regulation in force (or the version asked for is missing)."""

    code = "regulation_not_found"
    default_message = "У организации нет действующего положения об итоговой аттестации."


class RegulationInactive(Conflict):
    """An amendment of a regulation the organisation no longer works under."""

    code = "regulation_inactive"
    default_message = (
        "Это положение больше не действует: изменения вносятся в действующее положение."
    )
