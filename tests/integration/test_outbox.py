"""The outbox: idempotent enqueue, priorities, quiet hours, retries into dead, leases, receipts."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from core.models import OutboxMessage
from core.outbox.dispatch import (
    Dispatcher,
    PermanentError,
    SendResult,
    TemporaryError,
    quiet_until,
)
from core.outbox.writes import apply_receipt, enqueue, record_receipt

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


class FakeSender:
    channel = "sms"

    def __init__(self, fail_with: Exception | None = None):
        self.sent: list[tuple[str, str]] = []
        self.fail_with = fail_with

    def send(self, message):
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append((message.address, message.text))
        return SendResult(provider_id=f"SM{message.id:08d}")


def _enqueue(sessions, key, kind="notification", **kw):
    with sessions.begin() as session:
        return enqueue(session, channel="sms", address=kw.pop("address", "+84912345678"),
                       text=kw.pop("text", key), kind=kind, key=key, **kw)


def _statuses(sessions):
    with sessions() as session:
        return {m.idempotency_key: m.status for m in session.scalars(select(OutboxMessage))}


def test_enqueue_is_idempotent_by_key(sessions):
    assert _enqueue(sessions, "k1") is not None
    assert _enqueue(sessions, "k1") is None
    assert list(_statuses(sessions)) == ["k1"]


def test_replies_go_before_notifications_before_broadcasts(sessions, settings, clock):
    _enqueue(sessions, "bulk", kind="broadcast")
    _enqueue(sessions, "note", kind="notification")
    _enqueue(sessions, "reply", kind="reply")
    sender = FakeSender()
    Dispatcher(sessions, {"sms": sender}, clock, settings).run_once(limit=10)
    assert [text for _, text in sender.sent] == ["reply", "note", "bulk"]
    assert set(_statuses(sessions).values()) == {"sent"}


def test_quiet_hours_hold_notifications_but_not_one_time_codes(sessions, settings):
    night = FakeClock(datetime(2026, 11, 26, 22, 30, tzinfo=HCM))
    _enqueue(sessions, "note", kind="notification")
    _enqueue(sessions, "otp", kind="otp")
    sender = FakeSender()
    Dispatcher(sessions, {"sms": sender}, night, settings.with_(quiet_hours="21:00-07:00")).run_once()
    assert [text for _, text in sender.sent] == ["otp"]
    with sessions() as session:
        held = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "note"))
        assert held.status == "queued"
        assert held.not_before.astimezone(HCM) == datetime(2026, 11, 27, 7, 0, tzinfo=HCM)


@pytest.mark.parametrize(
    "local, expected",
    [
        (datetime(2026, 11, 26, 20, 59), None),
        (datetime(2026, 11, 26, 21, 0), datetime(2026, 11, 27, 7, 0)),
        (datetime(2026, 11, 27, 6, 59), datetime(2026, 11, 27, 7, 0)),
        (datetime(2026, 11, 27, 7, 0), None),
    ],
)
def test_quiet_until(local, expected):
    result = quiet_until(local.replace(tzinfo=HCM), "21:00-07:00")
    assert result == (expected.replace(tzinfo=HCM) if expected else None)
    assert quiet_until(local.replace(tzinfo=HCM), "off") is None


def test_temporary_errors_retry_with_backoff_then_die(sessions, settings, clock):
    _enqueue(sessions, "k")
    sender = FakeSender(fail_with=TemporaryError("503 from provider"))
    dispatcher = Dispatcher(sessions, {"sms": sender}, clock, settings.with_(outbox_max_attempts=3))
    previous = clock.now()
    for attempt in (1, 2):
        assert dispatcher.run_once() == 1
        with sessions() as session:
            row = session.scalar(select(OutboxMessage))
            assert (row.status, row.attempts) == ("queued", attempt)
            assert row.not_before > previous
            assert dispatcher.run_once() == 0  # not due yet
        clock.advance(hours=2)
        previous = clock.now()
    dispatcher.run_once()
    with sessions() as session:
        row = session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("dead", 3)
        assert "503" in row.last_error


def test_retry_after_from_provider_is_honoured(sessions, settings, clock):
    _enqueue(sessions, "k")
    Dispatcher(sessions, {"sms": FakeSender(TemporaryError("429", retry_after=30))}, clock,
               settings).run_once()
    with sessions() as session:
        row = session.scalar(select(OutboxMessage))
        assert row.not_before == clock.now() + timedelta(seconds=30)


def test_permanent_error_fails_without_retry_and_calls_back(sessions, settings, clock):
    _enqueue(sessions, "k")
    seen = []
    dispatcher = Dispatcher(sessions, {"sms": FakeSender(PermanentError("blocked", opt_out=True))}, clock,
                            settings,
                            on_permanent_failure=lambda session, row,
                            error: seen.append((row.idempotency_key, error.opt_out)))
    dispatcher.run_once()
    assert _statuses(sessions) == {"k": "failed"}
    assert seen == [("k", True)]


def test_a_crashed_claim_is_reclaimed_after_its_lease(sessions, settings, clock):
    _enqueue(sessions, "k")
    crashed = Dispatcher(sessions, {"sms": FakeSender()}, clock, settings, worker_id="w1")
    assert len(crashed.claim()) == 1  # claimed, then the process "dies" before sending
    survivor = Dispatcher(sessions, {"sms": (sender := FakeSender())}, clock, settings, worker_id="w2")
    assert survivor.run_once() == 0
    clock.advance(minutes=3)
    assert survivor.run_once() == 1
    assert len(sender.sent) == 1 and _statuses(sessions) == {"k": "sent"}


def test_a_batch_that_outlived_its_lease_is_not_sent_twice(sessions, settings, clock):
    _enqueue(sessions, "k")
    slow = Dispatcher(sessions, {"sms": (slow_sender := FakeSender())}, clock, settings, worker_id="slow")
    [message] = slow.claim()
    clock.advance(minutes=3)  # the slow worker stalled past its lease; another took the row and sent it
    other = Dispatcher(sessions, {"sms": (other_sender := FakeSender())}, clock, settings, worker_id="other")
    assert other.run_once() == 1
    slow._deliver(message)  # the stalled worker wakes up: it must ask, and finds the row is not its own
    assert len(other_sender.sent) == 1 and slow_sender.sent == []


def test_a_stopping_dispatcher_finishes_its_message_and_hands_back_the_rest(sessions, settings, clock):
    for n in range(5):
        _enqueue(sessions, f"k{n}")
    stop = threading.Event()

    class StopAfterOne(FakeSender):
        def send(self, message):
            stop.set()  # SIGTERM arrives while this message is with the provider
            return super().send(message)

    sender = StopAfterOne()
    stopping = Dispatcher(sessions, {"sms": sender}, clock, settings, worker_id="stopping")
    assert stopping.run_once(limit=10, stop=stop) == 5
    assert len(sender.sent) == 1
    with sessions() as session:
        rows = {m.idempotency_key: m for m in session.scalars(select(OutboxMessage))}
    assert rows["k0"].status == "sent" and rows["k0"].provider_id == f"SM{rows['k0'].id:08d}"
    rest = {(m.status, m.claimed_until, m.attempts) for key, m in rows.items() if key != "k0"}
    assert rest == {("queued", None, 0)}
    other = Dispatcher(sessions, {"sms": (other_sender := FakeSender())}, clock, settings, worker_id="other")
    assert other.run_once() == 4  # due at once, not after the stopped worker's lease
    assert sorted(text for _, text in sender.sent + other_sender.sent) == [f"k{n}" for n in range(5)]


def test_a_fresh_claim_is_sent_without_renewing_its_lease(sessions, settings, clock, monkeypatch):
    for n in range(3):
        _enqueue(sessions, f"k{n}")
    dispatcher = Dispatcher(sessions, {"sms": (sender := FakeSender())}, clock, settings)
    renewals = []
    monkeypatch.setattr(dispatcher, "_renew", lambda message: renewals.append(message.id) or True)
    assert dispatcher.run_once() == 3 and len(sender.sent) == 3
    assert renewals == []  # a claim made a moment ago has most of its lease left: no extra write per send
    _enqueue(sessions, "late")
    [late] = dispatcher.claim()
    clock.advance(seconds=dispatcher._lease().total_seconds() * 0.6)
    dispatcher._deliver(late)
    assert renewals == [late.id]  # past half its lease, the claim is checked and renewed first


def test_receipts_mark_delivery_and_never_downgrade(sessions, settings, clock):
    _enqueue(sessions, "k")
    Dispatcher(sessions, {"sms": FakeSender()}, clock, settings).run_once()
    with sessions.begin() as session:
        provider_id = session.scalar(select(OutboxMessage.provider_id))
        assert record_receipt(session, provider_id, "delivered") is not None
    with sessions.begin() as session:
        record_receipt(session, provider_id, "sent")
        assert record_receipt(session, "unknown-id", "delivered") is None
    assert _statuses(sessions) == {"k": "delivered"}


def test_a_report_read_before_delivered_landed_does_not_undo_it(sessions, settings, clock):
    """Kannel sends "accepted" and "delivered" for one SMS a millisecond apart, on two threads."""
    _enqueue(sessions, "k")
    with sessions.begin() as session:
        session.get(OutboxMessage, 1).status = "sending"
    with sessions.begin() as late:
        accepted = late.get(OutboxMessage, 1)
        assert accepted.status == "sending"  # read before the other report lands
        with sessions.begin() as early:
            apply_receipt(early, early.get(OutboxMessage, 1), "delivered")
        apply_receipt(late, accepted, "accepted")
        assert accepted.status == "delivered"
    assert _statuses(sessions) == {"k": "delivered"}


def test_a_sent_one_time_code_is_not_kept(sessions, settings, clock):
    _enqueue(sessions, "otp:1", kind="otp", text="AnSinh: ma 123456")
    Dispatcher(sessions, {"sms": FakeSender()}, clock, settings).run_once()
    with sessions() as session:
        row = session.scalar(select(OutboxMessage))
        assert row.status == "sent" and "123456" not in row.text


def test_retention_removes_only_old_final_messages(sessions, clock):
    from core.outbox.retention import purge_old_messages

    _enqueue(sessions, "old-sent")
    _enqueue(sessions, "old-queued")
    _enqueue(sessions, "new-sent")
    with sessions.begin() as session:
        for row in session.scalars(select(OutboxMessage)):
            row.status = "queued" if row.idempotency_key == "old-queued" else "sent"
            row.created_at = clock.now() - timedelta(days=1 if row.idempotency_key == "new-sent" else 200)
    assert purge_old_messages(sessions, clock, days=180) == 1
    assert set(_statuses(sessions)) == {"old-queued", "new-sent"}
    assert purge_old_messages(sessions, clock, days=0) == 0
