"""A unit's cash days as of today: which are over and which are still to come.

Every message that names a cash day (payment status, LICH, USSD, notifications, a broadcast's
{ngay_chi_tra}) reads it from `cash_days`, so no message gives a past day as a coming one, leaves a
place out, or disagrees with another about the same unit and month.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.clock import period_of
from core.models import CashSchedule
from core.storage.prepared import Prepared
from core.storage.turn_connection import connection_of

logger = logging.getLogger(__name__)

_C = CashSchedule.__table__.c
_COLUMNS = (_C.id, _C.unit_code, _C.period, _C.start_date, _C.end_date, _C.hours, _C.place)


@dataclass(frozen=True)
class CashSlot:
    """One cash point: from `start` to `end`, at `hours`, at `place`."""

    id: int
    unit_code: str
    period: str
    start: date
    end: date
    hours: str | None
    place: str


@dataclass(frozen=True)
class CashDays:
    """The cash days of one unit around one period. `past` ended before today; `coming` end today
    or later (a slot running today is coming). Without a named period, `coming` also holds the next
    announced period's days once the current period has none left."""

    period: str  # the period asked about (the current one when none was named)
    past: tuple[CashSlot, ...] = ()
    coming: tuple[CashSlot, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.past or self.coming)

    @property
    def next_period(self) -> str | None:
        """The period of the first coming slot."""
        return self.coming[0].period if self.coming else None


def _slots_query(exact: bool):
    """Built once: a select built per call cost more than running it (coercing every clause)."""
    period = _C.period == bindparam("period") if exact else _C.period >= bindparam("period")
    return (select(*_COLUMNS)
            .where(_C.unit_code.in_(bindparam("units", expanding=True)), _C.method == bindparam("method"),
                   period)
            .order_by(_C.unit_code, _C.period, _C.start_date, _C.place))


def _one_unit_query(exact: bool) -> Prepared:
    """The same for one unit (every answer's case), without an expanding IN: prepared once."""
    period = _C.period == bindparam("period") if exact else _C.period >= bindparam("period")
    return Prepared(select(*_COLUMNS)
                    .where(_C.unit_code == bindparam("unit"), _C.method == bindparam("method"), period)
                    .order_by(_C.period, _C.start_date, _C.place))


_SLOTS = {True: _slots_query(True), False: _slots_query(False)}
_ONE_UNIT_SLOTS = {True: _one_unit_query(True), False: _one_unit_query(False)}


def _rows(session: Session, unit_codes: list[str], periods_from: str, exact: bool,
          method: str) -> list[CashSlot]:
    connection = connection_of(session)
    if len(unit_codes) == 1:
        rows = _ONE_UNIT_SLOTS[exact].rows(connection, {"unit": unit_codes[0], "method": method,
                                                        "period": periods_from})
    else:
        rows = connection.execute(_SLOTS[exact], {"units": unit_codes, "method": method,
                                                  "period": periods_from})
    return [CashSlot(*row) for row in rows]


def split(slots: list[CashSlot], period: str, today: date, exact: bool) -> CashDays:
    """One unit's slots (ordered by period and start) as past and coming around `period`."""
    own = [s for s in slots if s.period == period]
    past = tuple(s for s in own if s.end < today)
    coming = [s for s in own if s.end >= today]
    if not exact and not coming:
        later = [s for s in slots if s.period > period and s.end >= today]
        if later:
            coming = [s for s in later if s.period == later[0].period]
    return CashDays(period, past, tuple(coming))


def cash_days(session: Session, unit_code: str, today: date, period: str | None = None,
              method: str = "cash") -> CashDays:
    """The unit's cash days of `period` (None: this month, then the next month announced)."""
    return cash_days_of_units(session, [unit_code], today, period, method)[unit_code]


def cash_days_of_units(session: Session, unit_codes: list[str], today: date, period: str | None = None,
                       method: str = "cash") -> dict[str, CashDays]:
    """`cash_days` for many units in one query (broadcasts reach a province)."""
    exact = period is not None
    asked = period or period_of(today)
    by_unit: dict[str, list[CashSlot]] = {code: [] for code in unit_codes}
    if unit_codes:
        for slot in _rows(session, list(unit_codes), asked, exact, method):
            by_unit[slot.unit_code].append(slot)
    return {code: split(slots, asked, today, exact) for code, slots in by_unit.items()}
