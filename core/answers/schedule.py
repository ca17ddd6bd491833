"""When and where money is paid: a unit's cash days (read through core.answers.cash_days, so the days that
are over are told as over and every place is told) or, for accounts and e-wallets, when money
usually arrives."""
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
from core.answers.cash_days import CashDays, CashSlot
from core.clock import period_add
from core.models import Beneficiary, Payment

logger = logging.getLogger(__name__)


def _hours(ctx: AnswerContext, slot: CashSlot) -> str:
    return slot.hours or ctx.t._("office hours")


def days_phrase(ctx: AnswerContext, slot: CashSlot, short: bool = False) -> str:
    """'từ 02/12/2026 đến 03/12/2026, 7h30-11h00, tại …' ('ngày …' for one day); `short` for USSD:
    '02/12-03/12, 7h30-11h00, …' when the month is already said."""
    t = ctx.t
    values = {"hours": _hours(ctx, slot), "place": slot.place}
    if short:
        start, end = short_date(ctx, slot.start), short_date(ctx, slot.end)
        if slot.start == slot.end:
            return t.p_("ussd", "on %(start)s, %(hours)s, at %(place)s", start=start, **values)
        return t.p_("ussd", "from %(start)s to %(end)s, %(hours)s, at %(place)s", start=start, end=end,
                    **values)
    if slot.start == slot.end:
        return t._("on %(start)s, %(hours)s, at %(place)s", start=t.date(slot.start), **values)
    return t._("from %(start)s to %(end)s, %(hours)s, at %(place)s",
               start=t.date(slot.start), end=t.date(slot.end), **values)


def _dates(ctx: AnswerContext, slot: CashSlot) -> str:
    start = short_date(ctx, slot.start)
    return start if slot.start == slot.end else f"{start}-{short_date(ctx, slot.end)}"


def slots_at(ctx: AnswerContext, slots: tuple[CashSlot, ...]) -> str:
    """'02/12-03/12 tại Nhà văn hóa thôn Bình Thành; 04/12-05/12 tại Bưu điện …': every slot, briefly."""
    return "; ".join(ctx.t._("%(days)s at %(place)s", days=_dates(ctx, s), place=s.place) for s in slots)


# How much of the cash days a message can hold: 0 says everything, 1 points to the officer only,
# 2 leaves the places of past days out, 3 (a USSD screen with many places) names the first coming
# places and counts the others. The first level that fits the channel is used.
DETAIL_LEVELS = (0, 1, 2, 3)


def past_days(ctx: AnswerContext, beneficiary: Beneficiary, days: CashDays, collected: bool,
              level: int = 0) -> list[str]:
    """What happened: the days that are over, and where to go for money not collected."""
    t = ctx.t
    if not days.past:
        return []
    listed = slots_at(ctx, days.past) if level < 2 else ", ".join(_dates(ctx, s) for s in days.past)
    told = [t._("Cash for %(period)s was paid on %(days)s.", period=t.period(days.period), days=listed)]
    if not collected:
        unit = unit_of(ctx, beneficiary.unit_code)
        whom = officer_phrase(ctx, unit)
        if level == 0:
            office = (unit.office_address if unit is not None and unit.office_address else
                      t._("the People's Committee of %(unit)s",
                          unit=unit.name if unit else beneficiary.unit_code))
            told.append(t._("If you have not collected it, go to %(office)s or call %(whom)s.",
                            office=office, whom=whom))
        else:
            told.append(t._("If you have not collected it, call %(whom)s.", whom=whom))
    return told


def coming_days(ctx: AnswerContext, days: CashDays, level: int = 0) -> str:
    """The days still ahead, every place, as one sentence ('' when none)."""
    if not days.coming:
        return ""
    shown = days.coming[:1] if level >= 3 else days.coming
    listed = "; ".join(days_phrase(ctx, slot, short=ctx.is_ussd or level > 0) for slot in shown)
    if len(shown) < len(days.coming):
        listed += " " + ctx.t._("(%(count)s other places)", count=len(days.coming) - len(shown))
    if days.past and days.next_period == days.period:
        return ctx.t._("Cash is still paid %(days)s.", days=listed)
    return ctx.t._("Cash is paid %(days)s.", days=listed)


def fitting(ctx: AnswerContext, build) -> str:
    """`build(level)` at the first detail level whose text fits the channel (3 SMS parts, a USSD screen)."""
    for level in DETAIL_LEVELS:
        text = build(level)
        if ctx.fits(text, segments=3):
            return text
    return text


def when_money_comes(ctx: AnswerContext, beneficiary: Beneficiary, period: str, method: str | None,
                     provider: str | None, level: int = 0) -> list[str]:
    """Sentences for a payment not yet made: its cash days (over, then coming), or when a transfer
    usually lands."""
    t = ctx.t
    method = method or beneficiary.method
    days = ctx.cash_days(beneficiary.unit_code, period, "cash" if method == "cash" else method)
    if method == "cash":
        told = past_days(ctx, beneficiary, days, False, level) + [coming_days(ctx, days, level)]
        return [sentence for sentence in told if sentence]  # none: the caller may say they will be announced
    how = how_paid(ctx, beneficiary, method, provider)
    window = days.past + days.coming
    if window:
        return [t._("The money is expected %(how)s from %(start)s to %(end)s.",
                    how=how, start=t.date(window[0].start), end=t.date(window[-1].end))]
    return [t._("The money usually arrives %(how)s within the first 10 days of the month.", how=how)]


def cash_days_announced_later(ctx: AnswerContext) -> str:
    return ctx.t._("The commune will announce the cash days (usually between the 2nd and the 10th).")


def _collected(ctx: AnswerContext, beneficiary: Beneficiary, period: str) -> bool:
    from core.answers.payments import find_payment

    payment, _ = find_payment(ctx, beneficiary, period)
    return payment is not None and payment.status == "paid"


def payment_schedule(ctx: AnswerContext, beneficiary: Beneficiary, period: str | None) -> str:
    """The cash days of the named period (or of this month, then the next announced): those over,
    with where to go if the money was not collected, and every one still to come. For transfers,
    when money arrives."""
    t = ctx.t
    name = addressed(ctx, beneficiary)
    unit = unit_of(ctx, beneficiary.unit_code)
    unit_name = unit.name if unit else beneficiary.unit_code
    if beneficiary.method != "cash":
        return _transfer_schedule(ctx, beneficiary, period, name)
    days = ctx.cash_days(beneficiary.unit_code, period)
    collected = bool(days.past) and _collected(ctx, beneficiary, days.period)
    ctx.disclose("payment_schedule", beneficiary, period=days.next_period or days.period)
    if not days.coming:
        if period and not days.past:
            head = t._("There are no cash days for %(period)s at %(unit)s yet.", period=t.period(period),
                       unit=unit_name)
        else:
            head = t._("There are no upcoming cash days at %(unit)s yet.", unit=unit_name)
        optional = [t._("The commune will announce them (usually between the 2nd and the 10th).")]
        if not days.past or collected:  # else the officer was named with the days that are over
            optional.append(t._("Questions: %(whom)s.", whom=officer_phrase(ctx, unit)))
        return fitting(ctx, lambda level: ctx.compose(
            past_days(ctx, beneficiary, days, collected, level) + [head], optional))
    optional = [t._("Bring your citizen ID card."),
                t._("If you cannot come, tell %(whom)s to be paid at home.", whom=officer_phrase(ctx, unit))]
    told_past = days.past and not collected

    def build(level: int) -> str:
        required = past_days(ctx, beneficiary, days, collected, level) if told_past else []
        required.append(_coming_head(ctx, days, name, level))
        return ctx.compose(required, optional, sep="\n" if len(days.coming) > 1 or told_past else " ")

    return fitting(ctx, build)


def _coming_head(ctx: AnswerContext, days: CashDays, name: str, level: int = 0) -> str:
    t = ctx.t
    when = t.period(days.next_period)
    if len(days.coming) == 1:
        shown = days_phrase(ctx, days.coming[0], short=ctx.is_ussd)
        return ctx.pick(t._("Cash for %(period)s for %(name)s: %(days)s.", period=when, name=name,
                            days=shown),
                        t.p_("ussd", "Cash for %(period)s for %(name)s: %(days)s.", period=when, name=name,
                             days=shown))
    head = ctx.pick(t._("Cash for %(period)s for %(name)s, at any of these places:", period=when, name=name),
                    t.p_("ussd", "Cash for %(period)s for %(name)s, at any of these places:", period=when,
                         name=name))
    lines = [f"- {days_phrase(ctx, slot, short=ctx.is_ussd)}" for slot in days.coming]
    if level < 3:
        return "\n".join([head] + lines)
    def others(count: int) -> str:
        return t._("(%(count)s other places)", count=count)

    text = head
    for index, line in enumerate(lines):  # as many places as the screen holds, then how many more
        after = len(lines) - index - 1
        if index and not ctx.fits(f"{text}\n{line}" + (f"\n{others(after)}" if after else ""), segments=3):
            return f"{text}\n{others(after + 1)}"
        text = f"{text}\n{line}"
    return text


def _transfer_schedule(ctx: AnswerContext, beneficiary: Beneficiary, period: str | None, name: str) -> str:
    t = ctx.t
    how = how_paid(ctx, beneficiary, None, None)
    target = period or _coming_period(ctx, beneficiary)
    ctx.disclose("payment_schedule", beneficiary, period=target)
    days = ctx.cash_days(beneficiary.unit_code, target, beneficiary.method)
    window = days.past + days.coming
    if window:
        head = t._("The allowance for %(period)s of %(name)s is expected %(how)s from %(start)s to %(end)s.",
                   period=t.period(target), name=name, how=how,
                   start=t.date(window[0].start), end=t.date(window[-1].end))
    else:
        head = t._(
            "The allowance of %(name)s is paid %(how)s, usually within the first 10 days of the month.",
            name=name,
            how=how,
        )
    payment = ctx.session.scalar(select(Payment).where(Payment.beneficiary_id == beneficiary.id,
                                                       Payment.period == target))
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
    status = ctx.session.scalar(select(Payment.status).where(Payment.beneficiary_id == beneficiary.id,
                                                             Payment.period == current))
    return current if status in ("scheduled", "sent") else period_add(current, 1)


def brief_schedule(ctx: AnswerContext, beneficiary: Beneficiary, period: str | None) -> str:
    """One line per person for guardians of several: the days still to come, or those just over."""
    t = ctx.t
    name = capitalised(addressed(ctx, beneficiary))
    if beneficiary.method != "cash":
        ctx.disclose("payment_schedule", beneficiary, period=period, brief=True)
        return t._("%(name)s: paid %(how)s, usually within the first 10 days of the month.",
                   name=name, how=how_paid(ctx, beneficiary, None, None))
    days = ctx.cash_days(beneficiary.unit_code, period)
    ctx.disclose("payment_schedule", beneficiary, period=days.next_period or days.period, brief=True)
    if days.coming:
        def line(level: int) -> str:
            shown = days.coming[:1] if level >= 3 else days.coming
            listed = slots_at(ctx, shown)
            if len(shown) < len(days.coming):
                listed += " " + t._("(%(count)s other places)", count=len(days.coming) - len(shown))
            return t._("%(name)s: cash for %(period)s %(days)s.", name=name,
                       period=t.period(days.next_period), days=listed)

        return fitting(ctx, line)
    if days.past:
        return fitting(ctx, lambda level: t._(
            "%(name)s: cash for %(period)s was paid on %(days)s; no cash days to come yet.", name=name,
            period=t.period(days.period),
            days=slots_at(ctx, days.past) if level < 2 else ", ".join(_dates(ctx, s) for s in days.past)))
    return t._("%(name)s: no cash days announced yet.", name=name)
