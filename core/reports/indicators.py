"""The province's e-payment indicators, counted as its report counts them (DOMAIN.md, "How the
report counts"), live from the database, for one period:

- beneficiaries: the people on the period's payee list (a payment record for the period, whatever
  its status) of the units in scope;
- with an account: those of them with an account or e-wallet opened for the allowance;
- paid through an account: those of them whose allowance for the period was paid into an account
  or e-wallet (status paid, not in cash), counted per person;
- a unit paying electronically: one where at least one person was paid through an account in the
  period; also counted by the communes of before the 2025 merger (`former_units`), each taking
  the figure of the unit it became part of.

By provider (the provider each beneficiary is stored under, one name per provider), by unit, and
the trend over the periods that have results. The console's page and `ansinh indicators` both
read `compute`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.models import Beneficiary, FormerUnit, Payment, Unit

logger = logging.getLogger(__name__)
ELECTRONIC = ("account", "ewallet")
RESULT_STATUSES = ("paid", "failed", "returned")  # a provider's results: a period has them once paying began


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
    former_units_total: int = 0  # communes before the 2025 merger, in the units counted
    former_units_electronic: int = 0
    total: Row = field(default_factory=lambda: Row("*", ""))
    by_provider: list[Row] = field(default_factory=list)
    by_unit: list[Row] = field(default_factory=list)
    electronic_units: set[str] = field(default_factory=set)

    @property
    def units_share(self) -> float:
        return self.units_electronic / self.units_total if self.units_total else 0.0

    @property
    def former_units_share(self) -> float:
        return self.former_units_electronic / self.former_units_total if self.former_units_total else 0.0


def _scoped(query, unit_codes: list[str] | None):
    return query if unit_codes is None else query.where(Beneficiary.unit_code.in_(unit_codes))


_PAID_THROUGH = and_(Payment.status == "paid",
                     func.coalesce(Payment.method, Beneficiary.method).in_(ELECTRONIC))


def compute(session: Session, period: str, unit_codes: list[str] | None = None,
            no_provider: str = "") -> Indicators:
    """The indicators for `period` over `unit_codes` (None: every unit)."""
    result = Indicators(period=period)
    listed = _scoped(
        select(Beneficiary.unit_code, Beneficiary.provider, func.count(),
               func.sum(case((Beneficiary.has_account.is_(True), 1), else_=0)),
               func.sum(case((_PAID_THROUGH, 1), else_=0)))
        .join(Payment, Payment.beneficiary_id == Beneficiary.id)
        .where(Payment.period == period)
        .group_by(Beneficiary.unit_code, Beneficiary.provider), unit_codes)
    units: dict[str, Row] = {}
    providers: dict[str, Row] = {}
    for unit_code, provider, count, accounts, paid in session.execute(listed):
        for bucket, key in ((units, unit_code), (providers, provider or no_provider)):
            row = bucket.setdefault(key, Row(key, key))
            row.beneficiaries += count
            row.with_account += int(accounts or 0)
            row.paid_electronic += int(paid or 0)
    names = dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(list(units)))).all())
    for code, row in units.items():
        row.label = names.get(code, code)
        if row.paid_electronic:
            result.electronic_units.add(code)
    result.by_unit = sorted(units.values(), key=lambda r: r.label)
    result.by_provider = sorted(providers.values(), key=lambda r: (-r.beneficiaries, r.label))
    result.units_total = len(units)
    result.units_electronic = len(result.electronic_units)
    former = session.execute(select(FormerUnit.successor_code, func.count())
                             .where(FormerUnit.successor_code.in_(list(units)))
                             .group_by(FormerUnit.successor_code)).all()
    result.former_units_total = sum(count for _, count in former)
    result.former_units_electronic = sum(count for code, count in former if code in result.electronic_units)
    total = result.total
    for row in result.by_unit:
        total.beneficiaries += row.beneficiaries
        total.with_account += row.with_account
        total.paid_electronic += row.paid_electronic
    return result


def periods(session: Session, unit_codes: list[str] | None = None, with_results: bool = False) -> list[str]:
    """Periods with a payee list (or, `with_results`, with a provider's results), oldest first."""
    query = select(Payment.period).distinct()
    if with_results:
        query = query.where(Payment.status.in_(RESULT_STATUSES))
    if unit_codes is not None:
        query = query.join(Beneficiary, Beneficiary.id == Payment.beneficiary_id).where(
            Beneficiary.unit_code.in_(unit_codes)
        )
    return sorted(session.scalars(query))


def latest_with_results(session: Session, unit_codes: list[str] | None, up_to: str) -> str | None:
    """The latest period up to `up_to` that has results: the one the indicators open on."""
    done = [p for p in periods(session, unit_codes, with_results=True) if p <= up_to]
    return done[-1] if done else None


def default_period(session: Session, unit_codes: list[str] | None, current: str) -> str:
    """The period the indicators open on: the latest with results, else the latest list, else `current`."""
    listed = [p for p in periods(session, unit_codes) if p <= current]
    return latest_with_results(session, unit_codes, current) or (listed[-1] if listed else current)


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
    """Paid through an account, per period with results (the `last` of them), of that period's list."""
    chosen = periods(session, unit_codes, with_results=True)[-last:]
    if not chosen:
        return []
    query = _scoped(
        select(Payment.period, func.sum(case((_PAID_THROUGH, 1), else_=0)),
               func.sum(case((Payment.status == "paid", 1), else_=0)), func.count())
        .join(Beneficiary, Beneficiary.id == Payment.beneficiary_id)
        .where(Payment.period.in_(chosen))
        .group_by(Payment.period), unit_codes)
    points = {period: (int(e or 0), int(p or 0), int(n)) for period, e, p, n in session.execute(query)}
    return [TrendPoint(p, *points.get(p, (0, 0, 0))) for p in chosen]
