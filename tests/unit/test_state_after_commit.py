"""Redis writes made with a session follow that session's transaction: a USSD screen kept for
gateway retries must never outlive the rolled-back disclosure row it showed, and a MessageSid
claimed by a turn that rolled back must not stop Twilio's retry from being answered."""
import pytest
from sqlalchemy import select

from core.privacy.audit import record_disclosure
from core.clock import FakeClock
from core.storage.dedupe import IN_FLIGHT, AlreadyAnswered, RedisDedupe
from core.models import AuditLog
from core.outbox.writes import enqueue
from core.storage.state import RedisStateStore
from tests.conftest import TODAY


class DictRedis:
    def __init__(self):
        self.data = {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, ex=None, nx=False):
        if nx and key in self.data:
            return False
        self.data[key] = value
        return True

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


def test_a_message_id_claim_is_settled_by_the_turns_end(sessions):
    client = DictRedis()
    dedupe = RedisDedupe(client, fallback=None)
    with sessions() as session:
        dedupe.check(session, "twilio", "SMcommitted")
        assert client.data == {"ansinh:seen:twilio:SMcommitted": IN_FLIGHT}  # claimed by the check itself
        with sessions() as twin, pytest.raises(AlreadyAnswered) as seen:
            dedupe.check(twin, "twilio", "SMcommitted")  # a twin delivery finds the claim
        assert seen.value.response == IN_FLIGHT
        session.execute(select(1))
        dedupe.record(session, "twilio", "SMcommitted", "<Response/>")
        assert client.data == {"ansinh:seen:twilio:SMcommitted": IN_FLIGHT}  # the answer waits for the commit
        session.commit()
    assert dedupe.seen_before("twilio", "SMcommitted") == "<Response/>"
    with sessions() as session, pytest.raises(AlreadyAnswered) as seen:
        dedupe.check(session, "twilio", "SMcommitted")  # Twilio's redelivery: the first answer
    assert seen.value.response == "<Response/>"

    with sessions() as session:
        dedupe.check(session, "twilio", "SMrolledback")
        session.execute(select(1))
        dedupe.record(session, "twilio", "SMrolledback", "<Response/>")
        session.rollback()
    assert dedupe.seen_before("twilio", "SMrolledback") is None  # Twilio's retry is answered afresh

    with sessions() as session:
        dedupe.check(session, "twilio", "SMunanswered")
        session.execute(select(1))
        session.commit()  # a turn that ended without recording an answer
    assert dedupe.seen_before("twilio", "SMunanswered") is None


def test_a_savepoint_inside_the_turn_does_not_settle_the_claim(sessions):
    """A turn that queues a message (the outbox writes it in a SAVEPOINT) still keeps its answer
    for Twilio's redelivery: only the turn's own commit settles the claim."""
    client = DictRedis()
    dedupe = RedisDedupe(client, fallback=None)
    with sessions() as session:
        dedupe.check(session, "twilio", "SMqueued")
        enqueue(session, channel="sms", address="+84900000003", text="Mã xác nhận", kind="otp",
                key="otp:SMqueued")
        dedupe.record(session, "twilio", "SMqueued", "<Response/>")
        assert client.data == {"ansinh:seen:twilio:SMqueued": IN_FLIGHT}
        session.commit()
    assert dedupe.seen_before("twilio", "SMqueued") == "<Response/>"
