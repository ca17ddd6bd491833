"""One inbound SMS answered through the outbox (not in the HTTP response), exactly once.

The turn, its answers queued in the outbox (channel "sms", keys "<provider>:<message key>:<n>")
and the provider's message id (core.storage.dedupe) commit together, so a redelivery of the same id is
answered once and a turn that did not commit queued nothing. Kannel's get-url answers every
message this way (its answers then get delivery reports); the SMS spool (ussd.sms_spool) answers
the messages it kept while the database was down this way too, whichever provider brought them.
"""
from __future__ import annotations

import logging

from core.storage.db import after_commit, database_unavailable, transaction
from core.storage.dedupe import IN_FLIGHT, AlreadyAnswered
from core.conversation.inbound_reply import Inbound, Reply
from core.outbox.writes import enqueue

logger = logging.getLogger(__name__)


def answer_by_outbox(dialog, dedupe, sessions, inbound: Inbound, *, provider: str, message_id: str,
                     key: str, recorded: str) -> bool | None:
    """True once the message is answered (now, or before: a redelivery), False while a twin
    delivery of it is still being answered, None when the database is unavailable. `recorded` is
    what the dedupe keeps as the answer to give a redelivery."""
    committed: list[bool] = []

    def queue(session, replies: list[Reply]) -> None:
        for index, reply in enumerate(r for r in replies if r.text and r.text.strip()):
            enqueue(session, channel="sms", address=inbound.sender, text=reply.text, kind="reply",
                    key=f"{provider}:{key}:{index}")
        if message_id:
            dedupe.record(session, provider, message_id, recorded)
        after_commit(session, lambda: committed.append(True))

    try:
        check = (lambda session: dedupe.check(session, provider, message_id)) if message_id else None
        replies = dialog.handle(inbound, before=check, finish=queue, raise_unavailable=True)
        if not committed:  # the turn failed for another reason and answered its apology: send that
            with transaction(sessions) as session:
                queue(session, replies)
    except AlreadyAnswered as seen:
        first = seen.response if seen.response is not None else dedupe.seen_before(provider, message_id)
        if first is None or first == IN_FLIGHT:
            return False
        logger.info("%s message %s was answered before; not answered twice", provider, message_id)
        return True
    except Exception as error:
        if database_unavailable(error):
            logger.info("%s message: the database is unavailable (%s)", provider, type(error).__name__)
            return None
        raise
    return True
