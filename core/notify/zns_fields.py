"""The values a ZNS template's parameters are filled from, per topic (core.notify.zns_templates):
amounts as numbers, dates dd/mm/yyyy, periods mm/yyyy, names as the officers' list writes them."""
from __future__ import annotations

from datetime import date

from core.answers.cash_days import CashSlot
from core.models import Beneficiary, Payment

PAYMENT_TOPICS = {"paid": "payment_paid", "failed": "payment_failed", "returned": "payment_failed",
                  "on_hold": "payment_on_hold"}


def day(value: date | None) -> str | None:
    return value.strftime("%d/%m/%Y") if value else None


def month(period: str) -> str:
    year, number = period.split("-")
    return f"{number}/{year}"


def about(beneficiary: Beneficiary) -> dict:
    return {"beneficiary_name": beneficiary.full_name, "beneficiary_code": beneficiary.code}


def payment_fields(payment: Payment, beneficiary: Beneficiary, today: date, hotline: str) -> dict:
    return {**about(beneficiary), "amount": int(payment.amount), "period": month(payment.period),
            "date": day(payment.paid_on or today), "provider": payment.provider, "reason": payment.note,
            "hotline": hotline}


def cash_fields(slots: tuple[CashSlot, ...] | list[CashSlot], beneficiary: Beneficiary) -> dict:
    first, last = slots[0], slots[-1]
    return {**about(beneficiary), "period": month(first.period), "first_day": day(first.start),
            "last_day": day(last.end), "hours": first.hours, "place": first.place}


def receipt_fields(payment: Payment, beneficiary: Beneficiary) -> dict:
    return {**about(beneficiary), "amount": int(payment.amount), "period": month(payment.period)}
