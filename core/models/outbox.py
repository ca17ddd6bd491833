"""The outbox: every message that leaves AnSinh is first a row here, written in the same
transaction as its cause, then claimed, sent and tracked by a dispatcher."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow

# Cancelled: erased
OUTBOX_STATUSES = ("queued", "sending", "sent", "delivered", "failed", "dead", "cancelled")
# Lower number goes first: a waiting person before notifications before bulk announcements.
PRIORITY_REPLY, PRIORITY_OTP, PRIORITY_NOTIFICATION, PRIORITY_BULK = 0, 0, 5, 9


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "priority", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms / telegram / zalo / zns
    address: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    # A chat reply's keyboard (bot.keyboards), None for plain text
    buttons: Mapped[dict | None] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(20))  # reply / otp / notification / broadcast
    priority: Mapped[int] = mapped_column(default=PRIORITY_NOTIFICATION)
    not_before: Mapped[datetime | None]  # None: as soon as possible
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    provider_id: Mapped[str | None] = mapped_column(String(128), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiaries.id", ondelete="SET NULL"),
                                                       index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="SET NULL"), index=True)
    ref: Mapped[str | None] = mapped_column(String(60), index=True)  # e.g. "broadcast:12"
    topic: Mapped[str | None] = mapped_column(String(30), index=True)  # core.notify.channels.TOPICS
    template_data: Mapped[str | None] = mapped_column(Text)  # zns: JSON {"template_id", "template_data"}
    fallback_of: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class ProviderToken(Base):
    """Provider credentials that rotate (Zalo's single-use refresh token) live here, not in memory."""

    __tablename__ = "provider_tokens"

    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
