"""Answers to each intent, for one chosen beneficiary, in the asker's language and sized for the
channel. The dialog calls them for free text; the USSD menu calls them directly.

Every function that tells personal data writes an audit row (`disclose.<intent>`)."""
from core.answers.amount import brief_amount, payment_amount
from core.answers.contact import contact_officer
from core.answers.context import AnswerContext, addressed
from core.answers.guidance import (
    eligibility,
    greeting,
    help_text,
    how_amounts_work,
    payment_method,
    stranger_personal,
    thanks,
    unknown,
)
from core.answers.payments import brief_status, payment_history, payment_status
from core.answers.schedule import payment_schedule

__all__ = [
    "AnswerContext", "addressed", "payment_status", "payment_schedule", "payment_amount", "payment_history",
    "contact_officer", "payment_method", "eligibility", "brief_status", "brief_amount", "greeting", "thanks",
    "help_text", "unknown", "stranger_personal", "how_amounts_work",
]
