"""What a chat (Telegram, Zalo) shows a person besides answers: the welcome, the big buttons and
the short notes for things the bot cannot read.

The buttons send their own label as text, so each label must be understood by the NLU
(tests/unit/test_bot_chat_menu.py holds them to their intents). Labels come from the catalogs in
the context "button" so they never clash with sentences elsewhere.
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from core.i18n import LANGUAGES, NP_, Translator, translator
from core.conversation.identity import resolve
from core.conversation.inbound_reply import Choice
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)

# (intent the label must parse to, msgid of the label)
MENU_BUTTONS: tuple[tuple[str, str], ...] = (
    ("payment_status", NP_("button", "This month's money")),
    ("payment_schedule", NP_("button", "Payment schedule")),
    ("payment_amount", NP_("button", "Amount")),
    ("payment_history", NP_("button", "History")),
    ("contact_officer", NP_("button", "Contact an officer")),
)
# What a pressed button asks, where the bare label is not a question on its own ("Tiền tháng này"):
# the SMS keywords of INTERFACES.md, which every channel understands.
BUTTON_KEYWORDS = {"payment_status": "TC", "payment_schedule": "LICH", "payment_history": "LS"}


def main_menu(t: Translator) -> tuple[Choice, ...]:
    """The persistent buttons, in the person's language; pressing one sends the label."""
    labels = [t.p_("button", msgid) for _intent, msgid in MENU_BUTTONS]
    return tuple(Choice(label=label, value=label) for label in labels)


def button_question(text: str) -> str:
    """The text a menu button sends, as the dialog understands it; any other text unchanged."""
    folded = fold(text).strip()
    for language in LANGUAGES:
        t = translator(language)
        for intent, msgid in MENU_BUTTONS:
            if fold(t.p_("button", msgid)).strip() == folded:
                return BUTTON_KEYWORDS.get(intent, text)
    return text


def share_phone_label(t: Translator) -> str:
    return t.p_("button", "Share my phone number")


def language_of(session: Session, channel: str, sender: str) -> str:
    """The language of the person behind a chat, Vietnamese when unknown."""
    asker = resolve(session, channel, sender)
    return asker.language or "vi"


def welcome_text(session: Session, channel: str, sender: str, hotline: str) -> str:
    """/start (Telegram) or follow (Zalo): a greeting, then how to link or what to ask."""
    asker = resolve(session, channel, sender)
    t = translator(asker.language or "vi")
    if asker.knows_anyone:
        return t._("Hello! This is AnSinh, for questions about the monthly social allowance. "
                   "Press a button below or write your question, for example: has this month's money come?")
    if channel == "telegram":
        how = t._("To see your own allowance or a relative's, press the button \"Share my phone number\" "
                  "below, "
                  "or send: DK <beneficiary code> <year of birth>, for example DK BT4600001 1941.")
    else:
        how = t._("To see your own allowance or a relative's, send: DK <beneficiary code> <year of birth>, "
                  "for example DK BT4600001 1941. A confirmation code will be sent by SMS to the phone "
                  "number on file.")
    head = t._("Hello! This is AnSinh, for questions about the monthly social allowance.")
    tail = t._("Questions: hotline %(hotline)s.", hotline=hotline)
    return f"{head}\n{how}\n{tail}"


def with_choices_as_lines(text: str, choices, t: Translator) -> str:  # Choice sequence
    """For chats without buttons (Zalo): each choice becomes a line saying what to send."""
    if not choices:
        return text
    lines = [t._("- %(label)s: send %(text)s", label=choice.label, text=choice.value) for choice in choices]
    return text.rstrip() + "\n" + "\n".join(lines)


def text_only_note(t: Translator) -> str:
    """A photo, sticker or voice note: we read only text."""
    return t._("Sorry, AnSinh can only read written messages. Please write your question in words.")
