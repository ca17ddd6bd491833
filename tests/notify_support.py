"""Builders for the notification tests: beneficiaries, the people who hear for them, and the
officers' payment rows fed through the real importer with the notification listener."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from core.outbox.dispatch import SendResult
from core.imports import import_rows
from core.models import Beneficiary, Contact, Identity, OutboxMessage, Person, Unit
from core.notify.events import NotifyOnImport

UNIT = "19786"  # Phường Thuận Hóa
OTHER_UNIT = "19815"


class FakeSender:
    """Records what the dispatcher hands it, per channel."""

    def __init__(self, channel: str = "sms"):
        self.channel = channel
        self.sent: list[tuple[str, str]] = []

    def send(self, message):
        self.sent.append((message.address, message.text))
        return SendResult(provider_id=f"{self.channel}-{message.id}")


def beneficiary(session, code: str, name: str, *, gender: str = "nu", born: date | None = date(1941, 3, 12),
                unit: str = UNIT, method: str = "ewallet", provider: str | None = "Viettel Money",
                last4: str | None = None, amount: int = 750_000) -> Beneficiary:
    b = Beneficiary(code=code, full_name=name, name_ascii=name.lower(), gender=gender, birth_date=born,
                    birth_year=born.year if born else None, unit_code=unit, programme_code="TCXH",
                    monthly_amount=amount, method=method, provider=provider, account_last4=last4,
                    has_account=method != "cash")
    session.add(b)
    session.flush()
    return b


def person(session, name: str | None = None, *, phone: str | None = None, telegram: str | None = None,
           zalo: str | None = None, preferred: str = "sms", language: str = "vi", opted_out: bool = False,
           verified: bool = True) -> Person:
    p = Person(name=name, language=language, preferred_channel=preferred, opted_out=opted_out)
    session.add(p)
    session.flush()
    for kind, address in (("phone", phone), ("telegram", telegram), ("zalo", zalo)):
        if address:
            session.add(Identity(person_id=p.id, kind=kind, address=address, verified=verified))
    session.flush()
    session.refresh(p)
    return p


def link(session, who: Person, whom: Beneficiary, role: str = "guardian", consent: bool = True) -> Contact:
    c = Contact(person_id=who.id, beneficiary_id=whom.id, role=role, consent=consent or role == "self",
                relation="con" if role == "guardian" else None)
    session.add(c)
    session.flush()
    return c


def set_officer(session, unit: str = UNIT, name: str | None = "Trần Thị Hoa",
                phone: str | None = "+842343822123") -> Unit:
    u = session.get(Unit, unit)
    u.officer_name, u.officer_phone = name, phone
    session.flush()
    return u


def payment_row(code: str, status: str = "Đã chi trả", period: str = "11/2026", amount: str = "750.000",
                paid_on: str = "05/11/2026", method: str = "Ví điện tử", note: str = "") -> dict:
    return {"ky_chi_tra": period, "ma_doi_tuong": code, "so_tien": amount, "trang_thai": status,
            "ngay_chi_tra": paid_on, "hinh_thuc": method, "ma_giao_dich": "", "ghi_chu": note}


def import_payments(sessions, settings, clock, rows: list[dict], today: date | None = None):
    """One import transaction, as `ansinh import payments` does it, with the notifier listening."""
    with sessions.begin() as session:
        report = import_rows(session, "payments", list(enumerate(rows, start=2)),
                             today=today or clock.today(),
                             listeners=[NotifyOnImport(settings, clock)])
    assert report.rejected == 0, [e.message for e in report.errors]
    return report


def import_schedules(sessions, settings, clock, rows: list[dict]):
    with sessions.begin() as session:
        report = import_rows(session, "schedules", list(enumerate(rows, start=2)), today=clock.today(),
                             listeners=[NotifyOnImport(settings, clock)])
    assert report.rejected == 0, [e.message for e in report.errors]
    return report


def schedule_row(period: str, start: str, end: str = "", hours: str = "7h30-11h00",
                 place: str = "Nhà văn hóa tổ 5", unit: str = UNIT) -> dict:
    return {"ky_chi_tra": period, "ma_xa": unit, "hinh_thuc": "Tiền mặt", "tu_ngay": start, "den_ngay": end,
            "gio": hours, "dia_diem": place}


def outbox(sessions, **where) -> list[OutboxMessage]:
    with sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(session.scalars(query))


def texts_to(sessions, address: str) -> list[str]:
    return [m.text for m in outbox(sessions, address=address)]


def at(clock_tz, *args) -> datetime:
    return datetime(*args, tzinfo=clock_tz)
