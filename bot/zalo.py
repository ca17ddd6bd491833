"""Zalo Official Account channel: the webhook.

Wire protocol (Zalo OA webhook):
- Zalo POSTs one event as JSON to /zalo/webhook with the header
  X-ZEvent-Signature: [mac=]hex(sha256(app_id + raw body + timestamp + OA secret key)), where
  `timestamp` is the body's own "timestamp" field (milliseconds since 1970). A missing or wrong
  signature, or no Zalo settings, is answered 403; so is an event whose timestamp is missing or
  more than 5 minutes away from our clock (a captured event replayed later). A signed event of
  the wrong shape (`message` or `sender` not an object, text that is not valid Unicode) is a 400.
  Zalo wants a 200 within 2 seconds, so the answers are only queued (outbox) here and sent by
  the dispatcher (bot/zalo_sender.py).
- Events handled:
  user_send_text  {"sender": {"id"}, "message": {"msg_id", "text"}} → core.conversation.dialog, answers queued
                  for channel "zalo" to sender.id; a repeated msg_id is dropped.
  user_send_<other> (image, sticker, audio…) → a short "please write" note.
  follow          {"follower": {"id"}} → a greeting that says how to link (DK <code> <year>).
  unfollow        {"follower": {"id"}} → the Zalo identity is opted out.
  user_received_message / user_seen_message {"message": {"msg_ids": […]}} → delivery receipts;
                  ZNS sends user_received_message with {"message": {"msg_id", "tracking_id",
                  "delivery_time"}}: the ZNS row whose provider id is msg_id is delivered.
  Each user_send_* message id is remembered for 48 hours, so answers go as replies to it
  (bot/zalo_replies.py).
  Anything else is acknowledged with 200 and ignored.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from datetime import datetime, timedelta, timezone

from flask import Blueprint, Flask, Response, abort, jsonify, request

from core.parts import RuntimeParts
from bot.conversation import Outgoing, ask_dialog, encodable, queue_in_transaction
from bot.zalo_replies import remember_user_message
from core.conversation import chat_people
from core.conversation.chat_menu import text_only_note, welcome_text, with_choices_as_lines
from core.storage.db import transaction
from core.i18n import Translator
from core.conversation.linking import set_chat_opt_out
from core.conversation.inbound_reply import Inbound
from core.outbox.writes import record_receipt

logger = logging.getLogger(__name__)
CHANNEL = "zalo"
FRESHNESS = timedelta(minutes=5)  # how far an event's timestamp may be from our clock, either way


def expected_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    digest = hashlib.sha256()
    stamp = timestamp.encode("utf-8", "surrogatepass")  # a lone surrogate ("\\ud800") gets a 403, not a 500
    digest.update(app_id.encode("utf-8") + raw_body + stamp + oa_secret_key.encode("utf-8"))
    return digest.hexdigest()


def signature_ok(settings, raw_body: bytes, event: dict, header: str | None) -> bool:
    if not (settings.zalo_app_id and settings.zalo_oa_secret_key and header):
        return False
    given = header.strip()
    if given.lower().startswith("mac="):
        given = given[4:].strip()
    expected = expected_signature(settings.zalo_app_id, raw_body, str(event.get("timestamp", "")),
                                  settings.zalo_oa_secret_key)
    return hmac.compare_digest(given.lower().encode("ascii", "replace"), expected.encode("ascii"))


def fresh(event: dict, now: datetime) -> bool:
    """The event's own timestamp is within FRESHNESS of `now`: an old signed event is a replay."""
    stamp = event.get("timestamp")
    if isinstance(stamp, int) and not isinstance(stamp, bool):
        stamp = str(stamp)
    if not isinstance(stamp, str) or not re.fullmatch(r"[0-9]{1,16}", stamp.strip()):
        return False
    sent = datetime.fromtimestamp(int(stamp) / 1000, tz=timezone.utc)
    return abs(now - sent) <= FRESHNESS


def well_formed(event: dict) -> bool:
    """The parts handle_event reads have the types Zalo sends (objects, string or number ids, a
    list of message ids), and every text is valid Unicode (no lone surrogates from a \\ud800)."""
    if not isinstance(event.get("event_name", ""), str):
        return False
    for part in ("sender", "recipient", "follower", "message"):
        value = event.get(part)
        if value is not None and not (isinstance(value, dict) and _plain(value.get("id"))):
            return False
    message = event.get("message") or {}
    ids = message.get("msg_ids")
    if not _plain(message.get("msg_id")) or not isinstance(message.get("text", ""), (str, type(None))) \
            or (ids is not None and not (isinstance(ids, list) and all(_plain(i) for i in ids))):
        return False
    return encodable(event)


def _plain(value) -> bool:
    return value is None or (isinstance(value, (str, int)) and not isinstance(value, bool))


def _user_text(runtime: RuntimeParts, user_id: str, text: str, msg_id: str) -> list[Outgoing]:
    replies = ask_dialog(runtime,
                         Inbound(channel=CHANNEL, sender=user_id, text=text,
                                 provider_meta={"msg_id": msg_id}))
    t = Translator(_language(runtime, user_id)) if any(reply.choices for reply in replies) else None
    return [(with_choices_as_lines(reply.text, reply.choices, t) if t else reply.text,
             None) for reply in replies]


def _language(runtime: RuntimeParts, user_id: str) -> str:
    return chat_people.language(runtime, CHANNEL, user_id)


def _follow(runtime: RuntimeParts, user_id: str) -> list[Outgoing]:
    with transaction(runtime.sessions) as session:
        set_chat_opt_out(session, CHANNEL, user_id, False)
        return [(welcome_text(session, CHANNEL, user_id, runtime.settings.hotline), None)]


def _unfollow(runtime: RuntimeParts, user_id: str) -> None:
    with transaction(runtime.sessions) as session:
        set_chat_opt_out(session, CHANNEL, user_id, True)


def _receipts(runtime: RuntimeParts, event: dict, status: str) -> None:
    message = event.get("message") or {}
    ids = message.get("msg_ids") or ([message["msg_id"]] if message.get("msg_id") else [])
    with transaction(runtime.sessions) as session:
        for msg_id in ids:
            record_receipt(session, str(msg_id), status, at=runtime.clock.now())


def _event_key(event: dict) -> str | None:
    """What makes this delivery unique: the message id, else who, what and when."""
    name = str(event.get("event_name", ""))
    msg_id = (event.get("message") or {}).get("msg_id")
    if msg_id and name.startswith("user_send_"):
        return str(msg_id)
    who = (event.get("follower") or event.get("sender") or {}).get("id")
    return f"{name}:{who}:{event.get('timestamp')}" if who else None


def handle_event(runtime: RuntimeParts, event: dict) -> None:
    name = str(event.get("event_name", ""))
    if name == "user_received_message":
        _receipts(runtime, event, "received")
        return
    if name == "user_seen_message":
        _receipts(runtime, event, "seen")
        return
    if not (name.startswith("user_send_") or name in ("follow", "unfollow")):
        return
    key = _event_key(event)
    dedupe = runtime.dedupe
    if key is None or dedupe.seen_before(CHANNEL, key) is not None:
        return
    user_id = str((event.get("follower") or event.get("sender") or {}).get("id") or "")
    outgoing: list[Outgoing] = []
    if user_id and name.startswith("user_send_") and getattr(runtime, "state", None) is not None:
        remember_user_message(runtime.state, user_id, key, runtime.clock.now())
    if not user_id:
        pass
    elif name == "user_send_text":
        text = str((event.get("message") or {}).get("text") or "").strip()
        outgoing = _user_text(runtime, user_id, text, key) if text else []
    elif name.startswith("user_send_"):
        outgoing = [(text_only_note(Translator(_language(runtime, user_id))), None)]
    elif name == "follow":
        outgoing = _follow(runtime, user_id)
    elif name == "unfollow":
        _unfollow(runtime, user_id)
    if outgoing:
        queue_in_transaction(runtime, CHANNEL, user_id, outgoing, key=f"zalo:{key}")
    dedupe.remember(CHANNEL, key, "queued" if outgoing else "handled")


def make_blueprint(runtime: RuntimeParts) -> Blueprint:
    blueprint = Blueprint("zalo", __name__)

    @blueprint.post("/zalo/webhook")
    def zalo_webhook() -> Response | tuple:
        raw = request.get_data(cache=False)
        try:
            event = json.loads(raw or b"null")
        except (ValueError, RecursionError):
            event = None
        if not isinstance(event, dict) or not signature_ok(runtime.settings, raw, event,
                                                           request.headers.get("X-ZEvent-Signature")):
            abort(403)
        if not fresh(event, runtime.clock.now()):
            logger.warning("Zalo event refused: its timestamp is missing or not within %s", FRESHNESS)
            abort(403)
        if not well_formed(event):
            return jsonify(ok=False), 400
        handle_event(runtime, event)
        return jsonify(ok=True)

    return blueprint


def init_app(app: Flask, runtime: RuntimeParts) -> None:
    app.register_blueprint(make_blueprint(runtime))
