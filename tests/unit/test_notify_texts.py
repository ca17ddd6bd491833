"""Every notification, in both languages and both SMS encodings, fits 3 SMS segments after
rendering, and the sentence saying whom to call survives (the advice goes first when it must)."""
from __future__ import annotations

from datetime import date

import pytest

from core.i18n import Translator
from core.answers.cash_days import CashSlot
from core.models import Beneficiary, Payment, Unit
from core.notify.queue import compose
from core.notify.sentences import payment_text, receipt_question, reminder_text, schedule_text
from core.notify.phrases import who
from core.conversation.render import render_for_channel
from core.settings import Settings
from core.vietnamese_text import sms_size

TODAY = date(2026, 11, 26)
HOTLINE = "1900 0000"
LONG_NOTE = "Tài khoản không tồn tại hoặc đã bị đóng do quá hạn không giao dịch trên mười hai tháng liên tục"


def _beneficiary(**changes) -> Beneficiary:
    values = {"code": "HUE-0001", "full_name": "Tôn Nữ Thị Hoàng Phương Thảo", "gender": "nu",
              "birth_date": date(1941, 3, 12),
                  "unit_code": "19786", "method": "ewallet", "provider": "Viettel Money",
              "account_last4": "1234"}
    return Beneficiary(**{**values, **changes})


def _payment(**changes) -> Payment:
    values = {"period": "2026-11", "amount": 1_250_000, "status": "paid", "method": "ewallet",
              "provider": "Viettel Money",
                  "paid_on": date(2026, 11, 5), "note": LONG_NOTE}
    return Payment(**{**values, **changes})


UNIT = Unit(code="19786", name="Phường Thuận Hóa", kind="phuong", officer_name="Nguyễn Phước Bửu Long",
            officer_phone="+842343822123")
SCHEDULE = CashSlot(id=1, unit_code="19786", period="2026-12", start=date(2026, 12, 2), end=date(2026, 12, 4),
                    hours="7h30-11h00", place="Nhà văn hóa tổ dân phố 5, phường Thuận Hóa")
SECOND = CashSlot(id=2, unit_code="19786", period="2026-12", start=date(2026, 12, 5), end=date(2026, 12, 6),
                  hours="13h30-16h30", place="Bưu điện văn hóa phường Thuận Hóa")


def _messages(language: str, role: str):
    t = Translator(language)
    for status in ("paid", "failed", "returned", "on_hold"):
        for method in ("ewallet", "account", "cash"):
            yield status, payment_text(t, _payment(status=status, method=method),
                                       _beneficiary(method=method), UNIT,
                                       role, status, TODAY, HOTLINE)
    yield "schedule", schedule_text(t, (SCHEDULE,), _beneficiary(method="cash"), role, TODAY)
    yield "schedule", schedule_text(t, (SCHEDULE, SECOND), _beneficiary(method="cash"), role, TODAY)
    for on_the_day in (False, True):
        yield "reminder", reminder_text(t, SCHEDULE, _beneficiary(method="cash"), role, TODAY, on_the_day)
    yield "question", receipt_question(t, _payment(), _beneficiary(), role, TODAY)


@pytest.mark.parametrize("encoding", ["gsm7", "ucs2"])
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("role", ["self", "guardian"])
def test_every_message_fits_three_segments_and_keeps_whom_to_call(encoding, language, role):
    settings = Settings(sms_encoding=encoding)
    for kind, parts in _messages(language, role):
        text = render_for_channel(compose(parts, "sms", settings), "sms", settings)
        assert sms_size(text).segments <= 3, (kind, text)
        assert not text.endswith("..."), (kind, text)  # nothing had to be cut blindly
        if kind in ("failed", "returned", "on_hold"):
            assert HOTLINE in text, (kind, text)


def test_chat_channels_keep_the_advice_and_the_diacritics():
    parts = payment_text(Translator("vi"), _payment(status="failed", note="Tài khoản bị khóa"),
                         _beneficiary(), UNIT,
                         "guardian", "failed", TODAY, HOTLINE)
    text = compose(parts, "zalo", Settings())
    assert text == ("Tiền trợ cấp tháng 11/2026 của bà Tôn Nữ Thị Hoàng Phương Thảo (1.250.000đ) chưa chi "
                    "trả được: "
                    "Tài khoản bị khóa. Xin mang CCCD đến đơn vị chi trả để mở khóa tài khoản. "
                    "Xin gọi cán bộ Nguyễn Phước Bửu Long (02343822123) hoặc tổng đài 1900 0000.")


@pytest.mark.parametrize("changes, role, expected", [
    ({}, "self", "bà"),
    ({"gender": "nam"}, "self", "ông"),
    ({"gender": None}, "self", "ông/bà"),
    ({}, "guardian", "bà Tôn Nữ Thị Hoàng Phương Thảo"),
    ({"gender": "nam"}, "authorised", "ông Tôn Nữ Thị Hoàng Phương Thảo"),
    ({"gender": None}, "guardian", "ông/bà Tôn Nữ Thị Hoàng Phương Thảo"),
    ({"birth_date": date(2016, 5, 1)}, "guardian", "cháu Tôn Nữ Thị Hoàng Phương Thảo"),
    ({"birth_date": None, "birth_year": 2012}, "guardian", "cháu Tôn Nữ Thị Hoàng Phương Thảo"),
])
def test_whose_money_is_phrased_for_the_reader(changes, role, expected):
    assert who(Translator("vi"), _beneficiary(**changes), role, TODAY) == expected
