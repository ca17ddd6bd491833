"""How far behind the outbox is: messages waiting per channel and how long the oldest due one has
waited. Read by the metrics at each scrape and by /readyz, so both say the same."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import OutboxMessage

WAITING = ("queued", "sending")


def waiting_per_channel(session: Session) -> dict[str, int]:
    """Messages not yet handed to a provider (queued, or claimed by a worker), per channel."""
    rows = session.execute(select(OutboxMessage.channel,
                                  func.count()).where(OutboxMessage.status.in_(WAITING))
                           .group_by(OutboxMessage.channel))
    return {channel: total for channel, total in rows}


def oldest_due_age(session: Session, now: datetime) -> dict[str, float]:
    """Seconds since the oldest queued message of each channel became due (its `not_before`, or
    when it was queued); messages held for later (quiet hours, a retry's backoff) are not due yet."""
    due_since: dict[str, datetime] = {}
    queued = OutboxMessage.status == "queued"
    for column, due in ((OutboxMessage.created_at, OutboxMessage.not_before.is_(None)),
                        (OutboxMessage.not_before, OutboxMessage.not_before <= now)):
        rows = session.execute(select(OutboxMessage.channel, func.min(column)).where(queued, due)
                               .group_by(OutboxMessage.channel))
        for channel, since in rows:
            if since is not None and (channel not in due_since or since < due_since[channel]):
                due_since[channel] = since
    return {channel: max(0.0, (now - since).total_seconds()) for channel, since in due_since.items()}
