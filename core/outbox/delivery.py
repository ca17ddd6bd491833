"""What a permanent delivery failure means for the person: a chat that blocked us is an opt-out
for that channel; the message falls back to SMS when the person has a phone on file."""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Identity, OutboxMessage
from core.outbox.writes import enqueue

logger = logging.getLogger(__name__)
CHAT_CHANNELS = ("telegram", "zalo")


def handle_permanent_failure(session: Session, message: OutboxMessage, error, clock) -> None:
    if message.channel not in CHAT_CHANNELS:
        return
    identity = session.scalar(select(Identity).where(Identity.kind == message.channel,
                                                     Identity.address == message.address))
    if identity is not None and getattr(error, "opt_out", False):
        identity.opted_out = True
    if message.kind in ("notification", "broadcast") and identity is not None:
        phone = session.scalar(
            select(Identity).where(Identity.person_id == identity.person_id, Identity.kind == "phone",
                                   Identity.verified.is_(True))
        )
        if phone is not None and not phone.opted_out:
            enqueue(session, channel="sms", address=phone.address, text=message.text, kind=message.kind,
                    key=f"{message.idempotency_key}:fallback-sms", person_id=message.person_id,
                    beneficiary_id=message.beneficiary_id, payment_id=message.payment_id, ref=message.ref)
