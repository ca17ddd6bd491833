"""Enumeration as an attacker tries it, through the signed Twilio SMS webhook and the Africa's
Talking USSD route: 50 beneficiary codes and birth years from one phone get the usual "register
first" answer, then a wait, then a block with the hotline; nothing personal ever comes back and no
code is sent; a verified beneficiary is not affected. One-time codes are capped per sender.

Counts live in `rate_counters` (no Redis in these tests); "a minute passes" expires the one-minute
windows there, as the clock would, so no test waits or depends on timing."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from core.models import AuditLog, OtpChallenge, OutboxMessage, RateCounter
from tests.e2e.test_sms_twilio import messages, signed_post
from tests.ussd_factories import (
    LAI_AMOUNT_VI,
    LAI_PHONE,
    STRANGER_PHONE,
    USSD_AUTH,
    build_world,
)

_ids = itertools.count(1)
# amounts, masked phones on file, names (as SMS/USSD spell them and with diacritics), dates paid
SECRETS = (LAI_AMOUNT_VI, "500.000", "1203", "8345", "6150", "Nguyen Thi Lai", "Ho Van Tho", "Phan Van Loc",
           "Tran Thi Sen",
           "Lài", "Thọ", "Lộc", "05/11", "03/11", "12/03/1951")
CODES = ("BT4600001", "BT4600002", "BT4600004", "BT4600005", "BT4600003", "BT4600009")


@pytest.fixture
def world(sessions):
    return build_world(sessions)


def sms(client, settings, phone: str, body: str) -> str:
    fields = {"MessageSid": f"SMabuse{next(_ids):026d}", "AccountSid": "AC" + "0" * 32, "From": phone,
              "To": "+15005550006", "Body": body, "NumMedia": "0", "NumSegments": "1"}
    return " ".join(messages(signed_post(client, settings, "/sms/twilio", fields)))


def ussd(client, phone: str, text: str) -> str:
    response = client.post("/ussd/africastalking", data={
        "sessionId": f"ATabuse_{next(_ids)}", "serviceCode": "*384*46#", "phoneNumber": phone, "text": text},
        headers=USSD_AUTH)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def windows_pass(sessions, unit: str = "1/minute") -> None:
    """The windows of that length end now (what waiting would do to the counters)."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    with sessions.begin() as session:
        session.execute(update(RateCounter).where(RateCounter.key.like(f"%/{unit}")).values(expires_at=past))


def probes():
    """What an enumerator sends: keywords with codes, codes with birth years, plain questions."""
    for n in itertools.count():
        code, year = CODES[n % len(CODES)], 1935 + n % 30
        yield (f"TC {code}", f"LS {code} {year}", f"tien cua {code} sinh nam {year} ve chua",
               f"LICH {code}")[n % 4]


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_fifty_probes_by_sms_are_slowed_then_blocked_and_leak_nothing(client, settings, world, sessions):
    probe = probes()
    replies = [sms(client, settings, STRANGER_PHONE, next(probe)) for _ in range(12)]
    assert all("danh sach" in r for r in replies[:10]), replies[:10]  # the usual: only numbers on the list
    assert all("Xin cho 1 phut" in r for r in replies[10:]), replies[10:]  # slowed
    for _ in range(3):  # three more minutes of ten each fill the hour's forty
        windows_pass(sessions)
        replies += [sms(client, settings, STRANGER_PHONE, next(probe)) for _ in range(10)]
    windows_pass(sessions)
    replies += [sms(client, settings, STRANGER_PHONE, next(probe)) for _ in range(8)]
    assert len(replies) == 50
    blocked = replies[-8:]
    # Blocked, with the hotline
    assert all("tam ngung tra loi" in r and "1900 0000" in r for r in blocked), blocked
    assert all(not _leaks(r) for r in replies), [(r, _leaks(r)) for r in replies if _leaks(r)]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OtpChallenge)) == 0
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action.like("disclose%"))
            )
            == 0
        )
    # The beneficiary herself, and another stranger, are not affected.
    assert LAI_AMOUNT_VI in sms(client, settings, LAI_PHONE, "TC")
    assert "danh sach" in sms(client, settings, "+84909123999", "TC BT4600001")


def test_fifty_codes_and_birth_years_by_ussd_are_slowed_then_blocked(client, settings, world, sessions):
    guesses = [(CODES[n % len(CODES)], str(1935 + n)) for n in range(50)]
    screens = [ussd(client, STRANGER_PHONE, f"2*{code}*{year}") for code, year in guesses[:4]]
    assert all("chua khop" in s for s in screens[:3]), screens[0]  # the neutral answer while allowed
    assert "Xin cho 1 phut" in screens[3], screens[3]  # the fourth in a minute waits
    for n, (code, year) in enumerate(guesses[4:]):
        if n % 3 == 0:  # a patient attacker: three a minute, spread over hours; the day's limit still holds
            windows_pass(sessions)
            windows_pass(sessions, "1/hour")
        screens.append(ussd(client, STRANGER_PHONE, f"2*{code}*{year}"))
    assert all(not _leaks(s) for s in screens), [s for s in screens if _leaks(s)]
    assert sum("chua khop" in s for s in screens) == 20  # 20 guesses a day are looked at, no more
    assert all("ngay mai" in s for s in screens[-10:]), screens[-10:]  # then blocked for the day
    # Even the right birth date is refused now: a guess can never be confirmed.
    windows_pass(sessions)
    windows_pass(sessions, "1/hour")
    right = ussd(client, STRANGER_PHONE, "2*BT4600001*12031951")
    assert "ngay mai" in right and "1203" not in right
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OtpChallenge)) == 0
        assert (
            session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "otp"))
            == 0
        )
    # The same phone is blocked by SMS too (one count per number), but Lài's menu answers as ever.
    assert "ngay mai" in sms(client, settings, STRANGER_PHONE, "DK BT4600001 12/03/1951")
    assert LAI_AMOUNT_VI in ussd(client, LAI_PHONE, "1")


def test_one_sender_gets_at_most_five_codes_in_five_minutes(client, settings, world, sessions):
    asks = ["DK BT4600001 12/03/1951", "DK BT4600001 1951", "DK BT4600002 1939",
            "DK BT4600002 1939", "DK BT4600004 02/02/1940"]
    for n, ask in enumerate(asks):
        if n and n % 3 == 0:
            windows_pass(sessions)  # past the per-minute registration limit; the five minutes still count
        assert "Ma xac nhan 6 so da gui" in sms(client, settings, STRANGER_PHONE, ask)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OtpChallenge)) == 5
    windows_pass(sessions)
    sixth = sms(client, settings, STRANGER_PHONE, "DK BT4600005 10/10/1949")
    assert "qua nhieu ma xac nhan" in sixth.lower() and "phut" in sixth
    # Refused before the details are looked at: a wrong birth year gets the same answer.
    assert sms(client, settings, STRANGER_PHONE, "DK BT4600005 1900") == sixth
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OtpChallenge)) == 5
        assert (
            session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "otp"))
            == 5
        )
    # Another sender still gets a code for the same person.
    assert session_codes_after(client, settings, sessions, "+84909123001", "DK BT4600005 10/10/1949") == 6


def session_codes_after(client, settings, sessions, phone: str, body: str) -> int:
    sms(client, settings, phone, body)
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(OtpChallenge))
