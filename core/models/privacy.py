"""What AnSinh remembers about an erasure: no name, no code, no phone, only a keyed hash of the
erased beneficiary code or phone number, so a later import can recognise it (core.privacy)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow

ERASURE_KINDS = ("beneficiary", "person")


class Erasure(Base):
    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # beneficiary / person
    subject_hash: Mapped[str] = mapped_column(String(64), index=True)  # hash_identifier(code or E.164 phone)
    unit_code: Mapped[str | None] = mapped_column(String(10))  # where the beneficiary was listed
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)
