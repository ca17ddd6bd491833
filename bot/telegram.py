"""Telegram channel: the webhook, and the one code path that webhook and polling share.

Wire protocol (Bot API, https://core.telegram.org/bots/api):
- In: Telegram POSTs one `Update` as JSON to /telegram/webhook with the header
  X-Telegram-Bot-Api-Secret-Token set to the `secret_token` given to setWebhook (403 otherwise,
  and always 403 when no TELEGRAM_WEBHOOK_SECRET is configured). Anything but a 2xx makes
  Telegram redeliver, so we answer 200 as soon as the answers are queued; repeated `update_id`s
  are dropped. An update of the wrong shape (an `update_id` that is not an integer, text that is
  not a string or not valid Unicode) is a 400. Development uses getUpdates instead (`ansinh bot
  telegram --polling`).
- Messages: `message.text` (typed, or a reply-keyboard button's label), `message.contact` (the
  "share my phone number" button: `contact.user_id` is the sharer's own id only when they shared
  themself), `callback_query.data` (an inline button's value). Only private chats are served.
- Out: sendMessage through the outbox (bot/telegram_sender.py), never from the request.
"""
from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import Blueprint, Flask, Response, abort, jsonify, request

from core.parts import RuntimeParts
from bot.conversation import Outgoing, ask_dialog, encodable, queue_in_transaction
from bot.keyboards import choices_markup, menu_markup
from core.conversation import chat_people
from core.conversation.chat_menu import button_question, text_only_note
from core.i18n import Translator
from core.conversation.inbound_reply import Inbound

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
COMMAND_TEXT = {"/help": "GIUP", "/stop": "STOP", "/huy": "HUY"}  # other commands go to the dialog as typed


def _welcome(runtime: RuntimeParts, chat_id: str) -> list[Outgoing]:
    text, language, linked = chat_people.welcome(runtime, CHANNEL, chat_id)
    return [(text, menu_markup(language, with_contact=not linked))]


def _share_contact(runtime: RuntimeParts, chat_id: str, user_id: str,
                   contact) -> list[Outgoing]:
    text, language, linked = chat_people.share_contact(runtime, CHANNEL, chat_id, user_id, contact.user_id,
                                                       contact.phone_number)
    return [(text, menu_markup(language, with_contact=False) if linked else None)]


def _converse(runtime: RuntimeParts, chat_id: str, text: str, meta: dict[str, Any]) -> list[Outgoing]:
    was_linked = chat_people.is_linked(runtime, CHANNEL, chat_id)
    replies = ask_dialog(runtime,
                         Inbound(channel=CHANNEL, sender=chat_id, text=button_question(text),
                                 provider_meta=meta))
    outgoing: list[Outgoing] = [(reply.text, choices_markup(reply.choices)) for reply in replies]
    if outgoing and not was_linked and chat_people.is_linked(runtime, CHANNEL, chat_id):
        # Just linked by a one-time code: give the big buttons with the confirmation.
        language = chat_people.language(runtime, CHANNEL, chat_id)
        last_text, last_markup = outgoing[-1]
        outgoing[-1] = (last_text, last_markup or menu_markup(language, with_contact=False))
    return outgoing


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def answer_update(runtime: RuntimeParts, update) -> None:  # telegram.Update
    """Turn one Update into answers in the outbox; the webhook and the poller both call this."""
    update_id = str(update.update_id)
    dedupe = runtime.dedupe
    if dedupe.seen_before(CHANNEL, update_id) is not None:
        logger.info("telegram update %s already handled", update_id)
        return
    chat, user = update.effective_chat, update.effective_user
    message, callback = update.message, update.callback_query
    outgoing: list[Outgoing] = []
    # Telegram's chat and user ids are integers; anything else is not from Telegram.
    if (
        chat is not None
        and user is not None
        and chat.type == "private"
        and _is_id(chat.id)
        and _is_id(user.id)
    ):
        chat_id, meta = str(chat.id), {"update_id": update.update_id, "user_id": user.id}
        if message is not None and message.contact is not None:
            outgoing = _share_contact(runtime, chat_id, str(user.id), message.contact)
        elif message is not None and message.text:
            text = message.text.strip()
            command = text.split()[0].split("@")[0].lower() if text.startswith("/") else None
            if command == "/start":
                outgoing = _welcome(runtime, chat_id)
            else:
                outgoing = _converse(runtime, chat_id, COMMAND_TEXT.get(command, text), meta)
        elif callback is not None and callback.data:
            outgoing = _converse(runtime, chat_id, callback.data, meta)
        elif message is not None:
            language = chat_people.language(runtime, CHANNEL, chat_id)
            outgoing = [(text_only_note(Translator(language)), None)]
        if outgoing:
            queue_in_transaction(runtime, CHANNEL, chat_id, outgoing, key=f"telegram:{update_id}")
    dedupe.remember(CHANNEL, update_id, "queued" if outgoing else "ignored")


def _secret_ok(settings) -> bool:
    expected = settings.telegram_webhook_secret
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    return bool(expected) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _payload():
    try:
        return request.get_json(silent=True)
    except RecursionError:  # "[[[[…" nested deeper than the parser goes
        return None


def _well_formed(payload) -> bool:
    """An Update: an object whose update_id is an integer (as Telegram's always is), all of its
    text valid Unicode (a lone surrogate from "\\ud800" cannot be stored)."""
    return isinstance(payload, dict) and _is_id(payload.get("update_id")) and encodable(payload)


def _usable(update) -> bool:
    """The fields answer_update reads have Telegram's types (python-telegram-bot does not check)."""
    message, callback = update.message, update.callback_query
    if message is not None:
        if message.text is not None and not isinstance(message.text, str):
            return False
        contact = message.contact
        if contact is not None and not (isinstance(contact.phone_number, str)
                                        and (contact.user_id is None or _is_id(contact.user_id))):
            return False
    return callback is None or callback.data is None or isinstance(callback.data, str)


def make_blueprint(runtime: RuntimeParts) -> Blueprint:
    blueprint = Blueprint("telegram", __name__)

    @blueprint.post("/telegram/webhook")
    def telegram_webhook() -> Response | tuple:
        if not _secret_ok(runtime.settings):
            abort(403)
        from telegram import Update

        payload = _payload()
        try:
            update = Update.de_json(payload, None) if _well_formed(payload) else None
        except Exception:  # noqa: BLE001 - a malformed update is the sender's problem, not a 500
            update = None
        if update is None or not _usable(update):
            return jsonify(ok=False), 400
        answer_update(runtime, update)
        if update.callback_query is not None:  # stop the button's spinner, in the webhook answer itself
            return jsonify(method="answerCallbackQuery", callback_query_id=update.callback_query.id)
        return Response(status=200)

    return blueprint


def init_app(app: Flask, runtime: RuntimeParts) -> None:
    app.register_blueprint(make_blueprint(runtime))
