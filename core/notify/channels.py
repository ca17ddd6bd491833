"""Which channel carries a notification to a phone number, and what happens when it cannot.

ANSINH_NOTIFY_CHANNELS lists the channels a notification tries for a person reached by phone, in
order: `zns` (Zalo's template messages, to anyone whose Zalo account uses the number) and `sms`.
Unset, it is `zns,sms` when ZNS is configured (templates and a Zalo app), else `sms`. A person who
chose a chat (Telegram, Zalo OA) keeps it: the order applies to the phone.

A message goes to the first channel that accepts it, never to two: ZNS accepts a Vietnamese
number (+84) for a topic with a template whose parameters all fill (core.notify.zns_templates);
SMS accepts any. The row is written on that channel with its topic, and keeps the SMS text, so
when Zalo answers that the number has no Zalo account, cannot receive ZNS, or is invalid (a
`FallBack` error from the sender), `fall_back` queues the same text by the next channel at once,
unless the person or the number opted out meanwhile. A ZNS row left dead after its retries (quota,
outages) does not fall back: it waits in the console's dead letters.
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.outbox.dispatch import PermanentError
from core.models import Identity, OutboxMessage, Person
from core.notify.zns_templates import load_templates
from core.outbox.writes import enqueue
from core.settings import SettingsError

logger = logging.getLogger(__name__)
PHONE_CHANNELS = ("zns", "sms")
_json = json.JSONEncoder(ensure_ascii=False).encode


class FallBack(PermanentError):
    """The channel cannot reach this number (no Zalo account, ZNS refused, invalid number, or a
    template Zalo will not send): the next channel takes the message at once."""

    fallback = True


def zns_configured(settings) -> bool:
    return bool(settings.zalo_zns_templates and settings.zalo_app_id
                and (settings.zalo_access_token or settings.zalo_refresh_token))


def notify_channels(settings) -> tuple[str, ...]:
    """The configured order; a name other than zns or sms is a SettingsError."""
    return _order(settings.notify_channels, zns_configured(settings))


@lru_cache(maxsize=16)
def _order(raw: str | None, zns: bool) -> tuple[str, ...]:
    if not raw:
        return PHONE_CHANNELS if zns else ("sms",)
    order = tuple(dict.fromkeys(part.strip().lower() for part in raw.split(",") if part.strip()))
    if not order or any(channel not in PHONE_CHANNELS for channel in order):
        raise SettingsError("ANSINH_NOTIFY_CHANNELS", raw)
    return order


def choose(settings, channel: str, address: str, topic: str | None, fields: dict | None) -> tuple[str,
                                                                                                  str | None]:
    """(channel, template_data JSON or None) for a message the recipients module put on `channel`."""
    if channel != "sms" or topic is None:
        return channel, None
    configured = zns_configured(settings)
    for candidate in _order(settings.notify_channels, configured):
        if candidate == "sms":
            return "sms", None
        if candidate == "zns" and configured and address.startswith("+84"):
            template = load_templates(settings.zalo_zns_templates).get(topic)
            data = template.fill(fields or {}) if template is not None else None
            if data is not None:
                return "zns", _json({"template_id": template.template_id, "template_data": data})
    return "sms", None  # no listed channel takes it: the phone's own channel, as before


def next_channel(settings, channel: str) -> str | None:
    order = notify_channels(settings)
    later = order[order.index(channel) + 1:] if channel in order else ()
    return later[0] if later else None


def _still_wanted(session: Session, message: OutboxMessage) -> bool:
    """Neither the person nor this number opted out since the message was queued."""
    if message.person_id is not None:
        person = session.get(Person, message.person_id)
        if person is None or person.opted_out:
            return False
    blocked = session.scalar(select(Identity.opted_out).where(Identity.kind == "phone",
                                                              Identity.address == message.address))
    return not blocked


def fall_back(session: Session, message: OutboxMessage, error, settings) -> OutboxMessage | None:
    """Queue a refused ZNS message by the next channel (in the transaction that marks it failed)."""
    if message.channel != "zns" or not getattr(error, "fallback", False):
        return None
    channel = next_channel(settings, "zns")
    if channel is None or not _still_wanted(session, message):
        logger.info("outbox %s: ZNS refused it and no channel follows", message.id)
        return None
    row = enqueue(session, channel=channel, address=message.address, text=message.text, kind=message.kind,
                  key=f"{message.idempotency_key}:{channel}", person_id=message.person_id,
                  beneficiary_id=message.beneficiary_id, payment_id=message.payment_id, ref=message.ref)
    if row is not None:
        row.topic, row.fallback_of = message.topic, message.id
        logger.info("outbox %s: ZNS refused it; %s queued as %s", message.id, channel, row.id)
    return row
