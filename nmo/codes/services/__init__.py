"""State changes of confirmation codes, one function per action (split by topic)."""

from nmo.codes.services.activation import activate_code, claim_code
from nmo.codes.services.issue import ensure_accredited_event, import_roster, issue_codes
from nmo.codes.services.support import (
    file_support_request,
    refuse_support_request,
    resolve_support_request,
    route_support_request,
)

__all__ = [
    "activate_code",
    "claim_code",
    "ensure_accredited_event",
    "file_support_request",
    "import_roster",
    "issue_codes",
    "refuse_support_request",
    "resolve_support_request",
    "route_support_request",
]
