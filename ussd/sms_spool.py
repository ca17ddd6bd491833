"""SMS that arrive while the database is down: kept on disk, answered once it is back.

Twilio does not deliver an inbound message again: after an error or a timeout it calls the
number's fallback URL once, then gives up. So when the database cannot take a signed message, the
webhook keeps it in a spool (core.storage.spool, in settings.sms_spool_dir) under its MessageSid and tells
the person that the answer will come. Kannel's get-url (ussd.kannel) keeps its messages here too,
under their SMSC id, with "provider": "kannel". `drain_sms_spool` later runs each kept message through the
conversation as the webhook would have, in one transaction with its MessageSid (core.storage.dedupe) and
its answers queued in the outbox, which sends them by SMS. So a message is answered once, even if
Twilio's fallback delivers it again, or two processes drain the same folder.

Who drains: the dispatcher loop (the one `ansinh serve` runs, and every `ansinh worker`), `ansinh
worker --once`, and a web process after an SMS webhook that found the database up again (after its
response has gone), for web hosts that run no dispatcher of their own.
"""
from __future__ import annotations

import logging
import uuid
from functools import lru_cache

from core.conversation.inbound_reply import Inbound
from core.storage.spool import FileSpool, SpooledMessage
from ussd.outbox_answer import answer_by_outbox

logger = logging.getLogger(__name__)
PROVIDER = "twilio"
BATCH = 50  # messages per drain; the next call takes the rest


def spool_of(settings) -> FileSpool:
    """The spool of settings.sms_spool_dir (every SMS webhook asks it whether anything waits)."""
    return _spool(str(settings.sms_spool_dir))


@lru_cache(maxsize=8)
def _spool(directory: str) -> FileSpool:
    return FileSpool(directory)  # holds nothing but its folder


def keep_for_later(settings, inbound: Inbound, received_at: str) -> bool:
    """Write the message to the spool (durably); False when its MessageSid was already waiting."""
    sid = str(inbound.provider_meta.get("message_sid") or "")
    provider = str(inbound.provider_meta.get("provider") or PROVIDER)
    key = sid or f"no-sid-{uuid.uuid4().hex}"
    record = {"provider": provider, "message_sid": sid, "key": key, "sender": inbound.sender,
              "text": inbound.text, "to": str(inbound.provider_meta.get("to") or ""),
              "received_at": received_at}
    return spool_of(settings).put(f"{provider}:{key}", record)


def drain_sms_spool(runtime, limit: int = BATCH) -> int:  # runtime: ansinh.runtime.Runtime
    """Answer the oldest kept messages; returns how many were settled. Stops at the first sign
    that the database is still down (the rest wait for the next call); never raises."""
    spool = spool_of(runtime.settings)
    if not spool.has_pending():
        return 0
    settled = 0
    try:
        with spool.draining() as mine:
            if not mine:
                return 0
            for message in spool.pending(limit):
                answered = _answer(runtime, message)
                if answered is None:  # the database is still down: the rest wait too
                    break
                if answered:
                    spool.remove(message)
                    settled += 1
    except Exception:  # the caller is a loop or a finished request: log, and try again later
        logger.exception("draining the SMS spool failed; the messages stay for the next try")
    if settled:
        logger.info("answered %d SMS kept while the database was down", settled)
    return settled


def _answer(runtime, message: SpooledMessage) -> bool | None:
    """One kept message through the conversation: True once it is answered (now or before),
    False while a redelivery of it is being answered, None when the database is still down."""
    record = message.record
    provider = record.get("provider") or PROVIDER
    sid, key = record.get("message_sid") or "", record.get("key") or message.path.stem
    inbound = Inbound(channel="sms", sender=record["sender"], text=record.get("text") or "", session_id=None,
                      provider_meta={"provider": provider, "message_sid": sid, "to": record.get("to", "")})
    return answer_by_outbox(runtime.dialog, runtime.sessions, inbound, provider=provider, key=key)
