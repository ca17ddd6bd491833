"""Seen provider message ids (core.storage.dedupe): the first answer is kept and given back, in the
database and in Redis (when ANSINH_TEST_REDIS_URL is set), and Redis being down degrades to the
database instead of failing."""
from __future__ import annotations

import uuid

import pytest
import redis

from core.storage.dedupe import DatabaseDedupe, RedisDedupe, make_dedupe
from tests.conftest import REDIS_URL


def _stores(sessions, clock):
    database = DatabaseDedupe(sessions, clock)
    yield "database", database
    if REDIS_URL:
        yield "redis", RedisDedupe(redis.Redis.from_url(REDIS_URL), fallback=database,
                                   prefix=f"test:{uuid.uuid4().hex}:")


def test_first_answer_is_remembered(sessions, clock):
    for name, store in _stores(sessions, clock):
        sid = f"SM{uuid.uuid4().hex}"
        assert store.seen_before("twilio", sid) is None, name
        store.remember("twilio", sid, "<Response><Message>first</Message></Response>")
        store.remember("twilio", sid, "<Response><Message>second</Message></Response>")  # a racing twin loses
        assert store.seen_before("twilio", sid) == "<Response><Message>first</Message></Response>", name
        assert store.seen_before("zalo", sid) is None, name  # ids are per provider


def test_empty_answer_still_counts_as_seen(sessions, clock):
    for name, store in _stores(sessions, clock):
        sid = f"SM{uuid.uuid4().hex}"
        store.remember("twilio", sid, None)
        assert store.seen_before("twilio", sid) == "", name


def test_redis_down_degrades_to_the_database(sessions, clock):
    database = DatabaseDedupe(sessions, clock)
    dead = RedisDedupe(redis.Redis.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5,
                                            socket_connect_timeout=0.5),
                       fallback=database)
    dead.remember("twilio", "SMdown", "answer")
    assert dead.seen_before("twilio", "SMdown") == "answer"
    assert database.seen_before("twilio", "SMdown") == "answer"


@pytest.mark.parametrize("redis_url, kind",
                         [(None, DatabaseDedupe), ("redis://127.0.0.1:6379/0", RedisDedupe)])
def test_store_follows_the_settings(settings, sessions, clock, redis_url, kind):
    assert isinstance(make_dedupe(settings.with_(redis_url=redis_url), sessions, clock), kind)
