"""Officers' announcements (cash days, the campaign to open accounts) with four-eyes approval.

An officer writes a text with fields and picks an audience within their own scope; a second
officer whose scope covers every targeted unit approves; approval fans the message out through
the outbox at bulk priority (the dispatcher keeps quiet hours; a scheduled time becomes the rows'
`not_before`). Nobody approves their own broadcast, and nothing is queued before approval.
The console and the `ansinh broadcast` command both come through here, so the rules are one.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.privacy.audit import record_disclosure
from core.broadcasts.audience import find_recipients, template_values
from core.broadcasts.template import BroadcastError, check_template, fill, fill_pieces, split_template
from core.clock import Clock
from core.i18n import translator
from core.models import Broadcast, Category, Officer, OutboxMessage
from core.models.payments import PAYMENT_STATUSES
from core.models.people import CHANNELS, METHODS
from core.notify.channels import choose
from core.notify.zns_fields import day
from core.officers.accounts import N_, actor_name, can_act_on, check_units
from core.outbox.bulk import enqueue_many
from core.conversation.render import ManyRenderer
from core.vietnamese_text import sms_size, to_gsm7

logger = logging.getLogger(__name__)
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
OPEN_STATUSES = ("queued", "sending")
DELIVERY_STATUSES = ("queued", "sending", "sent", "delivered", "failed", "dead")


def make_filters(session: Session, officer: Officer, clock: Clock, *, units=(), categories=(), method=None,
                 status=None, period=None, channel=None) -> dict:
    """Validated filters within the officer's scope (a commune officer's default is their unit)."""
    codes = check_units(session, officer, units or ())
    scope = None
    if not codes:
        if officer.role == "commune":
            codes = [officer.unit_code]
        else:
            scope = officer.unit_code
    cats = list(dict.fromkeys(c.strip().upper() for c in categories or () if c and c.strip()))
    for code in cats:
        if session.get(Category, code) is None:
            raise BroadcastError(N_("There is no beneficiary category %(code)s."), code=code)
    if method and method not in METHODS:
        raise BroadcastError(N_("The payment method must be cash, account or ewallet."))
    if status and status not in PAYMENT_STATUSES:
        raise BroadcastError(N_("Unknown payment status %(status)s."), status=status)
    if channel and channel not in CHANNELS:
        raise BroadcastError(N_("The channel must be sms, zalo or telegram."))
    if period and not _PERIOD.fullmatch(period):
        raise BroadcastError(N_("Write the period as YYYY-MM, for example 2026-12."))
    return {"units": codes or None, "scope": scope, "categories": cats, "method": method or None,
            "status": status or None, "period": period or (clock.current_period() if status else None),
            "channel": channel or None}


@dataclass(frozen=True)
class ChannelPreview:
    channel: str
    text: str
    encoding: str | None
    characters: int
    segments: int | None
    too_long: bool = False


@dataclass
class Preview:
    beneficiaries: int
    recipients: int
    by_channel: dict[str, int] = field(default_factory=dict)
    channels: list[ChannelPreview] = field(default_factory=list)


def preview(session: Session, settings, clock: Clock, text: str, filters: dict) -> Preview:
    """The audience size and the message as the first recipient would read it, per channel."""
    text = check_template(text)
    beneficiaries, recipients = find_recipients(session, filters)
    by_channel: dict[str, int] = {}
    for recipient in recipients:
        by_channel[recipient.channel] = by_channel.get(recipient.channel, 0) + 1
    period = filters.get("period") or clock.current_period()
    sample = {}
    if recipients:
        sample = template_values(session, [recipients[0].beneficiary_id], period, translator("vi"),
                                 clock.today())
        sample = sample.get(recipients[0].beneficiary_id, {})
    filled = fill(text, sample) if sample else text
    channels = [filters["channel"]] if filters.get("channel") else sorted(set(by_channel) | {"sms"})
    shown = []
    for channel in channels:
        if channel == "sms":
            raw = filled if settings.sms_encoding == "ucs2" else to_gsm7(filled)
            size = sms_size(raw)
            shown.append(ChannelPreview("sms", raw, size.encoding, size.characters, size.segments,
                                        size.segments > settings.sms_max_segments))
        else:
            shown.append(ChannelPreview(channel, filled, None, len(filled), None))
    return Preview(beneficiaries, len(recipients), by_channel, shown)


def create_broadcast(session: Session, officer: Officer, text: str, filters: dict, clock: Clock,
                     scheduled_at: datetime | None = None, via: str = "console") -> Broadcast:
    """A broadcast waiting for a second officer's approval; nothing is queued yet."""
    text = check_template(text)
    if scheduled_at is not None and scheduled_at <= clock.now():
        raise BroadcastError(N_("The sending time has already passed; pick a later time."))
    _, recipients = find_recipients(session, filters)
    if not recipients:
        raise BroadcastError(N_("Nobody matches these filters; the broadcast was not created."))
    broadcast = Broadcast(created_by=officer.id, text=text, filters=filters, scheduled_at=scheduled_at,
                          status="pending_approval", recipients=len(recipients), created_at=clock.now())
    session.add(broadcast)
    session.flush()
    record_disclosure(session, actor_name(officer), "broadcast.create", None, via,
                      {"broadcast": broadcast.id, "filters": filters, "recipients": len(recipients)})
    logger.info("broadcast %s created by %s for %d people", broadcast.id, officer.username, len(recipients))
    return broadcast


def covers(officer: Officer, broadcast: Broadcast, session: Session) -> bool:
    """Whether the officer's authority covers every unit the broadcast targets."""
    filters = broadcast.filters or {}
    units = filters.get("units")
    if not units:
        return officer.role == "province" and (
            officer.unit_code is None or officer.unit_code == filters.get("scope")
        )
    from core.models import Unit

    parents = dict(session.execute(select(Unit.code, Unit.parent_code).where(Unit.code.in_(units))).all())
    return all(can_act_on(officer, code, parents.get(code)) for code in units)


def check_approver(session: Session, broadcast: Broadcast, officer: Officer) -> None:
    if broadcast.status != "pending_approval":
        raise BroadcastError(N_("This broadcast is no longer waiting for approval."))
    if broadcast.created_by == officer.id:
        raise BroadcastError(N_("You cannot approve your own broadcast; another officer must approve it."))
    if not covers(officer, broadcast, session):
        raise BroadcastError(N_("Your authority does not cover every unit this broadcast targets."))


def approve(session: Session, broadcast: Broadcast, officer: Officer, settings, clock: Clock,
            via: str = "console") -> int:
    """Approve and fan out in one transaction; returns how many messages were queued. The row is
    locked first (PostgreSQL), so two officers approving at once cannot both fan out."""
    session.refresh(broadcast, with_for_update=True)
    check_approver(session, broadcast, officer)
    broadcast.status = "approved"
    broadcast.approved_by = officer.id
    broadcast.approved_at = clock.now()
    queued = fan_out(session, broadcast, settings, clock)
    record_disclosure(session, actor_name(officer), "broadcast.approve", None, via,
                      {"broadcast": broadcast.id, "queued": queued})
    refresh_status(session, broadcast, clock.now())
    return queued


def reject(session: Session, broadcast: Broadcast, officer: Officer, clock: Clock,
           via: str = "console") -> None:
    """Turn a broadcast down (a would-be approver) or withdraw it (its author)."""
    session.refresh(broadcast, with_for_update=True)
    if broadcast.status != "pending_approval":
        raise BroadcastError(N_("This broadcast is no longer waiting for approval."))
    if broadcast.created_by == officer.id:
        broadcast.status = "cancelled"
    elif covers(officer, broadcast, session):
        broadcast.status = "rejected"
    else:
        raise BroadcastError(N_("Your authority does not cover every unit this broadcast targets."))
    record_disclosure(session, actor_name(officer), f"broadcast.{broadcast.status}", None, via,
                      {"broadcast": broadcast.id})


def fan_out(session: Session, broadcast: Broadcast, settings, clock: Clock) -> int:
    """One outbox row per person and channel, text filled for their beneficiary and rendered for
    the channel; idempotent (the key names the broadcast, the person and the channel)."""
    filters = broadcast.filters or {}
    _, recipients = find_recipients(session, filters)
    period = filters.get("period") or clock.current_period()
    values = template_values(session, [r.beneficiary_id for r in recipients], period, translator("vi"),
                             clock.today())
    not_before = (
        broadcast.scheduled_at if broadcast.scheduled_at and broadcast.scheduled_at > clock.now() else None
    )
    parts = split_template(broadcast.text)
    renderers: dict[str, ManyRenderer] = {}
    rendered: dict[tuple[int, str], str] = {}  # a beneficiary's self and guardians read the same text
    rows = []
    for recipient in recipients:
        key = (recipient.beneficiary_id, recipient.channel)
        pieces = fill_pieces(parts, values.get(recipient.beneficiary_id, {}))
        if key not in rendered:
            renderer = renderers.get(recipient.channel) or renderers.setdefault(
                recipient.channel, ManyRenderer(recipient.channel, settings))
            rendered[key] = renderer.render(pieces)
        fields = {"content": "".join(pieces), "date": day(clock.today())}
        channel, template_data = choose(settings, recipient.channel, recipient.address, "broadcast", fields)
        rows.append({
            "idempotency_key": f"bc:{broadcast.id}:p{recipient.person_id}:{recipient.channel}",
            "channel": channel, "address": recipient.address, "text": rendered[key],
            "kind": "broadcast", "not_before": not_before, "person_id": recipient.person_id,
            "beneficiary_id": recipient.beneficiary_id, "ref": f"broadcast:{broadcast.id}",
            "topic": "broadcast", "template_data": template_data,
        })
    added = enqueue_many(session, rows)
    broadcast.recipients = len(rows)
    logger.info("broadcast %s fanned out: %d queued of %d recipients", broadcast.id, added, len(rows))
    return added


def delivery_counts(session: Session, broadcast_id: int) -> dict[str, int]:
    counts = dict.fromkeys(DELIVERY_STATUSES, 0)
    query = (select(OutboxMessage.status,
                    func.count()).where(OutboxMessage.ref == f"broadcast:{broadcast_id}")
             .group_by(OutboxMessage.status))
    for status, count in session.execute(query):
        counts[status] = counts.get(status, 0) + count
    return counts


def refresh_status(session: Session, broadcast: Broadcast, now: datetime,
                   counts: dict[str, int] | None = None) -> str:
    """approved (waiting for its time) -> sending -> done, from the outbox rows."""
    if broadcast.status not in ("approved", "sending", "done"):
        return broadcast.status
    counts = counts if counts is not None else delivery_counts(session, broadcast.id)
    waiting = sum(counts.get(status, 0) for status in OPEN_STATUSES)
    if broadcast.scheduled_at is not None and broadcast.scheduled_at > now and waiting:
        broadcast.status = "approved"
    elif waiting:
        broadcast.status = "sending"
    else:
        broadcast.status = "done"
    return broadcast.status


def summary(session: Session, broadcast: Broadcast, now: datetime) -> dict:
    """What `ansinh broadcast show` prints and the delivery dashboard polls."""
    counts = delivery_counts(session, broadcast.id)
    refresh_status(session, broadcast, now, counts)
    return {
        "id": broadcast.id, "status": broadcast.status, "recipients": broadcast.recipients,
        "queued": counts["queued"] + counts["sending"], "sent": counts["sent"],
        "delivered": counts["delivered"],
        "failed": counts["failed"], "dead": counts["dead"],
        "scheduled_at": broadcast.scheduled_at.isoformat() if broadcast.scheduled_at else None,
        "approved_at": broadcast.approved_at.isoformat() if broadcast.approved_at else None,
        "filters": broadcast.filters, "text": broadcast.text,
    }
