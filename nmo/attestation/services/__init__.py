"""State changes of the final attestation, one function per action (split by topic):
commissions, attestations and their results, the decision, the attestation's records
(statement, protocol, report), the issuance of the learners' documents (through the
documents app) and the retakes."""

from nmo.attestation.services.appeals import change_result_on_appeal, follow_appeal_with_documents
from nmo.attestation.services.attestations import (
    record_learner_attendance,
    record_remarks,
    record_results_sheet,
    record_stage_result,
    record_stage_results,
    record_test_result,
    schedule_attestation,
    withdraw_test_result,
)
from nmo.attestation.services.commissions import form_commission, update_commission
from nmo.attestation.services.decisions import (
    decide_attestation,
    record_member_attendance,
    record_votes,
    reopen_attestation,
)
from nmo.attestation.services.issuance import (
    documents_need_job,
    issue_documents_for,
    issued_message,
    start_document_issue,
)
from nmo.attestation.services.records import (
    correct_record,
    draw_up_records,
    record_diploma,
    render_record_docx,
    render_record_pdf,
    sign_record,
)
from nmo.attestation.services.retakes import apply_for_retake, grant_retake, refuse_retake
from nmo.attestation.services.signing import sign_all_records
from nmo.attestation.services.videoconference import (
    new_conference_url,
    record_videoconference_check,
)

__all__ = [
    "apply_for_retake",
    "change_result_on_appeal",
    "correct_record",
    "decide_attestation",
    "documents_need_job",
    "draw_up_records",
    "follow_appeal_with_documents",
    "form_commission",
    "grant_retake",
    "issue_documents_for",
    "issued_message",
    "new_conference_url",
    "record_diploma",
    "record_learner_attendance",
    "record_member_attendance",
    "record_remarks",
    "record_results_sheet",
    "record_stage_result",
    "record_stage_results",
    "record_test_result",
    "record_videoconference_check",
    "record_votes",
    "refuse_retake",
    "render_record_docx",
    "render_record_pdf",
    "reopen_attestation",
    "schedule_attestation",
    "sign_all_records",
    "sign_record",
    "start_document_issue",
    "update_commission",
    "withdraw_test_result",
]
