"""Small wire details of the chat channels: buttons carried in outbox text, Zalo's signature."""
from __future__ import annotations

import hashlib

import pytest

from bot.keyboards import (
    MARK,
    choices_markup,
    menu_markup,
    pack,
    plain_text,
    to_telegram,
    unpack,
)
from bot.zalo import signature_ok
from core.conversation.inbound_reply import Choice
from core.settings import Settings


def test_buttons_survive_the_outbox_and_plain_text_stays_plain():
    markup = menu_markup("vi", with_contact=True)
    stored = pack("Xin chào", markup)
    assert unpack(stored) == ("Xin chào", markup)
    assert unpack("Xin chào") == ("Xin chào", None)
    assert pack("Xin chào", None) == "Xin chào"
    assert unpack("Xin chào" + MARK + "{not json") == ("Xin chào", None)


def test_choices_become_inline_buttons_on_telegram_and_lines_on_zalo():
    stored = pack("Ông/bà hỏi về ai?", choices_markup((Choice("Mẹ Lài", "1"), Choice("Ôn Hùng", "2"))))
    text, markup = unpack(stored)
    inline = to_telegram(markup).to_dict()["inline_keyboard"]
    assert [[b["text"], b["callback_data"]] for row in inline for b in row] == [["Mẹ Lài", "1"],
                                                                                ["Ôn Hùng", "2"]]
    assert plain_text(stored) == "Ông/bà hỏi về ai?\n- Mẹ Lài\n- Ôn Hùng"


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
