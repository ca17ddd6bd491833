"""Has the money come: one period's payment in words (DOMAIN.md's status names), a one-line
version for guardians of several people, and the history of past payments."""
from __future__ import annotations

import logging
import re

from sqlalchemy import bindparam, func, select

from core.answers.context import (
    AnswerContext,
    addressed,
    capitalised,
    how_paid,
    officer_phrase,
    unit_of,
)
from core.answers.schedule import cash_days_announced_later, fitting, when_money_comes
from core.clock import period_add
from core.conversation.identity import PAYMENT_COLUMNS, PaymentView
from core.models import Beneficiary, Payment
from core.storage.turn_connection import connection_of

logger = logging.getLogger(__name__)

HISTORY_PAGE = {"ussd": 3, "sms": 4}
HISTORY_PAGE_CHAT = 6


# Built once, as plain rows (answers only read a payment): no ORM objects on the webhook path.
_P = Payment.__table__
_COLUMNS = [_P.c[name] for name in PAYMENT_COLUMNS]
_ONE_PERIOD = select(*_COLUMNS).where(_P.c.beneficiary_id == bindparam("beneficiary_id"),
                                      _P.c.period == bindparam("period"))
_LATEST_UP_TO = (select(*_COLUMNS).where(_P.c.beneficiary_id == bindparam("beneficiary_id"),
                                         _P.c.period <= bindparam("period"))
                 .order_by(_P.c.period.desc()).limit(1))


def find_payment(ctx: AnswerContext, beneficiary: Beneficiary,
                 period: str | None) -> tuple[PaymentView | None, str]:
    """The named period's payment; without a period, this month's or else the latest one known.
    A payment read with the beneficiary (core.conversation.identity.resolve) is not read again."""
    target = period or ctx.clock.current_period()
    known = getattr(beneficiary, "payment_of", None)  # BeneficiaryView only
    run = connection_of(ctx.session).execute
    if known is not None and known[0] == target:
        payment = known[1]
    else:
        row = run(_ONE_PERIOD, {"beneficiary_id": beneficiary.id, "period": target}).first()
        payment = PaymentView(*row) if row is not None else None
    if payment is None and period is None:
        row = run(_LATEST_UP_TO, {"beneficiary_id": beneficiary.id, "period": period_add(target, 1)}).first()
        payment = PaymentView(*row) if row is not None else None
    return payment, (payment.period if payment is not None else target)


def status_words(ctx: AnswerContext, payment: Payment | None) -> str:
    """DOMAIN.md's words for a status, lower case, for use inside a sentence."""
    t = ctx.t
    if payment is None:
        return t._("no record yet")
    if payment.status == "paid":
        return t._("paid on %(date)s", date=t.date(payment.paid_on)) if payment.paid_on else t._("paid")
    words = {
        "scheduled": t._("waiting for payment"),
        "sent": t._("sent to the paying agency"),
        "failed": t._("payment failed"),
        "returned": t._("returned"),
        "on_hold": t._("on hold"),
    }
    return words.get(payment.status, payment.status)


_LONG_NUMBER = re.compile(r"\d[\d .]{4,}\d")


def _masked_numbers(text: str) -> str:
    """A provider's note may quote an account or ID number: keep only its last 4 digits."""
    def mask(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        return "…" + digits[-4:] if len(digits) >= 6 else match.group()

    return _LONG_NUMBER.sub(mask, text)


def _reason(ctx: AnswerContext, payment: Payment) -> str:
    return _masked_numbers((payment.note or "").strip().rstrip(".")) or ctx.t._("no reason given")


def payment_status(ctx: AnswerContext, beneficiary: Beneficiary, period: str | None) -> str:
    payment, shown_period = find_payment(ctx, beneficiary, period)
    text = _status_text(ctx, beneficiary, payment, shown_period)
    # Recorded after the reads, so the audit row is written with the commit, not mid-answer.
    ctx.disclose("payment_status", beneficiary, period=shown_period,
                 status=payment.status if payment else None)
    return text


def _status_text(ctx: AnswerContext, beneficiary: Beneficiary, payment: Payment | None,
                 shown_period: str) -> str:
    t = ctx.t
    name = addressed(ctx, beneficiary)
    values = {"period": t.period(shown_period), "name": name}
    unit = unit_of(ctx, beneficiary.unit_code)
    call = {"whom": officer_phrase(ctx, unit), "hotline": ctx.settings.hotline}
    if payment is None:
        return ctx.compose([t._("There is no payment record for %(period)s of %(name)s yet.", **values)],
                           [t._("Text LICH for the payment days.") if ctx.channel == "sms" else ""])
    values["amount"] = t.money(payment.amount)
    how = how_paid(ctx, beneficiary, payment.method, payment.provider)
    status = payment.status
    if status == "paid":
        if payment.paid_on:
            return t._("The allowance for %(period)s of %(name)s: %(amount)s, paid %(how)s on %(date)s.",
                       how=how, date=t.date(payment.paid_on), **values)
        return t._("The allowance for %(period)s of %(name)s: %(amount)s, paid %(how)s.", how=how, **values)
    if status in ("scheduled", "sent"):
        head = (t._("The allowance for %(period)s of %(name)s (%(amount)s) is not paid yet: waiting for "
                    "payment.", **values)
                if status == "scheduled" else
                t._("The allowance for %(period)s of %(name)s (%(amount)s) has been sent to the paying "
                    "agency and is not paid yet.", **values))
        if (payment.method or beneficiary.method) != "cash":  # a transfer's usual days, when room is left
            return ctx.compose([head], when_money_comes(ctx, beneficiary, shown_period, payment.method,
                                                        payment.provider))
        def build(level: int) -> str:
            told = when_money_comes(ctx, beneficiary, shown_period, payment.method, payment.provider, level)
            return ctx.compose([head, *told], [] if told else [cash_days_announced_later(ctx)])

        return fitting(ctx, build)
    reason = _reason(ctx, payment)
    if status in ("failed", "returned"):
        next_step = ctx.pick(t._("Please call %(whom)s to get the money paid again. Hotline: %(hotline)s.",
                                 **call),
                             t.p_("ussd",
                                  "Please call %(whom)s to get the money paid again. Hotline: %(hotline)s.",
                                  **call))

        def failed(why: str) -> str:
            if status == "failed":
                head = ctx.pick(
                    t._(
                        "The payment for %(period)s of %(name)s (%(amount)s) failed: %(reason)s.",
                        reason=why,
                        **values,
                    ),
                    t.p_(
                        "ussd",
                        "The payment for %(period)s of %(name)s (%(amount)s) failed: %(reason)s.",
                        reason=why,
                        **values,
                    ),
                )
            else:
                head = ctx.pick(t._("The payment for %(period)s of %(name)s (%(amount)s) was returned: "
                                    "%(reason)s.", reason=why, **values),
                                t.p_("ussd",
                                     "The payment for %(period)s of %(name)s (%(amount)s) was returned: "
                                     "%(reason)s.", reason=why, **values))
            return ctx.compose([head, next_step])

        return _with_reason_that_fits(ctx, failed, reason)
    if status == "on_hold":
        def held(why: str) -> str:
            return ctx.compose([t._("The allowance for %(period)s of %(name)s is on hold: %(reason)s.",
                                    reason=why, **values)],
                               [t._("Please call %(whom)s for details. Hotline: %(hotline)s.", **call)])

        return _with_reason_that_fits(ctx, held, reason)
    return t._("The allowance for %(period)s of %(name)s: %(amount)s, %(status)s.",
               status=status_words(ctx, payment), **values)


def _with_reason_that_fits(ctx: AnswerContext, build, reason: str) -> str:
    """The provider's reason is free text: shorten it, word by word, until the answer fits."""
    text = build(reason)
    words = reason.split()
    while not ctx.fits(text, segments=3) and len(words) > 2:
        words.pop()
        text = build(" ".join(words).rstrip(",;:") + "…")
    return text


def brief_status(ctx: AnswerContext, beneficiary: Beneficiary, period: str | None) -> str:
    """One short line for a guardian who looks after several people: 'Bà …: 750.000đ, đã chi trả …'."""
    t = ctx.t
    payment, shown_period = find_payment(ctx, beneficiary, period)
    ctx.disclose("payment_status", beneficiary, period=shown_period,
                 status=payment.status if payment else None, brief=True)
    name = capitalised(addressed(ctx, beneficiary))
    if payment is None:
        return t._("%(name)s: %(period)s, no record yet.", name=name, period=t.period(shown_period))
    return t._("%(name)s: %(period)s, %(amount)s, %(status)s.", name=name, period=t.period(shown_period),
               amount=t.money(payment.amount), status=status_words(ctx, payment))


def page_size(channel: str) -> int:
    return HISTORY_PAGE.get(channel, HISTORY_PAGE_CHAT)


def payment_history(ctx: AnswerContext, beneficiary: Beneficiary, page: int = 0) -> tuple[str, bool]:
    """Past payments, newest first, one line each; `has_more` when another page exists."""
    t = ctx.t
    size = page_size(ctx.channel)
    page = max(0, int(page))
    total = (
        ctx.session.scalar(
            select(func.count()).select_from(Payment).where(Payment.beneficiary_id == beneficiary.id)
        )
        or 0
    )
    rows = list(ctx.session.scalars(
        select(Payment).where(Payment.beneficiary_id == beneficiary.id)
        .order_by(Payment.period.desc()).offset(page * size).limit(size)))
    ctx.disclose("payment_history", beneficiary, page=page, periods=[p.period for p in rows])
    name = addressed(ctx, beneficiary)
    if not rows:
        if page:
            return t._("There are no earlier payments."), False
        return t._("There are no payments on record for %(name)s yet.", name=name), False
    head = t._("Payments of %(name)s:", name=name) if page == 0 else t._("Earlier payments of %(name)s:",
                                                                         name=name)
    lines = [t._("%(period)s: %(amount)s, %(status)s", period=t.period(p.period), amount=t.money(p.amount),
                 status=status_words(ctx, p)) for p in rows]
    return "\n".join([head] + lines), (page + 1) * size < total
