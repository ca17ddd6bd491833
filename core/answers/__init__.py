"""Answers to each intent, for one chosen beneficiary, in the asker's language and sized for the
channel. The dialog calls them for free text; the USSD menu calls them directly.

Every function that tells personal data writes an audit row (`disclose.<intent>`).

May import: conversation, privacy, storage, models and the loose modules."""
from core.answers.amount import brief_amount, payment_amount
from core.answers.contact import contact_officer
from core.answers.context import AnswerContext, addressed
from core.answers.guidance import (
    eligibility,
    elsewhere,
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
    "AnswerContext",
    "addressed",
    "brief_amount",
    "brief_status",
    "contact_officer",
    "eligibility",
    "elsewhere",
    "greeting",
    "help_text",
    "how_amounts_work",
    "payment_amount",
    "payment_history",
    "payment_method",
    "payment_schedule",
    "payment_status",
    "stranger_personal",
    "thanks",
    "unknown",
]
