"""State changes of the appeals app, one function per action (split by topic): filing,
the appeal commission, the hearing with its decision and notice, the protocol."""

from nmo.appeals.services.commissions import assign_appeal_commission, form_appeal_commission
from nmo.appeals.services.filing import attach_answers_scan, file_appeal, withdraw_appeal
from nmo.appeals.services.hearings import (
    apply_appeal_decision,
    decide_appeal,
    record_hearing,
    record_notice_posted,
    schedule_hearing,
)
from nmo.appeals.services.protocols import (
    application_content,
    render_application_pdf,
    render_book_pdf,
    render_notice_pdf,
    render_protocol_docx,
    render_protocol_pdf,
    set_notice_address,
    sign_protocol,
)

__all__ = [
    "application_content",
    "apply_appeal_decision",
    "assign_appeal_commission",
    "attach_answers_scan",
    "decide_appeal",
    "file_appeal",
    "form_appeal_commission",
    "record_hearing",
    "record_notice_posted",
    "render_application_pdf",
    "render_book_pdf",
    "render_notice_pdf",
    "render_protocol_docx",
    "render_protocol_pdf",
    "schedule_hearing",
    "set_notice_address",
    "sign_protocol",
    "withdraw_appeal",
]
