"""The demo's months, counted from the day it is loaded, so its payments, cash days, hints and
answers agree on any day: the report month is the latest month whose payment days (the 2nd to
the 10th) are over, with full results for it and the two months before; the month after it has
its payee list sent ("Chờ chi trả") and its cash days announced."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.clock import period_add

LAST_PAYMENT_DAY = 10  # providers pay between the 2nd and the 10th (DOMAIN.md)
RESULT_MONTHS = 3


@dataclass(frozen=True)
class DemoMonths:
    report: str  # YYYY-MM: the latest month with full results; it reproduces the province's report

    @property
    def results(self) -> tuple[str, ...]:
        """The months with results, oldest first; the report month is the last."""
        return tuple(period_add(self.report, offset) for offset in range(1 - RESULT_MONTHS, 1))

    @property
    def coming(self) -> str:
        """The month after the report month: payee list sent, nothing paid yet."""
        return period_add(self.report, 1)

    @property
    def with_cash_days(self) -> tuple[str, str]:
        return self.report, self.coming

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.results, self.coming)

    def offset(self, months: int) -> str:
        """The month `months` after the report month (negative: before)."""
        return period_add(self.report, months)

    @property
    def first_day(self) -> date:
        """Ages are counted on the report month's first day."""
        return date(int(self.report[:4]), int(self.report[5:]), 1)


def demo_months(today: date) -> DemoMonths:
    """This month once its payment days are over, else last month, as the report month."""
    current = f"{today.year:04d}-{today.month:02d}"
    return DemoMonths(current if today.day > LAST_PAYMENT_DAY else period_add(current, -1))


def day_of(period: str, day: int) -> date:
    return date(int(period[:4]), int(period[5:]), day)
