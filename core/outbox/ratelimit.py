"""Provider send limits, so the dispatcher never makes a provider refuse us.

Telegram allows about 30 messages a second overall and one a second to the same chat; Zalo's
consultation API is throttled per OA too. A `SendRateLimiter` answers `allow(message)` for an
outbox row: False means "not now", and the dispatcher puts the row back for a second without
counting an attempt. Counting uses the `limits` library's moving window, in memory per process,
or in Redis (shared by every worker host) when ANSINH_REDIS_URL is set.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from core.counting import count

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelRates:
    overall: str  # e.g. "30/second": all messages of the channel
    per_address: str | None = None  # e.g. "1/second": one chat or user


# Telegram: https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
# Zalo publishes no per-second figure for message/cs; these keep well under what it tolerates.
DEFAULT_RATES: dict[str, ChannelRates] = {
    "telegram": ChannelRates(overall="30/second", per_address="1/second"),
    "zalo": ChannelRates(overall="20/second", per_address="1/second"),
}


class SendRateLimiter:
    """Moving-window limits per channel (overall) and per channel and address."""

    def __init__(self, rates: dict[str, ChannelRates] | None = None, storage: Storage | None = None):
        self.rates = dict(DEFAULT_RATES if rates is None else rates)
        self.limiter = MovingWindowRateLimiter(storage or MemoryStorage())
        self._items: dict[str, tuple[RateLimitItem, RateLimitItem | None]] = {
            channel: (parse(rate.overall), parse(rate.per_address) if rate.per_address else None)
            for channel, rate in self.rates.items()
        }
        self._warned = False

    def allow(self, message) -> bool:  # an OutboxMessage or anything with channel/address
        """Count the message if both windows have room; channels without limits always pass."""
        items = self._items.get(message.channel)
        if items is None:
            return True
        overall, per_address = items
        try:
            if per_address is not None and not self.limiter.test(per_address, message.channel,
                                                                 message.address):
                return False
            if not self.limiter.hit(overall, message.channel):
                return False
            if per_address is not None:
                self.limiter.hit(per_address, message.channel, message.address)
            return True
        except Exception as error:  # noqa: BLE001 - a limiter outage must not stop delivery
            count("store_error", store="redis")
            if not self._warned:
                logger.warning("send rate limiter unavailable (%s); sending without it", type(error).__name__)
                self._warned = True
            return True


def make_send_rate_limiter(settings, rates: dict[str, ChannelRates] | None = None) -> SendRateLimiter:
    """Redis storage when configured (limits shared by all workers), memory otherwise."""
    storage: Storage = MemoryStorage()
    if getattr(settings, "redis_url", None):
        try:
            storage = storage_from_string(settings.redis_url)
        except Exception as error:  # noqa: BLE001 - a bad URL or missing driver: keep sending
            logger.warning("Redis rate-limit storage unavailable (%s); counting in memory",
                           type(error).__name__)
    return SendRateLimiter(rates, storage)
