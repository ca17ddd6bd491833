"""The sentences of payment notifications, reminders and receipt questions, from the catalogs in
the reader's language. Each returns plain text, or sentences of which the optional ones are left
out when an SMS would not fit (UCS-2 holds 201 characters in 3 parts); the caller renders it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.i18n import Translator
from core.models import Beneficiary, CashSchedule, Payment, Unit
from core.notify import wording as w
from core.text import fold

FREE_WITHDRAWAL_METHODS = ("ewallet", "account")  # the province pays the withdrawal fees
LOCKED_WORDS = ("khoa", "bi khoa", "phong toa", "dong bang", "locked", "frozen")
WRONG_ACCOUNT_WORDS = ("sai", "khong ton tai", "khong dung", "da dong", "bi dong", "dong tai khoan", "wrong", "closed")


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
    values = {"period": t.period(payment.period), "who": w.who(t, beneficiary, role, today), "amount": t.money(payment.amount)}
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
        text = t._("The %(period)s allowance for %(who)s (%(amount)s) was collected in cash on %(date)s.", **values)
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


def schedule_text(t: Translator, schedule: CashSchedule, beneficiary: Beneficiary, role: str,
                  today: date) -> list[Sentence]:
    """Cash days were set: when, at what hours, where."""
    when = t._("The %(period)s allowance for %(who)s is paid in cash %(days)s at %(place)s.",
               period=t.period(schedule.period), who=w.who(t, beneficiary, role, today),
               days=w.cash_days(t, schedule), place=schedule.place)
    return [Sentence(when), _bring_id(t)]


def reminder_text(t: Translator, schedule: CashSchedule, beneficiary: Beneficiary, role: str, today: date,
                  on_the_day: bool) -> list[Sentence]:
    values = {"period": t.period(schedule.period), "who": w.who(t, beneficiary, role, today),
                  "days": w.cash_days(t, schedule), "place": schedule.place}
    if on_the_day:
        when = t._("Today: the %(period)s allowance for %(who)s is paid in cash %(days)s at %(place)s.", **values)
    else:
        when = t._("Reminder: in 2 days the %(period)s allowance for %(who)s is paid in cash %(days)s at %(place)s.",
                   **values)
    return [Sentence(when), _bring_id(t)]


def _bring_id(t: Translator) -> Sentence:
    return Sentence(t._("Please bring the ID card."), optional=True)


def receipt_question(t: Translator, payment: Payment, beneficiary: Beneficiary, role: str, today: date) -> str:
    return t._("Did %(who)s receive the %(period)s allowance (%(amount)s)? Reply 1 = received, 2 = not yet.",
               who=w.who(t, beneficiary, role, today), period=t.period(payment.period), amount=t.money(payment.amount))
