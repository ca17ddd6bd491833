"""How many notifications went by each channel, per topic and per broadcast, and what they cost.

Counted: outbox rows that left (sent or delivered), in the officer's units (core.outbox.dead_letters'
scope). Prices come from ANSINH_PRICES ("sms=350,zns=200,zalo=0,telegram=0", VND): SMS is paid
per segment of the text as sent, ZNS and the chats per message; a channel without a price costs 0.
A ZNS row keeps the SMS it replaced, so the page can say what it would have cost by SMS: the
saving a province makes by moving guardians to Zalo.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.outbox.dead_letters import _scope as officer_scope
from core.models import OutboxMessage
from core.settings import SettingsError
from core.vietnamese_text import sms_size

CHANNELS = ("zns", "sms", "telegram", "zalo")
WENT_OUT = ("sent", "delivered")


def parse_prices(spec: str | None) -> dict[str, float]:
    """"sms=350,zns=200" -> {"sms": 350.0, "zns": 200.0}; anything else is a SettingsError."""
    prices: dict[str, float] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        try:
            amount = float(value.strip().replace("_", ""))
        except ValueError:
            raise SettingsError("ANSINH_PRICES", spec or "") from None
        if name.strip().lower() not in CHANNELS or amount < 0:
            raise SettingsError("ANSINH_PRICES", spec or "")
        prices[name.strip().lower()] = amount
    return prices


@dataclass
class ChannelUse:
    messages: int = 0
    segments: int = 0  # SMS segments of the texts (for zns: of the SMS each replaced)
    cost: float = 0.0


@dataclass
class CostRow:
    key: str  # a topic, or "broadcast:<id>"
    channels: dict[str, ChannelUse] = field(default_factory=lambda: {c: ChannelUse() for c in CHANNELS})
    sms_equivalent: float = 0.0  # what the ZNS messages would have cost by SMS

    @property
    def cost(self) -> float:
        return sum(use.cost for use in self.channels.values())

    @property
    def saved(self) -> float:
        return self.sms_equivalent - self.channels["zns"].cost


def _rows(session: Session, key_column, where, codes: list[str] | None,
          prices: dict[str, float]) -> list[CostRow]:
    query = (select(key_column, OutboxMessage.channel, OutboxMessage.text, func.count())
             .where(where, OutboxMessage.status.in_(WENT_OUT))
             .group_by(key_column, OutboxMessage.channel, OutboxMessage.text))
    scope = officer_scope(codes)
    if scope is not None:
        query = query.where(scope)
    rows: dict[str, CostRow] = {}
    segments_of: dict[str, int] = {}
    for key, channel, text, count in session.execute(query):
        row = rows.setdefault(key, CostRow(key))
        use = row.channels.setdefault(channel, ChannelUse())
        if text not in segments_of:
            segments_of[text] = sms_size(text or "").segments
        use.messages += count
        if channel in ("sms", "zns"):
            use.segments += count * segments_of[text]
        use.cost += count * (segments_of[text] if channel == "sms" else 1) * prices.get(channel, 0.0)
        if channel == "zns":
            row.sms_equivalent += count * segments_of[text] * prices.get("sms", 0.0)
    return list(rows.values())


def costs_by_topic(session: Session, codes: list[str] | None, prices: dict[str, float]) -> list[CostRow]:
    rows = _rows(session, OutboxMessage.topic, OutboxMessage.topic.is_not(None), codes, prices)
    return sorted(rows, key=lambda row: row.key)


def costs_by_broadcast(session: Session, codes: list[str] | None, prices: dict[str, float],
                       limit: int = 20) -> list[CostRow]:
    """The newest broadcasts first."""
    rows = _rows(session, OutboxMessage.ref, OutboxMessage.ref.like("broadcast:%"), codes, prices)
    return sorted(rows, key=lambda row: -int(row.key.split(":")[1]))[:limit]
