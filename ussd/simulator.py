"""The phone simulator: a basic phone in the browser to try AnSinh as any demo identity.

GET  /simulator                 the phone (HTML, CSS and plain JavaScript served from here)
POST /simulator/ussd            JSON {phone, session, text}: one USSD step, Africa's Talking style
                                (`text` is the whole path, "1*2"); answers {screen, end, wire, chars, limit}
POST /simulator/sms             JSON {phone, text}: one SMS to the service; answers {replies: [{text, size}]}
POST /simulator/size            JSON {text}: what the text costs as an SMS (core.vietnamese_text.sms_size)
GET  /simulator/inbox?phone=…   SMS the outbox holds for that phone (one-time codes, notices), newest first;
                                a one-time code stays readable there for its 5 minutes (demo only)

The same core answers as the real routes: the USSD menu and the dialog, the renderers, the
outbox. No signature here: these are the demo's own endpoints, registered only when the
simulator is enabled (ussd.simulator_enabled: not where a real SMS provider is configured).
"""
from __future__ import annotations

import logging
import uuid

from flask import Blueprint, Response, jsonify, render_template, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from core.outbox.dispatch import REDACTED_OTP
from core.i18n import Translator
from core.conversation.inbound_reply import Inbound
from core.models import OutboxMessage
from core.presenters.ussd_menu import path_inbound
from core.privacy.erase import ERASED_TEXT
from core.conversation.render import render_for_channel, ussd_limit
from core.vietnamese_text import sms_size
from ussd.services import services
from ussd.sms_provider import shown_code
from ussd.ussd import MAX_FIELD, answered, caller_phone, menu_reply

logger = logging.getLogger(__name__)
bp = Blueprint("simulator", __name__, template_folder="templates", static_folder="static",
               static_url_path="/simulator/static")
SERVICE_CODE = "*384*46#"
INBOX_SIZE = 30
MAX_TEXT = 1600


def demo_identities() -> list[dict]:
    """The documented demo people (ansinh.demo) with the dates of the demo last loaded, their phone
    in the form people dial."""
    try:
        from ansinh.demo import demo_months, identity_cards, loaded_months
    except ImportError:  # the demo is optional for the simulator itself
        return []
    runtime = services().runtime
    try:
        with runtime.sessions() as session:
            months = loaded_months(session)
    except SQLAlchemyError:  # the page still opens while the database is down
        months = None
    months = months or demo_months(runtime.clock.today())
    return [{"phone": who["phone"], "name": who.get("name") or "", "role": who["role"], "hint": who["try"]}
            for who in identity_cards(Translator("vi"), months)]


def ui_texts(t: Translator) -> dict[str, str]:
    """Words the page's script shows (the template's own come through `_`)."""
    return {
        "characters": t._("characters"),
        "segments": t._("SMS parts"),
        "ended": t._("Session ended. Press the red key."),
        "dial_hint": t._("Dial %(code)s then press the green key.", code=SERVICE_CODE),
        "sending": t._("Sending…"),
        "no_phone": t._("Please choose a demo person or enter a phone number."),
        "failed": t._("The service did not answer. Please try again."),
        "from_service": t._("From AnSinh"),
        "from_me": t._("Sent"),
        "empty_inbox": t._("No messages yet."),
    }


def status_label(t: Translator, status: str) -> str:
    return {
        "queued": t._("waiting to be sent"), "sending": t._("being sent"), "sent": t._("sent"),
        "delivered": t._("delivered"), "failed": t._("not delivered"), "dead": t._("not delivered"),
    }.get(status, status)


def inbox_text(row: OutboxMessage, channel_services, t: Translator) -> str:
    """What the phone received. A sent one-time code is read from where the demo's sender kept it
    (ussd.sms_provider); once it has expired, or text that was removed, is said in Vietnamese."""
    if row.kind == "otp" and row.text == REDACTED_OTP:
        return shown_code(channel_services.runtime.state,
                          row.id) or t._("A one-time code was sent here; it has expired.")
    if row.text == ERASED_TEXT:
        return t._("This message was erased with the person's data.")
    return render_for_channel(row.text, "sms", channel_services.settings)


def size_of(text: str) -> dict:
    size = sms_size(text)
    return {"encoding": size.encoding, "characters": size.characters, "segments": size.segments}


def _payload() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else request.form.to_dict()


def _bad(message: str) -> tuple[Response, int]:
    return jsonify(error=message), 400


@bp.get("/simulator")
def phone() -> str:
    settings = services().settings
    t = Translator("vi")
    return render_template("simulator/phone.html", _=t._, texts=ui_texts(t),
                           identities=demo_identities(), service_code=SERVICE_CODE,
                           ussd_limit=ussd_limit(settings), session_seed=uuid.uuid4().hex[:12])


@bp.post("/simulator/ussd")
def ussd_step():
    data = _payload()
    phone = caller_phone(str(data.get("phone") or ""))
    session_id = "sim-" + str(data.get("session") or "")[:64]
    if not phone or session_id == "sim-":
        return _bad(Translator("vi")._("Please choose a demo person or enter a phone number."))
    channel_services = services()
    line = answered(lambda: menu_reply(path_inbound(session_id, phone,
                                                    str(data.get("text") or "")[:MAX_FIELD])))
    return jsonify(screen=line[4:], end=line.startswith("END "), wire=line, chars=len(line),
                   limit=ussd_limit(channel_services.settings))


@bp.post("/simulator/sms")
def sms_message():
    data = _payload()
    phone = caller_phone(str(data.get("phone") or ""))
    text = str(data.get("text") or "")[:MAX_TEXT]
    t = Translator("vi")
    if not phone:
        return _bad(t._("Please choose a demo person or enter a phone number."))
    if not text.strip():
        return _bad(t._("Please write a message first."))
    channel_services = services()
    replies = channel_services.dialog.handle(Inbound(channel="sms", sender=phone, text=text,
                                                     provider_meta={"provider": "simulator"}))
    shown = [render_for_channel(reply.text, "sms",
                                channel_services.settings) for reply in replies if reply.text]
    return jsonify(sent=size_of(text), replies=[{"text": body, "size": size_of(body)} for body in shown])


@bp.post("/simulator/size")
def sms_cost():
    return jsonify(size_of(str(_payload().get("text") or "")[:MAX_TEXT]))


@bp.get("/simulator/inbox")
def inbox():
    phone = caller_phone(request.args.get("phone"))
    if not phone:
        return jsonify(messages=[])
    channel_services = services()
    try:
        with channel_services.runtime.sessions() as session:
            rows = list(session.scalars(
                select(OutboxMessage).where(OutboxMessage.channel == "sms", OutboxMessage.address == phone)
                .order_by(OutboxMessage.id.desc()).limit(INBOX_SIZE)))
    except SQLAlchemyError:
        return jsonify(
            messages=[],
            error=Translator("vi")._(
                "Sorry, something went wrong. Please try again later or call the hotline %(hotline)s.",
                hotline=channel_services.settings.hotline,
            ),
        ), 503
    tz, t = channel_services.runtime.clock.tz, Translator("vi")
    messages = []
    for row in rows:
        body = inbox_text(row, channel_services, t)
        at = row.sent_at or row.created_at
        messages.append({"id": row.id, "text": body, "kind": row.kind, "status": status_label(t, row.status),
                         "size": size_of(body),
                         "at": at.astimezone(tz).strftime("%H:%M %d/%m") if at else ""})
    return jsonify(messages=messages)
