"""Messages that other parts of AnSinh found misread, kept as a regression table."""
from datetime import date

import pytest

from core.nlu import parse

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("text, intent, slots", [
    ("có người gọi hỏi mã OTP", "complaint", {}),
    ("co nguoi la goi xin ma otp", "complaint", {}),
    ("tiền của ông Tài tháng ni", "payment_status", {"period": "2026-11"}),
    ("tiền mệ Lài tháng 10", "payment_status", {"period": "2026-10"}),
    ("tiền già tháng ni răng chưa thấy", "payment_status", {"period": "2026-11"}),
    ("why so little", "payment_amount", {}),
    ("TC BT4600001", "payment_status", {"beneficiary_code": "BT4600001"}),
    ("tc bt4600001 10", "payment_status", {"beneficiary_code": "BT4600001", "period": "2026-10"}),
    ("LICH BT4600002", "payment_schedule", {"beneficiary_code": "BT4600002"}),
    ("DK BT0001 1952", "register", {"beneficiary_code": "BT0001", "dob": "1952"}),
    ("lịch sử", "payment_history", {}),
])
def test_reported_messages(text, intent, slots):
    parsed = parse(text, TODAY)
    assert parsed.intent == intent
    assert {k: v for k, v in parsed.slots.items() if k in slots or k == "period"} == slots
