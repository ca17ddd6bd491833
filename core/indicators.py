"""The province's e-payment indicators (DOMAIN.md, the November 2023 report), computed live:
units paying electronically, beneficiaries with an account opened, and beneficiaries paid through
an account (status paid, method account or e-wallet) in a period; by provider and by unit, plus
the trend over periods.

Denominators are today's active beneficiaries of the units in scope, as in the province's report
("60,738 beneficiaries … 48,247 with accounts; 33,054 paid through an account"). A unit pays
electronically when someone there was paid through an account in the period; for a period with
no payment data yet, the unit's own flag (`Unit.pays_electronically`) stands in.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.models import Beneficiary, Payment, Unit

logger = logging.getLogger(__name__)
ELECTRONIC = ("account", "ewallet")


@dataclass
class Row:
    key: str
    label: str
    beneficiaries: int = 0
    with_account: int = 0
    paid_electronic: int = 0

    @property
    def account_share(self) -> float:
        return self.with_account / self.beneficiaries if self.beneficiaries else 0.0

    @property
    def paid_share(self) -> float:
        return self.paid_electronic / self.beneficiaries if self.beneficiaries else 0.0


@dataclass
class Indicators:
    period: str
    units_total: int = 0
    units_electronic: int = 0
    total: Row = field(default_factory=lambda: Row("*", ""))
    by_provider: list[Row] = field(default_factory=list)
    by_unit: list[Row] = field(default_factory=list)
    electronic_units: set[str] = field(default_factory=set)

    @property
    def units_share(self) -> float:
        return self.units_electronic / self.units_total if self.units_total else 0.0


def _scoped(query, unit_codes: list[str] | None):
    return query if unit_codes is None else query.where(Beneficiary.unit_code.in_(unit_codes))


def compute(session: Session, period: str, unit_codes: list[str] | None = None, no_provider: str = "") -> Indicators:
    """The indicators for `period` over `unit_codes` (None: every unit)."""
    result = Indicators(period=period)
    has_account = func.sum(case((Beneficiary.has_account.is_(True), 1), else_=0))
    people = _scoped(
        select(Beneficiary.unit_code, Beneficiary.provider, func.count(), has_account)
        .where(Beneficiary.active.is_(True)).group_by(Beneficiary.unit_code, Beneficiary.provider), unit_codes)
    paid = _scoped(
        select(Beneficiary.unit_code, Beneficiary.provider, func.count())
        .join(Payment, Payment.beneficiary_id == Beneficiary.id)
        .where(Beneficiary.active.is_(True), Payment.period == period, Payment.status == "paid",
               Payment.method.in_(ELECTRONIC))
        .group_by(Beneficiary.unit_code, Beneficiary.provider), unit_codes)
    with_payments = set(session.scalars(_scoped(
        select(Beneficiary.unit_code).join(Payment, Payment.beneficiary_id == Beneficiary.id)
        .where(Payment.period == period).distinct(), unit_codes)))
    units: dict[str, Row] = {}
    providers: dict[str, Row] = {}
    for unit_code, provider, count, accounts in session.execute(people):
        for bucket, key in ((units, unit_code), (providers, provider or no_provider)):
            row = bucket.setdefault(key, Row(key, key))
            row.beneficiaries += count
            row.with_account += int(accounts or 0)
    for unit_code, provider, count in session.execute(paid):
        for bucket, key in ((units, unit_code), (providers, provider or no_provider)):
            bucket.setdefault(key, Row(key, key)).paid_electronic += count
    names = dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(list(units)))).all())
    flags = dict(session.execute(select(Unit.code, Unit.pays_electronically).where(Unit.code.in_(list(units)))).all())
    for code, row in units.items():
        row.label = names.get(code, code)
        if row.paid_electronic or (code not in with_payments and flags.get(code)):
            result.electronic_units.add(code)
    result.by_unit = sorted(units.values(), key=lambda r: r.label)
    result.by_provider = sorted(providers.values(), key=lambda r: (-r.beneficiaries, r.label))
    result.units_total = len(units)
    result.units_electronic = len(result.electronic_units)
    total = result.total
    for row in result.by_unit:
        total.beneficiaries += row.beneficiaries
        total.with_account += row.with_account
        total.paid_electronic += row.paid_electronic
    return result


def periods(session: Session, unit_codes: list[str] | None = None) -> list[str]:
    """Periods with payment data, oldest first."""
    query = select(Payment.period).distinct()
    if unit_codes is not None:
        query = query.join(Beneficiary, Beneficiary.id == Payment.beneficiary_id).where(Beneficiary.unit_code.in_(unit_codes))
    return sorted(session.scalars(query))


@dataclass(frozen=True)
class TrendPoint:
    period: str
    paid_electronic: int
    paid_total: int
    beneficiaries: int

    @property
    def paid_share(self) -> float:
        return self.paid_electronic / self.beneficiaries if self.beneficiaries else 0.0


def trend(session: Session, unit_codes: list[str] | None = None, last: int = 12) -> list[TrendPoint]:
    """Paid through an account, per period, for the `last` periods with payment data."""
    beneficiaries = session.scalar(_scoped(select(func.count()).select_from(Beneficiary)
                                           .where(Beneficiary.active.is_(True)), unit_codes)) or 0
    electronic = func.sum(case((Payment.method.in_(ELECTRONIC), 1), else_=0))
    query = _scoped(
        select(Payment.period, electronic, func.count())
        .join(Beneficiary, Beneficiary.id == Payment.beneficiary_id)
        .where(Payment.status == "paid", Beneficiary.active.is_(True))
        .group_by(Payment.period), unit_codes)
    points = {period: (int(e or 0), int(n)) for period, e, n in session.execute(query)}
    for period in periods(session, unit_codes):
        points.setdefault(period, (0, 0))
    chosen = sorted(points)[-last:]
    return [TrendPoint(p, points[p][0], points[p][1], beneficiaries) for p in chosen]
