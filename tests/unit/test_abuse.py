"""Abuse limits: tiers slow an enumerator, then block; counts are shared through the database."""
from __future__ import annotations

import os

import pytest

from core.abuse import AbuseGuard, DatabaseStorage, make_guard
REDIS_URL = os.environ.get("ANSINH_TEST_REDIS_URL")


def test_first_tier_slows_the_last_blocks(sessions):
    guard = AbuseGuard(DatabaseStorage(sessions))
    verdicts = [guard.hit("register_sender", "+84912345678") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 0 < verdicts[-1].retry_after <= 60 and not verdicts[-1].blocked


def test_counts_are_per_key_and_shared_between_guards(sessions):
    first, second = AbuseGuard(DatabaseStorage(sessions)), AbuseGuard(DatabaseStorage(sessions))
    for _ in range(3):
        assert first.hit("register_code", "BT4600001").allowed
    assert second.hit("register_code", "BT4600001").allowed  # 4th of 5 per minute
    assert second.hit("register_code", "BT4600001").allowed
    assert not first.hit("register_code", "BT4600001").allowed
    assert first.hit("register_code", "BT4600002").allowed


def test_clear_forgets(sessions):
    guard = AbuseGuard(DatabaseStorage(sessions))
    for _ in range(5):
        guard.hit("otp_sender", "tg:1")
    assert not guard.hit("otp_sender", "tg:1").allowed
    guard.clear("otp_sender", "tg:1")
    assert guard.hit("otp_sender", "tg:1").allowed


@pytest.mark.skipif(not REDIS_URL, reason="ANSINH_TEST_REDIS_URL not set")
def test_redis_backend_and_degrading_to_the_database(settings, sessions):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    guard = make_guard(settings.with_(redis_url=REDIS_URL), sessions)
    assert [guard.hit("register_sender", "+849").allowed for _ in range(4)] == [True, True, True, False]
    down = make_guard(settings.with_(redis_url="redis://127.0.0.1:1/0"), sessions)
    assert down.hit("register_sender", "+848").allowed  # Redis unreachable: the database counts
