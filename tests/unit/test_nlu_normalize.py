"""How messages are read before any rule: teencode, Huế words, diacritics that change the word,
typos, with the intent each reading leads to."""
from __future__ import annotations

from datetime import date

import pytest

from core.nlu import _NORMALIZER, parse

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("text, tokens", [
    ("Tiền vô tk chưa rứa", "tien vao tai khoan chua vay"),
    ("răng tháng ni ít tiền rứa", "sao thang nay it tien vay"),
    ("Chừ lãnh tiền ở mô", "bay gio nhan tien o dau"),
    ("ko dc j het", "khong duoc gi het"),
    ("bn tien 1 thang z", "bao nhieu tien # thang vay"),
    ("được bao nhiêu", "duoc bao nhieu"),
    ("được nhiêu", "duoc bao nhieu"),
    ("mở tài khoản", "mo tai khoan"),
    ("lãnh đạo xã", "lanh dao xa"),
    ("tiennnnn thanggg", "tien thang"),
    ("bưu điện", "buu dien"),
    ("làm chi rứa", "lam gi vay"),
    ("chi trả", "chi tra"),
    ("dk nhận tin", "dang ky nhan tin"),
    ("có dk không", "co duoc khong"),
    ("ngân hàng", "ngan hang"),
    ("500 ngàn", "# nghin"),
    ("750.000đ", "# dong"),
    ("dùng như thế nào", "dung the nao"),
    ("dừng dịch vụ", "ngung dich vu"),
    ("thnag nay", "thang nay"),
    ("tieenf", "tien"),
    ("Đổi sang teng Anh", "doi sang tieng anh"),
    ("Đổi sang têng Anh", "doi sang teng anh"),  # typed with marks: taken as written
    ("lam lai CCCD", "lam lai cccd"),  # a known abbreviation keeps its doubled letters
    ("Show me all payments", "show me all payments"),  # so do English words
    ("has it been sent", "has it been sent"),
    ("hellooo", "helo"),  # an unknown word is still collapsed (as the rules are)
    ("ko muon nhan tb nua", "khong muon nhan thong bao nua"),
    ("năm trăm ngàn", "nam tram nghin"),  # "ngàn" after a number written as words
    ("mạ nỏ nhớ", "ma khong nho"),  # Huế "nỏ"
    ("hi bn", "hi ban"),  # after a hello, "bn" is "bạn"
    ("bn tien", "bao nhieu tien"),
    ("ngày mai có chi tiền không", "ngay mai co chi tien khong"),  # paying out, not Huế "có chi" (có gì)
    ("có chi không o", "co gi khong o"),
    ("ho noi da chi roi", "ho noi da chi roi"),  # "đã chi rồi": already paid out
])
def test_reading(text, tokens):
    assert " ".join(_NORMALIZER.normalize(text).tokens) == tokens


@pytest.mark.parametrize("text, intent", [
    ("tien ve tk chua z", "payment_status"),
    ("Tiền t10 về chưa ad", "payment_status"),
    ("Mệ tui lãnh tiền chưa o", "payment_status"),
    ("bao nieu tien 1 thang", "payment_amount"),
    ("hung dan su dung", "help"),
    ("chuyen sang teng anh", "change_language"),
    ("Ko muon nhan tin nua", "stop"),
    ("khieu nai", "complaint"),
    ("kheu nai", "complaint"),
    ("DỪNG", "stop"),
    ("Đúng", "unknown"),
    ("So dien thai can bo xa", "contact_officer"),
    ("Ôn tui mất rồi", "report_change"),
    ("Ông tui đi rồi o ạ", "report_change"),
    ("Chừ lãnh tiền ở mô o", "payment_schedule"),
    ("hỏi nhiều quá, cám ơn nhìu nghe", "thanks"),
    ("ko muon nhan tb nua", "stop"),
    ("lam lai CCCD o dau", "unknown"),
    ("Has my mother's payment for October been sent?", "payment_status"),
    ("Show me all payments from last year", "payment_history"),
])
def test_intent_after_reading(text, intent):
    assert parse(text, TODAY).intent == intent
