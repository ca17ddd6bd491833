"""SMS through Kannel: inbound messages (sms-service get-url) and delivery reports (dlr-url).

GET or POST /sms/kannel?key=KANNEL_SECRET&from=%p&to=%P&text=%a&coding=%c&charset=%C&id=%I
  Kannel's sms-service calls it for each message from a phone (docs/PROVIDERS.md has the
  kannel.conf). The text is decoded as its coding says (ussd.kannel_wire), the message goes through
  the same conversation as Twilio's (dedupe by the SMSC message id, HUY/STOP, rate limits), and
  the answer is queued in the outbox, which sends it through sendsms (ussd.kannel_sender) with a
  delivery report. The HTTP body is empty (the sms-service has omit-empty), so Kannel itself sends
  nothing. When the database is down the message is kept in the SMS spool (ussd.sms_spool) and
  answered once the database is back; the body then holds a short "received" note for Kannel to
  send, since the outbox cannot take it. A twin delivery still being answered, or a spool that
  cannot be written, gets 503: smsbox's http-request-retry tries again.
GET or POST /sms/kannel/dlr?key=KANNEL_SECRET&outbox=<id>&status=%d
  The dlr-url KannelSender gives each message: 1 delivered, 2 failed, 4 buffered, 8 accepted by the
  SMSC, 16 rejected by the SMSC; recorded against that outbox row (core.outbox.writes.apply_receipt), a
  failure following the outbox's failure rules (core.outbox.delivery). 200 with an empty body: smsbox
  retries any other answer (http-request-retry).

Both are gateway routes (ussd.gateway_guard's rules, with Kannel's own credential): no KANNEL_SECRET
configured → 404; a peer outside KANNEL_ALLOWED_IPS → 403; a missing or wrong `key` (compared in
constant time) → 403. All before anything is read from the database.
"""
from __future__ import annotations

import hmac
import logging
import uuid

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from core.storage.dedupe import MAX_ID
from core.outbox.delivery import handle_permanent_failure
from core.i18n import Translator
from core.conversation.inbound_reply import Inbound
from core.models import OutboxMessage
from core.outbox.writes import apply_receipt
from core.conversation.render import render_for_channel
from ussd.gateway_guard import GatewayGuard, parse_networks
from ussd.kannel_sender import provider_id_of
from ussd.kannel_wire import decode_text, raw_params, text_value
from ussd.outbox_answer import answer_by_outbox
from ussd.services import services
from ussd.sms_spool import drain_sms_spool, keep_for_later, spool_of
from ussd.ussd import caller_phone

logger = logging.getLogger(__name__)
bp = Blueprint("kannel", __name__)
PROVIDER = "kannel"
# Kannel's %d: what each delivery report means, in the outbox's receipt words (core.outbox.writes).
DLR_STATUS = {1: "delivered", 2: "undelivered", 4: "queued", 8: "accepted", 16: "rejected"}
MAX_ROW_ID = 2**31 - 1  # an INTEGER column: a larger "outbox" names no row


EXTENSION = "ansinh.kannel_guard"


def kannel_networks(settings) -> tuple:
    """KANNEL_ALLOWED_IPS as networks; unreadable, a ValueError in one Vietnamese line."""
    try:
        return parse_networks(settings.kannel_allowed_ips)
    except ValueError:
        raise ValueError(Translator("vi")._(
            "KANNEL_ALLOWED_IPS=%(value)s is not a list of IP addresses or networks.",
            value=settings.kannel_allowed_ips)) from None


def install(app, settings) -> None:
    """Build the guard once (an unreadable KANNEL_ALLOWED_IPS stops the start here)."""
    secret = (settings.kannel_secret or "").strip()
    app.extensions[EXTENSION] = GatewayGuard(secret.encode() if secret else None, kannel_networks(settings))


def _params() -> dict[str, bytes]:
    body = request.get_data(cache=True) if request.method == "POST" else None
    return raw_params(request.query_string, body, request.content_type)


def _refusal(params: dict[str, bytes]) -> Response | None:
    guard: GatewayGuard = current_app.extensions[EXTENSION]
    if guard.secret is None:
        abort(404)
    if not guard.address_allowed(request.remote_addr):
        logger.warning("Kannel route %s refused: address not allowed", request.path)
        return Response("", 403, mimetype="text/plain")
    if not hmac.compare_digest(params.get("key", b""), guard.secret):
        logger.warning("Kannel route %s refused: missing or wrong key", request.path)
        return Response("", 403, mimetype="text/plain")
    return None


def _empty(status: int = 200, **headers: str) -> Response:
    return Response("", status=status, mimetype="text/plain", headers=headers)


@bp.route("/sms/kannel", methods=["GET", "POST"])
def kannel_inbound() -> Response:
    channel_services = services()
    settings = channel_services.settings
    params = _params()
    refused = _refusal(params)
    if refused is not None:
        return refused
    sender = caller_phone(text_value(params, "from"))
    if not sender:
        return _empty(400)
    sid = "".join(ch for ch in text_value(params, "id") if ch.isprintable())[:MAX_ID]
    text = decode_text(params.get("text", b""), text_value(params, "coding"), text_value(params, "charset"))
    inbound = Inbound(channel="sms", sender=sender, text=text, session_id=None,
                      provider_meta={"provider": PROVIDER, "message_sid": sid,
                                     "to": text_value(params, "to")})
    try:
        answered = answer_by_outbox(channel_services.dialog, channel_services.runtime.sessions, inbound,
                                    provider=PROVIDER,
                                    key=sid or f"no-id-{uuid.uuid4().hex}")
    except Exception:  # the log gets the trace; a 503 makes smsbox try again, nothing is lost
        logger.exception("Kannel get-url failed")
        return _empty(503, **{"Retry-After": "5"})
    if answered is None:
        return _keep_for_later(channel_services, inbound)
    if answered is False:  # a twin delivery is still committing: ask for a retry
        return _empty(503, **{"Retry-After": "5"})
    response = _empty()
    if spool_of(settings).has_pending():  # the database is back: answer what it kept, after this reply
        response.call_on_close(lambda: drain_sms_spool(channel_services.runtime))
    return response


def _keep_for_later(channel_services, inbound: Inbound) -> Response:
    try:
        keep_for_later(channel_services.settings, inbound, channel_services.runtime.clock.now().isoformat())
    except OSError:
        logger.exception("SMS could not be kept in the spool %s", channel_services.settings.sms_spool_dir)
        return _empty(503, **{"Retry-After": "5"})
    note = Translator("vi")._("We have your message and will answer it as soon as we can.")
    return Response(render_for_channel(note, "sms", channel_services.settings), mimetype="text/plain")


def _number(value: str) -> int | None:
    """A row id or a report value: ASCII digits within the database's integers, else None."""
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or int(value) > MAX_ROW_ID:
        return None
    return int(value)


@bp.route("/sms/kannel/dlr", methods=["GET", "POST"])
def kannel_dlr() -> Response:
    channel_services = services()
    params = _params()
    refused = _refusal(params)
    if refused is not None:
        return refused
    outbox_id, status = _number(text_value(params, "outbox")), _number(text_value(params, "status"))
    if outbox_id is None or status not in DLR_STATUS:
        return _empty(400)
    word = DLR_STATUS[status]
    runtime = channel_services.runtime
    try:
        with runtime.sessions.begin() as session:
            message = session.get(OutboxMessage, outbox_id)
            if message is None or message.channel != "sms" or \
                    message.provider_id not in (None, provider_id_of(message.id)):
                logger.info("Kannel report %s for outbox %s: no such Kannel message", status, outbox_id)
                return _empty(200)
            was = message.status
            apply_receipt(session, message, word, error=f"kannel dlr {status}", at=runtime.clock.now())
            if message.status == "failed" and was != "failed":
                handle_permanent_failure(session, message, None, runtime.clock)
        logger.info("Kannel report %s (%s) for outbox %s", status, word, outbox_id)
    except SQLAlchemyError as error:
        logger.warning("Kannel report for outbox %s not recorded: %s", outbox_id, type(error).__name__)
        return _empty(503)
    return _empty(200)
