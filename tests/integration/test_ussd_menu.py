"""The USSD menu as a state machine (core.presenters.ussd_menu), without the web: limits on every screen,
navigation, replay of a lost position, registration by one-time code, complaints, languages."""
from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select

from core.models import Complaint, Contact, OtpChallenge, OutboxMessage, Person
from core.presenters.ussd_flows import parse_birth
from core.conversation.dialog import Dialog
from core.conversation.inbound_reply import SESSION_END, Inbound
from core.presenters.ussd_menu import latest_inbound, path_inbound
from core.storage.state import MemoryStateStore
from tests.support.ussd_factories import (
    HUNG_PHONE,
    LAI_AMOUNT_VI,
    LAI_PHONE,
    QUANG_PHONE,
    STRANGER_PHONE,
    THO_PHONE,
    build_world,
)

PHONES = [LAI_PHONE, THO_PHONE, QUANG_PHONE, HUNG_PHONE, STRANGER_PHONE]
INPUTS = ["", "0", "00", "1", "2", "3", "4", "5", "6", "7", "8", "9", "99", "#", "abc", "BT4600001",
          "12031951",
          "1951", "123456", "9" * 500, "ắ", "1*2"]


class Dialled:
    """A caller on the menu, through the conversation's one entry (Dialog.answer)."""

    def __init__(self, sessions, clock, settings, state):
        self.dialog = Dialog(sessions, clock, settings, state)

    def answer_path(self, session_id: str, phone: str, text: str):
        [reply] = self.dialog.answer(path_inbound(session_id, phone, text)).replies
        return reply

    def answer_latest(self, session_id: str, phone: str, latest: str):
        [reply] = self.dialog.answer(latest_inbound(session_id, phone, latest)).replies
        return reply


@pytest.fixture
def world(sessions):
    return build_world(sessions)


@pytest.fixture
def menu(sessions, clock, settings):
    return Dialled(sessions, clock, settings, MemoryStateStore(clock))


@pytest.mark.parametrize("typed, expected", [
    ("1951", "1951"), ("12031951", "1951-03-12"), ("12/03/1951", "1951-03-12"), ("2.2.1940", "1940-02-02"),
    ("31021951", None), ("195", None), ("abc", None), ("", None), ("1851", None), ("99999999", None),
])
def test_birth_as_typed_on_a_keypad(typed, expected):
    assert parse_birth(typed) == expected


def test_every_screen_of_random_walks_fits_and_is_ascii(menu, world):
    rng = random.Random(46)
    for walk in range(40):
        phone = PHONES[walk % len(PHONES)]
        session_id = f"walk-{walk}"
        menu.answer_latest(session_id, phone, "")
        for _ in range(12):
            reply = menu.answer_latest(session_id, phone, rng.choice(INPUTS))
            assert len(reply.text) <= 178 and reply.text.isascii(), reply.text


def test_unicode_screens_keep_diacritics_within_80(sessions, clock, settings, world):
    menu = Dialled(sessions, clock, settings.with_(ussd_unicode=True), MemoryStateStore(clock))
    for path in ("", "1", "2", "3", "4", "4*9", "6", "6*2"):
        reply = menu.answer_path(f"u-{path}", LAI_PHONE, path)
        assert len(reply.text) <= 76, reply.text
    assert "Lài" in menu.answer_path("u-x", LAI_PHONE, "1").text


def test_a_lost_position_is_replayed_from_the_path(sessions, clock, settings, world):
    kept = Dialled(sessions, clock, settings, MemoryStateStore(clock))
    for path in ("", "4", "4*9"):
        stepwise = kept.answer_path("same", LAI_PHONE, path)
    forgetful = Dialled(sessions, clock, settings, MemoryStateStore(clock))
    assert forgetful.answer_path("other", LAI_PHONE, "4*9").text == stepwise.text


def test_english_speaker_gets_english_screens(menu, world, sessions):
    with sessions.begin() as session:
        person = session.scalar(select(Person).where(Person.name == "Hồ Văn Thọ"))
        person.language = "en"
    assert "1 This month's money" in menu.answer_path("en", THO_PHONE, "").text


def test_removed_contact_falls_back_to_the_start(menu, world, sessions):
    menu.answer_latest("rm", QUANG_PHONE, "")
    assert "Tran Thi Sen" in menu.answer_latest("rm", QUANG_PHONE, "2").text
    with sessions.begin() as session:
        for contact in session.scalars(select(Contact).where(Contact.beneficiary_id == world.sen.id)):
            session.delete(contact)
    reply = menu.answer_latest("rm", QUANG_PHONE, "1")
    assert "Tran Thi Sen" not in reply.text and "Phan Van Loc" in reply.text


def _code_sent_to(sessions, phone: str) -> str:
    with sessions() as session:
        text = session.scalars(select(OutboxMessage.text).where(OutboxMessage.address == phone,
                                                                OutboxMessage.kind == "otp")
                               .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_stranger_registers_with_code_birth_and_one_time_code(menu, world, sessions):
    sid = "reg"
    assert "2 Dang ky" in menu.answer_latest(sid, STRANGER_PHONE, "").text
    assert "ma doi tuong" in menu.answer_latest(sid, STRANGER_PHONE, "2").text
    assert "Nhap ngay sinh" in menu.answer_latest(sid, STRANGER_PHONE, "bt4600002").text
    assert "Ngay sinh chua dung" in menu.answer_latest(sid, STRANGER_PHONE, "1999-99").text
    sent = menu.answer_latest(sid, STRANGER_PHONE, "1939").text
    assert "...8345" in sent  # Thọ's own phone on file gets the code, masked here
    assert "con 4 lan" in menu.answer_latest(sid, STRANGER_PHONE, "000000").text
    assert "6 so" in menu.answer_latest(sid, STRANGER_PHONE, "12").text
    done = menu.answer_latest(sid, STRANGER_PHONE, _code_sent_to(sessions, THO_PHONE)).text
    assert "Ho Van Tho" in done
    menu_after = menu.answer_latest(sid, STRANGER_PHONE, "0").text
    assert "1 Tien thang nay" in menu_after
    assert "500.000" in menu.answer_latest(sid, STRANGER_PHONE, "1").text


def test_wrong_birth_gets_the_neutral_answer_and_no_code(menu, world, sessions):
    reply = menu.answer_path("neutral", STRANGER_PHONE, "2*BT4600002*1940")
    other = menu.answer_path("neutral-2", STRANGER_PHONE, "2*NOSUCHCODE*1939")
    assert reply.text == other.text  # nobody can tell which codes exist
    with sessions() as session:
        assert session.scalar(select(OtpChallenge)) is None and session.scalar(select(OutboxMessage)) is None


def test_complaint_from_the_menu_becomes_a_ticket(menu, world, sessions):
    reply = menu.answer_path("c", LAI_PHONE, "6*2*1")
    with sessions() as session:
        ticket = session.scalar(select(Complaint))
    assert (
        ticket.category == "not_received"
        and ticket.beneficiary_id == world.lai.id
        and ticket.channel == "ussd"
    )
    assert ticket.number in reply.text


def test_stranger_never_hears_an_amount(menu, world):
    for path in ("", "1", "1*9", "2", "3", "4", "5", "6", "1*0*3"):
        text = menu.answer_path(f"s-{path}", STRANGER_PHONE, path).text
        assert LAI_AMOUNT_VI not in text and "500.000d" not in text


def test_the_end_of_a_session_forgets_its_position(menu, world):
    start = menu.answer_latest("ended", LAI_PHONE, "").text
    assert menu.answer_latest("ended", LAI_PHONE, "0").text != start  # a position is kept: "0" is no start
    ended = menu.dialog.answer(Inbound(channel="ussd", sender=LAI_PHONE, text="", session_id="ended",
                                       event=SESSION_END))
    assert ended.replies[0].end_session
    assert menu.answer_latest("ended", LAI_PHONE, "1").text == menu.answer_latest("fresh", LAI_PHONE, "").text
