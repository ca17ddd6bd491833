"""Who is behind a chat (Telegram, Zalo): linked to a person or not, in which language, and linking
by a phone number the chat shares. The chat adapters ask here instead of querying themselves."""
from __future__ import annotations

from core.conversation.chat_menu import language_of, welcome_text
from core.conversation.identity import resolve
from core.conversation.linking import contact_share_reply, link_by_shared_contact
from core.i18n import Translator
from core.parts import RuntimeParts
from core.storage.db import transaction


def is_linked(parts: RuntimeParts, channel: str, chat_id: str) -> bool:
    """Does this chat belong to someone who may ask about a beneficiary?"""
    with parts.sessions() as session:
        return resolve(session, channel, chat_id).knows_anyone


def language(parts: RuntimeParts, channel: str, chat_id: str) -> str:
    with parts.sessions() as session:
        return language_of(session, channel, chat_id)


def welcome(parts: RuntimeParts, channel: str, chat_id: str) -> tuple[str, str, bool]:
    """(the welcome text, the chat's language, whether it is linked), read in one session."""
    with parts.sessions() as session:
        text = welcome_text(session, channel, chat_id, parts.settings.hotline)
        linked = resolve(session, channel, chat_id).knows_anyone
        return text, language_of(session, channel, chat_id), linked


def share_contact(parts: RuntimeParts, channel: str, chat_id: str, user_id: str,
                  contact_user_id: str | int | None,
                  phone: str | None) -> tuple[str, str, bool]:
    """Link the chat by the contact it shared (only its own number counts): (the answer, the
    chat's language, whether it is now linked)."""
    with transaction(parts.sessions) as session:
        outcome = link_by_shared_contact(session, channel, user_id, contact_user_id, phone, parts.clock)
        chat_language = language_of(session, channel, chat_id)
    text = contact_share_reply(outcome, Translator(chat_language), parts.settings.hotline)
    return text, chat_language, outcome.linked
