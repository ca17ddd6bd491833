"""Opening the not_received complaint that a "chưa" answer to a receipt question files."""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from core.clock import Clock
from core.models import Beneficiary, Complaint, ComplaintEvent, Payment

logger = logging.getLogger(__name__)


def open_not_received(session: Session, beneficiary: Beneficiary, payment: Payment, person_id: int,
                      channel: str,
                      reply_to: str | None, clock: Clock, text: str) -> Complaint:
    """A new ticket PA-{year}-{id:06d} for the beneficiary's commune officer."""
    now = clock.now()
    complaint = Complaint(beneficiary_id=beneficiary.id, person_id=person_id, unit_code=beneficiary.unit_code,
                          category="not_received", text=text, channel=channel, reply_to=reply_to,
                          status="new",
                          period=payment.period, created_at=now, updated_at=now)
    session.add(complaint)
    session.flush()
    complaint.number = f"PA-{now.astimezone(clock.tz).year}-{complaint.id:06d}"
    session.add(ComplaintEvent(complaint=complaint, at=now, actor=f"{channel}:person:{person_id}",
                               action="created",
                               note="receipt question answered: not received"))
    session.flush()
    logger.info("complaint %s opened from a receipt answer", complaint.number)
    return complaint
