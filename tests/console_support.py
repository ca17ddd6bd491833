"""Test data for the console and broadcast tests, made through the ORM: beneficiaries with their
own phone and a guardian's, officers with known passwords."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import (
    Beneficiary,
    BeneficiaryCategory,
    Contact,
    Identity,
    Payment,
    Person,
)
from core.officers.accounts import create_officer
from core.vietnamese_text import fold

PASSWORD = "mat-khau-2026"
THUAN_HOA, PHU_VINH, HUONG_THUY = "19786", "19945", "19975"  # Huế wards and a commune (province 46)


def make_officer(session: Session, username: str, role: str = "commune", unit: str | None = THUAN_HOA,
                 password: str = PASSWORD):
    return create_officer(session, username, password, role, unit if role == "commune" or unit else None,
                          full_name=username.title())


def _person(session: Session, name: str, phone: str | None, *, opted_out: bool = False, channel: str = "sms",
            extra: tuple[tuple[str, str], ...] = ()) -> Person:
    person = Person(name=name, preferred_channel=channel, opted_out=opted_out)
    session.add(person)
    session.flush()
    if phone:
        session.add(Identity(person_id=person.id, kind="phone", address=phone, verified=True,
                             verified_by="on_file"))
    for kind, address in extra:
        session.add(Identity(person_id=person.id, kind=kind, address=address, verified=True,
                             verified_by="otp"))
    return person


def make_beneficiary(session: Session, code: str, name: str, unit: str = THUAN_HOA, *, method: str = "cash",
                     phone: str | None = None, guardian_phone: str | None = None,
                     guardian_consent: bool = True,
                     opted_out: bool = False, categories: tuple[str, ...] = ("NCT_80",),
                     amount: int = 500_000,
                     has_account: bool = False, provider: str | None = None, account_last4: str | None = None,
                     chat: tuple[tuple[str, str], ...] = (), channel: str = "sms") -> Beneficiary:
    beneficiary = Beneficiary(code=code, full_name=name, name_ascii=fold(name), unit_code=unit,
                              programme_code="TCXH",
                              monthly_amount=amount, method=method, provider=provider,
                              has_account=has_account,
                              account_last4=account_last4, active=True)
    session.add(beneficiary)
    session.flush()
    for category in categories:
        session.add(BeneficiaryCategory(beneficiary_id=beneficiary.id, category_code=category))
    if phone or chat:
        own = _person(session, name, phone, opted_out=opted_out, channel=channel, extra=chat)
        session.add(Contact(person_id=own.id, beneficiary_id=beneficiary.id, role="self", consent=True))
    if guardian_phone:
        guardian = _person(session, f"Con của {name}", guardian_phone)
        session.add(Contact(person_id=guardian.id, beneficiary_id=beneficiary.id, role="guardian",
                            relation="con",
                            consent=guardian_consent))
    session.flush()
    return beneficiary


def make_payment(session: Session, beneficiary: Beneficiary, period: str, status: str = "paid",
                 method: str = "cash",
                 amount: int | None = None, provider: str | None = None, paid_on=None) -> Payment:
    payment = Payment(beneficiary_id=beneficiary.id, period=period,
                      amount=amount or beneficiary.monthly_amount or 0,
                      status=status, method=method, provider=provider, paid_on=paid_on)
    session.add(payment)
    session.flush()
    return payment


# -- the console through Flask's test client, with real CSRF tokens ------------------------------
import re as _re

_TOKEN = _re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client) -> str:
    page = client.get("/console/login")
    return _TOKEN.search(page.get_data(as_text=True)).group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post("/console/login",
                       data={"username": username, "password": password, "csrf_token": csrf_token(client)})


def post(client, url: str, data: dict | None = None, **kwargs):
    """A form POST carrying the session's CSRF token, as the browser sends it."""
    form = dict(data or {})
    form["csrf_token"] = csrf_token(client)
    return client.post(url, data=form, **kwargs)
