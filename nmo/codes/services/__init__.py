"""State changes of confirmation codes, one function per action (split by topic)."""

from nmo.codes.services.activation import activate_code, claim_code
from nmo.codes.services.issue import ensure_accredited_event, import_roster, issue_codes
from nmo.codes.services.jobs import (
    INSTANT_CODES,
    certificates_need_job,
    roster_is_small,
    start_certificates_bundle,
    start_code_issue,
    start_roster_import,
)
from nmo.codes.services.support import (
    file_support_request,
    refuse_support_request,
    resolve_support_request,
    route_support_request,
)

__all__ = [
    "INSTANT_CODES",
    "activate_code",
    "certificates_need_job",
    "claim_code",
    "ensure_accredited_event",
    "file_support_request",
    "import_roster",
    "issue_codes",
    "refuse_support_request",
    "resolve_support_request",
    "roster_is_small",
    "route_support_request",
    "start_certificates_bundle",
    "start_code_issue",
    "start_roster_import",
]
