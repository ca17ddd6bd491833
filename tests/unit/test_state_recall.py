"""`recall` gives a stored value with its expiry, in every store, so a conversation can leave an
unchanged memory alone while it has long enough to live."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from core.clock import FakeClock
from core.storage.state import DatabaseStateStore, MemoryStateStore, RedisStateStore
from tests.conftest import REDIS_URL, TODAY


@pytest.fixture(params=["memory", "database", "redis"])
def store_and_clock(request, sessions):
    clock = FakeClock(TODAY)
    if request.param == "memory":
        return MemoryStateStore(clock), clock
    if request.param == "database":
        return DatabaseStateStore(sessions, clock), clock
    if not REDIS_URL:
        pytest.skip("ANSINH_TEST_REDIS_URL not set")
    import redis

    return RedisStateStore(redis.Redis.from_url(REDIS_URL), clock, prefix=f"test:{uuid.uuid4().hex}:"), clock


def test_recall_gives_the_value_and_when_it_expires(store_and_clock):
    store, clock = store_and_clock
    store.set("dialog:phone:+84900000001", {"intent": "payment_status"}, 2700)
    entry = store.recall("dialog:phone:+84900000001")
    assert entry.value == {"intent": "payment_status"}
    lives = entry.expires_at - clock.now()
    assert timedelta(seconds=2690) <= lives <= timedelta(seconds=2700)
    assert store.recall("dialog:phone:+84900000002") is None
    store.delete("dialog:phone:+84900000001")
    assert store.recall("dialog:phone:+84900000001") is None


def test_an_expired_entry_is_not_recalled(store_and_clock):
    store, clock = store_and_clock
    if isinstance(store, RedisStateStore):
        pytest.skip("Redis expires keys by its own clock")
    store.set("ussd:old", {"screen": "menu"}, 60)
    clock.advance(seconds=61)
    assert store.recall("ussd:old") is None and store.get("ussd:old") is None


def test_a_memory_changed_inside_a_nested_value_is_saved(sessions, clock, settings):
    """A turn compares its memory with the stored one to skip unchanged writes; a change made inside
    a nested value must still count as a change."""
    from core.conversation.turn import Turn
    from core.conversation.inbound_reply import Inbound

    store = DatabaseStateStore(sessions, clock)
    store.set("dialog:phone:+84900000009", {"history": {"beneficiary_id": 7, "page": 1}}, 2700)
    with sessions() as session:
        turn = Turn.begin(session, Inbound(channel="sms", sender="+84900000009", text="nua"), clock,
                          settings, store)
        turn.memory["history"]["page"] = 2
        turn.save()
        session.commit()
    assert store.get("dialog:phone:+84900000009")["history"]["page"] == 2
