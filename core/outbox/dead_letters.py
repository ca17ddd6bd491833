"""Dead letters: outbox rows the dispatcher gave up on after its retries (provider timeouts, 5xx),
shown to the officers of the unit they concern and sent again one at a time on request.

A row belongs to a unit through its beneficiary, or, when it names none, through the person's
contacts; rows tied to nobody are seen only by officers who cover every unit. What is shown is
enough to recognise the message and decide, not to read it: the recipient masked, the text cut
short with its digits hidden (amounts, dates, codes), and one-time codes never (they expired
anyway, so they are not sent again either)."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.models import Beneficiary, Contact, OutboxMessage
from core.phones import mask_phone

logger = logging.getLogger(__name__)

DEAD = "dead"
PREVIEW_CHARS = 48
_LONG_NUMBER = re.compile(r"\+?\d{6,}")


@dataclass(frozen=True)
class DeadLetter:
    id: int
    channel: str
    recipient: str  # masked
    kind: str
    attempts: int
    last_error: str  # digits of numbers masked
    created_at: datetime
    preview: str  # "" for one-time codes
    beneficiary_code: str | None
    unit_code: str | None
    ref: str | None

    @property
    def can_retry(self) -> bool:
        return self.kind != "otp"


def _scope(codes: list[str] | None):
    """The rows an officer acting on `codes` may see (None: every unit, every row)."""
    if codes is None:
        return None
    of_units = select(Beneficiary.id).where(Beneficiary.unit_code.in_(codes))
    contacts_in_units = (select(Contact.person_id).join(Beneficiary, Beneficiary.id == Contact.beneficiary_id)
                         .where(Beneficiary.unit_code.in_(codes)))
    return or_(OutboxMessage.beneficiary_id.in_(of_units),
               and_(OutboxMessage.beneficiary_id.is_(None), OutboxMessage.person_id.in_(contacts_in_units)))


def mask_numbers(text: str | None) -> str:
    """Digit runs of 6 or more (phones, accounts, codes; not error codes like 20503) become '…' plus at most
    their last 4 digits."""
    def masked(match: re.Match) -> str:
        digits = match.group(0).lstrip("+")
        return "…" + digits[-4:] if len(digits) >= 9 else "…"
    return _LONG_NUMBER.sub(masked, text or "")


def preview(message: OutboxMessage) -> str:
    if message.kind == "otp":
        return ""
    text = re.sub(r"\d", "•", message.text or "")
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS].rstrip() + "…"


def count_dead(session: Session, codes: list[str] | None) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == DEAD)
    scope = _scope(codes)
    return session.scalar(query if scope is None else query.where(scope)) or 0


def list_dead(session: Session, codes: list[str] | None, limit: int = 200) -> list[DeadLetter]:
    """The newest dead rows in scope, for the console."""
    query = (select(OutboxMessage, Beneficiary.code, Beneficiary.unit_code)
             .outerjoin(Beneficiary, Beneficiary.id == OutboxMessage.beneficiary_id)
             .where(OutboxMessage.status == DEAD))
    scope = _scope(codes)
    if scope is not None:
        query = query.where(scope)
    rows = session.execute(query.order_by(OutboxMessage.id.desc()).limit(limit)).all()
    return [DeadLetter(id=m.id, channel=m.channel, recipient=mask_phone(m.address), kind=m.kind,
                       attempts=m.attempts,
                       last_error=mask_numbers(m.last_error)[:300], created_at=m.created_at,
                       preview=preview(m),
                       beneficiary_code=code, unit_code=unit, ref=m.ref)
            for m, code, unit in rows]


def in_scope(session: Session, message: OutboxMessage, codes: list[str] | None) -> bool:
    scope = _scope(codes)
    return scope is None or session.scalar(select(OutboxMessage.id).where(OutboxMessage.id == message.id,
                                                                          scope)) is not None


REQUEUED, NOT_DEAD, ONE_TIME_CODE = "requeued", "not_dead", "one_time_code"


def requeue(session: Session, message: OutboxMessage) -> str:
    """Put a dead row back in the queue with fresh attempts (the last error stays for reference)."""
    if message.status != DEAD:
        return NOT_DEAD
    if message.kind == "otp":
        return ONE_TIME_CODE  # expired after 5 minutes: the person asks for a new one
    message.status, message.attempts, message.not_before = "queued", 0, None
    message.claimed_by, message.claimed_until = None, None
    session.flush()
    logger.info("dead outbox %s requeued", message.id)
    return REQUEUED
