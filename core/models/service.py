"""Service records: complaints, the disclosure audit log, one-time codes, seen provider ids and
small expiring state (USSD menu position, conversation step) for the database store."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, utcnow

COMPLAINT_STATUSES = ("new", "in_progress", "resolved")


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)  # PA-2026-000123
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiaries.id", ondelete="SET NULL"),
                                                       index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    category: Mapped[str] = mapped_column(String(30))  # not_received, short_paid, fees, scam, change, other
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(12))
    reply_to: Mapped[str | None] = mapped_column(String(64))  # the identity address that filed it
    status: Mapped[str] = mapped_column(String(12), default="new")
    officer: Mapped[str | None] = mapped_column(String(60))
    period: Mapped[str | None] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id", cascade="all, delete-orphan"
    )


class ComplaintEvent(Base):
    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(30))  # created, assigned, replied, resolved
    note: Mapped[str | None] = mapped_column(Text)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class AuditLog(Base):
    """One row per disclosure of personal data and per officer action."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_beneficiary_at", "beneficiary_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))  # "sms:+8491…", "officer:lan"
    action: Mapped[str] = mapped_column(String(40))  # disclose.payment_status, import.payments, …
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiaries.id", ondelete="SET NULL"))
    channel: Mapped[str | None] = mapped_column(String(12))
    detail: Mapped[dict | None] = mapped_column(JSON)


class OtpChallenge(Base):
    """A one-time code that links an identity to a beneficiary once confirmed."""

    __tablename__ = "otp_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_kind: Mapped[str] = mapped_column(String(10))
    identity_address: Mapped[str] = mapped_column(String(64), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))
    sent_to: Mapped[str] = mapped_column(String(20))  # E.164 phone on file the code went to
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeenMessage(Base):
    """Provider message ids already handled, so a redelivery has no second effect."""

    __tablename__ = "seen_messages"
    __table_args__ = (UniqueConstraint("provider", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str] = mapped_column(String(128))
    response: Mapped[str | None] = mapped_column(Text)  # what was answered the first time
    at: Mapped[datetime] = mapped_column(default=utcnow)


class StateEntry(Base):
    """Expiring key/value state for the embedded (database) store."""

    __tablename__ = "state_entries"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RateCounter(Base):
    """Fixed-window counters for abuse limits when Redis is not configured."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)
