"""Answers that are the same for everyone, or nearly: how to receive and withdraw money, who
qualifies, greetings, the menu of what can be asked, and what a stranger is told instead of
personal data (how to register, whom to call — never an amount, a date, an account or an ID)."""
from __future__ import annotations

import logging

from core.answers.context import AnswerContext, addressed, capitalised, how_paid
from core.conversation.knowledge import (
    ELIGIBILITY_TOPICS,
    METHOD_TOPICS,
    eligibility_guide,
    method_guide,
    topic_of,
)
from core.models import Beneficiary
from core.storage.reference import standard_level

logger = logging.getLogger(__name__)


def _own_topic(beneficiary: Beneficiary) -> str:
    provider = (beneficiary.provider or "").lower()
    if beneficiary.method == "ewallet":
        return "ewallet"
    if beneficiary.method == "account":
        return "post" if ("vnpost" in provider or "bưu điện" in provider) else "card"
    return "overview"


def payment_method(ctx: AnswerContext, beneficiary: Beneficiary | None, text: str = "") -> str:
    """The guide the question asks for; for a known beneficiary, first how they are paid."""
    topic = topic_of(text, METHOD_TOPICS)
    if topic == "overview" and beneficiary is not None:
        topic = _own_topic(beneficiary)
    guide = method_guide(ctx.t, topic, ctx.settings.hotline, ctx.is_ussd)
    if beneficiary is None or ctx.is_ussd:
        return guide
    ctx.disclose("payment_method", beneficiary, period=ctx.clock.current_period(), method=beneficiary.method)
    own = ctx.t._("%(name)s receives the allowance %(how)s.", name=capitalised(addressed(ctx, beneficiary)),
                  how=how_paid(ctx, beneficiary, None, None))
    both = f"{own} {guide}"
    return both if ctx.fits(both, segments=3) else guide


def eligibility(ctx: AnswerContext, text: str = "") -> str:
    return eligibility_guide(ctx.t, topic_of(text, ELIGIBILITY_TOPICS), ctx.is_ussd)


def how_amounts_work(ctx: AnswerContext) -> str:
    """General rule for strangers: standard level × coefficient; the social pension's flat amount."""
    t = ctx.t
    level = standard_level(ctx.session, "TCXH", ctx.today)
    pension = standard_level(ctx.session, "HTXH", ctx.today)
    parts = [t._("The monthly allowance is the standard level (%(level)s) × a coefficient from 1 to 3 set by "
                 "the category of beneficiary.",
                 level=t.money(level.amount if level else None))]
    if pension is not None:
        parts.append(t._("The social pension is %(amount)s a month.", amount=t.money(pension.amount)))
    return ctx.compose(parts, [register_hint(ctx)])


def register_hint(ctx: AnswerContext) -> str:
    t = ctx.t
    if ctx.channel in ("telegram", "zalo"):
        return t._("To link this chat to a beneficiary, send: DK <beneficiary code> <date of birth>. A code "
                   "will be sent to the phone number on file.")
    return ctx.pick(t._("To register, text: DK <beneficiary code> <date of birth>, for example DK 123456 "
                        "15/03/1945."),
                    t.p_("ussd",
                         "To register, text: DK <beneficiary code> <date of birth>, for example DK 123456 "
                         "15/03/1945."))


def stranger_personal(ctx: AnswerContext) -> str:
    """Instead of personal data: why not, how to register, whom to call."""
    t = ctx.t
    head = ctx.pick(
        t._("To protect personal data, AnSinh only tells payment details to phone numbers on the commune's "
            "list."),
        t.p_("ussd",
             "To protect personal data, AnSinh only tells payment details to phone numbers on the commune's "
             "list."))
    call = t._("Or call the hotline %(hotline)s.", hotline=ctx.settings.hotline)
    return ctx.compose([head, register_hint(ctx)], [call])


def not_yours(ctx: AnswerContext) -> str:
    return ctx.t._("This number is not registered for that beneficiary. Text the name of the person you look "
                   "after, or register with DK.")


def greeting(ctx: AnswerContext, name: str | None) -> str:
    t = ctx.t
    hello = t._("Hello %(name)s!", name=name) if name else t._("Hello!")
    return ctx.compose([hello, t._("AnSinh answers questions about the monthly social allowance.")],
                       [menu(ctx, verified=bool(name))])


def thanks(ctx: AnswerContext) -> str:
    return ctx.t._("You are welcome. We wish you good health!")


def menu(ctx: AnswerContext, verified: bool) -> str:
    """What can be asked, with the SMS keywords."""
    t = ctx.t
    if ctx.is_ussd:
        return t.p_("ussd", "Text: TC payment, LICH cash days, LS history, GIUP help, HUY stop.")
    if ctx.channel == "sms":
        text = t._("Text: TC this month's payment, TC 10 for month 10, LICH cash days, LS past payments, "
                   "GIUP help, HUY stop messages, EN English.")
    else:
        text = t._("You can ask: has this month's money come, when and where to collect cash, why this "
                   "amount, how to withdraw, whom to call.")
    if not verified:
        text = f"{text} {register_hint(ctx)}"
    return text


def help_text(ctx: AnswerContext, verified: bool) -> str:
    return ctx.compose([menu(ctx, verified)],
                       [ctx.t._("Or call the hotline %(hotline)s.", hotline=ctx.settings.hotline)])


def unknown(ctx: AnswerContext, verified: bool) -> str:
    return ctx.compose([ctx.t._("Sorry, AnSinh did not understand."), menu(ctx, verified)])


def elsewhere(ctx: AnswerContext, verified: bool) -> str:
    """Understood, but another office's business: say whose, rather than "did not understand"."""
    t = ctx.t
    return ctx.compose([t._("AnSinh answers only about the monthly social allowance."),
                        t._("Pensions, health insurance and unemployment benefit: ask Social Insurance "
                            "(BHXH). "
                            "Veterans' allowances and disaster relief: ask the commune People's Committee.")],
                       [menu(ctx, verified)])


def greeting_name(ctx: AnswerContext, beneficiaries: list[tuple[Beneficiary, str]]) -> str | None:
    """How to greet: the beneficiary's own title and name when they write themselves."""
    own = next((b for b, role in beneficiaries if role == "self"), None)
    if own is not None:
        return addressed(ctx, own)
    return ctx.t._("Sir or Madam") if beneficiaries else None
