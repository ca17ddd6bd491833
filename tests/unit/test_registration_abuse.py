"""Enumerating beneficiary codes or birth years yields nothing, is slowed, then blocked."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.conversation.dialog import Dialog
from core.conversation.inbound_reply import Inbound
from core.models import OtpChallenge
from core.storage.state import MemoryStateStore
from tests.unit.factories import build_family


@pytest.fixture
def ask(sessions, clock, settings):
    with sessions.begin() as session:
        build_family(session)
    dialog = Dialog(sessions, clock, settings, MemoryStateStore(clock))
    return lambda sender, text, channel="sms": dialog.handle(Inbound(channel=channel, sender=sender,
                                                                     text=text))[0].text


def _codes_sent(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(OtpChallenge))


def test_guessing_birth_years_from_one_phone_is_slowed(ask, sessions):
    replies = [ask("+84911000000", f"DK BT0001 {year}") for year in range(1940, 1946)]
    assert all("chưa khớp" in r for r in replies[:3])  # wrong years: the same neutral answer
    assert all("Xin chờ 1 phút" in r for r in replies[3:])
    # Even the right year is refused while slowed, so a guess cannot be confirmed.
    assert "Xin chờ" in ask("+84911000000", "DK BT0001 15/03/1952")
    assert _codes_sent(sessions) == 0


def test_one_code_tried_from_many_chats_is_slowed_too(ask, sessions):
    replies = [ask(str(7000 + n), "DK BT0001 1930", channel="telegram") for n in range(6)]
    assert sum("chưa khớp" in r for r in replies) == 5
    assert "Xin chờ" in replies[-1]


def test_the_owner_still_registers_when_nobody_is_guessing(ask, sessions):
    assert "…5678" in ask("4242", "DK BT0001 1952", channel="telegram")
    assert _codes_sent(sessions) == 1
