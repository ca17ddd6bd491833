"""The sentences of payment notifications, reminders and receipt questions, from the catalogs in
the reader's language. Each returns plain text, or sentences of which the optional ones are left
out when an SMS would not fit (UCS-2 holds 201 characters in 3 parts); the caller renders it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.answers.cash_days import CashSlot
from core.i18n import Translator
from core.models import Beneficiary, Payment, Unit
from core.notify import phrases as w
from core.vietnamese_text import fold

FREE_WITHDRAWAL_METHODS = ("ewallet", "account")  # the province pays the withdrawal fees
LOCKED_WORDS = ("khoa", "bi khoa", "phong toa", "dong bang", "locked", "frozen")
WRONG_ACCOUNT_WORDS = ("sai", "khong ton tai", "khong dung", "da dong", "bi dong", "dong tai khoan", "wrong",
                       "closed")


@dataclass(frozen=True)
class Sentence:
    text: str
    optional: bool = False  # left out first when the message would not fit the channel
    shorter: tuple[str, ...] = ()  # then these, shortest last, replace the text until it fits


class RememberingTranslator:
    """A Translator that formats each amount and date once for a batch of notifications (Babel's
    formatting cost more than the rest of composing a message)."""

    def __init__(self, t: Translator):
        self._t = t
        self._formatted: dict[tuple[str, object], str] = {}

    def __getattr__(self, name: str):
        return getattr(self._t, name)

    def _once(self, kind: str, value, format_) -> str:
        key = (kind, value)
        if key not in self._formatted:
            self._formatted[key] = format_(value)
        return self._formatted[key]

    def money(self, amount) -> str:
        return self._once("money", amount, self._t.money)

    def date(self, value) -> str:
        return self._once("date", value, self._t.date)


def payment_text(t: Translator, payment: Payment, beneficiary: Beneficiary, unit: Unit | None, role: str,
                 status: str, today: date, hotline: str) -> list[Sentence]:
    """The message for one payment status (paid, failed, returned, on_hold) to one reader."""
    values = {"period": t.period(payment.period), "who": w.who(t, beneficiary, role, today),
              "amount": t.money(payment.amount)}
    if status == "paid":
        return [Sentence(_paid(t, payment, beneficiary, values, today))]
    call = Sentence(t._("Please call %(officer)s or the hotline %(hotline)s.", officer=w.officer(t, unit),
                        hotline=hotline))
    if status == "failed":
        first = _with_reason(t, payment, values, lambda v: t._(
            "The %(period)s allowance for %(who)s (%(amount)s) could not be paid: %(reason)s.", **v))
        return [first, Sentence(_advice(t, payment), optional=True), call]
    if status == "returned":
        return [_with_reason(t, payment, values, lambda v: t._(
            "The %(period)s allowance for %(who)s (%(amount)s) was returned: %(reason)s.", **v)), call]
    if status == "on_hold":
        return [_with_reason(t, payment, values, lambda v: t._(
            "The %(period)s allowance for %(who)s is on hold: %(reason)s.", **v)), call]
    raise ValueError(f"no notification for status {status!r}")


def _with_reason(t: Translator, payment: Payment, values: dict, sentence) -> Sentence:
    """The sentence with the provider's reason, and variants with the reason cut shorter."""
    def made(limit: int) -> str:
        return sentence({**values, "reason": w.reason(t, payment, limit)}).replace("….", "…")

    variants = tuple(dict.fromkeys(made(limit) for limit in w.SHORTER_REASONS))
    full = made(w.REASON_CHARS)
    return Sentence(full, shorter=tuple(v for v in variants if v != full))


def _paid(t: Translator, payment: Payment, beneficiary: Beneficiary, values: dict, today: date) -> str:
    values["date"] = t.date(payment.paid_on or today)
    method = w.method_of(payment, beneficiary)
    place = w.destination(t, payment, beneficiary)
    if place is not None:
        text = t._("The %(period)s allowance for %(who)s (%(amount)s) reached %(destination)s on %(date)s.",
                   destination=place, **values)
    elif method == "cash":
        text = t._("The %(period)s allowance for %(who)s (%(amount)s) was collected in cash on %(date)s.",
                   **values)
    else:
        text = t._("The %(period)s allowance for %(who)s (%(amount)s) was paid on %(date)s.", **values)
    if method in FREE_WITHDRAWAL_METHODS:
        text = text + " " + t._("Withdrawing it is free of charge.")
    return text


def _advice(t: Translator, payment: Payment) -> str:
    """What to do about a failed payment, from the provider's reason (whole folded words)."""
    note = f" {' '.join(re.sub(r'[^a-z0-9]+', ' ', fold(payment.note or '')).split())} "
    if any(f" {word} " in note for word in LOCKED_WORDS):
        return t._("Please bring the ID card to the payment provider to unlock the account.")
    if any(f" {word} " in note for word in WRONG_ACCOUNT_WORDS):
        return t._("Please bring the ID card to the commune office to correct the account details.")
    return t._("The money is kept; the commune will arrange another payment.")


def schedule_text(t: Translator, slots: tuple[CashSlot, ...], beneficiary: Beneficiary, role: str,
                  today: date) -> list[Sentence]:
    """Cash days were set: every one still to come (core.answers.cash_days), when, at what hours, where;
    several places in shorter forms while the SMS would not fit."""
    values = {"period": t.period(slots[0].period), "who": w.who(t, beneficiary, role, today)}
    if len(slots) == 1:
        when = t._("The %(period)s allowance for %(who)s is paid in cash %(days)s at %(place)s.",
                   days=w.cash_days(t, slots[0]), place=slots[0].place, **values)
        return [Sentence(when), _bring_id(t)]

    def listed(days) -> str:
        return "; ".join(t._("%(days)s at %(place)s", days=days(s), place=s.place) for s in slots)

    full = t._("The %(period)s allowance for %(who)s is paid in cash at any of these: %(slots)s.",
               slots=listed(lambda s: w.cash_days(t, s)), **values)
    shorter = [t._("Cash for %(period)s for %(who)s: %(slots)s.",
                   slots=listed(lambda s, hours=hours: w.short_days(t, s, hours)), **values)
               for hours in (True, False)]
    return [Sentence(full, shorter=tuple(shorter)), _bring_id(t)]


def reminder_text(t: Translator, slot: CashSlot, beneficiary: Beneficiary, role: str, today: date,
                  on_the_day: bool) -> list[Sentence]:
    values = {"period": t.period(slot.period), "who": w.who(t, beneficiary, role, today),
              "days": w.cash_days(t, slot), "place": slot.place}
    if on_the_day:
        when = t._("Today: the %(period)s allowance for %(who)s is paid in cash %(days)s at %(place)s.",
                   **values)
    else:
        when = t._("Reminder: in 2 days the %(period)s allowance for %(who)s is paid in cash %(days)s at "
                   "%(place)s.",
                   **values)
    return [Sentence(when), _bring_id(t)]


def _bring_id(t: Translator) -> Sentence:
    return Sentence(t._("Please bring the ID card."), optional=True)


def receipt_question(t: Translator, payment: Payment, beneficiary: Beneficiary, role: str,
                     today: date) -> str:
    return t._("Did %(who)s receive the %(period)s allowance (%(amount)s)? Reply 1 = received, 2 = not yet.",
               who=w.who(t, beneficiary, role, today), period=t.period(payment.period),
               amount=t.money(payment.amount))
