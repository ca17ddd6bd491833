"""Linking a chat or a new phone with "DK <code> <birth>" and a one-time code sent by SMS to a
phone on file: no enumeration, 5 minutes, 5 tries, and the link made to the right person."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.conversation.dialog import Dialog
from core.conversation.inbound_reply import Inbound
from core.models import Beneficiary, Contact, Identity, OtpChallenge, OutboxMessage
from core.storage.state import MemoryStateStore
from tests.unit.factories import build_family, fake_parse


@pytest.fixture
def family(sessions):
    with sessions.begin() as session:
        return build_family(session)


@pytest.fixture
def dialog(sessions, clock, settings):
    return Dialog(sessions, clock, settings, MemoryStateStore(clock), parser=fake_parse)


def say(dialog, sender: str, text: str, channel: str = "telegram") -> str:
    [reply] = dialog.handle(Inbound(channel=channel, sender=sender, text=text))
    return reply.text


def _code_sent(sessions) -> tuple[str, OutboxMessage]:
    with sessions() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "otp")
                                  .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", message.text)[1], message


def test_a_telegram_chat_is_linked_by_code_and_birth_date_then_hears_the_payment(family, dialog, sessions):
    assert "DK" in say(dialog, "4242", "TC")  # not linked yet: general information only
    reply = say(dialog, "4242", "DK BT0001 15/03/1952")
    assert "…5678" in reply and "5 phút" in reply
    code, message = _code_sent(sessions)
    assert (message.channel, message.address, message.kind) == ("sms", "+84912345678", "otp")
    assert "Telegram" in message.text and message.text.isascii()
    with sessions() as session:
        challenge = session.scalars(select(OtpChallenge)).one()
        assert code not in challenge.code_hash and challenge.sent_to == "+84912345678"
    assert "Đăng ký thành công" in say(dialog, "4242", code)
    with sessions() as session:
        identity = session.scalars(select(Identity).where(Identity.kind == "telegram")).one()
        owner = session.scalars(select(Identity).where(Identity.address == "+84912345678")).one()
        assert identity.verified and identity.verified_by == "otp" and identity.person_id == owner.person_id
    assert "750.000đ" in say(dialog, "4242", "TC")


def test_a_year_of_birth_is_enough_and_the_code_goes_to_a_guardian_when_no_own_phone(family, dialog,
                                                                                     sessions):
    reply = say(dialog, "zalo-1", "DK BT0002 2017", channel="zalo")
    assert "…4321" in reply  # Bin has no phone: his guardian Hoa's number
    code, message = _code_sent(sessions)
    assert message.address == "+84987654321"
    say(dialog, "zalo-1", code, channel="zalo")
    assert "Bin" in say(dialog, "zalo-1", "TC", channel="zalo")


def test_wrong_birth_and_unknown_code_give_the_same_answer_and_send_nothing(family, dialog, sessions):
    wrong_birth = say(dialog, "4242", "DK BT0001 16/03/1952")
    unknown = say(dialog, "4243", "DK BT9999 15/03/1952")
    assert wrong_birth == unknown and "chưa khớp" in unknown
    with sessions() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_a_wrong_code_counts_down_then_the_code_is_spent(family, dialog, sessions):
    say(dialog, "4242", "DK BT0001 1952")
    code, _ = _code_sent(sessions)
    wrong = "000000" if code != "000000" else "111111"
    assert "còn 4 lần" in say(dialog, "4242", wrong)
    for _ in range(3):
        say(dialog, "4242", wrong)
    assert "hết hạn hoặc nhập sai" in say(dialog, "4242", wrong)
    assert "hết hạn" not in say(dialog, "4242", code)  # spent: an ordinary message now
    with sessions() as session:
        assert session.scalars(select(Identity).where(Identity.kind == "telegram")).first() is None


def test_a_code_expires_after_five_minutes(family, dialog, sessions, clock):
    say(dialog, "4242", "DK BT0001 1952")
    code, _ = _code_sent(sessions)
    clock.advance(minutes=5, seconds=1)
    assert "hết hạn" in say(dialog, "4242", code)


def test_an_unknown_phone_registering_by_sms_becomes_a_consenting_guardian(family, dialog, sessions):
    new_phone = "+84939000111"
    reply = say(dialog, new_phone, "DK BT0001 15/03/1952", channel="sms")
    assert "…5678" in reply
    code, message = _code_sent(sessions)
    assert "so ...0111" in message.text  # the owner sees which number asks (GSM-7: … becomes ...)
    say(dialog, new_phone, code, channel="sms")
    with sessions() as session:
        identity = session.scalars(select(Identity).where(Identity.address == new_phone)).one()
        contact = session.scalars(select(Contact).where(Contact.person_id == identity.person_id)).one()
    assert identity.verified_by == "otp"
    # The channel the code came back on
    assert (contact.role, contact.source, contact.consent,
            contact.consent_channel) == ("guardian", "registration", True, "sms")
    assert contact.consent_at is not None and contact.beneficiary_id == family.lai


def test_already_registered_is_told_so(family, dialog, sessions):
    assert "đã được đăng ký" in say(dialog, family.lai_phone, "DK BT0001 1952", channel="sms")
    with sessions() as session:
        assert session.scalars(select(OtpChallenge)).all() == []


def test_guessing_is_stopped_after_five_failures(family, dialog):
    for year in range(1940, 1945):
        say(dialog, "4242", f"DK BT0001 {year}")
    assert "Quá nhiều lần thử" in say(dialog, "4242", "DK BT0001 1952")


def test_dk_alone_explains_how(family, dialog, sessions):
    assert "DK <mã đối tượng> <ngày sinh>" in say(dialog, "4242", "DK")
    assert "đã đăng ký nhận tin về: bà Nguyễn Thị Lài" in say(dialog, family.lai_phone, "DK", channel="sms")
    with sessions() as session:
        assert session.get(Beneficiary, family.lai) is not None
