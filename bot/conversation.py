"""What both chat adapters do with a message once parsed: ask the core, queue the answers.

Answers never go out from the request: each becomes an outbox row (kind "reply") whose
idempotency key derives from the provider's message id, so a redelivered webhook, or two web
processes racing on it, queue each answer once.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.orm import Session

from core.parts import RuntimeParts
from core.storage.db import transaction
from core.conversation.inbound_reply import Inbound, Reply
from core.outbox.writes import enqueue

logger = logging.getLogger(__name__)

Outgoing = tuple[str, "dict[str, Any] | None"]  # (text, buttons: the outbox row's `buttons`, bot.keyboards)


def encodable(payload: Any) -> bool:
    """Every string in a parsed JSON body is valid Unicode: JSON's "\\ud800" escape gives a lone
    surrogate, which no database driver can store, so such a body is refused at the edge."""
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError):
        return False
    return True


def ask_dialog(runtime: RuntimeParts, inbound: Inbound) -> list[Reply]:
    """One turn through core.conversation.dialog (free text, keywords, registration, opt-out)."""
    return runtime.dialog.handle(inbound)


def queue_replies(session: Session, channel: str, address: str, outgoing: list[Outgoing], key: str,
                  person_id: int | None = None) -> int:
    """Queue answers in order; returns how many were new."""
    queued = 0
    for index, (text, markup) in enumerate(outgoing):
        if not text or not text.strip():
            continue
        row = enqueue(session, channel=channel, address=address, text=text, buttons=markup, kind="reply",
                      key=f"{key}:{index}", person_id=person_id)
        queued += row is not None
    return queued


def queue_in_transaction(runtime: RuntimeParts, channel: str, address: str, outgoing: list[Outgoing],
                         key: str) -> int:
    with transaction(runtime.sessions) as session:
        return queue_replies(session, channel, address, outgoing, key)

