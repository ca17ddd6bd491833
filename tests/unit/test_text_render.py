"""Diacritics, GSM-7 and the segment counter shared by core, console preview and tests."""
import pytest

from core.conversation.render import fit_sms, render_for_channel
from core.settings import Settings
from core.vietnamese_text import fold, is_gsm7, sms_size, strip_diacritics, to_gsm7

NFD_LAI = "Nguye\u0302\u0303n Thi\u0323 La\u0300i"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tiền tháng ni có chưa rứa?", "tien thang ni co chua rua?"),
        ("ĐÃ CHI TRẢ", "da chi tra"),
        (NFD_LAI, "nguyen thi lai"),
        ("  nhiều   khoảng trắng ", "nhieu khoang trang"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_strip_diacritics_keeps_case_and_maps_d():
    assert strip_diacritics("Đã chuyển vào ví") == "Da chuyen vao vi"


@pytest.mark.parametrize(
    "text, encoding, chars, segments",
    [
        ("", "GSM-7", 0, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),
        ("ă" * 70, "UCS-2", 70, 1),
        ("ă" * 71, "UCS-2", 71, 2),
        ("ă" * 134, "UCS-2", 134, 2),
        ("ă" * 135, "UCS-2", 135, 3),
        ("😀", "UCS-2", 2, 1),
    ],
)
def test_sms_size(text, encoding, chars, segments):
    size = sms_size(text)
    assert (size.encoding, size.characters, size.segments) == (encoding, chars, segments)


def test_gsm7_rendering_of_vietnamese_is_gsm7():
    text = "Tiền trợ cấp tháng 11/2026 của bà Nguyễn Thị Lài: 750.000đ – đã chi trả “ví”."
    rendered = to_gsm7(text)
    assert is_gsm7(rendered)
    assert rendered.startswith("Tien tro cap thang 11/2026 cua ba Nguyen Thi Lai: 750.000d - da chi tra")


def test_fit_sms_cuts_to_three_segments_at_a_word():
    text = " ".join(["chi tra"] * 200)
    cut = fit_sms(text, 3)
    assert sms_size(cut).segments == 3
    assert cut.endswith("...") and not cut.endswith(" ...")


def test_render_for_channel_limits():
    settings = Settings()
    long_vi = "Tiền trợ cấp của bà đã chi trả. " * 40
    sms = render_for_channel(long_vi, "sms", settings)
    assert is_gsm7(sms) and sms_size(sms).segments <= 3
    ucs2 = render_for_channel(long_vi, "sms", settings.with_(sms_encoding="ucs2"))
    assert "Tiền" in ucs2 and sms_size(ucs2).segments <= 3
    ussd = render_for_channel(long_vi, "ussd", settings)
    assert len(ussd) <= 182 and ussd.isascii()
    assert render_for_channel(long_vi, "zalo", settings) == long_vi
