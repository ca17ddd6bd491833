"""Buttons that travel with a chat message through the outbox.

An outbox row holds plain text; a message that needs buttons carries them in its own column
(`outbox.buttons`, JSON), which the Telegram sender turns back into a keyboard:

    {"menu": ["Tiền tháng này", …], "contact": "Chia sẻ số điện thoại"}
    {"choices": [["Mẹ Lan", "1"], ["Ôn Hùng", "2"]]}

`menu` is the persistent reply keyboard (big buttons that send their label; `contact` adds the
request_contact button); `choices` are inline buttons that send their value back. Zalo has no
reply keyboard: its answers are queued as plain text (core.conversation.chat_menu.with_choices_as_lines), and
`plain_text` writes choices out as lines for a channel without buttons.
"""
from __future__ import annotations

import logging
from typing import Any

from core.conversation.chat_menu import main_menu, share_phone_label
from core.i18n import Translator
from core.conversation.inbound_reply import Choice

logger = logging.getLogger(__name__)
TELEGRAM_TEXT_LIMIT = 4096


def menu_markup(language: str, with_contact: bool) -> dict[str, Any]:
    t = Translator(language)
    markup: dict[str, Any] = {"menu": [choice.label for choice in main_menu(t)]}
    if with_contact:
        markup["contact"] = share_phone_label(t)
    return markup


def choices_markup(choices: tuple[Choice, ...] | list[Choice]) -> dict[str, Any] | None:
    return {"choices": [[c.label, c.value] for c in choices]} if choices else None


def plain_text(text: str, markup: dict[str, Any] | None) -> str:
    """The text with any choices written out as lines (for channels without buttons)."""
    if markup and markup.get("choices"):
        lines = [f"- {label}" for label, _value in markup["choices"]]
        text = text.rstrip() + "\n" + "\n".join(lines)
    return text


def _callback_data(value) -> str:
    """Telegram allows 1-64 bytes of callback data; Vietnamese letters take two or three."""
    return str(value).encode("utf-8")[:64].decode("utf-8", "ignore") or "?"


def to_telegram(markup: dict[str, Any] | None):
    """The python-telegram-bot reply_markup for a packed markup (None for plain text)."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

    if not markup:
        return None
    if markup.get("choices"):
        rows = [[InlineKeyboardButton(str(label), callback_data=_callback_data(value))] for label,
                value in markup["choices"]]
        return InlineKeyboardMarkup(rows)
    labels = list(markup.get("menu") or [])
    if not labels and not markup.get("contact"):
        return None
    # One wide button first (the question asked most), then pairs: large targets for old hands.
    rows: list[list[KeyboardButton]] = [[KeyboardButton(labels[0])]] if labels else []
    rest = labels[1:]
    rows += [[KeyboardButton(label) for label in rest[i:i + 2]] for i in range(0, len(rest), 2)]
    if markup.get("contact"):
        rows.append([KeyboardButton(markup["contact"], request_contact=True)])
    return ReplyKeyboardMarkup(rows, resize_keyboard=False, is_persistent=True)
