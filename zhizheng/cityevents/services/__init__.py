"""State changes of city events: report, the seven-step loop, the reporter's feedback, escalation, Open311 keys.

Every function checks the policy, moves the status through ``workflow.transition`` (the one table of allowed
moves), writes an ``EventStep`` and records the act in the ledger in the same transaction. Personal data never
enters the ledger in clear: the reporter is named only inside ``personal`` keys (salted hashes in the public
leaf), and a caller's phone number is kept only as a keyed hash and a mask.
"""

from zhizheng.cityevents.services.common import LEDGER_ACTS, MAX_DESCRIPTION, MAX_NOTE, phone_hash, token_hash
from zhizheng.cityevents.services.intake import Report, event_report
from zhizheng.cityevents.services.loop import (
    event_classify,
    event_close,
    event_dispatch,
    event_evaluate,
    event_handle,
    event_merge,
    event_note_add,
    event_register,
    event_reject,
    event_reopen,
    event_transfer,
    event_verify,
    events_escalate_overdue,
)
from zhizheng.cityevents.services.open311 import open311_client_create, open311_client_revoke
from zhizheng.cityevents.services.reporter import REOPEN_WINDOW, event_feedback, event_reopen_by_reporter

__all__ = [
    "LEDGER_ACTS",
    "MAX_DESCRIPTION",
    "MAX_NOTE",
    "REOPEN_WINDOW",
    "Report",
    "event_classify",
    "event_close",
    "event_dispatch",
    "event_evaluate",
    "event_feedback",
    "event_handle",
    "event_merge",
    "event_note_add",
    "event_register",
    "event_reject",
    "event_reopen",
    "event_reopen_by_reporter",
    "event_report",
    "event_transfer",
    "event_verify",
    "events_escalate_overdue",
    "open311_client_create",
    "open311_client_revoke",
    "phone_hash",
    "token_hash",
]
