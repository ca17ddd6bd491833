"""Beneficiaries and the people who may ask about them.

A `Person` is someone AnSinh talks to (a beneficiary themself, a guardian, an authorised person).
An `Identity` is one way to reach that person: a phone number (E.164), a Telegram chat or a Zalo
user. A `Contact` says which beneficiary a person may ask about, in which role, and whether that
link is verified and consented to.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, utcnow

ROLES = ("self", "guardian", "authorised")
IDENTITY_KINDS = ("phone", "telegram", "zalo")
CHANNELS = ("sms", "zalo", "telegram")
METHODS = ("cash", "account", "ewallet")


class Beneficiary(Base):
    __tablename__ = "beneficiaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)  # mã đối tượng
    full_name: Mapped[str] = mapped_column(String(120))
    name_ascii: Mapped[str] = mapped_column(String(120))  # lower case, no diacritics; searched by substring
    birth_date: Mapped[date | None]
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(10))  # 'nam' / 'nu'
    national_id_hash: Mapped[str | None] = mapped_column(String(64))  # never the ID itself; not looked up
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    programme_code: Mapped[str] = mapped_column(ForeignKey("programmes.code"))
    coefficient: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    monthly_amount: Mapped[int | None]
    method: Mapped[str] = mapped_column(String(10), default="cash")  # cash / account / ewallet
    provider: Mapped[str | None] = mapped_column(String(60))  # đơn vị chi trả
    account_last4: Mapped[str | None] = mapped_column(String(4))  # shown masked as …1234
    account_hash: Mapped[str | None] = mapped_column(String(64))
    has_account: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    row_hash: Mapped[str | None] = mapped_column(String(64))  # of the imported row, for idempotency
    erased_at: Mapped[datetime | None]  # left the programme: personal fields anonymised (core.privacy)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    categories: Mapped[list["BeneficiaryCategory"]] = relationship(
        back_populates="beneficiary", cascade="all, delete-orphan", lazy="selectin"
    )
    contacts: Mapped[list["Contact"]] = relationship(back_populates="beneficiary",
                                                     cascade="all, delete-orphan")

    @property
    def category_codes(self) -> list[str]:
        return [c.category_code for c in self.categories]


class BeneficiaryCategory(Base):
    __tablename__ = "beneficiary_categories"

    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"),
                                                primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), primary_key=True)

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="categories")


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    preferred_channel: Mapped[str] = mapped_column(String(10), default="sms")
    opted_out: Mapped[bool] = mapped_column(default=False)  # HUY/STOP: nothing but direct replies
    opted_out_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    identities: Mapped[list["Identity"]] = relationship(back_populates="person")
    contacts: Mapped[list["Contact"]] = relationship(back_populates="person")


class Identity(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("kind", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # phone / telegram / zalo
    address: Mapped[str] = mapped_column(String(64))  # E.164, Telegram chat id, Zalo user id
    verified: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[str | None] = mapped_column(String(30))  # on_file / contact_share / otp
    # This channel only (Zalo unfollow, Telegram block)
    opted_out: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="identities")


class Contact(Base):
    """Person P may ask about beneficiary B as `role`."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("person_id", "beneficiary_id"),  # also the index for look-ups by person
        Index("ix_contacts_beneficiary_active", "beneficiary_id", "removed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))  # self / guardian / authorised
    relation: Mapped[str | None] = mapped_column(String(40))  # quan hệ: con, cháu, …
    source: Mapped[str] = mapped_column(String(20), default="import")  # import / registration / officer
    consent: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None]
    # Sms / ussd / telegram / zalo / console / import
    consent_channel: Mapped[str | None] = mapped_column(String(20))
    # The link was ended (guardian removed, by whom: the audit log)
    consent_withdrawn_at: Mapped[datetime | None]
    consent_withdrawn_channel: Mapped[str | None] = mapped_column(String(20))
    removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="contacts")
    beneficiary: Mapped[Beneficiary] = relationship(back_populates="contacts")
