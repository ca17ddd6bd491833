"""Redis state written with a session lands only when that session's transaction commits: a USSD
screen kept for gateway retries must never outlive the rolled-back disclosure row it showed."""
from sqlalchemy import select

from core.audit import record_disclosure
from core.clock import FakeClock
from core.models import AuditLog
from core.state import RedisStateStore
from tests.conftest import TODAY


class DictRedis:
    def __init__(self):
        self.data = {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, ex=None):
        self.data[key] = value

    def delete(self, key):
        self.data.pop(key, None)


def test_redis_state_follows_the_transaction(sessions):
    client = DictRedis()
    store = RedisStateStore(client, FakeClock(TODAY))
    with sessions() as session:
        session.execute(select(1))
        record_disclosure(session, "ussd:+84900000001", "disclose.payment_status", None, "ussd")
        store.set("ussd:kept", {"text": "shown"}, 60, session)
        assert client.data == {}  # nothing before the commit
        session.commit()
    assert store.get("ussd:kept") == {"text": "shown"}

    with sessions() as session:
        session.execute(select(1))
        record_disclosure(session, "ussd:+84900000002", "disclose.payment_status", None, "ussd")
        store.set("ussd:lost", {"text": "never shown"}, 60, session)
        store.delete("ussd:kept", session)
        session.rollback()
    assert store.get("ussd:lost") is None and store.get("ussd:kept") == {"text": "shown"}
    with sessions() as session:
        actors = list(session.scalars(select(AuditLog.actor)))
    assert "ussd:+84900000001" in actors and "ussd:+84900000002" not in actors
