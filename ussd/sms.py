"""SMS from Twilio: inbound messages and delivery receipts.

POST /sms/twilio — Twilio's Messaging webhook: form fields MessageSid, AccountSid, From, To, Body
  (NumMedia…), signed in the X-Twilio-Signature header: base64 HMAC-SHA1, keyed with the auth
  token, of the full URL Twilio called followed by each POST field name and value sorted by name.
  We check it against settings.public_url + the request path (and query), so it holds behind a
  proxy; a bad or missing signature gets 403. The reply is TwiML (<Response><Message>…</Message>
  </Response>), rendered for SMS: GSM-7 without diacritics unless UCS-2 is configured, at most
  settings.sms_max_segments segments. Twilio redelivers on timeouts: a MessageSid seen before is
  answered with the very same replies and changes nothing (core.conversation.dialog keeps them
  against the id in core.storage.dedupe). The id, the turn's audit rows and its memory are written
  in one transaction, so two concurrent deliveries have one effect.
  When the database is unavailable the message is kept on disk (ussd.sms_spool) and answered
  with a short "received" note: Twilio never delivers it again, so a 503 would lose it.
POST /sms/twilio/status — the StatusCallback set by TwilioSender: MessageSid, MessageStatus
  (queued, sent, delivered, undelivered, failed…), ErrorCode; signed the same way; recorded
  against the outbox row (core.outbox.writes.record_receipt). 204 on success.
"""
from __future__ import annotations

import logging
from functools import lru_cache

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from twilio.request_validator import RequestValidator, compare
from twilio.twiml.messaging_response import MessagingResponse

from core.i18n import Translator
from core.conversation.inbound_reply import Inbound, Reply
from core.outbox.writes import record_receipt
from core.conversation.render import render_for_channel
from ussd.services import services
from ussd.sms_spool import drain_sms_spool, keep_for_later, spool_of
from ussd.ussd import caller_phone

logger = logging.getLogger(__name__)
bp = Blueprint("sms", __name__)
PROVIDER = "twilio"
MAX_BODY = 1600  # Twilio's own limit for one inbound message


@lru_cache(maxsize=4)
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


def signed_by_twilio(settings, current=None) -> bool:
    """`current`: the request itself (not Flask's proxy), when the caller has it already."""
    token = settings.twilio_auth_token
    if current is None:
        current = request._get_current_object()  # one context look-up instead of one per attribute
    signature = current.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = settings.public_url.rstrip("/") + current.path
    if current.query_string:
        url += "?" + current.query_string.decode("latin-1")
    validator = _validator(token)
    form = current.form
    # Twilio signs the URL it called, which is ours: one HMAC settles the usual case. validate()
    # always computes two (the URL with and without its port) and is the fallback for the rest.
    return compare(validator.compute_signature(url, form), signature) \
        or validator.validate(url, form, signature)


def twiml(replies: list[Reply], settings) -> str:
    response = MessagingResponse()
    for reply in replies:
        if reply.text:
            response.message(render_for_channel(reply.text, "sms", settings))
    return str(response)


def _xml(body: str) -> Response:
    return Response(body, mimetype="application/xml")


@bp.post("/sms/twilio")
def twilio_inbound() -> Response:
    channel_services = services()
    settings = channel_services.settings
    current = request._get_current_object()  # one context look-up for the signature and the form
    if not signed_by_twilio(settings, current):
        abort(403)
    form = current.form
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    meta = {"provider": PROVIDER, "message_sid": sid, "to": form.get("To", "")}
    inbound = Inbound(channel="sms", sender=caller_phone(form.get("From")),
                      text=(form.get("Body") or "")[:MAX_BODY],
                      session_id=None, provider_meta=meta)
    try:
        result = channel_services.dialog.answer(inbound, raise_unavailable=True)
        if result.in_flight:  # a twin delivery is still committing: ask for a retry
            logger.info("Twilio delivered %s twice at once: the other delivery answers", sid)
            return Response("", status=503, headers={"Retry-After": "5"})
        if result.repeated:
            logger.info("Twilio redelivered %s: same answer, no second effect", sid)
            if result.recorded is not None and result.recorded.startswith("<"):  # kept as TwiML before
                return _xml(result.recorded)
        response = _xml(twiml(result.replies, settings))
        if spool_of(settings).has_pending():  # the database is back: answer what it kept, after this reply
            response.call_on_close(lambda: drain_sms_spool(channel_services.runtime))
        return response
    except (OperationalError, InterfaceError) as error:
        # Twilio never delivers it again: keep it on disk and answer it when the database is back.
        logger.warning("SMS webhook: database unavailable (%s); message kept for later", type(error).__name__)
        return _keep_for_later(channel_services, inbound)
    except SQLAlchemyError as error:
        logger.warning("SMS answered with an apology: database error %s", type(error).__name__)
    except Exception:  # Twilio gets TwiML, the log gets the trace
        logger.exception("SMS webhook failed")
    t = Translator("vi")
    sorry = t._("Sorry, something went wrong. Please try again later or call the hotline %(hotline)s.",
                hotline=settings.hotline)
    return _xml(twiml([Reply(sorry)], settings))


def _keep_for_later(channel_services, inbound: Inbound) -> Response:
    try:
        keep_for_later(channel_services.settings, inbound, channel_services.runtime.clock.now().isoformat())
    except OSError:  # nowhere to keep it: an error, so Twilio tries the number's fallback URL
        logger.exception("SMS could not be kept in the spool %s", channel_services.settings.sms_spool_dir)
        return Response("", status=503, headers={"Retry-After": "5"})
    t = Translator("vi")
    note = t._("We have your message and will answer it as soon as we can.")
    return _xml(twiml([Reply(note)], channel_services.settings))


@bp.post("/sms/twilio/status")
def twilio_status() -> Response:
    channel_services = services()
    if not signed_by_twilio(channel_services.settings):
        abort(403)
    form = request.form
    sid, status = (
        (form.get("MessageSid") or form.get("SmsSid") or "").strip(),
        (form.get("MessageStatus") or form.get("SmsStatus") or ""),
    )
    error = form.get("ErrorCode") or None
    if not sid:
        return Response("", status=204)
    try:
        with channel_services.runtime.sessions.begin() as session:
            message = record_receipt(session, sid, status, error=f"twilio error {error}" if error else None,
                                     at=channel_services.runtime.clock.now())
        logger.info("receipt %s %s for outbox %s", sid, status, message.id if message is not None else "?")
    except SQLAlchemyError as error_:
        logger.warning("receipt %s not recorded: %s", sid, type(error_).__name__)
        return Response("", status=503)
    return Response("", status=204)
