"""Test data for USSD, SMS and the simulator, built with the ORM after the demo identities
(ansinh.demo.identities): Nguyễn Thị Lài paid 750.000đ into Viettel Money on 05/11/2026; Hồ Văn Thọ
paid in cash in Xã Bình Điền with December's cash days on file; Phan Văn Quang guardian of both his
parents (Phan Văn Lộc, Trần Thị Sen); a stranger's phone that is on no list."""
from __future__ import annotations

from dataclasses import dataclass
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
)

LAI_PHONE, THO_PHONE, QUANG_PHONE, HUNG_PHONE = "+84978451203", "+84362718345", "+84983246150", "+84905318246"
STRANGER_PHONE = "+84909123000"
USSD_SECRET = "test-ussd-secret"  # the settings fixture's ANSINH_USSD_SECRET
USSD_AUTH = {"X-AnSinh-Key": USSD_SECRET}  # what a configured USSD gateway sends with every callback
LAI_AMOUNT_VI = "750.000"
CASH_UNIT = "20017"  # a commune of Huế (reference data), paid in cash in these tests
THO_PLACE = "Nhà văn hóa thôn Bình Thành"


def person_with_phone(session, phone: str, name: str, language: str = "vi") -> Person:
    person = Person(name=name, language=language, preferred_channel="sms")
    session.add(person)
    session.flush()
    session.add(Identity(person_id=person.id, kind="phone", address=phone, verified=True,
                         verified_by="on_file"))
    return person


def beneficiary(session, code: str, name: str, *, birth: date | None = None, birth_year: int | None = None,
                gender: str = "nu", unit_code: str = "19945", categories=("NCT_NGHEO_60",),
                coefficient: str = "1.5",
                amount: int = 750_000, method: str = "ewallet", provider: str | None = "Viettel Money",
                account_last4: str | None = None) -> Beneficiary:
    row = Beneficiary(code=code, full_name=name, name_ascii=name.lower(), birth_date=birth,
                      birth_year=birth.year if birth else birth_year, gender=gender, unit_code=unit_code,
                      programme_code="TCXH", coefficient=Decimal(coefficient), monthly_amount=amount,
                      method=method,
                      provider=provider, account_last4=account_last4, has_account=method != "cash")
    session.add(row)
    session.flush()
    for category in categories:
        session.add(BeneficiaryCategory(beneficiary_id=row.id, category_code=category))
    return row


def contact(session, person: Person, who: Beneficiary, role: str, relation: str | None = None) -> None:
    session.add(Contact(person_id=person.id, beneficiary_id=who.id, role=role, relation=relation,
                        consent=True))


def payment(session, who: Beneficiary, period: str, status: str = "paid", paid_on: date | None = None,
            amount: int | None = None) -> Payment:
    row = Payment(beneficiary_id=who.id, period=period, amount=amount or who.monthly_amount, status=status,
                  method=who.method, provider=who.provider, paid_on=paid_on)
    session.add(row)
    return row


@dataclass
class World:
    lai: Beneficiary
    tho: Beneficiary
    loc: Beneficiary
    sen: Beneficiary


def build_world(sessions) -> World:
    with sessions.begin() as session:
        lai = beneficiary(session, "BT4600001", "Nguyễn Thị Lài", birth=date(1951, 3, 12),
                          account_last4="1203")
        contact(session, person_with_phone(session, LAI_PHONE, "Nguyễn Thị Lài"), lai, "self")
        contact(session, person_with_phone(session, HUNG_PHONE, "Trần Văn Hùng"), lai, "guardian", "con")
        for period, day in (("2026-08", 5), ("2026-09", 5), ("2026-10", 5), ("2026-11", 5)):
            payment(session, lai, period, paid_on=date(int(period[:4]), int(period[5:]), day))
        payment(session, lai, "2026-12", status="scheduled")

        tho = beneficiary(session, "BT4600002", "Hồ Văn Thọ", birth_year=1939, gender="nam",
                          unit_code=CASH_UNIT,
                          categories=("NCT_80",), coefficient="1.0", amount=500_000, method="cash",
                          provider="VNPost")
        contact(session, person_with_phone(session, THO_PHONE, "Hồ Văn Thọ"), tho, "self")
        payment(session, tho, "2026-11", paid_on=date(2026, 11, 3))
        payment(session, tho, "2026-12", status="scheduled")
        session.add(CashSchedule(unit_code=CASH_UNIT, period="2026-12", start_date=date(2026, 12, 2),
                                 end_date=date(2026, 12, 3), hours="7h30-11h00", place=THO_PLACE))

        loc = beneficiary(session, "BT4600004", "Phan Văn Lộc", birth=date(1940, 2, 2), gender="nam",
                          unit_code="19777",
                          categories=("NCT_80",), coefficient="1.0", amount=500_000)
        sen = beneficiary(session, "BT4600005", "Trần Thị Sen", birth=date(1949, 10, 10), unit_code="19777",
                          categories=("NCT_80",), coefficient="1.0", amount=500_000, method="cash",
                          provider=None)
        quang = person_with_phone(session, QUANG_PHONE, "Phan Văn Quang")
        contact(session, quang, loc, "guardian", "con")
        contact(session, quang, sen, "guardian", "con")
        payment(session, loc, "2026-11", paid_on=date(2026, 11, 4))
        payment(session, sen, "2026-11", paid_on=date(2026, 11, 6))
    return World(lai, tho, loc, sen)


def ansinh_command(*args: str) -> list[str]:
    """The installed `ansinh` console script next to this Python."""
    import sys
    from pathlib import Path

    return [str(Path(sys.executable).parent / "ansinh"), *args]


def free_port() -> int:
    """A port nobody listens on now, for a server a test starts."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_env(database_url: str, twilio_base_url: str | None, **extra: str) -> dict[str, str]:
    """Environment for an `ansinh worker` subprocess: this test's database, Twilio at a stand-in."""
    import os

    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSINH_", "TWILIO_", "TELEGRAM_", "ZALO_", "KANNEL_", "SMPP_"))}
    env.update(ANSINH_DATABASE_URL=database_url, ANSINH_QUIET_HOURS="off", ANSINH_SECRET_KEY="test-secret",
               ANSINH_IDENTIFIER_KEY="test-identifier-key", ANSINH_PUBLIC_URL="http://testserver",
               ANSINH_USSD_SECRET=USSD_SECRET)
    if twilio_base_url:
        env.update(TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_AUTH_TOKEN="standin-token",
                   TWILIO_FROM="+15005550006",
                   TWILIO_API_BASE_URL=twilio_base_url)
    env.update(extra)
    return env
