"""Reads of the final attestation, split by job: commissions, attestations and results
(`attestations`), the attestation's records (`records`) and retakes (`retakes`). Import
them from here (`nmo.attestation.selectors`). What a record says for printing is not a
selector: see the app's private `snapshots` module."""

from nmo.attestation.selectors.attestations import (
    active_seats,
    commissions_for_cohort,
    grade_criteria,
    is_seated,
    list_attestations,
    list_commissions,
    list_learner_results,
    list_stages,
    lock_reason,
    member_attendance,
    outcome_for,
    present_voting_seats,
    results_for_learner,
    rules_of_attestation,
    voting_seats,
)
from nmo.attestation.selectors.records import (
    Signer,
    current_records,
    document_facts_for,
    required_record_kinds,
    required_signers,
    signatures_of,
    versions_for_record,
)
from nmo.attestation.selectors.retakes import (
    RetakeOption,
    get_retake_application,
    list_retake_applications,
    retake_deadlines_for,
    retake_filing_candidates,
    retake_kind_for,
    retake_left,
    retake_options_for_learner,
)

__all__ = [
    "RetakeOption",
    "Signer",
    "active_seats",
    "commissions_for_cohort",
    "current_records",
    "document_facts_for",
    "get_retake_application",
    "grade_criteria",
    "is_seated",
    "list_attestations",
    "list_commissions",
    "list_learner_results",
    "list_retake_applications",
    "list_stages",
    "lock_reason",
    "member_attendance",
    "outcome_for",
    "present_voting_seats",
    "required_record_kinds",
    "required_signers",
    "results_for_learner",
    "retake_deadlines_for",
    "retake_filing_candidates",
    "retake_kind_for",
    "retake_left",
    "retake_options_for_learner",
    "rules_of_attestation",
    "signatures_of",
    "versions_for_record",
    "voting_seats",
]
