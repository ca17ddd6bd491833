"""Abuse limits: tiers slow an enumerator, then block; counts are shared through the database."""
from __future__ import annotations

import os
import uuid

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
    # Redis db 15 outlives runs and is shared: a key of our own, no flushdb
    sender = f"+849{uuid.uuid4().hex[:10]}"
    guard = make_guard(settings.with_(redis_url=REDIS_URL), sessions)
    assert [guard.hit("register_sender", sender).allowed for _ in range(4)] == [True, True, True, False]
    down = make_guard(settings.with_(redis_url="redis://127.0.0.1:1/0"), sessions)
    assert down.hit("register_sender", "+848").allowed  # Redis unreachable: the database counts


def test_check_does_not_count_and_says_how_long_to_wait(sessions):
    guard = AbuseGuard(DatabaseStorage(sessions))
    assert all(guard.check("console_login", "ip:192.0.2.1").allowed for _ in range(20))  # looking is free
    for _ in range(10):
        guard.hit("console_login", "ip:192.0.2.1")
    verdict = guard.check("console_login", "ip:192.0.2.1")
    assert not verdict.allowed and not verdict.blocked and 0 < verdict.retry_after <= 60


def test_ended_windows_are_purged_with_the_message_logs(sessions, clock):
    from datetime import timedelta

    from sqlalchemy import func, select, update

    from core.models import RateCounter
    from core.outbox.retention import purge_old_messages

    guard = AbuseGuard(DatabaseStorage(sessions))
    guard.hit("unverified_personal", "phone:+84909000001")
    with sessions.begin() as session:
        session.execute(update(RateCounter).values(expires_at=clock.now() - timedelta(seconds=1)))
    guard.hit("unverified_personal", "phone:+84909000002")
    purge_old_messages(sessions, clock, days=180)
    with sessions() as session:
        keys = list(session.scalars(select(RateCounter.key)))
        assert keys and all("+84909000002" in key for key in keys)
        assert session.scalar(select(func.count()).select_from(RateCounter)) == len(keys)


@pytest.mark.skipif(not REDIS_URL, reason="ANSINH_TEST_REDIS_URL not set")
def test_console_sign_in_failures_are_counted_in_redis(app, runtime, sessions):
    from sqlalchemy import func, select

    from core.models import RateCounter
    from tests.console_support import sign_in

    runtime.settings = runtime.settings.with_(redis_url=REDIS_URL)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = (
        f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    )
    run = uuid.uuid4().hex[:8]
    statuses = [sign_in(client, f"spray-{run}-{n}", "sai-mat-khau").status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]
    with sessions() as session:  # nothing went to the database: Redis holds the counts
        assert session.scalar(select(func.count()).select_from(RateCounter)) == 0


def test_concurrent_counts_are_not_lost(sessions):
    """Four web threads counting the same sender at once: every count lands (one upsert each)."""
    from concurrent.futures import ThreadPoolExecutor

    storage = DatabaseStorage(sessions)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: storage.incr("LIMITER/bench/phone:+84900000001/1000/1/hour", 3600),
                      range(100)))
    assert storage.get("LIMITER/bench/phone:+84900000001/1000/1/hour") == 100
