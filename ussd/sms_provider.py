"""What every SMS provider implements, so a second one (a Vietnamese SMS gateway) plugs in
without touching the core: subclass `SmsSender`, implement `send_sms`, return it from
`ussd.make_senders`. The core's dispatcher only knows `Sender.send(message) -> SendResult`.

`SimulatorSender` is the provider of the demo: it sends nothing and marks each message delivered
with a "sim-…" id, so the phone simulator shows it in that phone's inbox (read from the outbox).
"""
from __future__ import annotations

import logging
import uuid

from core.dispatch import SendResult
from core.models import OutboxMessage
from core.render import render_for_channel

logger = logging.getLogger(__name__)


class SmsSender:
    """The outbox side of an SMS provider: renders the text for SMS, then `send_sms`."""

    channel = "sms"
    provider = "sms"

    def __init__(self, settings):
        self.settings = settings

    def send(self, message: OutboxMessage) -> SendResult:
        body = render_for_channel(message.text, "sms", self.settings)
        return self.send_sms(message.address, body, key=message.idempotency_key)

    def send_sms(self, to: str, body: str, *, key: str) -> SendResult:
        """Hand one SMS to the provider. Raise core.dispatch.TemporaryError to retry later,
        PermanentError when it can never succeed (opt_out=True when the person unsubscribed)."""
        raise NotImplementedError


class SimulatorSender(SmsSender):
    provider = "simulator"

    def send_sms(self, to: str, body: str, *, key: str) -> SendResult:
        logger.info("simulated SMS to %s (%d chars)", to, len(body))
        return SendResult(provider_id=f"sim-{uuid.uuid4().hex[:20]}", status="delivered")
