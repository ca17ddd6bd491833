"""Retention of message logs: outbox rows that reached a final state are deleted after
ANSINH_MESSAGE_RETENTION_DAYS (default 180), in batches, by the scheduler in every worker.
Audit rows are kept: they are the record of who was told what."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from core.models import OutboxMessage, RateCounter, SeenMessage, StateEntry

logger = logging.getLogger(__name__)
FINAL = ("sent", "delivered", "failed", "dead", "cancelled")


def purge_old_messages(sessions: sessionmaker[Session], clock, days: int, batch: int = 5000) -> int:
    """Delete final outbox rows and seen provider ids older than `days`; returns rows removed."""
    if days <= 0:
        return 0
    cutoff = clock.now() - timedelta(days=days)
    removed = 0
    while True:
        with sessions.begin() as session:
            ids = list(session.scalars(select(OutboxMessage.id).where(
                OutboxMessage.status.in_(FINAL), OutboxMessage.created_at < cutoff).limit(batch)))
            if ids:
                session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
            removed += len(ids)
        if len(ids) < batch:
            break
    with sessions.begin() as session:
        removed += session.execute(delete(SeenMessage).where(SeenMessage.at < cutoff)).rowcount or 0
        session.execute(delete(StateEntry).where(StateEntry.expires_at < clock.now()))
        # Abuse-limit windows that ended
        session.execute(delete(RateCounter).where(RateCounter.expires_at < clock.now()))
    if removed:
        logger.info("retention: removed %s message records older than %s days", removed, days)
    return removed
