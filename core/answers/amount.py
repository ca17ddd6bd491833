"""How much, and why: the arithmetic 'Mức chuẩn 500.000đ × hệ số 1,5 = 750.000đ' from the standard
level in force and the beneficiary's coefficient, the social pension's flat amount, and a word when
the last payment differed from the monthly amount."""
from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy import select

from core.answers.context import (
    AnswerContext,
    addressed,
    capitalised,
    officer_phrase,
    unit_of,
)
from core.models import Beneficiary, BeneficiaryCategory, Category, Payment
from core.storage.reference import standard_level

logger = logging.getLogger(__name__)


def category_codes(ctx: AnswerContext, beneficiary: Beneficiary) -> list[str]:
    """The beneficiary's categories (diện đối tượng), for a mapped Beneficiary or a view alike."""
    return list(ctx.session.scalars(select(BeneficiaryCategory.category_code)
                                    .where(BeneficiaryCategory.beneficiary_id == beneficiary.id)
                                    .order_by(BeneficiaryCategory.category_code)))


def coefficient_of(ctx: AnswerContext, beneficiary: Beneficiary) -> Decimal | None:
    """The coefficient on file, else the highest of the person's categories (only one applies)."""
    if beneficiary.coefficient is not None:
        return Decimal(beneficiary.coefficient)
    codes = category_codes(ctx, beneficiary)
    if not codes:
        return None
    values = list(ctx.session.scalars(select(Category.coefficient).where(Category.code.in_(codes))))
    return max(values) if values else None


def _last_payment(ctx: AnswerContext, beneficiary: Beneficiary) -> Payment | None:
    """The last money actually paid (a failed or returned one says nothing about the amount)."""
    return ctx.session.scalar(
        select(Payment).where(Payment.beneficiary_id == beneficiary.id, Payment.status == "paid",
                              Payment.period <= ctx.clock.current_period())
        .order_by(Payment.period.desc()).limit(1))


def payment_amount(ctx: AnswerContext, beneficiary: Beneficiary) -> str:
    t = ctx.t
    name = addressed(ctx, beneficiary)
    unit = unit_of(ctx, beneficiary.unit_code)
    whom = officer_phrase(ctx, unit)
    level = standard_level(ctx.session, beneficiary.programme_code, ctx.today, beneficiary.unit_code)
    coefficient = coefficient_of(ctx, beneficiary)
    computed = (
        int((Decimal(level.amount) * coefficient).to_integral_value()) if level and coefficient else None
    )
    monthly = beneficiary.monthly_amount or computed
    required: list[str] = []
    optional: list[str] = []
    if beneficiary.programme_code == "HTXH":
        required.append(t._("Social pension of %(name)s: %(amount)s a month.", name=name,
                            amount=t.money(monthly)))
        optional.append(t._("It is for people aged 75 or more without a pension, or 70 to 74 in poor or "
                            "near-poor households (Decree 176/2025/ND-CP)."))
        optional.append(t._("A person who qualifies for both the allowance and the social pension gets the "
                            "higher one, not both."))
    elif computed is not None:
        required.append(ctx.pick(
            t._("Monthly allowance of %(name)s: standard level %(level)s × coefficient %(coefficient)s = "
                "%(amount)s.",
                name=name, level=t.money(level.amount), coefficient=t.number(coefficient),
                amount=t.money(computed)),
            t.p_("ussd",
                 "Monthly allowance of %(name)s: standard level %(level)s × coefficient %(coefficient)s = "
                 "%(amount)s.",
                 name=capitalised(name), level=t.money(level.amount), coefficient=t.number(coefficient),
                 amount=t.money(computed))))
        if monthly != computed:
            required.append(t._("The commune's list shows %(listed)s a month; please ask %(whom)s about the "
                                "difference.",
                                listed=t.money(monthly), whom=whom))
        if len(category_codes(ctx, beneficiary)) > 1:
            optional.append(t._("A person in several categories gets the highest coefficient only."))
        optional.append(t._("The coefficient depends on the category of beneficiary (from 1 to 3)."))
    elif monthly:
        required.append(t._("Monthly allowance of %(name)s: %(amount)s.", name=name, amount=t.money(monthly)))
    else:
        required.append(t._("The monthly amount of %(name)s is not on record yet. Please ask %(whom)s.",
                            name=name, whom=whom))
    last = _last_payment(ctx, beneficiary)
    if last is not None and monthly and last.amount != monthly:
        required.append(ctx.pick(
            t._("The payment for %(period)s was %(paid)s instead of %(monthly)s: it may include arrears or a "
                "deduction. Please ask %(whom)s if unsure.",
                period=t.period(last.period), paid=t.money(last.amount), monthly=t.money(monthly), whom=whom),
            t.p_("ussd",
                 "The payment for %(period)s was %(paid)s instead of %(monthly)s: it may include arrears or "
                 "a deduction. Please ask %(whom)s if unsure.",
                 period=t.period(last.period), paid=t.money(last.amount), monthly=t.money(monthly),
                 whom=whom)))
    # After the reads
    ctx.disclose("payment_amount", beneficiary, period=ctx.clock.current_period(), amount=monthly)
    return ctx.compose(required, optional)


def brief_amount(ctx: AnswerContext, beneficiary: Beneficiary) -> str:
    """One line per person for guardians of several: 'Bà …: 500.000đ × 1,5 = 750.000đ'."""
    t = ctx.t
    level = standard_level(ctx.session, beneficiary.programme_code, ctx.today, beneficiary.unit_code)
    coefficient = coefficient_of(ctx, beneficiary)
    ctx.disclose("payment_amount", beneficiary, period=ctx.clock.current_period(), brief=True)
    name = capitalised(addressed(ctx, beneficiary))
    if beneficiary.programme_code != "HTXH" and level and coefficient:
        computed = int((Decimal(level.amount) * coefficient).to_integral_value())
        return t._("%(name)s: %(level)s × %(coefficient)s = %(amount)s a month.", name=name,
                   level=t.money(level.amount),
                   coefficient=t.number(coefficient), amount=t.money(computed))
    amount = beneficiary.monthly_amount or (level.amount if level else None)
    return t._("%(name)s: %(amount)s a month.", name=name, amount=t.money(amount))
