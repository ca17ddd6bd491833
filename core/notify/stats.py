"""Delivery state of the outbox by channel: queued / sent / delivered / failed / dead.

`sending` (claimed by a worker, in flight) is counted as queued. With a period (YYYY-MM), a
message about a payment (payment_id set: payment notifications, reminders, receipt questions)
counts in its payment's period; any other message (replies, broadcasts, codes, schedule news
before a payment exists) counts in the local month it was created.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.clock import period_add
from core.models import OutboxMessage, Payment

COLUMNS = ("queued", "sent", "delivered", "failed", "dead")
_FOLD = {"sending": "queued"}


@dataclass
class ChannelStats:
    channel: str
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, column) for column in COLUMNS)

    def as_dict(self) -> dict:
        return {**asdict(self), "total": self.total}


@dataclass
class DeliveryStats:
    period: str | None
    channels: list[ChannelStats] = field(default_factory=list)

    @property
    def totals(self) -> ChannelStats:
        total = ChannelStats("total")
        for row in self.channels:
            for column in COLUMNS:
                setattr(total, column, getattr(total, column) + getattr(row, column))
        return total

    def as_dict(self) -> dict:
        return {"period": self.period, "channels": [row.as_dict() for row in self.channels],
                "total": self.totals.as_dict()}


def month_bounds(period: str, timezone: str) -> tuple[datetime, datetime]:
    """The local month `period` as a [start, end) pair of aware datetimes."""
    tz = ZoneInfo(timezone)
    year, month = map(int, period.split("-"))
    following_year, following_month = map(int, period_add(period, 1).split("-"))
    return datetime(year, month, 1, tzinfo=tz), datetime(following_year, following_month, 1, tzinfo=tz)


def delivery_stats(session: Session, period: str | None = None, timezone: str = "Asia/Ho_Chi_Minh",
                   kind: str | None = None) -> DeliveryStats:
    query = (select(OutboxMessage.channel, OutboxMessage.status, func.count())
             .group_by(OutboxMessage.channel, OutboxMessage.status))
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if period:
        start, end = month_bounds(period, timezone)
        query = query.outerjoin(Payment, Payment.id == OutboxMessage.payment_id).where(or_(
            and_(OutboxMessage.payment_id.is_not(None), Payment.period == period),
            and_(OutboxMessage.payment_id.is_(None), OutboxMessage.created_at >= start,
                 OutboxMessage.created_at < end),
        ))
    by_channel: dict[str, ChannelStats] = {}
    for channel, status, count in session.execute(query):
        row = by_channel.setdefault(channel, ChannelStats(channel))
        column = _FOLD.get(status, status)
        if column in COLUMNS:
            setattr(row, column, getattr(row, column) + count)
    return DeliveryStats(period, [by_channel[c] for c in sorted(by_channel)])


def format_table(stats: DeliveryStats) -> str:
    header = ("channel", *COLUMNS, "total")
    rows = [(row.channel, *(getattr(row, c) for c in COLUMNS), row.total) for row in [*stats.channels,
                                                                                      stats.totals]]
    widths = [max(len(str(v)) for v in column) for column in zip(header, *rows)]
    lines = []
    for values in (header, *rows):
        cells = [str(values[0]).ljust(widths[0])] + [str(v).rjust(w) for v, w in zip(values[1:], widths[1:])]
        lines.append("  ".join(cells))
    return "\n".join(lines)
