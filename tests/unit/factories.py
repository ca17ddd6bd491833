"""Small factories for the dialog and answer tests: beneficiaries, the people who may ask about
them (phone identities verified as on file), payments and cash days — made directly with the ORM,
as the officers' imports would leave them. Also a tiny keyword parser standing in for core.nlu."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.models import (
    Beneficiary,
    BeneficiaryCategory,
    CashSchedule,
    Contact,
    Identity,
    Payment,
    Person,
    Unit,
)
from core.vietnamese_text import fold

THUAN_HOA = "19786"  # Phường Thuận Hóa
OFFICER = ("Trần Thị Thu", "+84905111222")


def set_officer(session, unit_code: str = THUAN_HOA, name: str | None = OFFICER[0],
                phone: str | None = OFFICER[1],
                address: str | None = None) -> Unit:
    unit = session.get(Unit, unit_code)
    unit.officer_name, unit.officer_phone, unit.office_address = name, phone, address
    return unit


def make_person(session, phone: str | None = None, *, name: str | None = None, language: str = "vi",
                kind: str = "phone", verified: bool = True) -> Person:
    person = Person(name=name, language=language, preferred_channel="sms" if kind == "phone" else kind)
    session.add(person)
    session.flush()
    if phone:
        session.add(Identity(person_id=person.id, kind=kind, address=phone, verified=verified,
                             verified_by="on_file" if verified else None))
        session.flush()
    return person


def link(session, person: Person, beneficiary: Beneficiary, role: str = "guardian",
         relation: str | None = None) -> Contact:
    contact = Contact(person_id=person.id, beneficiary_id=beneficiary.id, role=role, relation=relation,
                      consent=True, source="import")
    session.add(contact)
    session.flush()
    return contact


def make_beneficiary(session, code: str, full_name: str, *, gender: str = "nu",
                     birth_date: date | None = date(1952, 3, 15),
                     birth_year: int | None = None, unit_code: str = THUAN_HOA, programme: str = "TCXH",
                     categories: tuple[str, ...] = ("NCT_NGHEO_60",), coefficient: str | None = "1.5",
                     monthly_amount: int | None = 750_000, method: str = "ewallet",
                     provider: str | None = "Viettel Money",
                     account_last4: str | None = "6789", phone: str | None = None) -> Beneficiary:
    beneficiary = Beneficiary(
        code=code, full_name=full_name, name_ascii=fold(full_name), gender=gender, birth_date=birth_date,
        birth_year=birth_year or (birth_date.year if birth_date else None), unit_code=unit_code,
        programme_code=programme, coefficient=Decimal(coefficient) if coefficient else None,
        monthly_amount=monthly_amount, method=method, provider=provider, account_last4=account_last4,
        has_account=method != "cash", national_id_hash="0" * 64,
    )
    beneficiary.categories = [BeneficiaryCategory(category_code=c) for c in categories]
    session.add(beneficiary)
    session.flush()
    if phone:
        link(session, make_person(session, phone, name=full_name), beneficiary, "self")
    return beneficiary


def pay(session, beneficiary: Beneficiary, period: str, amount: int | None = None, status: str = "paid",
        paid_on: date | None = None, note: str | None = None, method: str | None = None) -> Payment:
    payment = Payment(beneficiary_id=beneficiary.id, period=period,
                      amount=amount or beneficiary.monthly_amount,
                      status=status, method=method or beneficiary.method, provider=beneficiary.provider,
                      paid_on=paid_on, note=note)
    session.add(payment)
    session.flush()
    return payment


def cash_days(session, period: str, start: date, end: date, place: str, hours: str | None = "7h30-11h00",
              unit_code: str = THUAN_HOA, method: str = "cash") -> CashSchedule:
    row = CashSchedule(unit_code=unit_code, period=period, method=method, start_date=start, end_date=end,
                       hours=hours, place=place)
    session.add(row)
    session.flush()
    return row


@dataclass
class Parsed:
    intent: str
    slots: dict = field(default_factory=dict)
    confidence: float = 1.0


_RULES = [
    (r"^dk\b", "register"), (r"^(huy|stop)$", "stop"), (r"^tc\b", "payment_status"),
    (r"^lich\b", "payment_schedule"),
    (r"^ls\b", "payment_history"), (r"^giup$", "help"), (r"^(en|vi)$", "change_language"),
    (r"lua|chua nhan|khieu nai|thieu", "complaint"), (r"da mat|qua doi|doi so", "report_change"),
    (r"can bo|goi ai", "contact_officer"), (r"rut tien|vi viettel", "payment_method"),
    (r"ai duoc|dieu kien", "eligibility"), (r"sao it|rang it|bao nhieu|vi sao", "payment_amount"),
    (r"lanh tien o mo|lich|ngay nao|o dau", "payment_schedule"), (r"cac ky|lich su", "payment_history"),
    (r"ve chua|tien thang|co tien", "payment_status"), (r"^(chao|xin chao|hello)", "greeting"),
    (r"cam on", "thanks"),
]


def fake_parse(text: str, today: date) -> Parsed:
    """Keywords and a few phrases, enough to drive the dialog in unit tests."""
    folded = fold(text)
    intent = next((name for pattern, name in _RULES if re.search(pattern, folded)), "unknown")
    slots: dict = {}
    if intent == "register":
        parts = text.split()
        if len(parts) >= 2:
            slots["beneficiary_code"] = parts[1]
        if len(parts) >= 3:
            birth = parts[2]
            found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", birth)
            slots["dob"] = f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else birth
    if intent == "change_language":
        slots["language"] = folded[:2]
    month = re.search(r"thang (\d{1,2})\b|\btc (\d{1,2})\b", folded)
    if month:
        number = int(month[1] or month[2])
        slots["period"] = f"{today.year}-{number:02d}"
    elif "thang truoc" in folded:
        slots["period"] = f"{today.year}-{today.month - 1:02d}"
    elif "thang sau" in folded or "thang toi" in folded:
        slots["period"] = f"{today.year + (today.month == 12)}-{today.month % 12 + 1:02d}"
    return Parsed(intent, slots)


@dataclass
class Family:
    """Thuận Hóa's people in the dialog tests (ids, so sessions can come and go)."""

    lai: int
    bin: int
    teo: int
    lai_phone: str = "+84912345678"
    hoa_phone: str = "+84987654321"  # guardian of Lài and of the child Bin
    teo_phone: str = "+84362718345"  # on the officers' list as 01662718345
    stranger_phone: str = "+84911000000"


def build_family(session) -> Family:
    set_officer(session)
    lai = make_beneficiary(session, "BT0001", "Nguyễn Thị Lài", phone="+84912345678")
    for period, day in (("2026-09", 5), ("2026-10", 5), ("2026-11", 5)):
        pay(session, lai, period, paid_on=date(int(period[:4]), int(period[5:]), day))
    pay(session, lai, "2026-12", status="scheduled")
    bin_ = make_beneficiary(session, "BT0002", "Lê Văn Bin", gender="nam", birth_date=date(2017, 6, 1),
                            categories=("TE_MC_4_16",), method="account", provider="VNPost – VietinBank",
                            account_last4="4321")
    pay(session, bin_, "2026-10", paid_on=date(2026, 10, 4))
    pay(session, bin_, "2026-11", status="failed", note="Sai số tài khoản")
    hoa = make_person(session, "+84987654321", name="Lê Thị Hoa")
    link(session, hoa, lai, "guardian", "con")
    link(session, hoa, bin_, "guardian", "cô ruột")
    teo = make_beneficiary(session, "BT0003", "Phan Văn Tèo", gender="nam", birth_date=None, birth_year=1948,
                           programme="HTXH", categories=("HTXH_75",), coefficient="1.0",
                           monthly_amount=500_000,
                           method="cash", provider=None, account_last4=None, phone="+84362718345")
    pay(session, teo, "2026-11", paid_on=date(2026, 11, 3))
    cash_days(session, "2026-11", date(2026, 11, 3), date(2026, 11, 4), "Nhà văn hóa tổ dân phố 5")
    cash_days(session, "2026-12", date(2026, 12, 2), date(2026, 12, 3), "Nhà văn hóa tổ dân phố 5")
    return Family(lai=lai.id, bin=bin_.id, teo=teo.id)
