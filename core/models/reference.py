"""Reference data: administrative units, programmes, categories and standard levels.

Units are generic (code, name, type, parent) so a reform or another province is data, not code.
Codes are the official ones, zero-padded: provinces two digits ("46"), communes five ("19786").
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base


class Unit(Base):
    """A province ('tinh'/'thanh_pho') or a commune-level unit ('xa', 'phuong', 'dac_khu')."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    officer_name: Mapped[str | None] = mapped_column(String(120))
    officer_phone: Mapped[str | None] = mapped_column(String(20))
    office_address: Mapped[str | None] = mapped_column(String(255))
    pays_electronically: Mapped[bool] = mapped_column(default=False)


class FormerUnit(Base):
    """A commune-level unit from before a merger (Huế: 1 July 2025) and the unit it is part of now,
    so figures counted by the former communes (the province's 2023 report) can be told again."""

    __tablename__ = "former_units"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    successor_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    merged_on: Mapped[date]


class Programme(Base):
    """TCXH (monthly social-assistance allowance) or HTXH (social pension)."""

    __tablename__ = "programmes"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Category(Base):
    """A beneficiary category (diện đối tượng) and its coefficient (hệ số), Decree 20 Art. 6."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    programme_code: Mapped[str] = mapped_column(ForeignKey("programmes.code"))
    name: Mapped[str] = mapped_column(String(200))
    coefficient: Mapped[Decimal] = mapped_column(Numeric(4, 2))


class StandardLevel(Base):
    """Mức chuẩn: the amount one coefficient is worth from a date, nationally or in one unit."""

    __tablename__ = "standard_levels"
    __table_args__ = (UniqueConstraint("programme_code", "unit_code", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_code: Mapped[str] = mapped_column(ForeignKey("programmes.code"))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    effective_from: Mapped[date]
    amount: Mapped[int]
    legal_basis: Mapped[str | None] = mapped_column(String(120))


class ProviderAlias(Base):
    """A name officers write for a payment provider ('Viettel', 'ViettelPay', 'Bưu điện') and the
    one name it is stored and counted under ('Viettel Money'). Rows, not code, so a province can
    add its own (`ansinh provider alias`); core/imports/providers.py seeds the common ones."""

    __tablename__ = "provider_aliases"

    # core.imports.providers.alias_key(written)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    written: Mapped[str] = mapped_column(String(60))
    provider: Mapped[str] = mapped_column(String(60), index=True)
