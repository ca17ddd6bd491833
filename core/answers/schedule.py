"""When and where money is paid: a unit's cash days (CashSchedule) or, for accounts and e-wallets,
when money usually arrives."""
from __future__ import annotations

import logging

from sqlalchemy import select

from core.answers.context import (
    AnswerContext,
    addressed,
    capitalised,
    how_paid,
    officer_phrase,
    short_date,
    unit_of,
)
from core.clock import period_add
from core.models import Beneficiary, CashSchedule, Payment

logger = logging.getLogger(__name__)

MAX_PLACES = 3


def schedules_for(ctx: AnswerContext, unit_code: str, period: str | None, method: str = "cash") -> list[CashSchedule]:
    """Rows of one period, or of the next period that still has days to come."""
    query = select(CashSchedule).where(CashSchedule.unit_code == unit_code, CashSchedule.method == method)
    if period is not None:
        return list(ctx.session.scalars(query.where(CashSchedule.period == period).order_by(CashSchedule.start_date, CashSchedule.id)))
    upcoming = list(ctx.session.scalars(
        query.where(CashSchedule.end_date >= ctx.today).order_by(CashSchedule.start_date, CashSchedule.id)))
    if not upcoming:
        return []
    first_period = upcoming[0].period
    return [row for row in upcoming if row.period == first_period]


def _hours(ctx: AnswerContext, row: CashSchedule) -> str:
    return row.hours or ctx.t._("office hours")


def days_phrase(ctx: AnswerContext, row: CashSchedule, short: bool = False) -> str:
    """'từ 02/12/2026 đến 03/12/2026, 7h30-11h00, tại …' ('ngày …' for one day); `short` for USSD:
    '02/12-03/12, 7h30-11h00, …' when the month is already said."""
    t = ctx.t
    values = {"hours": _hours(ctx, row), "place": row.place}
    if short:
        start, end = short_date(ctx, row.start_date), short_date(ctx, row.end_date)
        if row.start_date == row.end_date:
            return t.p_("ussd", "on %(start)s, %(hours)s, at %(place)s", start=start, **values)
        return t.p_("ussd", "from %(start)s to %(end)s, %(hours)s, at %(place)s", start=start, end=end, **values)
    if row.start_date == row.end_date:
        return t._("on %(start)s, %(hours)s, at %(place)s", start=t.date(row.start_date), **values)
    return t._("from %(start)s to %(end)s, %(hours)s, at %(place)s",
               start=t.date(row.start_date), end=t.date(row.end_date), **values)


def when_money_comes(ctx: AnswerContext, beneficiary: Beneficiary, period: str, method: str | None, provider: str | None) -> str:
    """One sentence for a payment not yet made: its cash days, or when a transfer usually lands."""
    t = ctx.t
    method = method or beneficiary.method
    rows = schedules_for(ctx, beneficiary.unit_code, period, "cash" if method == "cash" else method)
    if method == "cash":
        upcoming = [row for row in rows if row.end_date >= ctx.today] or rows
        if upcoming:
            return ctx.t._("Cash is paid %(days)s.", days=days_phrase(ctx, upcoming[0]))
        return t._("The commune will announce the cash days (usually between the 2nd and the 10th).")
    how = how_paid(ctx, beneficiary, method, provider)
    if rows:
        return t._("The money is expected %(how)s from %(start)s to %(end)s.",
                   how=how, start=t.date(rows[0].start_date), end=t.date(rows[-1].end_date))
    return t._("The money usually arrives %(how)s within the first 10 days of the month.", how=how)


def payment_schedule(ctx: AnswerContext, beneficiary: Beneficiary, period: str | None) -> str:
    """Next (or the named period's) cash days, hours and places; for transfers, when money arrives."""
    t = ctx.t
    name = addressed(ctx, beneficiary)
    unit = unit_of(ctx, beneficiary.unit_code)
    unit_name = unit.name if unit else beneficiary.unit_code
    if beneficiary.method != "cash":
        return _transfer_schedule(ctx, beneficiary, period, name)
    rows = schedules_for(ctx, beneficiary.unit_code, period)
    ctx.disclose("payment_schedule", beneficiary, period=rows[0].period if rows else period)
    if not rows:
        if period:
            head = t._("There are no cash days for %(period)s at %(unit)s yet.", period=t.period(period), unit=unit_name)
        else:
            head = t._("There are no upcoming cash days at %(unit)s yet.", unit=unit_name)
        return ctx.compose([head, t._("The commune will announce them (usually between the 2nd and the 10th).")],
                           [t._("Questions: %(whom)s.", whom=officer_phrase(ctx, unit))])
    shown = rows[:MAX_PLACES]
    when = t.period(rows[0].period)
    if len(shown) == 1:
        days = days_phrase(ctx, shown[0], short=ctx.is_ussd)
        required = [ctx.pick(t._("Cash for %(period)s for %(name)s: %(days)s.", period=when, name=name, days=days),
                             t.p_("ussd", "Cash for %(period)s for %(name)s: %(days)s.", period=when, name=name, days=days))]
    else:
        head = ctx.pick(t._("Cash for %(period)s for %(name)s, at any of these places:", period=when, name=name),
                        t.p_("ussd", "Cash for %(period)s for %(name)s, at any of these places:", period=when, name=name))
        required = [_place_lines(ctx, head, shown)]
    optional = [t._("Bring your citizen ID card."),
                t._("If you cannot come, tell %(whom)s to be paid at home.", whom=officer_phrase(ctx, unit))]
    return ctx.compose(required, optional, sep="\n" if len(shown) > 1 else " ")


def _place_lines(ctx: AnswerContext, head: str, rows: list[CashSchedule]) -> str:
    """The head, then one line per cash point while they fit (USSD keeps the first at least)."""
    text = head
    for index, row in enumerate(rows):
        candidate = f"{text}\n- {days_phrase(ctx, row, short=ctx.is_ussd)}"
        if index and not ctx.fits(candidate, segments=3):
            more = ctx.t._("(%(count)s other places)", count=len(rows) - index)
            return f"{text}\n{more}" if ctx.fits(f"{text}\n{more}", segments=3) else text
        text = candidate
    return text


def _transfer_schedule(ctx: AnswerContext, beneficiary: Beneficiary, period: str | None, name: str) -> str:
    t = ctx.t
    how = how_paid(ctx, beneficiary, None, None)
    target = period or _coming_period(ctx, beneficiary)
    ctx.disclose("payment_schedule", beneficiary, period=target)
    rows = schedules_for(ctx, beneficiary.unit_code, target, beneficiary.method)
    if rows:
        head = t._("The allowance for %(period)s of %(name)s is expected %(how)s from %(start)s to %(end)s.",
                   period=t.period(target), name=name, how=how,
                   start=t.date(rows[0].start_date), end=t.date(rows[-1].end_date))
    else:
        head = t._("The allowance of %(name)s is paid %(how)s, usually within the first 10 days of the month.",
                   name=name, how=how)
    payment = ctx.session.scalar(select(Payment).where(Payment.beneficiary_id == beneficiary.id, Payment.period == target))
    optional = []
    if payment is not None:
        from core.answers.payments import status_words

        month = capitalised(t._("month %(period)s", period=t.period(target)))
        optional.append(t._("%(period)s: %(status)s.", period=month, status=status_words(ctx, payment)))
    optional.append(t._("Withdrawing is free of charge."))
    return ctx.compose([head], optional)


def _coming_period(ctx: AnswerContext, beneficiary: Beneficiary) -> str:
    """This month while its money is still on the way, else next month."""
    current = ctx.clock.current_period()
    status = ctx.session.scalar(select(Payment.status).where(Payment.beneficiary_id == beneficiary.id, Payment.period == current))
    return current if status in ("scheduled", "sent") else period_add(current, 1)


def brief_schedule(ctx: AnswerContext, beneficiary: Beneficiary, period: str | None) -> str:
    """One line per person for guardians of several: the first cash day and place, or the transfer."""
    t = ctx.t
    name = capitalised(addressed(ctx, beneficiary))
    if beneficiary.method != "cash":
        ctx.disclose("payment_schedule", beneficiary, period=period, brief=True)
        return t._("%(name)s: paid %(how)s, usually within the first 10 days of the month.",
                   name=name, how=how_paid(ctx, beneficiary, None, None))
    rows = schedules_for(ctx, beneficiary.unit_code, period)
    ctx.disclose("payment_schedule", beneficiary, period=rows[0].period if rows else period, brief=True)
    if not rows:
        return t._("%(name)s: no cash days announced yet.", name=name)
    line = t._("%(name)s: cash %(days)s.", name=name, days=days_phrase(ctx, rows[0]))
    if len(rows) > 1:
        more = t._("(%(count)s other places)", count=len(rows) - 1)
        line = f"{line} {more}"
    return line
