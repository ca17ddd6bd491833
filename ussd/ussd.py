"""USSD gateways: two wire protocols, one menu (core.presenters.ussd_menu), reached through the
conversation's one entry like every channel (core.conversation.dialog).

POST /ussd/africastalking — Africa's Talking: form fields sessionId, serviceCode, phoneNumber,
  networkCode, text; `text` holds every input of the session joined by "*" ("" on dial-in,
  "1*2" after pressing 1 then 2). The reply is text/plain starting "CON " (the session goes on,
  the phone shows an input box) or "END " (the session closes), at most 182 characters in all.
POST /ussd/session — gateways that send only the latest input: form or JSON sessionId,
  phoneNumber, input; the menu position is kept server-side (state store, 180 s). Same reply.

Both are gateway routes (ussd.gateway_guard): without ANSINH_USSD_SECRET they do not exist (404),
and a request without it is refused (401) before anything is read.

Never a 500: junk is answered by the menu, and when the database (or anything else) fails the
caller gets a polite "END …" at once.
"""
from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, request
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from core.i18n import Translator
from core.conversation.inbound_reply import Inbound, Reply
from core.phones import normalize_phone
from core.presenters.ussd_menu import latest_inbound, path_inbound
from core.conversation.render import fit_chars, ussd_limit
from core.vietnamese_text import to_ascii
from ussd.gateway_guard import protect
from ussd.services import ChannelServices, services

logger = logging.getLogger(__name__)
bp = protect(Blueprint("ussd", __name__))
MAX_FIELD = 2000


def caller_phone(raw: str | None) -> str:
    """E.164 for Vietnamese numbers; other numbers as sent (digits and '+' only)."""
    raw = (raw or "").strip()[:40]
    return normalize_phone(raw) or "".join(ch for ch in raw if ch.isdigit() or ch == "+")


def wire(reply: Reply, settings) -> str:
    """'CON …' or 'END …' within the USSD limit, ASCII unless Unicode screens are configured."""
    text = reply.text if settings.ussd_unicode else to_ascii(reply.text)
    prefix = "END " if reply.end_session else "CON "
    return prefix + fit_chars(text, ussd_limit(settings) - len(prefix))


def apology(settings) -> Reply:
    t = Translator("vi")
    return Reply(t.p_("ussd",
                      "Sorry, the service is busy. Please try again in a few minutes. Hotline: %(hotline)s.",
                      hotline=settings.hotline), end_session=True)


def answered(compute, channel_services: ChannelServices | None = None) -> str:
    """The wire line of one USSD step: the menu's reply, or an apology when anything fails. The
    gateway routes and the phone simulator's own route both answer through it."""
    channel_services = channel_services or services()
    settings = channel_services.settings
    if time.monotonic() < channel_services.database_down_until:
        return wire(apology(settings), settings)
    try:
        reply = compute()
    except SQLAlchemyError as error:
        logger.warning("USSD answered with an apology: database error %s", type(error).__name__)
        if isinstance(error, (OperationalError, InterfaceError)):
            channel_services.database_down_until = (
                time.monotonic() + channel_services.settings.ussd_outage_pause
            )
        reply = apology(settings)
    except Exception:  # a caller on a basic phone gets an apology, never a 500
        logger.exception("USSD request failed")
        reply = apology(settings)
    return wire(reply, settings)


def menu_reply(inbound: Inbound, channel_services: ChannelServices | None = None) -> Reply:
    """The menu's screen for one USSD request, through the conversation's one entry."""
    [reply] = (channel_services or services()).dialog.answer(inbound, raise_unavailable=True).replies
    return reply


def _answer(inbound_of) -> Response:
    """`inbound_of()` answered by the menu; the app's services looked up once (a context look-up)."""
    channel_services = services()
    return Response(answered(lambda: menu_reply(inbound_of(), channel_services), channel_services),
                    mimetype="text/plain")


def _invalid(settings) -> Response:
    t = Translator("vi")
    return Response(wire(Reply(t.p_("ussd", "This request could not be read. Please dial again."),
                               end_session=True), settings),
                    mimetype="text/plain")


@bp.post("/ussd/africastalking")
def africastalking() -> Response:
    form = request.form
    session_id, phone = form.get("sessionId", "")[:200], caller_phone(form.get("phoneNumber"))
    if not session_id or not phone:
        return _invalid(services().settings)
    text = form.get("text", "")[:MAX_FIELD]
    return _answer(lambda: path_inbound(session_id, phone, text))


@bp.post("/ussd/session")
def session_gateway() -> Response:
    data = request.get_json(silent=True) if request.is_json else None
    fields = data if isinstance(data, dict) else request.form
    session_id = str(fields.get("sessionId") or "")[:200]
    phone = caller_phone(str(fields.get("phoneNumber") or ""))
    if not session_id or not phone:
        return _invalid(services().settings)
    latest = str(fields.get("input") or "")[:MAX_FIELD]
    return _answer(lambda: latest_inbound(session_id, phone, latest))
