"""One inbound SMS answered through the outbox (not in the HTTP response), exactly once.

Dialog.answer with an `outbox_key` queues the turn's answers in the outbox (channel "sms", keys
"<provider>:<message key>:<n>") and records the provider's message id (core.storage.dedupe) in
the turn's transaction, so a redelivery of the same id is answered once and a turn that did not
commit queued nothing. Kannel's get-url answers every message this way (its answers then get
delivery reports); the SMS spool (ussd.sms_spool) answers the messages it kept while the
database was down this way too, whichever provider brought them; so does SMPP's SMS.
"""
from __future__ import annotations

import logging

from core.conversation.dialog import queue_replies
from core.conversation.inbound_reply import Inbound
from core.storage.db import database_unavailable, transaction

logger = logging.getLogger(__name__)


def answer_by_outbox(dialog, sessions, inbound: Inbound, *, provider: str, key: str) -> bool | None:
    """True once the message is answered (now, or before: a redelivery), False while a twin
    delivery of it is still being answered, None when the database is unavailable."""
    outbox_key = f"{provider}:{key}"
    try:
        result = dialog.answer(inbound, raise_unavailable=True, outbox_key=outbox_key)
        if result.in_flight:
            return False  # a redelivery is being answered right now: look again next time
        if result.repeated:
            logger.info("%s message %s was answered before; not answered twice", provider, key)
        elif not result.committed:  # the turn failed for another reason and answered its apology: send that
            with transaction(sessions) as session:
                queue_replies(session, inbound, result.replies, outbox_key)
    except Exception as error:
        if database_unavailable(error):
            logger.info("%s message: the database is unavailable (%s)", provider, type(error).__name__)
            return None
        raise
    return True
