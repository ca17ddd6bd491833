"""Words for the codes the console shows (statuses, methods, roles). The msgids are marked with
N_ so `make catalogs` extracts them; templates read them through `label(kind, code)`."""
from __future__ import annotations

from console.web import bp, tr
from core.i18n import N_

LABELS: dict[str, dict[str, str]] = {
    "payment_status": {
        "scheduled": N_("Awaiting payment"), "sent": N_("Sent to the payment provider"), "paid": N_("Paid"),
        "failed": N_("Payment failed"), "returned": N_("Returned"), "on_hold": N_("On hold"),
    },
    "method": {"cash": N_("Cash"), "account": N_("Bank account"), "ewallet": N_("E-wallet")},
    "broadcast_status": {
        "pending_approval": N_("Waiting for approval"), "approved": N_("Approved, waiting for its time"),
        "sending": N_("Sending"), "done": N_("Sent"), "rejected": N_("Rejected"),
        "cancelled": N_("Withdrawn"),
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
    "contact_role": {"self": N_("Beneficiary"), "guardian": N_("Guardian"),
                     "authorised": N_("Authorised person")},
    "officer_role": {"commune": N_("Commune officer"), "province": N_("Province administrator")},
    "import_kind": {
        "beneficiaries": N_("Beneficiary list"), "payments": N_("Payment list or provider results"),
        "schedules": N_("Cash payment days"),
    },
    "topic": {
        "payment_paid": N_("Payment made"), "payment_failed": N_("Payment failed or returned"),
        "payment_on_hold": N_("Payment on hold"), "cash_day": N_("Cash payment days"),
        "receipt_question": N_("Question: money received?"), "complaint_answered": N_("Complaint answered"),
        "broadcast": N_("Broadcast"),
    },
    "channel": {"sms": "SMS", "zalo": "Zalo OA", "zns": "Zalo ZNS", "telegram": "Telegram", "ussd": "USSD",
                "console": N_("Console"), "cli": N_("Command line")},
    # where a consent came from: a channel, or the commune's own list
    "consent_channel": {
        "import": N_("the commune's list"), "console": N_("Console"), "cli": N_("Command line"), "sms": "SMS",
        "zalo": "Zalo", "telegram": "Telegram", "ussd": "USSD",
    },
    "complaint_event": {
        "created": N_("Complaint received"), "assigned": N_("Assigned"), "replied": N_("Answered"),
        "resolved": N_("Resolved"), "erased": N_("Personal data erased"),
    },
    "message_kind": {
        "reply": N_("Reply"), "otp": N_("One-time code"), "notification": N_("Notification"),
        "broadcast": N_("Broadcast"),
    },
    "export_subject": {"beneficiary": N_("Beneficiary"), "person": N_("Contact person")},
    "audit_action": {
        "login": N_("Signed in"), "login.failed": N_("Wrong password"),
        "login.limited": N_("Sign-in attempts limited"), "logout": N_("Signed out"),
        "audit.view": N_("Read the audit log"), "beneficiary.search": N_("Searched for a beneficiary"),
        "beneficiary.view": N_("Opened a beneficiary's page"),
        "beneficiary.view_refused": N_("Refused: a beneficiary outside the unit"),
        "broadcast.preview": N_("Previewed a broadcast"), "broadcast.view": N_("Opened a broadcast"),
        "broadcast.create": N_("Wrote a broadcast"), "broadcast.approve": N_("Approved a broadcast"),
        "broadcast.rejected": N_("Rejected a broadcast"), "broadcast.cancelled": N_("Withdrew a broadcast"),
        "broadcast.approve_refused": N_("Refused: approving a broadcast"),
        "broadcast.reject_refused": N_("Refused: rejecting a broadcast"),
        "complaint.list": N_("Read the complaints"), "complaint.view": N_("Opened a complaint"),
        "complaint.assigned": N_("Assigned a complaint"), "complaint.replied": N_("Answered a complaint"),
        "complaint.resolved": N_("Resolved a complaint"), "import.upload": N_("Uploaded a file to import"),
        "import.errors_download": N_("Downloaded an import's errors"),
        "import.beneficiaries": N_("Imported a beneficiary list"), "import.payments": N_("Imported payments"),
        "import.schedules": N_("Imported cash payment days"),
        "import.beneficiaries.refused": N_("Refused: a list with rows outside the unit"),
        "import.payments.refused": N_("Refused: a list with rows outside the unit"),
        "import.schedules.refused": N_("Refused: a list with rows outside the unit"),
        "indicators.view": N_("Read the indicators"), "indicators.export": N_("Exported the indicators"),
        "outbox.dead_list": N_("Read the messages not sent"),
        "outbox.channel_costs": N_("Read the channels and costs"),
        "outbox.requeue": N_("Sent a message again"),
        "privacy.export": N_("Exported personal data"),
        "privacy.refused": N_("Refused: personal data outside the unit"),
        "privacy.erase_person": N_("Erased a contact person"),
        "privacy.erase_beneficiary": N_("Erased a beneficiary"),
        "privacy.allow_reimport": N_("Allowed an erased code to be imported again"),
        "guardian.remove": N_("Removed a guardian"),
        "link.contact_share": N_("Linked a chat by sharing the phone"),
        "officer.create": N_("Created an officer account"), "demo.load": N_("Loaded the demo data"),
        "receipt.received": N_("Confirmed the money arrived"),
        "receipt.not_received": N_("Said the money did not arrive"),
        "disclose.payment_status": N_("Was told whether the money arrived"),
        "disclose.payment_amount": N_("Was told the amount"),
        "disclose.payment_history": N_("Was told the payment history"),
        "disclose.payment_method": N_("Was told how the money is paid"),
        "disclose.payment_schedule": N_("Was told the payment days"),
    },
    # an action this table does not know yet is named by its first word
    "audit_group": {
        "login": N_("Sign-in"), "logout": N_("Signed out"), "audit": N_("Audit log"),
        "beneficiary": N_("Beneficiaries"), "broadcast": N_("Broadcasts"), "complaint": N_("Complaints"),
        "import": N_("Imports"), "indicators": N_("Indicators"), "outbox": N_("Messages not sent"),
        "privacy": N_("Personal data"), "guardian": N_("Guardians"), "link": N_("Linking a chat"),
        "officer": N_("Officer accounts"), "demo": N_("Demo data"), "receipt": N_("Receipts"),
        "disclose": N_("Answers about payments"),
    },
}


@bp.app_template_global()
def label(kind: str, code: str | None) -> str:
    """The Vietnamese word for a code; the code itself when unknown."""
    if code is None:
        return ""
    msgid = LABELS.get(kind, {}).get(code)
    return tr()._(msgid) if msgid else code


@bp.app_template_global()
def action_label(code: str | None) -> str:
    """An audit action in words; one the table does not know yet by its group ('login.x' -> Sign-in)."""
    if not code:
        return ""
    if code in LABELS["audit_action"]:
        return label("audit_action", code)
    group = code.split(".", 1)[0]
    return label("audit_group", group) if group in LABELS["audit_group"] else code
