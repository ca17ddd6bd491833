"""Monthly payments (one per beneficiary and period) and cash-payment schedules."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, utcnow
from core.models.people import Beneficiary

PAYMENT_STATUSES = ("scheduled", "sent", "paid", "failed", "returned", "on_hold")


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("beneficiary_id", "period"),
        Index("ix_payments_period_status", "period", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    amount: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    method: Mapped[str | None] = mapped_column(String(10))  # cash / account / ewallet
    provider: Mapped[str | None] = mapped_column(String(60))
    paid_on: Mapped[date | None]
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(255))  # the provider's reason on failure
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    beneficiary: Mapped[Beneficiary] = relationship()


class CashSchedule(Base):
    """Cash days of one unit for one period: from/to dates, hours and place."""

    __tablename__ = "cash_schedules"
    __table_args__ = (UniqueConstraint("unit_code", "period", "start_date", "place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    method: Mapped[str] = mapped_column(String(10), default="cash")
    start_date: Mapped[date]
    end_date: Mapped[date]
    hours: Mapped[str | None] = mapped_column(String(40))  # "7h30-11h00"
    place: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
