"""The disclosure log: every time AnSinh tells someone a beneficiary's personal data, a row says
who was told what, on which channel (Law 91/2025 asks that disclosures can be accounted for)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from core.models import AuditLog

logger = logging.getLogger(__name__)


def record_disclosure(
    session: Session,
    actor: str,
    action: str,
    beneficiary_id: int | None,
    channel: str | None,
    detail: dict | None = None,
    at: datetime | None = None,
) -> AuditLog:
    """Add one audit row in the caller's transaction: it commits with the answer or not at all."""
    row = AuditLog(actor=actor[:80], action=action[:40], beneficiary_id=beneficiary_id, channel=channel, detail=detail or {})
    if at is not None:
        row.at = at
    session.add(row)
    logger.debug("disclosure %s of beneficiary %s on %s", action, beneficiary_id, channel)
    return row
