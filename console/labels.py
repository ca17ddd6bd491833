"""Words for the codes the console shows (statuses, methods, roles). The msgids are marked with
N_ so `make catalogs` extracts them; templates read them through `label(kind, code)`."""
from __future__ import annotations

from core.i18n import N_  # noqa: F401 - the shared extraction marker, re-exported

from console.web import bp, tr


LABELS: dict[str, dict[str, str]] = {
    "payment_status": {
        "scheduled": N_("Awaiting payment"), "sent": N_("Sent to the payment provider"), "paid": N_("Paid"),
        "failed": N_("Payment failed"), "returned": N_("Returned"), "on_hold": N_("On hold"),
    },
    "method": {"cash": N_("Cash"), "account": N_("Bank account"), "ewallet": N_("E-wallet")},
    "broadcast_status": {
        "pending_approval": N_("Waiting for approval"), "approved": N_("Approved, waiting for its time"),
        "sending": N_("Sending"), "done": N_("Sent"), "rejected": N_("Rejected"), "cancelled": N_("Withdrawn"),
    },
    "outbox_status": {
        "queued": N_("Waiting to be sent"), "sending": N_("Being sent"), "sent": N_("Sent to the network"),
        "delivered": N_("Delivered"), "failed": N_("Failed"), "dead": N_("Given up"),
        "cancelled": N_("Cancelled (person erased)"),
    },
    "complaint_status": {"new": N_("New"), "in_progress": N_("In progress"), "resolved": N_("Resolved")},
    "complaint_category": {
        "not_received": N_("Money not received"), "short_paid": N_("Short-paid"), "fees": N_("Fees charged"),
        "scam": N_("Scam"), "change": N_("Reported change"), "other": N_("Other"),
    },
    "contact_role": {"self": N_("Beneficiary"), "guardian": N_("Guardian"), "authorised": N_("Authorised person")},
    "officer_role": {"commune": N_("Commune officer"), "province": N_("Province administrator")},
    "import_kind": {
        "beneficiaries": N_("Beneficiary list"), "payments": N_("Payment list or provider results"),
        "schedules": N_("Cash payment days"),
    },
    "channel": {"sms": "SMS", "zalo": "Zalo", "telegram": "Telegram", "ussd": "USSD", "console": N_("Console"), "cli": N_("Command line")},
}


@bp.app_template_global()
def label(kind: str, code: str | None) -> str:
    """The Vietnamese word for a code; the code itself when unknown."""
    if code is None:
        return ""
    msgid = LABELS.get(kind, {}).get(code)
    return tr()._(msgid) if msgid else code
