"""The dialog with the real NLU (core.nlu): the keyword forms people and chat buttons send, Huế
follow-ups, and the general answers a stranger may have."""
from __future__ import annotations

import pytest

from core.conversation.dialog import Dialog
from core.conversation.inbound_reply import Inbound
from core.storage.state import MemoryStateStore
from tests.unit.factories import build_family


@pytest.fixture
def family(sessions):
    with sessions.begin() as session:
        return build_family(session)


@pytest.fixture
def ask(sessions, clock, settings):
    dialog = Dialog(sessions, clock, settings, MemoryStateStore(clock))  # parser: core.nlu.parse

    def ask(sender: str, text: str, channel: str = "sms"):
        [reply] = dialog.handle(Inbound(channel=channel, sender=sender, text=text))
        return reply

    return ask


@pytest.mark.parametrize("text", ["TC Bin", "TC BT0002", "tc bin", "TC Lê Văn Bin"])
def test_a_keyword_with_a_name_or_code_answers_about_that_person(family, ask, text):
    reply = ask(family.hoa_phone, text).text
    assert "cháu Lê Văn Bin (750.000đ) chi trả không thành công" in reply and "Lài" not in reply


def test_lich_with_a_name_gives_that_persons_days(family, ask):
    assert "Tiền trợ cấp của bà Nguyễn Thị Lài được chi trả vào ví Viettel Money" in ask(family.hoa_phone,
                                                                                         "LICH Lài").text


def test_hue_follow_ups_stay_on_the_person_and_the_question(family, ask):
    assert "bà Nguyễn Thị Lài" in ask(family.hoa_phone, "tiền của mệ Lài tháng ni về chưa").text
    later = ask(family.hoa_phone, "còn tháng trước?").text
    assert "tháng 10/2026 của bà Nguyễn Thị Lài: 750.000đ, đã chi trả" in later
    other = ask(family.hoa_phone, "còn cháu Bin?").text
    assert "tháng 10/2026 của cháu Lê Văn Bin" in other or "cháu Lê Văn Bin" in other


def test_registration_keyword_with_a_year(family, ask):
    assert "…5678" in ask("4242", "DK BT0001 1952", channel="telegram").text


def test_a_stranger_still_learns_how_to_withdraw_and_who_qualifies(family, ask):
    assert "Viettel Money" in ask(family.stranger_phone, "rút tiền răng").text
    assert "UBND" in ask(family.stranger_phone, "ai được hưởng trợ cấp").text


def test_chat_buttons_parse_back_to_the_same_question(family, ask, sessions):
    from core.models import Beneficiary
    from tests.unit.factories import link, make_person

    with sessions.begin() as session:
        for chat in ("551", "552", "553"):
            person = make_person(session, chat, kind="telegram")
            link(session, person, session.get(Beneficiary, family.lai))
            link(session, person, session.get(Beneficiary, family.bin))
    for chat, question, words in (("551", "TC", "chi trả không thành công"),
                                  ("552", "LICH", "thường trong 10 ngày đầu tháng"),
                                  ("553", "LS", "Các kỳ chi trả của cháu Lê Văn Bin")):
        reply = ask(chat, question, channel="telegram")
        button = next(c for c in reply.choices if "Bin" in c.label)
        answer = ask(chat, button.value, channel="telegram").text
        assert words in answer and "Lài" not in answer
        assert "cháu Lê Văn Bin" in ask(chat, "tháng trước thì răng", channel="telegram").text  # stays on Bin


@pytest.mark.parametrize("text", ["lịch sử", "Lich su nhan tien", "LICH SU"])
def test_lich_su_is_history_not_the_lich_keyword(family, ask, text):
    reply = ask(family.lai_phone, text).text
    assert "10/2026" in reply and "Nhà văn hóa" not in reply
