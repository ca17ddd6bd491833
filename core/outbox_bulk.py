"""Writing many outbox rows at once: a province-wide broadcast is 80,000 messages, written as
multi-row INSERTs that skip any idempotency key already present (so a repeated fan-out, or two
approvals racing, enqueue each message once)."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import OutboxMessage, utcnow
from core.outbox import DEFAULT_PRIORITY, KINDS

logger = logging.getLogger(__name__)
CHUNK = 5000  # rows per executemany batch
_COLUMNS = ("idempotency_key", "channel", "address", "text", "kind", "priority", "not_before", "status",
            "attempts", "person_id", "beneficiary_id", "payment_id", "ref", "created_at")


def _insert_ignoring_duplicates(session: Session):
    table = OutboxMessage.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
    raise NotImplementedError(f"enqueue_many does not support {dialect}")


def enqueue_many(session: Session, rows: Sequence[dict]) -> int:
    """Insert outbox rows (dicts with at least idempotency_key, channel, address, text, kind);
    returns how many were new. Runs in the caller's transaction."""
    if not rows:
        return 0
    now = utcnow()
    prepared = []
    for row in rows:
        kind = row["kind"]
        if kind not in KINDS:
            raise ValueError(f"unknown outbox kind {kind!r}")
        full = {column: row.get(column) for column in _COLUMNS}
        full["priority"] = DEFAULT_PRIORITY[kind] if row.get("priority") is None else row["priority"]
        full["status"] = "queued"
        full["attempts"] = 0
        full["created_at"] = row.get("created_at") or now
        prepared.append(full)
    statement = _insert_ignoring_duplicates(session)
    statement = statement.returning(OutboxMessage.__table__.c.id)
    added = 0
    for start in range(0, len(prepared), CHUNK):
        # One INSERT with many rows (SQLAlchemy's "insertmanyvalues"); RETURNING names only the
        # rows written, so keys skipped by ON CONFLICT are not counted.
        added += len(session.execute(statement, prepared[start:start + CHUNK]).all())
    logger.info("enqueued %d of %d rows", added, len(prepared))
    return added
