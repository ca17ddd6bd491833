"""Small wire details of the chat channels: buttons carried in the outbox, Zalo's signature."""
from __future__ import annotations

import hashlib

import pytest

from sqlalchemy import select

from bot.keyboards import choices_markup, menu_markup, plain_text, to_telegram
from bot.zalo import signature_ok
from core.conversation.inbound_reply import Choice
from core.models import OutboxMessage
from core.outbox.writes import enqueue
from core.settings import Settings


def test_buttons_survive_the_outbox_and_plain_text_stays_plain(sessions):
    markup = menu_markup("vi", with_contact=True)
    with sessions.begin() as session:
        enqueue(session, channel="telegram", address="555", text="Xin chào", buttons=markup, kind="reply",
                key="k:0")
        enqueue(session, channel="telegram", address="555", text="Xin chào", kind="reply", key="k:1")
    with sessions() as session:
        rows = session.execute(select(OutboxMessage.text, OutboxMessage.buttons)
                               .order_by(OutboxMessage.id)).all()
    assert [tuple(row) for row in rows] == [("Xin chào", markup), ("Xin chào", None)]


def test_choices_become_inline_buttons_on_telegram_and_lines_on_zalo():
    markup = choices_markup((Choice("Mẹ Lài", "1"), Choice("Ôn Hùng", "2")))
    inline = to_telegram(markup).to_dict()["inline_keyboard"]
    assert [[b["text"], b["callback_data"]] for row in inline for b in row] == [["Mẹ Lài", "1"],
                                                                                ["Ôn Hùng", "2"]]
    assert plain_text("Ông/bà hỏi về ai?", markup) == "Ông/bà hỏi về ai?\n- Mẹ Lài\n- Ôn Hùng"
    assert plain_text("Xin chào", None) == "Xin chào"


def test_the_menu_is_large_and_persistent_with_the_contact_button_last():
    keyboard = to_telegram(menu_markup("en", with_contact=True)).to_dict()
    rows = [[b["text"] for b in row] for row in keyboard["keyboard"]]
    assert rows == [["This month's money"], ["Payment schedule", "Amount"], ["History", "Contact an officer"],
                    ["Share my phone number"]]
    assert keyboard["is_persistent"] is True and keyboard["resize_keyboard"] is False
    assert keyboard["keyboard"][-1][0]["request_contact"] is True


SETTINGS = Settings(zalo_app_id="app1", zalo_oa_secret_key="secret1")
BODY = b'{"event_name":"follow","timestamp":"1700000000000"}'
GOOD = hashlib.sha256(b"app1" + BODY + b"1700000000000" + b"secret1").hexdigest()
BAD = GOOD[:-1] + ("e" if GOOD[-1] != "e" else "f")


@pytest.mark.parametrize("header, ok", [
    (f"mac={GOOD}", True), (GOOD, True), (GOOD.upper(), True), (f"mac={BAD}", False), ("", False),
    (None, False),
])
def test_zalo_signature(header, ok):
    assert signature_ok(SETTINGS, BODY, {"timestamp": "1700000000000"}, header) is ok


def test_zalo_signature_needs_configured_keys():
    assert not signature_ok(Settings(), BODY, {"timestamp": "1700000000000"}, GOOD)


def test_inline_button_data_fits_telegrams_64_bytes():
    value = "TC " + "Nguyễn Thị Lài " * 6
    inline = to_telegram(choices_markup((Choice("Mẹ Lài", value),))).to_dict()["inline_keyboard"]
    data = inline[0][0]["callback_data"]
    assert len(data.encode("utf-8")) <= 64 and value.startswith(data)
