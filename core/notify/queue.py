"""Writing many notifications at once: an import of a province's results may mean 90,000
messages, so keys are checked in chunks and rows inserted in bulk, each new message with its
disclosure audit row. A key already present (a re-import, a concurrent writer) is skipped quietly:
`INSERT … ON CONFLICT (idempotency_key) DO NOTHING` on both SQLite and PostgreSQL."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.storage.db import upsert_insert
from core.models import AuditLog, OutboxMessage
from core.models.outbox import PRIORITY_NOTIFICATION
from core.notify.channels import choose
from core.notify.recipients import Recipient, chunks
from core.notify.sentences import Sentence
from core.outbox.writes import enqueue
from core.conversation.render import ManyRenderer, render_for_channel
from core.vietnamese_text import sms_size, to_gsm7

logger = logging.getLogger(__name__)
WRITE_CHUNK = 2000


@dataclass(frozen=True)
class Outgoing:
    """One notification to one person about one beneficiary."""

    key: str
    recipient: Recipient
    text: str  # already rendered for the channel
    action: str  # audit action, e.g. "notify.payment_paid"
    payment_id: int | None = None
    ref: str | None = None
    not_before: datetime | None = None
    topic: str | None = None  # core.notify.zns_templates.TOPICS
    channel: str | None = None  # where it goes when not the recipient's (core.notify.channels.choose)
    template_data: str | None = None  # zns: the template and its parameters, JSON


class Renderers(dict):
    """One ManyRenderer per channel for a batch of notifications, so the words they share
    ("Nguyễn", "tháng", amounts) are folded to GSM-7 and counted once, not per message."""

    def __init__(self, settings):
        super().__init__()
        self.settings = settings

    def __missing__(self, channel: str) -> ManyRenderer:
        renderer = self[channel] = ManyRenderer(channel, self.settings)
        return renderer


def fits(text: str, channel: str, settings, renderers: Renderers | None = None) -> bool:
    if channel != "sms":
        return True
    if renderers is not None:
        return renderers[channel].measure([text])[1] <= settings.sms_max_segments
    shown = text if settings.sms_encoding == "ucs2" else to_gsm7(text)
    return sms_size(shown).segments <= settings.sms_max_segments


def compose(parts: str | Sequence[Sentence], channel: str, settings,
            renderers: Renderers | None = None) -> str:
    """All sentences when they fit the channel, else without the optional ones (last first), then
    with shorter variants; rendering cuts what still does not fit."""
    if isinstance(parts, str):
        return parts
    if not any(part.optional or part.shorter for part in parts):  # nothing to choose: render cuts if need be
        return " ".join(part.text for part in parts)
    texts = [part.text for part in parts]
    optional = [index for index, part in enumerate(parts) if part.optional]
    while not fits(" ".join(t for t in texts if t), channel, settings, renderers) and optional:
        texts[optional.pop()] = ""
    for index, part in enumerate(parts):
        for variant in part.shorter:
            if fits(" ".join(t for t in texts if t), channel, settings, renderers) or not texts[index]:
                break
            texts[index] = variant
    return " ".join(t for t in texts if t)


def outgoing(settings, recipient: Recipient, key: str, text: str | Sequence[Sentence], action: str,
             renderers: Renderers | None = None, fields: dict | None = None, **extra) -> Outgoing:
    """An Outgoing whose text is rendered for the recipient's channel (what is sent is what was
    counted). Pass one Renderers to every outgoing() of a batch to render it faster. With a topic
    and its template `fields`, a phone recipient may be reached by ZNS instead (core.notify.channels)."""
    channel, template_data = choose(settings, recipient.channel, recipient.address, extra.get("topic"),
                                    fields)
    if channel != recipient.channel:
        extra.update(channel=channel, template_data=template_data)
    composed = compose(text, recipient.channel, settings, renderers)
    if renderers is not None:
        return Outgoing(key, recipient, renderers[recipient.channel].render([composed]), action, **extra)
    return Outgoing(key, recipient, render_for_channel(composed, recipient.channel, settings), action,
                    **extra)


def _insert_statement(session: Session):
    dialect_insert = upsert_insert(session.bind.dialect.name)
    if dialect_insert is None:
        return None
    table = OutboxMessage.__table__
    return (dialect_insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(table.c.idempotency_key))


def enqueue_many(session: Session, items: list[Outgoing], now: datetime) -> int:
    """Queue every item whose key is new (kind "notification"); returns how many were queued."""
    unique = list({item.key: item for item in items}.values())
    existing: set[str] = set()
    for chunk in chunks([item.key for item in unique]):
        existing.update(
            session.scalars(
                select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(chunk))
            )
        )
    fresh = [item for item in unique if item.key not in existing]
    if not fresh:
        return 0
    statement = _insert_statement(session)
    inserted: set[str] = set()
    if statement is None:  # another database: one at a time through the outbox itself
        for item in fresh:
            if _enqueue_one(session, item) is not None:
                inserted.add(item.key)
    else:
        for chunk in chunks(fresh, WRITE_CHUNK):
            rows = [_row(item, now) for item in chunk]
            inserted.update(session.execute(statement, rows).scalars())
    audits = [_audit(item, now) for item in fresh if item.key in inserted]
    for chunk in chunks(audits, WRITE_CHUNK):
        session.execute(insert(AuditLog.__table__), list(chunk))
    logger.info("queued %s notifications (%s already queued)", len(inserted), len(unique) - len(inserted))
    return len(inserted)


def _row(item: Outgoing, now: datetime) -> dict:
    r = item.recipient
    return {"idempotency_key": item.key, "channel": item.channel or r.channel, "address": r.address,
            "text": item.text,
                "kind": "notification", "priority": PRIORITY_NOTIFICATION, "not_before": item.not_before,
            "status": "queued",
                "attempts": 0, "person_id": r.person_id, "beneficiary_id": r.beneficiary_id,
            "payment_id": item.payment_id,
                "ref": item.ref, "topic": item.topic, "template_data": item.template_data, "created_at": now}


def _enqueue_one(session: Session, item: Outgoing):
    r = item.recipient
    row = enqueue(session, channel=item.channel or r.channel, address=r.address, text=item.text,
                  kind="notification",
                  key=item.key, not_before=item.not_before, person_id=r.person_id,
                  beneficiary_id=r.beneficiary_id,
                  payment_id=item.payment_id, ref=item.ref)
    if row is not None:
        row.topic, row.template_data = item.topic, item.template_data
    return row


def _audit(item: Outgoing, now: datetime) -> dict:
    r = item.recipient
    channel = item.channel or r.channel
    return {"at": now, "actor": f"{channel}:{r.address}"[:80], "action": item.action[:40],
            "beneficiary_id": r.beneficiary_id,
                "channel": channel, "detail": {"person_id": r.person_id, "role": r.role, "key": item.key,
                                           "payment_id": item.payment_id}}
