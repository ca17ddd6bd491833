"""What every SMS provider implements, so a second one (a Vietnamese SMS gateway) plugs in
without touching the core: subclass `SmsSender`, implement `send_sms`, return it from
`ussd.make_senders`. The core's dispatcher only knows `Sender.send(message) -> SendResult`.

`SimulatorSender` is the provider of the demo: it sends nothing and marks each message delivered
with a "sim-…" id, so the phone simulator shows it in that phone's inbox (read from the outbox).
The dispatcher removes a one-time code's text from the outbox once sent, so in the demo the sender
keeps the code's SMS in the state store for the code's lifetime, where only the simulator's inbox
reads it (`shown_code`): without it a simulator user could never register a guardian.
"""
from __future__ import annotations

import logging
import uuid

from core.outbox.dispatch import SendResult
from core.models import OutboxMessage
from core.phones import mask_phone
from core.conversation.registration import CODE_TTL
from core.conversation.render import render_for_channel

logger = logging.getLogger(__name__)
SHOWN_CODE_KEY = "simulator:otp:%s"  # + outbox id


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
        """Hand one SMS to the provider. Raise core.outbox.dispatch.TemporaryError to retry later,
        PermanentError when it can never succeed (opt_out=True when the person unsubscribed)."""
        raise NotImplementedError


class SimulatorSender(SmsSender):
    provider = "simulator"

    def __init__(self, settings, codes=None):
        super().__init__(settings)
        # A core.storage.state store where the simulator is on, else None: codes are not kept.
        self.codes = codes

    def send(self, message: OutboxMessage) -> SendResult:
        if message.kind == "otp" and self.codes is not None:
            body = render_for_channel(message.text, "sms", self.settings)
            self.codes.set(SHOWN_CODE_KEY % message.id, {"text": body}, int(CODE_TTL.total_seconds()))
        return super().send(message)

    def send_sms(self, to: str, body: str, *, key: str) -> SendResult:
        logger.info("simulated SMS to %s (%d chars)", mask_phone(to), len(body))
        return SendResult(provider_id=f"sim-{uuid.uuid4().hex[:20]}", status="delivered")


def shown_code(state, outbox_id: int) -> str | None:
    """The one-time code SMS the simulator's inbox may show for this outbox row, while it is valid."""
    kept = state.get(SHOWN_CODE_KEY % outbox_id)
    return kept.get("text") if kept else None
