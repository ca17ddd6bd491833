"""Receipt confirmation: "Đã nhận được tiền tháng 11 chưa? Trả lời 1 = đã nhận, 2 = chưa".

Asked once per payment (a ReceiptCheck row), to the beneficiary or else the first guardian who
can be reached: the day after the unit's last cash day for cash paid, three days after the credit
for e-wallets and accounts, and no later than two weeks after that. A person with an open question
is not asked a second one until they answer or it lapses, so "1" is never ambiguous.
"2"/"chưa" opens a not_received complaint for the commune officer.
"""
from __future__ import annotations

import logging
import re
from datetime import date, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.privacy.audit import record_disclosure
from core.clock import Clock, period_add
from core.i18n import Translator, translator
from core.models import Beneficiary, CashSchedule, Identity, Payment, ReceiptCheck, Unit
from core.notify import phrases as w
from core.complaints.opening import open_not_received
from core.notify.queue import enqueue_many, outgoing
from core.notify.recipients import CHANNEL_KIND, recipients_for_many
from core.notify.sentences import receipt_question
from core.notify.zns_fields import receipt_fields
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)
ELECTRONIC_DELAY = timedelta(days=3)
CASH_DELAY = timedelta(days=1)
ASK_WINDOW = timedelta(days=14)
ANSWER_WINDOW = timedelta(days=7)
RECEIVED = {"1", "da nhan", "da nhan roi", "nhan roi", "da nhan duoc", "da nhan duoc roi", "roi", "co", "yes"}
NOT_RECEIVED = {"2", "chua", "chua nhan", "chua nhan duoc", "chua co", "khong", "ko", "no", "not yet"}


def due_date(payment: Payment, beneficiary: Beneficiary, last_cash_day: date | None, clock: Clock) -> date:
    paid = payment.paid_on or payment.status_changed_at.astimezone(clock.tz).date()
    if w.method_of(payment, beneficiary) == "cash":
        return (last_cash_day or paid) + CASH_DELAY
    return paid + ELECTRONIC_DELAY


def queue_receipt_questions(session: Session, settings, clock: Clock, today: date) -> int:
    """Ask about the paid payments whose question is due on `today`; returns how many were asked."""
    oldest = period_add(today.strftime("%Y-%m"), -3)
    asked = exists().where(ReceiptCheck.payment_id == Payment.id)
    rows = list(session.execute(
        select(Payment, Beneficiary).join(Beneficiary, Beneficiary.id == Payment.beneficiary_id)
        .where(Payment.status == "paid", Payment.period >= oldest, ~asked).order_by(Payment.id)
    ))
    last_days = _last_cash_days(session, {(b.unit_code, p.period) for p, b in rows})
    due = [(p, b) for p, b in rows
           if due_date(p, b, last_days.get((b.unit_code, p.period)), clock) <= today
           <= due_date(p, b, last_days.get((b.unit_code, p.period)), clock) + ASK_WINDOW]
    if not due:
        return 0
    recipients = recipients_for_many(session, [b.id for _, b in due])
    busy = set(session.scalars(select(ReceiptCheck.person_id).where(
        ReceiptCheck.answered_at.is_(None), ReceiptCheck.asked_at >= clock.now() - ANSWER_WINDOW)))
    items = []
    for payment, beneficiary in due:
        chosen = next((r for r in recipients.get(beneficiary.id, []) if r.person_id not in busy), None)
        if chosen is None:
            continue
        try:
            with session.begin_nested():
                session.add(ReceiptCheck(payment_id=payment.id, person_id=chosen.person_id,
                                         channel=chosen.channel,
                                         asked_at=clock.now()))
        except IntegrityError:  # another run asked at the same moment
            continue
        busy.add(chosen.person_id)
        text = receipt_question(translator(chosen.language), payment, beneficiary, chosen.role, today)
        items.append(outgoing(settings, chosen, f"receipt:{payment.id}:p{chosen.person_id}:{chosen.channel}",
                              text,
                              "notify.receipt_question", payment_id=payment.id, ref=f"payment:{payment.id}",
                              topic="receipt_question", fields=receipt_fields(payment, beneficiary)))
    return enqueue_many(session, items, clock.now())


def _last_cash_days(session: Session, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], date]:
    if not pairs:
        return {}
    periods = sorted({period for _, period in pairs})
    query = (select(CashSchedule.unit_code, CashSchedule.period, func.max(CashSchedule.end_date))
             .where(CashSchedule.method == "cash", CashSchedule.period.in_(periods))
             .group_by(CashSchedule.unit_code, CashSchedule.period))
    return {(unit, period): last for unit, period, last in session.execute(query) if (unit, period) in pairs}


def parse_answer(text: str) -> str | None:
    """"1", "đã nhận" -> received; "2", "chưa", "chua nhan" -> not_received; anything else None."""
    folded = " ".join(re.sub(r"[^a-z0-9 ]+", " ", fold(text or "")).split())
    if folded in RECEIVED:
        return "received"
    if folded in NOT_RECEIVED:
        return "not_received"
    return None


def open_check(session: Session, person_id: int, clock: Clock) -> ReceiptCheck | None:
    """The person's latest unanswered question asked within the answer window."""
    return session.scalar(
        select(ReceiptCheck)
        .where(ReceiptCheck.person_id == person_id, ReceiptCheck.answered_at.is_(None),
               ReceiptCheck.asked_at >= clock.now() - ANSWER_WINDOW)
        .order_by(ReceiptCheck.asked_at.desc(), ReceiptCheck.id.desc())
        .limit(1)
    )


def _officer_note(payment: Payment) -> str:
    """The ticket text the commune officer reads (in Vietnamese, whatever the person's language)."""
    t = translator("vi")
    return t._("Answered the receipt question: the %(period)s allowance (%(amount)s) has not arrived.",
               period=t.period(payment.period), amount=t.money(payment.amount))


def answer_receipt(session: Session, person_id: int, text: str, channel: str, clock: Clock, t: Translator,
                   hotline: str | None = None) -> str | None:
    """The reply when `text` answers the person's open receipt question, else None (the dialog
    then goes on to the NLU). "Not received" opens a complaint and says who will call."""
    answer = parse_answer(text)
    if answer is None:
        return None
    check = open_check(session, person_id, clock)
    if check is None:
        return None
    payment = session.get(Payment, check.payment_id)
    beneficiary = session.get(Beneficiary, payment.beneficiary_id)
    check.answer, check.answered_at = answer, clock.now()
    actor = f"{channel}:person:{person_id}"
    if answer == "received":
        record_disclosure(session, actor, "receipt.received", beneficiary.id, channel,
                          {"payment_id": payment.id})
        return t._("Thank you for confirming.")
    identity = session.scalar(select(Identity.address).where(
        Identity.person_id == person_id, Identity.kind == CHANNEL_KIND.get(channel, "phone")))
    complaint = open_not_received(session, beneficiary, payment, person_id, channel, identity, clock,
                                  _officer_note(payment))
    check.complaint_id = complaint.id
    record_disclosure(session, actor, "receipt.not_received", beneficiary.id, channel,
                      {"payment_id": payment.id, "complaint": complaint.number})
    unit = session.get(Unit, beneficiary.unit_code)
    caller = w.capitalized(w.officer(t, unit))
    text = t._("We noted that the %(period)s allowance has not arrived. Ticket number: %(number)s. "
               "%(officer)s will call you.", period=t.period(payment.period), number=complaint.number,
               officer=caller)
    if hotline:
        text = text + " " + t._("Hotline: %(hotline)s.", hotline=hotline)
    return text
