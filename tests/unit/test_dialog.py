"""The conversation as people have it by SMS and chat: beneficiaries, guardians of several, a
stranger; what each may be told, in which words, and what is written down (audit rows)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.conversation.dialog import Dialog
from core.conversation.inbound_reply import Inbound
from core.models import AuditLog, Person
from core.conversation.render import render_for_channel
from core.storage.state import MemoryStateStore
from tests.unit.factories import build_family, fake_parse


@pytest.fixture
def family(sessions):
    with sessions.begin() as session:
        return build_family(session)


@pytest.fixture
def dialog(sessions, clock, settings):
    return Dialog(sessions, clock, settings, MemoryStateStore(clock), parser=fake_parse)


@pytest.fixture
def ask(dialog):
    def ask(sender: str, text: str, channel: str = "sms") -> str:
        replies = dialog.handle(Inbound(channel=channel, sender=sender, text=text))
        assert len(replies) == 1
        return replies[0].text

    return ask


def _audit(sessions) -> list[AuditLog]:
    with sessions() as session:
        return list(session.scalars(select(AuditLog).order_by(AuditLog.id)))


def test_beneficiary_hears_her_paid_allowance_with_amount_method_and_date(family, ask, sessions, settings):
    text = ask(family.lai_phone, "tiền tháng ni về chưa")
    assert text == ("Tiền trợ cấp tháng 11/2026 của bà Nguyễn Thị Lài: 750.000đ, "
                    "đã chi trả vào ví Viettel Money ngày 05/11/2026.")
    assert "da chi tra" in render_for_channel(text, "sms", settings)
    [row] = _audit(sessions)
    assert (row.actor, row.action, row.beneficiary_id, row.channel) == (
        "sms:+84912345678", "disclose.payment_status", family.lai, "sms")
    assert row.detail["period"] == "2026-11"


def test_the_sender_phone_in_any_written_form_is_the_same_person(family, ask):
    assert "750.000đ" in ask("0912 345 678", "TC")


def test_guardian_of_two_hears_one_line_each_then_only_the_one_named(family, ask):
    both = ask(family.hoa_phone, "TC")
    lines = both.splitlines()
    assert lines[0].startswith("Bà Nguyễn Thị Lài: tháng 11/2026, 750.000đ, đã chi trả ngày 05/11/2026")
    assert lines[1].startswith("Cháu Lê Văn Bin: tháng 11/2026, 750.000đ, chi trả không thành công")
    named = ask(family.hoa_phone, "tiền của mệ Lài tháng ni về chưa")
    assert "bà Nguyễn Thị Lài" in named and "Bin" not in named
    follow_up = ask(family.hoa_phone, "còn tháng trước?")  # unknown to the parser: the question is repeated
    assert "tháng 10/2026 của bà Nguyễn Thị Lài" in follow_up and "Bin" not in follow_up


def test_guardian_of_a_child_hears_the_failure_its_reason_and_whom_to_call(family, ask):
    text = ask(family.hoa_phone, "TC Bin")
    assert "cháu Lê Văn Bin (750.000đ) chi trả không thành công. Lý do: Sai số tài khoản." in text
    assert "Trần Thị Thu (0905111222)" in text and "1900 0000" in text


def test_number_on_file_in_old_form_hears_next_months_cash_days_and_place(family, ask):
    text = ask(family.teo_phone, "tháng sau lãnh tiền ở mô")
    assert "tháng 12/2026 của ông Phan Văn Tèo" in text
    assert "từ 02/12/2026 đến 03/12/2026, 7h30-11h00, tại Nhà văn hóa tổ dân phố 5" in text


def test_why_so_little_shows_the_arithmetic(family, ask, sessions):
    text = ask(family.lai_phone, "răng ít rứa")
    assert "Mức chuẩn 500.000đ × hệ số 1,5 = 750.000đ" in text
    assert _audit(sessions)[-1].action == "disclose.payment_amount"


def test_social_pension_is_named_as_such(family, ask):
    assert "Trợ cấp hưu trí xã hội của ông Phan Văn Tèo: 500.000đ mỗi tháng" in ask(family.teo_phone,
                                                                                    "sao ít vậy")


@pytest.mark.parametrize("text", ["TC", "tiền tháng ni về chưa", "LICH", "LS", "sao ít rứa"])
def test_a_stranger_hears_no_amount_date_or_name(family, ask, sessions, text):
    reply = ask(family.stranger_phone, text)
    assert not re.search(r"\d{1,3}\.000đ", reply) or text == "sao ít rứa"  # only the public standard level
    assert "Lài" not in reply and "05/11" not in reply and "DK <mã đối tượng> <ngày sinh>" in reply
    assert _audit(sessions) == []


def test_an_unlinked_chat_is_a_stranger_even_with_a_known_name(family, ask, sessions):
    reply = ask("777000111", "tiền của mệ Lài về chưa", channel="telegram")
    assert "750.000" not in reply and "DK <mã đối tượng> <ngày sinh>" in reply
    assert _audit(sessions) == []


def test_history_is_paginated_with_tiep(family, ask, sessions):
    first = ask(family.lai_phone, "LS")
    assert "Tháng 12/2026: 750.000đ, chờ chi trả" in first and "TIEP" not in first
    assert first.count("Tháng ") == 4
    with sessions.begin() as session:  # a fifth and sixth month make a second page
        from core.models import Beneficiary
        from tests.unit.factories import pay

        lai = session.get(Beneficiary, family.lai)
        pay(session, lai, "2026-07")
        pay(session, lai, "2026-08")
    first = ask(family.lai_phone, "LS")
    second = ask(family.lai_phone, "TIEP")
    assert "Soạn TIEP" in first and "Tháng 8/2026" not in first
    assert second.startswith("Các kỳ trước của bà Nguyễn Thị Lài:\nTháng 8/2026: 750.000đ, đã chi trả")
    assert "Tháng 7/2026" in second and "TIEP" not in second


def test_stop_and_resume(family, ask, sessions):
    assert "BAT" in ask(family.lai_phone, "HUY")
    with sessions() as session:
        person = session.scalars(select(Person).where(Person.name == "Nguyễn Thị Lài")).one()
        assert person.opted_out and person.opted_out_at is not None
    assert "HUY" in ask(family.lai_phone, "BAT")
    with sessions() as session:
        assert not session.get(Person, person.id).opted_out


def test_english_after_en(family, ask):
    assert "English" in ask(family.lai_phone, "EN")
    text = ask(family.lai_phone, "TC")
    assert (
        text
        == "The allowance for 11/2026 of Mrs Nguyễn Thị Lài: 750,000 VND, paid into the Viettel Money "
           "e-wallet on 05/11/2026."
    )
    assert "tiếng Việt" in ask(family.lai_phone, "VI")


def test_contact_officer_and_greeting(family, ask):
    assert "Trần Thị Thu, SĐT 0905111222" in ask(family.lai_phone, "gọi ai để hỏi")
    assert ask(family.lai_phone, "chào").startswith("Xin chào bà Nguyễn Thị Lài!")
    assert "1900 0000" in ask(family.stranger_phone, "gặp cán bộ")


def test_unknown_gives_the_menu_with_keywords(family, ask):
    text = ask(family.lai_phone, "xyz")
    assert "chưa hiểu" in text and "TC" in text and "LICH" in text


def test_a_failure_inside_answers_with_an_apology(sessions, clock, settings, family):
    def broken(text, today):
        raise RuntimeError("boom")

    dialog = Dialog(sessions, clock, settings, MemoryStateStore(clock), parser=broken)
    [reply] = dialog.handle(Inbound(channel="sms", sender=family.lai_phone, text="TC"))
    assert "Xin lỗi" in reply.text and "1900 0000" in reply.text


def test_chat_replies_carry_buttons(family, sessions, clock, settings):
    from core.models import Beneficiary
    from tests.unit.factories import link, make_person

    with sessions.begin() as session:
        person = make_person(session, "555", kind="telegram", verified=True)
        link(session, person, session.get(Beneficiary, family.lai), "guardian")
        link(session, person, session.get(Beneficiary, family.bin), "guardian")
    dialog = Dialog(sessions, clock, settings, MemoryStateStore(clock), parser=fake_parse)
    [reply] = dialog.handle(Inbound(channel="telegram", sender="555", text="TC"))
    assert [c.value for c in reply.choices] == ["TC Nguyễn Thị Lài", "TC Lê Văn Bin"]
    [reply] = dialog.handle(Inbound(channel="telegram", sender="555", text=reply.choices[1].value))
    assert "cháu Lê Văn Bin" in reply.text and {c.value for c in reply.choices} >= {"LICH", "LS"}


def test_a_complaint_becomes_a_numbered_ticket_for_the_units_officer(family, ask, sessions):
    from core.models import Complaint

    text = ask(family.lai_phone, "tôi chưa nhận được tiền tháng 11")
    with sessions() as session:
        ticket = session.scalars(select(Complaint)).one()
        events = [e.action for e in ticket.events]
    assert re.fullmatch(r"PA-2026-\d{6}", ticket.number) and ticket.number in text
    assert (ticket.category, ticket.beneficiary_id, ticket.unit_code, ticket.period, ticket.reply_to,
            ticket.status) == (
        "not_received", family.lai, "19786", "2026-11", "+84912345678", "new")
    assert events == ["created"] and "Trần Thị Thu" in text and "sẽ gọi lại" in text


@pytest.mark.parametrize("message, category", [
    ("có người gọi hỏi mã OTP, lừa đảo", "scam"), ("tiền bị thiếu", "complaint:short_paid"),
    ("mệ đã mất hôm qua", "change"), ("bị thu phí khi rút, lừa", "scam"),
])
def test_complaint_categories_from_the_words(family, ask, sessions, message, category):
    from core.models import Complaint

    text = ask(family.lai_phone, message)
    with sessions() as session:
        ticket = session.scalars(select(Complaint)).one()
    assert ticket.category == category.split(":")[-1]
    if ticket.category == "scam":
        assert "OTP" in text


def test_a_stranger_may_complain_and_is_told_the_hotline(family, ask, sessions):
    from core.models import Complaint

    text = ask(family.stranger_phone, "khiếu nại chưa nhận tiền")
    with sessions() as session:
        ticket = session.scalars(select(Complaint)).one()
    assert ticket.beneficiary_id is None and ticket.person_id is None and "1900 0000" in text
