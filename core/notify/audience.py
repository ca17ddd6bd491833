"""Who a cash schedule concerns: active beneficiaries of the unit paid in cash whose payment for
the period is not settled yet (no payment row yet counts as not settled)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Beneficiary, Payment

UNSETTLED = ("scheduled", "sent")


def unpaid_cash(session: Session, unit_code: str, period: str) -> list[tuple[Beneficiary, Payment | None]]:
    """(beneficiary, their payment for the period or None), in beneficiary order."""
    query = (
        select(Beneficiary, Payment)
        .outerjoin(Payment, (Payment.beneficiary_id == Beneficiary.id) & (Payment.period == period))
        .where(Beneficiary.unit_code == unit_code, Beneficiary.active.is_(True))
        .order_by(Beneficiary.id)
    )
    chosen = []
    for beneficiary, payment in session.execute(query):
        method = (payment.method if payment is not None and payment.method else None) or beneficiary.method
        if method != "cash":
            continue
        if payment is not None and payment.status not in UNSETTLED:
            continue
        chosen.append((beneficiary, payment))
    return chosen
