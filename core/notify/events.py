"""The import listener: payment results and cash schedules become outbox rows in the import's own
transaction, so a message exists exactly when the change does (ARCHITECTURE.md, rule 4).

Told: paid, failed, returned, on hold (a status that changed), and cash days set. One message per
recipient and beneficiary event; the idempotency key
    pay:{payment}:{status}:p{person}:{channel}
makes a re-import, a retry or a status that flips back and forth send nothing twice. A schedule's
key names its unit and period and carries a digest of the days still to come, their hours and
places, so a corrected schedule is announced again.
Payments of periods older than two months before today are history: imported, not announced.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.answers.cash_days import CashSlot, cash_days
from core.clock import Clock, period_add
from core.i18n import translator
from core.models import Beneficiary, CashSchedule, Payment, Unit
from core.notify.audience import unpaid_cash
from core.notify.queue import Outgoing, Renderers, enqueue_many, outgoing
from core.notify.recipients import chunks, recipients_for_many
from core.notify.sentences import RememberingTranslator, payment_text, schedule_text
from core.notify.zns_fields import PAYMENT_TOPICS, cash_fields, payment_fields

logger = logging.getLogger(__name__)
NOTIFIED_STATUSES = ("paid", "failed", "returned", "on_hold")
HISTORY_MONTHS = 2


class NotifyOnImport:
    """`listener(session, events)` for core.imports: PaymentChanged and ScheduleSet events."""

    def __init__(self, settings, clock: Clock):
        self.settings = settings
        self.clock = clock

    def __call__(self, session: Session, events: Iterable) -> int:
        events = list(events)
        payments = [e for e in events if hasattr(e, "payment_id") and hasattr(e, "new_status")]
        schedules = [e for e in events if hasattr(e, "schedule_id")]
        queued = 0
        if payments:
            queued += notify_payments(session, payments, self.settings, self.clock)
        if schedules:
            queued += notify_schedules(session, [e.schedule_id for e in schedules], self.settings, self.clock)
        return queued


def payment_key(payment_id: int, status: str, person_id: int, channel: str) -> str:
    return f"pay:{payment_id}:{status}:p{person_id}:{channel}"


def notify_payments(session: Session, events: list, settings, clock: Clock) -> int:
    """Queue the messages for payment status changes; returns how many were queued."""
    today = clock.today()
    oldest = period_add(clock.current_period(), -HISTORY_MONTHS)
    wanted = {e.payment_id: e.new_status for e in events
              if e.new_status in NOTIFIED_STATUSES and e.new_status != e.old_status and e.period >= oldest}
    if not wanted:
        return 0
    rows: list[tuple[Payment, Beneficiary]] = []
    for chunk in chunks(list(wanted)):
        rows.extend(
            session.execute(
                select(Payment, Beneficiary)
                .join(Beneficiary, Beneficiary.id == Payment.beneficiary_id)
                .where(Payment.id.in_(chunk))
                .execution_options(populate_existing=True)
            )
        )
    units = _units(session, {b.unit_code for _, b in rows})
    recipients = recipients_for_many(session, [b.id for _, b in rows])
    items: list[Outgoing] = []
    translators, renderers = _Translators(), Renderers(settings)
    for payment, beneficiary in rows:
        status = wanted[payment.id]
        for r in recipients.get(beneficiary.id, []):
            text = payment_text(translators[r.language], payment, beneficiary,
                                units.get(beneficiary.unit_code), r.role,
                                status, today, settings.hotline)
            items.append(outgoing(settings, r, payment_key(payment.id, status, r.person_id, r.channel), text,
                                  f"notify.payment_{status}", renderers, payment_id=payment.id,
                                  ref=f"payment:{payment.id}",
                                  topic=PAYMENT_TOPICS[status],
                                  fields=payment_fields(payment, beneficiary, today, settings.hotline)))
    return enqueue_many(session, items, clock.now())


def schedule_digest(slots: tuple[CashSlot, ...]) -> str:
    raw = "|".join(str(v) for s in slots for v in (s.start, s.end, s.hours, s.place))
    return hashlib.sha256(raw.encode()).hexdigest()[:8]


def notify_schedules(session: Session, schedule_ids: list[int], settings, clock: Clock) -> int:
    """Tell the unit's unpaid cash beneficiaries (and their guardians) when and where to collect:
    every cash day of the period still to come, in one message (none when all are over)."""
    today = clock.today()
    items: list[Outgoing] = []
    translators, renderers = _Translators(), Renderers(settings)
    pairs = []
    for chunk in chunks(list(dict.fromkeys(schedule_ids))):
        pairs.extend(session.execute(select(CashSchedule.unit_code, CashSchedule.period)
                                     .where(CashSchedule.id.in_(chunk), CashSchedule.method == "cash")))
    for unit_code, period in sorted(set(pairs)):
        coming = cash_days(session, unit_code, today, period).coming
        if not coming:
            continue
        audience = unpaid_cash(session, unit_code, period)
        recipients = recipients_for_many(session, [b.id for b, _ in audience])
        digest = schedule_digest(coming)
        for beneficiary, payment in audience:
            for r in recipients.get(beneficiary.id, []):
                text = schedule_text(translators[r.language], coming, beneficiary, r.role, today)
                key = f"sched:{unit_code}:{period}:{digest}:b{beneficiary.id}:p{r.person_id}:{r.channel}"
                items.append(outgoing(settings, r, key, text, "notify.cash_schedule", renderers,
                                      payment_id=payment.id if payment else None,
                                      ref=f"schedule:{coming[0].id}", topic="cash_day",
                                      fields=cash_fields(coming, beneficiary)))
    return enqueue_many(session, items, clock.now())


class _Translators(dict):
    """A RememberingTranslator per language, for one batch."""

    def __missing__(self, language: str) -> RememberingTranslator:
        found = self[language] = RememberingTranslator(translator(language))
        return found


def _units(session: Session, codes: set[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for chunk in chunks(sorted(codes)):
        found.update({u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(chunk)))})
    return found
