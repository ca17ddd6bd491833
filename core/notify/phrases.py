"""Small phrases every notification shares: how the reader is told whose money it is ("bà" to the
beneficiary herself, "bà Nguyễn Thị Lài" to her son), where the money went, whom to call."""
from __future__ import annotations

from datetime import date

from core.answers.context import national_phone
from core.answers.cash_days import CashSlot
from core.i18n import Translator
from core.models import Beneficiary, Payment, Unit

CHILD_AGE = 16
REASON_CHARS = 60  # an officer's note is cut so the "whom to call" sentence always fits
SHORTER_REASONS = (40, 24, 12)  # tried in turn when an SMS would not fit


def age_on(beneficiary: Beneficiary, day: date) -> int | None:
    if beneficiary.birth_date is not None:
        born = beneficiary.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if beneficiary.birth_year:
        return day.year - beneficiary.birth_year
    return None


def who(t: Translator, beneficiary: Beneficiary, role: str, today: date) -> str:
    """Whose allowance, phrased for the reader: "bà" to herself, "bà Nguyễn Thị Lài" to others."""
    age = age_on(beneficiary, today)
    if role == "self":
        if beneficiary.gender == "nu":
            return t._("you (to a woman)")
        if beneficiary.gender == "nam":
            return t._("you (to a man)")
        return t._("you (polite)")
    name = beneficiary.full_name
    if age is not None and age < CHILD_AGE:
        return t._("child %(name)s", name=name)
    if beneficiary.gender == "nu":
        return t._("Mrs %(name)s", name=name)
    if beneficiary.gender == "nam":
        return t._("Mr %(name)s", name=name)
    return t._("Mr/Mrs %(name)s", name=name)


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def method_of(payment: Payment | None, beneficiary: Beneficiary) -> str:
    return (
        (payment.method if payment is not None and payment.method else None) or beneficiary.method or "cash"
    )


def destination(t: Translator, payment: Payment, beneficiary: Beneficiary) -> str | None:
    """Where electronic money went ("ví Viettel Money", "tài khoản VietinBank …1234"); None for cash."""
    method = method_of(payment, beneficiary)
    provider = payment.provider or beneficiary.provider
    if method == "ewallet":
        return t._("the %(provider)s wallet", provider=provider) if provider else t._("the e-wallet")
    if method == "account":
        masked = f"…{beneficiary.account_last4}" if beneficiary.account_last4 else ""
        label = " ".join(part for part in (provider, masked) if part)
        return t._("account %(account)s", account=label) if label else t._("the bank account")
    return None


def reason(t: Translator, payment: Payment, limit: int = REASON_CHARS) -> str:
    """The provider's reason as the officer typed it, cut at a word to `limit` characters."""
    note = " ".join((payment.note or "").split())
    if not note:
        return t._("reason not known yet")
    if len(note) <= limit:
        return note
    cut = note[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def officer(t: Translator, unit: Unit | None) -> str:
    """The unit's officer as a person can call them: "cán bộ Trần Thị Hoa (0234 3822 123)"."""
    phone = national_phone(unit.officer_phone) if unit is not None else ""
    if unit is not None and unit.officer_name and phone:
        return t._("officer %(name)s (%(phone)s)", name=unit.officer_name, phone=phone)
    if unit is not None and unit.officer_name:
        return t._("officer %(name)s", name=unit.officer_name)
    if unit is not None and phone:
        return t._("the %(unit)s officer (%(phone)s)", unit=unit.name, phone=phone)
    if unit is not None:
        return t._("the %(unit)s officer", unit=unit.name)
    return t._("the commune officer")


def cash_days(t: Translator, slot: CashSlot) -> str:
    """"ngày 03/12/2026" or "từ ngày 03/12/2026 đến ngày 05/12/2026", hours appended."""
    if slot.end != slot.start:
        start = t.date(slot.start)
        if slot.start.year == slot.end.year:  # "từ ngày 02/12 đến ngày 04/12/2026"
            start = start.rsplit("/", 1)[0]
        days = t._("from %(start)s to %(end)s", start=start, end=t.date(slot.end))
    else:
        days = t._("on %(day)s", day=t.date(slot.start))
    return f"{days} ({slot.hours})" if slot.hours else days


def short_days(t: Translator, slot: CashSlot, hours: bool = True) -> str:
    """"02/12-04/12 (7h30-11h00)": the month is said elsewhere in the message."""
    start, end = (t.date(day).rsplit("/", 1)[0] for day in (slot.start, slot.end))
    days = start if slot.end == slot.start else f"{start}-{end}"
    return f"{days} ({slot.hours})" if hours and slot.hours else days
