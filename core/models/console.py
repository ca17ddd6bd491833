"""Officers, their broadcasts, and receipt confirmations asked of beneficiaries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow

OFFICER_ROLES = ("commune", "province")
BROADCAST_STATUSES = ("pending_approval", "approved", "sending", "done", "rejected", "cancelled")


class Officer(Base):
    """A console account: a commune officer acts on one unit, a province administrator on all."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2
    role: Mapped[str] = mapped_column(String(12))  # commune / province
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    active: Mapped[bool] = mapped_column(default=True)
    # Carried in the cookie; +1 ends all
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Broadcast(Base):
    """An officer's announcement to a filtered audience; sent only after a second officer approves."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    text: Mapped[str] = mapped_column(Text)
    filters: Mapped[dict] = mapped_column(JSON)  # units, categories, method, status, period, channel
    scheduled_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="pending_approval")
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    approved_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReceiptCheck(Base):
    """"Đã nhận được tiền tháng 11 chưa?" asked once per payment and person, and the answer."""

    __tablename__ = "receipt_checks"
    __table_args__ = (UniqueConstraint("payment_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(12))  # received / not_received
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id", ondelete="SET NULL"))
