"""Writing to the outbox and reading provider receipts back into it.

`enqueue` is called inside the transaction of the change that causes the message, so the message
exists exactly when the change does. The idempotency key makes a second enqueue a no-op.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.counting import count
from core.models import OutboxMessage, utcnow
from core.models.outbox import PRIORITY_BULK, PRIORITY_NOTIFICATION, PRIORITY_OTP, PRIORITY_REPLY

logger = logging.getLogger(__name__)

KINDS = ("reply", "otp", "notification", "broadcast")
DEFAULT_PRIORITY = {"reply": PRIORITY_REPLY, "otp": PRIORITY_OTP, "notification": PRIORITY_NOTIFICATION,
                    "broadcast": PRIORITY_BULK}
# Kinds that go out even in quiet hours and to people who opted out: a person is waiting for them.
DIRECT_KINDS = frozenset({"reply", "otp"})


def enqueue(
    session: Session,
    *,
    channel: str,
    address: str,
    text: str,
    kind: str,
    key: str,
    buttons: dict | None = None,
    priority: int | None = None,
    not_before: datetime | None = None,
    person_id: int | None = None,
    beneficiary_id: int | None = None,
    payment_id: int | None = None,
    ref: str | None = None,
) -> OutboxMessage | None:
    """Add a message unless one with the same idempotency key exists; returns None in that case."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)) is not None:
        return None
    message = OutboxMessage(
        idempotency_key=key,
        channel=channel,
        address=address,
        text=text,
        buttons=buttons,
        kind=kind,
        priority=DEFAULT_PRIORITY[kind] if priority is None else priority,
        not_before=not_before,
        person_id=person_id,
        beneficiary_id=beneficiary_id,
        payment_id=payment_id,
        ref=ref,
    )
    try:
        with session.begin_nested():  # a concurrent writer with the same key loses quietly
            session.add(message)
            session.flush()
    except IntegrityError:
        logger.info("outbox key %s already present", key)
        return None
    return message


# Provider delivery states, mapped to ours.
_RECEIPT_STATUS = {
    "delivered": "delivered", "read": "delivered", "received": "delivered", "seen": "delivered",
    "sent": "sent", "queued": "sent", "accepted": "sent", "sending": "sent", "scheduled": "sent",
    "failed": "failed", "undelivered": "failed", "canceled": "failed", "rejected": "failed",
}


def record_receipt(session: Session, provider_id: str, provider_status: str, error: str | None = None,
                   at: datetime | None = None) -> OutboxMessage | None:
    """Apply a delivery receipt; a late 'sent' never downgrades 'delivered'. Unknown ids are ignored."""
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    return apply_receipt(session, message, provider_status, error, at) if message is not None else None


def apply_receipt(session: Session, message: OutboxMessage, provider_status: str, error: str | None = None,
                  at: datetime | None = None) -> OutboxMessage | None:
    """A receipt for a row already found (by the outbox id a provider echoes back); None if unknown.

    Two reports for one message can arrive at once (Kannel sends "accepted" and "delivered" within
    a millisecond): each is one conditional UPDATE, so the order of commits, not the order of
    reads, decides, and "delivered" is never overwritten by a report read before it landed.
    """
    status = _RECEIPT_STATUS.get((provider_status or "").strip().lower())
    if status is None:
        return None
    count("receipt", channel=message.channel, status=status)
    row = update(OutboxMessage).where(OutboxMessage.id == message.id)
    if status == "delivered":
        row = row.values(status="delivered", delivered_at=at or utcnow())
    elif status == "failed":
        row = row.where(OutboxMessage.status != "delivered").values(status="failed",
                                                                    last_error=error or provider_status)
    else:
        row = row.where(OutboxMessage.status.in_(("queued", "sending"))).values(status="sent")
    session.execute(row.execution_options(synchronize_session=False))
    session.refresh(message)
    return message
