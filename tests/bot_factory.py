"""Test data for the chat channels, built with the ORM: one beneficiary (Nguyễn Thị Lài, born 1941,
code BT4600001, Phường Thuận Hóa) looked after by her son, whose phone is on file, and her
November 2026 payment: 750.000đ paid on 05/11/2026 into Viettel Money."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.models import Beneficiary, BeneficiaryCategory, Contact, Identity, Payment, Person

BENEFICIARY_CODE = "BT4600001"
BIRTH_YEAR = 1941
GUARDIAN_PHONE = "+84912345678"
BENEFICIARY_PHONE = "+84383456789"
AMOUNT = 750000
AMOUNT_VI = "750.000"  # as the answers print it


@dataclass
class Family:
    beneficiary: Beneficiary
    guardian: Person
    guardian_phone: str
    payment: Payment


def person_with_phone(session, phone: str, name: str, language: str = "vi") -> Person:
    person = Person(name=name, language=language, preferred_channel="sms")
    session.add(person)
    session.flush()
    session.add(Identity(person_id=person.id, kind="phone", address=phone, verified=True,
                         verified_by="on_file"))
    return person


def make_family(session, *, period: str = "2026-11", paid_on: date = date(2026, 11, 5),
                code: str = BENEFICIARY_CODE,
                guardian_phone: str = GUARDIAN_PHONE, guardian_language: str = "vi",
                own_phone: str | None = None) -> Family:
    """The beneficiary (with her own phone when `own_phone`), her son as guardian with his phone on
    file, and one paid payment."""
    beneficiary = Beneficiary(
        code=code, full_name="Nguyễn Thị Lài", name_ascii="nguyen thi lai", birth_year=BIRTH_YEAR,
        gender="nu",
        unit_code="19786", address="Kiệt 12 Đặng Thái Thân", programme_code="TCXH",
        coefficient=Decimal("1.5"),
        monthly_amount=AMOUNT, method="ewallet", provider="Viettel Money", account_last4="6789",
        has_account=True,
    )
    session.add(beneficiary)
    session.flush()
    session.add(BeneficiaryCategory(beneficiary_id=beneficiary.id, category_code="NKT_NANG"))
    if own_phone:
        herself = person_with_phone(session, own_phone, "Nguyễn Thị Lài")
        session.add(Contact(person_id=herself.id, beneficiary_id=beneficiary.id, role="self", consent=True))
    guardian = person_with_phone(session, guardian_phone, "Trần Văn Hùng", guardian_language)
    session.add(Contact(person_id=guardian.id, beneficiary_id=beneficiary.id, role="guardian",
                        relation="con", consent=True))
    payment = Payment(beneficiary_id=beneficiary.id, period=period, amount=AMOUNT, status="paid",
                      method="ewallet",
                      provider="Viettel Money", paid_on=paid_on)
    session.add(payment)
    session.flush()
    return Family(beneficiary, guardian, guardian_phone, payment)
