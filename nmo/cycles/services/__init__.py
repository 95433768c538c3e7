"""State changes of the credit ledger, five-year cycles, module completions, programme hours
and the learning plan, one module per topic. Every function takes its actor, checks it,
writes, audits and schedules its e-mail after commit."""

from nmo.cycles.services.completions import (
    book_document_hours,
    record_completion,
    record_programme_hours,
    report_programme_completion,
    reverse_document_hours,
)
from nmo.cycles.services.cycles import add_cycle_rule, enter_cycle, set_default_rule
from nmo.cycles.services.ledger import post_credit, reverse_entry, send_credit_notice
from nmo.cycles.services.plan import add_plan_item, remove_plan_item
from nmo.cycles.services.synced import SyncedCredit, record_synced_credits

__all__ = [
    "SyncedCredit",
    "add_cycle_rule",
    "add_plan_item",
    "book_document_hours",
    "enter_cycle",
    "post_credit",
    "record_completion",
    "record_programme_hours",
    "record_synced_credits",
    "remove_plan_item",
    "report_programme_completion",
    "reverse_document_hours",
    "reverse_entry",
    "send_credit_notice",
    "set_default_rule",
]
