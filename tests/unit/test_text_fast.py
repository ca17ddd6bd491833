"""The table-driven folding must give exactly what the character-loop definition gives."""
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from core import vietnamese_text as t

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
    + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
MARKS = "\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b"
OTHER = " \n\t.,;:!?-–—‘’“”…×•·₫«»\u00a00123456789@£$€{}[]~|^\\ßÆæØøÅåÄÖÑÜäöñüÇ" + "\x00\x07\x7f"
vietnamese_text = st.text(alphabet=st.sampled_from(VIETNAMESE + MARKS + OTHER), max_size=200)


def loop_ascii(text: str) -> str:
    stripped = t._strip_slow(text).translate(t._GSM7_SUBSTITUTES)
    return "".join(ch if 32 <= ord(ch) < 127 or ch == "\n" else "?" for ch in stripped)


def loop_gsm7(text: str) -> str:
    stripped = t._strip_slow(text).translate(t._GSM7_SUBSTITUTES)
    return "".join(ch if ch in t.GSM7_BASIC or ch in t.GSM7_EXTENDED else "?" for ch in stripped)


@settings(max_examples=400)
@given(vietnamese_text)
def test_tables_match_the_definitions_on_vietnamese(text):
    for form in (text, unicodedata.normalize("NFD", text), unicodedata.normalize("NFC", text)):
        assert t.strip_diacritics(form) == t._strip_slow(form)
        assert t.to_ascii(form) == loop_ascii(form)
        assert t.to_gsm7(form) == loop_gsm7(form)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_tables_match_the_definitions_on_any_text(text):
    assert t.strip_diacritics(text) == t._strip_slow(text)
    assert t.to_ascii(text) == loop_ascii(text)


def test_examples():
    assert t.to_ascii("Tiền tháng ni đã về – “750.000₫”…") == 'Tien thang ni da ve - "750.000d"...'
    assert t.strip_diacritics("Đồng Hới, Huế") == "Dong Hoi, Hue"
    assert t.to_gsm7("Bà Nguyễn Thị Lài: 750.000đ") == "Ba Nguyen Thi Lai: 750.000d"


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(VIETNAMESE + OTHER), max_size=500))
def test_sms_size_matches_the_septet_count(text):
    gsm = all(ch in t.GSM7_BASIC or ch in t.GSM7_EXTENDED for ch in text)
    assert t.is_gsm7(text) == gsm
    if gsm:
        assert t.sms_size(text).characters == sum(2 if ch in t.GSM7_EXTENDED else 1 for ch in text)


def test_tables_stop_growing_at_their_limit():
    table = t._CharTable(t._ascii_char)
    table.LIMIT = 10
    assert "".join(chr(0x4E00 + i) for i in range(50)).translate(table) == "?" * 50
    assert len(table) == 10


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_fold_of_ascii_text_is_the_general_fold(text):
    general = t._WS.sub(" ", t._strip_slow(unicodedata.normalize("NFC", text)).lower()).strip()
    assert t.fold(text) == general
