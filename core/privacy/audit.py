"""The disclosure log: every time AnSinh tells someone a beneficiary's personal data, a row says
who was told what, on which channel (Law 91/2025 asks that disclosures can be accounted for).

Rows wait on the session and are written by one INSERT just before it commits or reads again
(listeners on every Session): with the answer or not at all, and without the ORM's unit of
work, which cost a webhook turn more than the rest of its writes together."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from core.storage.db import ALONE
from core.models import AuditLog, utcnow
from core.storage.prepared import Prepared
from core.storage.turn_connection import connection_of

logger = logging.getLogger(__name__)

_PENDING = "ansinh.audit_rows"
_COLUMNS = ("at", "actor", "action", "beneficiary_id", "channel", "detail")
_INSERT = Prepared(insert(AuditLog.__table__), _COLUMNS)
# PostgreSQL may run it without BEGIN (core.storage.pg_writes)
_INSERT_ALONE = Prepared(insert(AuditLog.__table__).prefix_with(ALONE), _COLUMNS)


def record_disclosure(
    session: Session,
    actor: str,
    action: str,
    beneficiary_id: int | None,
    channel: str | None,
    detail: dict | None = None,
    at: datetime | None = None,
) -> None:
    """Add one audit row to the caller's transaction: it commits with the answer or not at all."""
    session.info.setdefault(_PENDING, []).append({
        "at": at or utcnow(), "actor": actor[:80], "action": action[:40], "beneficiary_id": beneficiary_id,
        "channel": channel, "detail": detail or {}})
    logger.debug("disclosure %s of beneficiary %s on %s", action, beneficiary_id, channel)


def write_pending(session: Session, committing: bool = False) -> None:
    """Write the rows recorded so far (before a commit, or before reading the log back). One row
    that is all its commit still writes (no ORM changes to flush after it) may run alone, without
    BEGIN and COMMIT (core.storage.db.lazy_begin_sessions); it is atomic by itself."""
    rows = session.info.pop(_PENDING, None)
    if rows:
        alone = committing and len(rows) == 1 and not (session.new or session.dirty or session.deleted)
        (_INSERT_ALONE if alone else _INSERT).run(connection_of(session), rows[0] if len(rows) == 1 else rows)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write_pending(session, committing=True)


@event.listens_for(Session, "do_orm_execute")
def _before_reading(state) -> None:
    """Read-your-writes, as the ORM's autoflush gave: a query in the same transaction sees them."""
    if state.is_select and state.session.info.get(_PENDING):
        write_pending(state.session)


def drop_pending(session: Session) -> None:
    """Rows of a transaction rolled back or closed unfinished are dropped with it."""
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        drop_pending(session)
