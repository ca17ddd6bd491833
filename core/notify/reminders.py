"""Cash-day reminders: two days before a schedule's first day, and on its morning (not before
07:00 local), to beneficiaries of the unit still unpaid in cash and their guardians.

Computed for one given day by `ansinh notifications run-scheduled`; the keys
    remind:{schedule}:{2d|day}:b{beneficiary}:p{person}:{channel}
make a second run on the same day (cron and the worker both) queue nothing new.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.answers.cash_days import cash_days
from core.clock import Clock
from core.i18n import translator
from core.models import CashSchedule
from core.notify.audience import unpaid_cash
from core.notify.queue import Outgoing, enqueue_many, outgoing
from core.notify.recipients import recipients_for_many
from core.notify.sentences import reminder_text
from core.notify.zns_fields import cash_fields

logger = logging.getLogger(__name__)
DAYS_BEFORE = 2
MORNING = time(7, 0)


def queue_reminders(session: Session, settings, clock: Clock, today: date) -> int:
    """Queue the reminders due on `today`; returns how many messages were queued."""
    before = today + timedelta(days=DAYS_BEFORE)
    due = session.execute(
        select(CashSchedule.unit_code, CashSchedule.period).distinct()
        .where(CashSchedule.method == "cash", CashSchedule.start_date.in_([today, before]))
        .order_by(CashSchedule.unit_code, CashSchedule.period)
    ).all()
    morning = datetime.combine(today, MORNING, tzinfo=clock.tz)
    items: list[Outgoing] = []
    for unit_code, period in due:
        slots = [s for s in cash_days(session, unit_code, today, period).coming if s.start in (today, before)]
        audience = unpaid_cash(session, unit_code, period)
        recipients = recipients_for_many(session, [b.id for b, _ in audience])
        for slot in slots:
            on_the_day = slot.start == today
            tag = "day" if on_the_day else f"{DAYS_BEFORE}d"
            for beneficiary, payment in audience:
                for r in recipients.get(beneficiary.id, []):
                    text = reminder_text(translator(r.language), slot, beneficiary, r.role, today, on_the_day)
                    key = f"remind:{slot.id}:{tag}:b{beneficiary.id}:p{r.person_id}:{r.channel}"
                    items.append(outgoing(settings, r, key, text, "notify.cash_reminder",
                                          payment_id=payment.id if payment else None,
                                          ref=f"schedule:{slot.id}", topic="cash_day",
                                          fields=cash_fields([slot], beneficiary),
                                          not_before=morning if on_the_day else None))
    return enqueue_many(session, items, clock.now())
