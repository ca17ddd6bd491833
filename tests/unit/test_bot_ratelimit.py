"""Provider send limits: the dispatcher asks `allow(message)` before each send."""
from __future__ import annotations

from types import SimpleNamespace

from core.outbox.ratelimit import DEFAULT_RATES, ChannelRates, SendRateLimiter, make_send_rate_limiter


def message(channel: str, address: str) -> SimpleNamespace:
    return SimpleNamespace(channel=channel, address=address)


def test_one_message_per_chat_within_the_window():
    limiter = SendRateLimiter({"telegram": ChannelRates(overall="100/hour", per_address="1/hour")})
    assert limiter.allow(message("telegram", "111"))
    assert not limiter.allow(message("telegram", "111"))
    assert limiter.allow(message("telegram", "222"))


def test_the_overall_limit_holds_across_chats_and_is_shared_through_the_storage():
    limiter = SendRateLimiter({"zalo": ChannelRates(overall="3/hour", per_address="1/hour")})
    assert [limiter.allow(message("zalo", str(n))) for n in range(4)] == [True, True, True, False]
    other = SendRateLimiter({"zalo": ChannelRates(overall="3/hour", per_address="1/hour")},
                            storage=limiter.limiter.storage)
    assert not other.allow(message("zalo", "3"))  # shared storage, as with Redis across workers


def test_channels_without_limits_always_pass():
    limiter = SendRateLimiter({"telegram": ChannelRates(overall="1/hour")})
    assert all(limiter.allow(message("sms", "+84912345678")) for _ in range(5))


def test_telegram_defaults_are_its_published_limits(settings):
    assert DEFAULT_RATES["telegram"] == ChannelRates(overall="30/second", per_address="1/second")
    limiter = make_send_rate_limiter(settings)
    assert set(limiter.rates) == {"telegram", "zalo"}


def test_the_runtime_gives_the_dispatcher_a_limiter(runtime):
    assert isinstance(runtime.send_rate_limiter, SendRateLimiter)
    assert runtime.send_rate_limiter is runtime.send_rate_limiter
