"""What the core counts (core.counting), heard by a listener as ansinh/metrics.py hears it: each
send's outcome with its provider, provider errors by code, retries and dead letters, receipts,
send-rate refusals, imports' rows, and failed officer sign-ins."""
from __future__ import annotations

from collections import Counter

import pytest

from core import counting
from core.outbox.dispatch import Dispatcher, PermanentError, SendResult, TemporaryError
from core.outbox.writes import enqueue, record_receipt


class ZaloError(PermanentError):
    code = "-213"


class TwilioSender:
    channel = "sms"

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)

    def send(self, message):
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return SendResult(provider_id=f"SM{message.id:08d}", status=outcome)


@pytest.fixture
def heard():
    events: Counter = Counter()

    def listener(event: str, amount: float, labels: dict) -> None:
        events[(event, *sorted(labels.items()))] += amount

    counting.listen(listener)
    yield events
    counting.stop_listening(listener)


def _queue(sessions, *keys: str) -> None:
    with sessions.begin() as session:
        for key in keys:
            enqueue(session, channel="sms", address="+84900000009", text=key, kind="notification", key=key)


def _dispatch(sessions, clock, settings, sender) -> None:
    dispatcher = Dispatcher(sessions, {"sms": sender}, clock, settings)
    while dispatcher.run_once():
        clock.advance(hours=2)  # past any retry's backoff


def test_sends_retries_failures_and_dead_letters_are_counted_per_provider(sessions, clock, settings, heard):
    _queue(sessions, "a", "b", "c")
    sender = TwilioSender("sent", TemporaryError("503"), "delivered", ZaloError("unfollowed"))
    _dispatch(sessions, clock, settings, sender)
    assert heard[("send", ("channel", "sms"), ("outcome", "sent"), ("provider", "twilio"))] == 1
    assert heard[("send", ("channel", "sms"), ("outcome", "retry"), ("provider", "twilio"))] == 1
    assert heard[("send", ("channel", "sms"), ("outcome", "delivered"), ("provider", "twilio"))] == 1
    assert heard[("send", ("channel", "sms"), ("outcome", "failed"), ("provider", "twilio"))] == 1
    assert heard[("provider_error", ("channel", "sms"), ("code", "-213"), ("provider", "twilio"))] == 1
    assert heard[("provider_error", ("channel", "sms"), ("code", "TemporaryError"),
                  ("provider", "twilio"))] == 1

    _queue(sessions, "d")
    _dispatch(sessions, clock, settings.with_(outbox_max_attempts=2),
              TwilioSender(TemporaryError("timeout"), TemporaryError("timeout")))
    assert heard[("send", ("channel", "sms"), ("outcome", "dead"), ("provider", "twilio"))] == 1


def test_receipts_are_counted_by_the_status_they_apply(sessions, clock, settings, heard):
    _queue(sessions, "e")
    _dispatch(sessions, clock, settings, TwilioSender("sent"))
    with sessions.begin() as session:
        record_receipt(session, "SM-unknown", "delivered")  # not ours: not counted
        record_receipt(session, _provider_id(session), "delivered")
    assert heard[("receipt", ("channel", "sms"), ("status", "delivered"))] == 1


def _provider_id(session) -> str:
    from sqlalchemy import select

    from core.models import OutboxMessage

    return session.scalar(select(OutboxMessage.provider_id).where(OutboxMessage.idempotency_key == "e"))


def test_an_import_counts_its_accepted_and_rejected_rows(cli, data_dir, heard):
    cli("import", "beneficiaries", data_dir / "import_beneficiaries_errors.csv", "--today", "2026-11-26")
    accepted = heard[("import_rows", ("kind", "beneficiaries"), ("outcome", "accepted"))]
    rejected = heard[("import_rows", ("kind", "beneficiaries"), ("outcome", "rejected"))]
    assert rejected > 0 and accepted + rejected == len((data_dir / "import_beneficiaries_errors.csv")
                                                       .read_text(encoding="utf-8").splitlines()) - 1
    assert heard[("import_seconds", ("kind", "beneficiaries"))] > 0
