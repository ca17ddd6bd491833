"""Whatever arrives (empty, huge, emoji, control characters, any Unicode), parse answers with a
valid intent and well-formed slots and never raises."""
from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nlu import INTENTS, Parse, parse

TODAY = date(2026, 11, 26)
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _well_formed(result: Parse) -> None:
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.slots.items())
    if "period" in result.slots:
        assert PERIOD.fullmatch(result.slots["period"])
    if "phone" in result.slots:
        assert re.fullmatch(r"\+84\d{9,10}", result.slots["phone"])


@pytest.mark.parametrize("text, intent", [
    ("", "unknown"),
    ("   ", "unknown"),
    ("\x00\x01\x02\x1b[31m", "unknown"),
    ("😀😀😀", "unknown"),
    ("🙏🙏 cảm ơn 🙏", "thanks"),
    ("????", "help"),  # question marks alone ask what this number does (two blind writers: help)
    ("\u200b\u200d\ufeff", "unknown"),
    ("Tiền\u00a0tháng\u00a0này\u00a0về\u00a0chưa", "payment_status"),
    ("Tiền tháng này về chưa\r\n", "payment_status"),
    ("TIỀN THÁNG NÀY VỀ CHƯA!!!!!!!", "payment_status"),
    ("tiennnnn thanggg nayyy veee chuaaaa", "payment_status"),
    ("ᴛɪềɴ ᴠề ᴄʜưᴀ", "unknown"),
    ("Тест кириллица", "unknown"),
    ("中文消息", "unknown"),
])
def test_odd_input_gets_a_sensible_answer(text, intent):
    result = parse(text, TODAY)
    _well_formed(result)
    assert result.intent == intent


def test_a_ten_thousand_character_message():
    for text in ("a" * 10_000, "tiền tháng này về chưa " * 500, "🙂" * 10_000, "1" * 10_000,
                 "tháng 1 " * 1250):
        _well_formed(parse(text, TODAY))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_parsed_without_error(text):
    _well_formed(parse(text, TODAY))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["tiền", "tháng", "10", "ni", "về", "chưa", "DK", "HUY", "/", "2026", "-",
                                 "0912345678",
                                 "mệ", "rứa", "hủy", "đăng", "ký", "BT4600001", "1948", "t", ".", "năm",
                                 "sau"]),
                max_size=12))
def test_any_jumble_of_domain_words_is_parsed_without_error(words):
    _well_formed(parse(" ".join(words), TODAY))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["TC", "tc", "LICH", "LS", "DK", "HUY", "GIUP", "EN", "TC10"]),
       st.lists(st.sampled_from(["1", "6", "12", "13", "0", "4600123", "2026", "10/2026", "tháng", "thang",
                                 "năm", "ngay",
                                 "nay", "trước", "cho", "ba", "Cúc", ",", "t11", "BT4600001", "1941",
                                 "12/03/1941"]),
                max_size=6))
def test_any_keyword_with_any_words_after_it_is_parsed_without_error(keyword, words):
    _well_formed(parse(" ".join([keyword, *words]), TODAY))


def test_non_string_input_does_not_raise():
    _well_formed(parse(None, TODAY))  # type: ignore[arg-type]
