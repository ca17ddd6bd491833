"""Writing many outbox rows at once: a province-wide broadcast is 80,000 messages, written as
multi-row INSERTs that skip any idempotency key already present (so a repeated fan-out, or two
approvals racing, enqueue each message once)."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from core.models import OutboxMessage, utcnow
from core.outbox import DEFAULT_PRIORITY, KINDS

logger = logging.getLogger(__name__)
CHUNK = 5000  # rows per INSERT statement
_COLUMNS = ("idempotency_key", "channel", "address", "text", "kind", "priority", "not_before", "status",
            "attempts", "person_id", "beneficiary_id", "payment_id", "ref", "created_at")


_PG_TYPES = {"priority": "integer", "attempts": "integer", "person_id": "integer", "beneficiary_id": "integer",
             "payment_id": "integer", "not_before": "timestamptz", "created_at": "timestamptz", "text": "text"}
_PG_INSERT = text(
    f"INSERT INTO outbox ({', '.join(_COLUMNS)}) SELECT * FROM unnest("
    + ", ".join(f"CAST(:{c} AS {_PG_TYPES.get(c, 'varchar')}[])" for c in _COLUMNS)
    + ") ON CONFLICT (idempotency_key) DO NOTHING"
)


def _insert_postgresql(session: Session, rows: list[dict]) -> int:
    """One INSERT … SELECT FROM unnest(arrays): a single statement per chunk, its rowcount exact."""
    return session.execute(_PG_INSERT, {c: [row[c] for row in rows] for c in _COLUMNS}).rowcount


def _insert_sqlite(session: Session, rows: list[dict]) -> int:
    """Multi-row INSERTs (SQLAlchemy's "insertmanyvalues"); RETURNING names only the rows written."""
    table = OutboxMessage.__table__
    statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(table.c.id)
    return len(session.execute(statement, rows).all())


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
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"enqueue_many does not support {dialect}")
    insert_chunk = _insert_postgresql if dialect == "postgresql" else _insert_sqlite
    added = 0
    for start in range(0, len(prepared), CHUNK):
        added += max(insert_chunk(session, prepared[start:start + CHUNK]), 0)
    logger.info("enqueued %d of %d rows", added, len(prepared))
    return added
